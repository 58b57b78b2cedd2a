//! The allocation report of a region and year (optionally as of an earlier position): funders, themes and actions,
//! charts, highlights, downloads as CSV and XLSX, and links from each figure to the events behind it.
import type { JSX } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { download, type AllocationReport } from '../api';
import { parseCsv } from '../csv';
import { formatUtilisation } from '../format';
import { useWords } from '../i18n';
import { LoadState, Message, Money, apiErrorText, useChange, useLoad, type Session } from '../ui';
import { xlsxWorkbook } from '../xlsx';
import { BudgetSpentChart, FunderChart } from './charts';

function provenanceHref(
  session: Session,
  report: AllocationReport,
  what: { actionId?: string; funder?: string },
): string {
  const params = new URLSearchParams({
    region: session.region,
    year: String(session.year),
    asOf: String(report.asOfPosition),
  });
  if (what.actionId !== undefined) params.set('actionId', what.actionId);
  if (what.funder !== undefined) params.set('funder', what.funder);
  return `#/provenance?${params.toString()}`;
}

/** A position as the report takes it: a whole number from 0 (the API refuses one past the end of the log). */
const POSITION = /^\d{1,15}$/;

/**
 * The report follows the position in the address (`#/report?asOf=N`), so a link, the menu (no position: the latest)
 * and the browser's back button all show what they say; the form only changes the address.
 */
