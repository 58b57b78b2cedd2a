//! The shell: sign-in with a bearer token (kept in sessionStorage), language, region and year (kept for the tab),
//! the menu by role, and hash routes (#/report, #/history?...) so every page is one request for `/`.
import type { JSX } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Api, ApiError, type Me, type RegionSummary } from './api';
import { checks, forgetUnanswered } from './form';
import type { Lang } from './format';
import { LangContext, WORDS, useWords, type Words } from './i18n';
import { ActionsPage } from './pages/Actions';
import { BudgetsPage } from './pages/Budgets';
import { FundingPage } from './pages/Funding';
import { HistoryPage } from './pages/History';
import { ProvenancePage } from './pages/Provenance';
import { ProvincePage } from './pages/Province';
import { ReportPage } from './pages/Report';
import { SettingsPage } from './pages/Settings';
import { SpendingPage } from './pages/Spending';
import { TrialBalancePage } from './pages/TrialBalance';
import { Message, apiErrorText, type Session } from './ui';

const TOKEN_KEY = 'budget.token';
/** The region last chosen in this tab, so a reload stays in it. */
const REGION_KEY = 'budget.region';
const YEAR_KEY = 'budget.year';
const LANG_KEY = 'budget.lang';

/** The pages there are (hash routes); what a token may use of them is `menu`'s. */
const PAGES = [
  'spending',
  'funding',
  'report',
  'trial-balance',
  'budgets',
  'actions',
  'settings',
  'history',
  'provenance',
  'province',
] as const;
type Page = (typeof PAGES)[number];

type Route = { page: string; params: URLSearchParams };

function readRoute(): Route {
  const hash = location.hash.replace(/^#\/?/, '');
  const [page = '', query = ''] = hash.split('?');
  return { page, params: new URLSearchParams(query) };
}

/** The route, and a way to go to another at once (the hashchange event that follows comes a moment later). */
function useRoute(): [Route, (hash: string) => void] {
  const [route, setRoute] = useState(readRoute);
  useEffect(() => {
    const onChange = (): void => {
      setRoute(readRoute());
    };
    addEventListener('hashchange', onChange);
    return () => {
      removeEventListener('hashchange', onChange);
    };
  }, []);
  const go = useCallback((hash: string) => {
    location.hash = hash;
    setRoute(readRoute());
  }, []);
  return [route, go];
}

/** The pages of a role: a form's page only for roles that may send its event types (CONTRACT section 8). */
function menu(me: Me, t: Words): { page: Page; label: string }[] {
  const items: { page: Page; label: string }[] = [];
  const writes = (type: string): boolean => me.writes.includes(type);
  if (writes('SpendingRecorded')) items.push({ page: 'spending', label: t.navSpending });
  if (writes('FundingCommitted')) items.push({ page: 'funding', label: t.navFunding });
  items.push({ page: 'report', label: t.navReport }, { page: 'trial-balance', label: t.navTrial });
  if (writes('BudgetSet')) items.push({ page: 'budgets', label: t.navBudgets });
  if (writes('ActionDefined')) items.push({ page: 'actions', label: t.navActions });
  if (writes('RegionConfigured') || writes('YearClosed'))
    items.push({ page: 'settings', label: t.navSettings });
  if (me.readsHistory) items.push({ page: 'history', label: t.navHistory });
  items.push({ page: 'province', label: t.navProvince });
  return items;
}

function SignIn({ onToken, failed }: { onToken: (token: string) => void; failed: boolean }): JSX.Element {
  const { t } = useWords();
  const [token, setToken] = useState('');
  return (
    <main id="main" class="sign-in">
      <h1>{t.signInTitle}</h1>
      <p>{t.signInIntro}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onToken(token.trim());
        }}
      >
        <div class="field">
          <label for="token">{t.token}</label>
          <input
            id="token"
            name="token"
            type="password"
            autoComplete="off"
            value={token}
            onInput={(e) => {
              setToken(e.currentTarget.value);
            }}
          />
        </div>
        <button type="submit" disabled={token.trim() === ''}>
          {t.signIn}
        </button>
      </form>
      {failed && <Message kind="error">{t.badToken}</Message>}
    </main>
  );
}