export function ReportPage({ session, asOf }: { session: Session; asOf: string }): JSX.Element {
  const { t, lang } = useWords();
  const asked = asOf.trim();
  const asOfApplied = POSITION.test(asked) ? asked : '';
  const [asOfInput, setAsOfInput] = useState(asOf);
  const [asOfTypedBad, setAsOfTypedBad] = useState(false);
  const asOfField = useRef<HTMLInputElement>(null);
  // When the address's position changes (a link, back), the field shows it.
  useChange(asOf, (changed) => {
    setAsOfInput(changed);
    setAsOfTypedBad(false);
  });
  const addressBad = asked !== '' && asOfApplied === '';
  const asOfBad = asOfTypedBad || addressBad;
  const [downloadError, setDownloadError] = useState<string | undefined>();
  const query = `year=${String(session.year)}${asOfApplied === '' ? '' : `&asOfPosition=${asOfApplied}`}`;
  const path = `/api/v1/regions/${session.region}/reports/allocation?${query}`;
  const loaded = useLoad(path, () => session.api.json<AllocationReport>(path));
  const report = loaded.data;
  const funders = report?.funders.map((f) => f.funder) ?? [];
  const name = `allocation-${session.region}-${String(session.year)}${asOfApplied === '' ? '' : `-at-${asOfApplied}`}`;

  const getCsv = async (kind: 'csv' | 'xlsx'): Promise<void> => {
    setDownloadError(undefined);
    try {
      const csv = await session.api.text(path, 'text/csv');
      if (kind === 'csv') download(`${name}.csv`, csv, 'text/csv');
      else {
        const rows = parseCsv(csv, ',').rows.map((r) => r.cells);
        download(
          `${name}.xlsx`,
          xlsxWorkbook('allocation', rows),
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        );
      }
    } catch (error) {
      setDownloadError(apiErrorText(error, t));
    }
  };

  return (
    <>
      <h1>
        {t.reportTitle} {session.region} {session.year}
      </h1>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          // The field's own value: a click that follows the typing at once can come before the render that
          // would have put it in the state.
          const typed = (asOfField.current?.value ?? asOfInput).trim();
          if (typed !== '' && !POSITION.test(typed)) {
            setAsOfTypedBad(true);
            return;
          }
          setAsOfTypedBad(false);
          location.hash = typed === '' ? '#/report' : `#/report?asOf=${typed}`;
        }}
      >
        <div class="field">
          <label for="asOf">{t.asOfPosition}</label>
          <input
            ref={asOfField}
            id="asOf"
            inputMode="numeric"
            value={asOfInput}
            aria-invalid={asOfBad ? true : undefined}
            aria-describedby={asOfBad ? 'asOf-hint asOf-error' : 'asOf-hint'}
            onInput={(e) => {
              setAsOfInput(e.currentTarget.value);
            }}
          />
          <span id="asOf-hint" class="hint">
            {t.asOfHint}
          </span>
          {asOfBad && (
            <span id="asOf-error" class="error" role="alert">
              {t.badAsOfPosition}
            </span>
          )}
        </div>
        <button type="submit">{t.show}</button>
      </form>
      {/* A position in the address that is no position: no figures, rather than the latest under that address. */}
      {!addressBad && <LoadState loaded={loaded} />}
      {report !== undefined && !addressBad && (
        <>
          <p class="report-meta" role="status">
            {t.reportAsOf} {report.asOfPosition}; {report.closed ? t.closed : t.open}
          </p>
          <div class="actions-bar">
            <button type="button" onClick={() => void getCsv('csv')}>
              {t.downloadCsv}
            </button>{' '}
            <button type="button" onClick={() => void getCsv('xlsx')}>
              {t.downloadXlsx}
            </button>
          </div>
          {downloadError !== undefined && <Message kind="error">{downloadError}</Message>}
          <h2>{t.totals}</h2>
          <dl class="totals">
            {(['committed', 'budget', 'allocated', 'unfunded', 'spent', 'remaining'] as const).map((k) => (
              <div key={k}>
                <dt>{t[k]}</dt>
                <dd>
                  <Money amount={report.totals[k]} />
                </dd>
              </div>
            ))}
          </dl>
          <h2>{t.funders}</h2>
          <table>
            <caption class="visually-hidden">{t.funders}</caption>
            <thead>
              <tr>
                <th scope="col">{t.funder}</th>
                {(['committed', 'allocated', 'spent', 'unallocated', 'shortfall', 'remaining'] as const).map(
                  (k) => (
                    <th scope="col" class="num" key={k}>
                      {t[k]}
                    </th>
                  ),
                )}
                {session.readsHistory && <th scope="col">{t.events}</th>}
              </tr>
            </thead>
            <tbody>
              {report.funders.map((f) => (
                <tr key={f.funder} class={f.shortfall === '0.00' ? undefined : 'flag'}>
                  <th scope="row">
                    {f.funder} {f.shortfall !== '0.00' && <span class="badge">{t.shortfall}</span>}
                  </th>
                  {(
                    ['committed', 'allocated', 'spent', 'unallocated', 'shortfall', 'remaining'] as const
                  ).map((k) => (
                    <td class="num" key={k}>
                      <Money amount={f[k]} />
                    </td>
                  ))}
                  {session.readsHistory && (
                    <td>
                      <a href={provenanceHref(session, report, { funder: f.funder })}>
                        {t.events}
                        <span class="visually-hidden"> {f.funder}</span>
                      </a>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          <div class="charts">
            <BudgetSpentChart report={report} />
            <FunderChart report={report} />
          </div>
          {report.themes.map((theme) => (
            <section key={theme.theme} aria-labelledby={`theme-${theme.theme}`}>
              <h2 id={`theme-${theme.theme}`}>
                {t.themeNames[theme.theme] ?? theme.theme} <span class="muted">({theme.theme})</span>
              </h2>
              <table>
                <caption class="visually-hidden">{t.themeNames[theme.theme] ?? theme.theme}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t.action}</th>
                    <th scope="col" class="num">
                      {t.budget}
                    </th>
                    {funders.map((f) => (
                      <th scope="col" class="num" key={f}>
                        {t.allocated} {f}
                      </th>
                    ))}
                    <th scope="col" class="num">
                      {t.unfunded}
                    </th>
                    {funders.map((f) => (
                      <th scope="col" class="num" key={f}>
                        {t.spent} {f}
                      </th>
                    ))}
                    <th scope="col" class="num">
                      {t.spent}
                    </th>
                    <th scope="col" class="num">
                      {t.remaining}
                    </th>
                    <th scope="col" class="num">
                      {t.utilisation}
                    </th>
                    {session.readsHistory && <th scope="col">{t.events}</th>}
                  </tr>
                </thead>
                <tbody>
                  {theme.actions.map((a) => (
                    <tr key={a.actionId} class={a.overspent ? 'flag' : undefined}>
                      <th scope="row">
                        {a.actionId} <span class="muted">{a.title}</span>{' '}
                        {a.overspent && <span class="badge">{t.overspent}</span>}
                      </th>
                      <td class="num">
                        <Money amount={a.budget} />
                      </td>
                      {funders.map((f) => (
                        <td class="num" key={f}>
                          <Money amount={a.allocated[f] ?? '0.00'} />
                        </td>
                      ))}
                      <td class="num">
                        <Money amount={a.unfunded} />
                      </td>
                      {funders.map((f) => (
                        <td class="num" key={f}>
                          <Money amount={a.spent[f] ?? '0.00'} />
                        </td>
                      ))}
                      <td class="num">
                        <Money amount={a.spentTotal} />
                      </td>
                      <td class="num">
                        <Money amount={a.remaining} />
                      </td>
                      <td class="num">{formatUtilisation(a.utilisation, lang)}</td>
                      {session.readsHistory && (
                        <td>
                          <a href={provenanceHref(session, report, { actionId: a.actionId })}>
                            {t.events}
                            <span class="visually-hidden"> {a.actionId}</span>
                          </a>
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row">{t.totals}</th>
                    <td class="num">
                      <Money amount={theme.budget} />
                    </td>
                    {funders.map((f) => (
                      <td class="num" key={f}>
                        <Money amount={theme.allocated[f] ?? '0.00'} />
                      </td>
                    ))}
                    <td class="num">
                      <Money amount={theme.unfunded} />
                    </td>
                    {funders.map((f) => (
                      <td class="num" key={f}>
                        <Money amount={theme.spent[f] ?? '0.00'} />
                      </td>
                    ))}
                    <td class="num">
                      <Money amount={theme.spentTotal} />
                    </td>
                    <td class="num">
                      <Money amount={theme.remaining} />
                    </td>
                    <td />
                    {session.readsHistory && <td />}
                  </tr>
                </tfoot>
              </table>
            </section>
          ))}
        </>
      )}
    </>
  );
}