export function App(): JSX.Element {
  const [lang, setLang] = useState<Lang>(() => (localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'nl'));
  const [token, setToken] = useState<string | null>(() => sessionStorage.getItem(TOKEN_KEY));
  const [me, setMe] = useState<Me | undefined>();
  const [failed, setFailed] = useState(false);
  const [regions, setRegions] = useState<RegionSummary[] | undefined>();
  const [region, setRegion] = useState('');
  // The year chosen is kept for the tab, as the region is: a reload stays in it (and a form brought back after a
  // reload, see `useEventForm`, is for that year). Else the current year.
  const [year, setYear] = useState(() => {
    const kept = sessionStorage.getItem(YEAR_KEY);
    return kept !== null && /^\d{4}$/.test(kept) && checks.year(kept, WORDS.en) === undefined
      ? kept
      : String(Math.min(2100, Math.max(2000, new Date().getFullYear())));
  });
  // What is typed in the year field; the session keeps the last whole year from 2000 to 2100 meanwhile, so typing
  // "2025" does not unmount the page (and lose a form) at "2", "20" and "202".
  const [yearInput, setYearInput] = useState(year);
  /** A whole year chosen: shown, and kept for the tab at once (a reload right after must not lose it). */
  const chooseYear = (chosen: string): void => {
    setYear(chosen);
    sessionStorage.setItem(YEAR_KEY, chosen);
  };
  const [route, go] = useRoute();
  const words = useMemo(() => ({ lang, t: WORDS[lang] }), [lang]);
  const t = words.t;
  const yearTyped = checks.year(yearInput, t) === undefined;
  const api = useMemo(() => (token === null ? undefined : new Api(token)), [token]);

  useEffect(() => {
    document.documentElement.lang = lang;
    localStorage.setItem(LANG_KEY, lang);
  }, [lang]);

  useEffect(() => {
    if (api === undefined) return;
    api.json<Me>('/api/v1/me').then(
      (who) => {
        setMe(who);
        setFailed(false);
        sessionStorage.setItem(TOKEN_KEY, api.token);
      },
      (error: unknown) => {
        if (error instanceof ApiError && error.status === 401) {
          sessionStorage.removeItem(TOKEN_KEY);
          setToken(null);
          setFailed(true);
        }
      },
    );
  }, [api]);

  // The regions the token may see; read again after a region is configured.
  const [regionsRound, setRegionsRound] = useState(0);
  // The failure itself, put in words when shown (in the language of that moment).
  const [regionsError, setRegionsError] = useState<unknown>();
  const signedIn = me !== undefined;
  useEffect(() => {
    if (api === undefined || !signedIn) return;
    setRegionsError(undefined);
    api.json<RegionSummary[]>('/api/v1/regions').then(
      (list) => {
        setRegions(list);
        setRegion((r) => {
          if (r !== '' && list.some((x) => x.region === r)) return r;
          const kept = sessionStorage.getItem(REGION_KEY);
          return kept !== null && list.some((x) => x.region === kept) ? kept : (list[0]?.region ?? '');
        });
      },
      (error: unknown) => {
        // Said, with a way to try again (the store busy, the services behind): not "loading" for good.
        setRegionsError(error ?? new Error('no answer'));
      },
    );
  }, [api, signedIn, regionsRound]);

  useEffect(() => {
    const wanted = route.params.get('region');
    if (wanted !== null && regions?.some((r) => r.region === wanted) === true) setRegion(wanted);
    const wantedYear = route.params.get('year');
    if (wantedYear !== null) {
      // A year out of range in a link (?year=1999) shows in the year field with its error, as if typed there; the
      // page stays on the last whole year.
      setYearInput(wantedYear);
      if (checks.year(wantedYear, t) === undefined) chooseYear(wantedYear);
    }
  }, [route, regions]);

  useEffect(() => {
    if (region !== '') sessionStorage.setItem(REGION_KEY, region);
  }, [region]);

  // The page is remounted when the region changes, so nothing of one region's page stays in another's; but not
  // when the first region appears (configured on this very page): its result must stay on screen. Worked out
  // during the render, so the new region never reaches the old page; it depends only on the region rendered, so
  // a render done again gives the same key.
  const pageKey = useRef({ region: '', key: 0 });
  if (pageKey.current.region !== region) {
    if (pageKey.current.region !== '') pageKey.current.key += 1;
    pageKey.current.region = region;
  }

  const signOut = (): void => {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(REGION_KEY);
    sessionStorage.removeItem(YEAR_KEY);
    forgetUnanswered();
    setToken(null);
    setMe(undefined);
    setRegions(undefined);
  };

  const languageSwitch = (
    <div class="language" role="group" aria-label={t.language}>
      {(['nl', 'en'] as const).map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          aria-pressed={lang === l}
          onClick={() => {
            setLang(l);
          }}
        >
          {l === 'nl' ? 'Nederlands' : 'English'}
        </button>
      ))}
    </div>
  );

  if (api === undefined || me === undefined) {
    return (
      <LangContext.Provider value={words}>
        <header class="top">
          <span class="brand">{t.appName}</span>
          {languageSwitch}
        </header>
        {api === undefined ? (
          <SignIn onToken={setToken} failed={failed} />
        ) : (
          <main id="main">
            <p role="status">{t.loading}</p>
          </main>
        )}
      </LangContext.Provider>
    );
  }

  const items = menu(me, t);
  // The pages this token may use: its menu, and the events behind a figure for those who read history.
  const allowedPages = new Set<Page>([
    ...items.map((i) => i.page),
    ...(me.readsHistory ? (['provenance'] as const) : []),
  ]);
  const defaultPage: Page = me.writes.includes('SpendingRecorded') ? 'spending' : 'report';
  const page = (route.page === '' ? defaultPage : route.page) as Page;
  const yearNumber = /^\d{4}$/.test(year) ? Number(year) : undefined;
  // With no region yet, only the page that configures one has something to do.
  // Not before the regions are known: region '' then means only "this token has no region yet".
  const session: Session | undefined =
    regions === undefined || (region === '' && page !== 'settings') || yearNumber === undefined
      ? undefined
      : {
          api,
          region,
          year: yearNumber,
          readsHistory: me.readsHistory,
          writes: me.writes,
          actor: me.name,
          reloadRegions: () => {
            setRegionsRound((n) => n + 1);
          },
        };

  return (
    <LangContext.Provider value={words}>
      <a class="skip" href="#main">
        {t.skipToContent}
      </a>
      <header class="top">
        <span class="brand">{t.appName}</span>
        <span class="who">
          {t.signedInAs} <strong>{me.name}</strong> ({me.role})
        </span>
        {languageSwitch}
        <button type="button" onClick={signOut}>
          {t.signOut}
        </button>
        <div class="context">
          <label for="region">{t.region}</label>
          <select
            id="region"
            value={region}
            onChange={(e) => {
              setRegion(e.currentTarget.value);
              // At once, not in an effect after the render: a reload right after the choice keeps it too.
              sessionStorage.setItem(REGION_KEY, e.currentTarget.value);
              // What the address holds (an as-of position, a figure's action or funder) belongs to the region left.
              // In the same render as the region, so the new region's page never sees the old address.
              if (location.hash.includes('?')) go(`#/${page}`);
            }}
          >
            {(regions ?? []).map((r) => (
              <option key={r.region} value={r.region}>
                {r.name === null || r.name === r.region ? r.region : `${r.name} (${r.region})`}
              </option>
            ))}
          </select>
          <label for="year">{t.year}</label>
          <input
            id="year"
            type="number"
            min={2000}
            max={2100}
            value={yearInput}
            aria-invalid={yearTyped ? undefined : true}
            aria-describedby={yearTyped ? undefined : 'year-error'}
            onInput={(e) => {
              const typed = e.currentTarget.value;
              setYearInput(typed);
              if (checks.year(typed, t) === undefined) chooseYear(typed);
            }}
          />
          {!yearTyped && (
            <span id="year-error" class="error" role="alert">
              {t.badYear} {t.yearShown} {year}.
            </span>
          )}
        </div>
      </header>
      <nav aria-label={t.navigation}>
        <ul>
          {items.map((item) => (
            <li key={item.page}>
              <a href={`#/${item.page}`} aria-current={page === item.page ? 'page' : undefined}>
                {item.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {regions === undefined && regionsError !== undefined ? (
          <>
            <Message kind="error">
              {t.regionsFailed} {apiErrorText(regionsError, t)}
            </Message>
            <button
              type="button"
              onClick={() => {
                setRegionsRound((n) => n + 1);
              }}
            >
              {t.retry}
            </button>
          </>
        ) : regions !== undefined && regions.length === 0 && page !== 'settings' ? (
          <p>{t.noRegions}</p>
        ) : session === undefined ? (
          <p role="status">{t.loading}</p>
        ) : (
          // Keyed by region: a page's state (a checked CSV, a chain check, an as-of position) belongs to one region
          // and must not survive a switch to another. A change of year keeps what is typed in a form (its result
          // message goes: `useEventForm`).
          <PageView
            key={pageKey.current.key}
            page={page}
            session={session}
            params={route.params}
            allowed={allowedPages}
          />
        )}
      </main>
    </LangContext.Provider>
  );
}

function PageView({
  page,
  session,
  params,
  allowed,
}: {
  page: Page;
  session: Session;
  params: URLSearchParams;
  allowed: ReadonlySet<Page>;
}): JSX.Element {
  // A page typed into the address that the role has no use for: said, rather than a form that is refused on submit.
  if (!allowed.has(page) && isPage(page)) return <NotForRole />;
  switch (page) {
    case 'spending':
      return <SpendingPage session={session} />;
    case 'report':
      return <ReportPage session={session} asOf={params.get('asOf') ?? ''} />;
    case 'trial-balance':
      return <TrialBalancePage session={session} />;
    case 'funding':
      return <FundingPage session={session} />;
    case 'budgets':
      return <BudgetsPage session={session} />;
    case 'actions':
      return <ActionsPage session={session} />;
    case 'settings':
      return <SettingsPage session={session} />;
    case 'history':
      return <HistoryPage session={session} />;
    case 'provenance':
      return <ProvenancePage session={session} params={params} />;
    case 'province':
      return <ProvincePage session={session} />;
    default:
      return <ReportPage session={session} asOf="" />;
  }
}

function isPage(page: string): page is Page {
  return (PAGES as readonly string[]).includes(page);
}

function NotForRole(): JSX.Element {
  const { t } = useWords();
  return (
    <>
      <h1>{t.notForRoleTitle}</h1>
      <p>{t.notForRole}</p>
    </>
  );
}
