//! Auditors: the region's history one page at a time, filtered by the server (type, action, funder, actor,
//! outcome, position range), the hash chain checked in this browser, and the export download.
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { download, type HistoryPage as Page, type LogRecord } from '../api';
import { verifyChain, type ChainResult } from '../chain';
import { checks } from '../form';
import { useWords } from '../i18n';
import { LoadState, Message, Select, TextInput, apiErrorText, useLoad, type Session } from '../ui';
import { RecordsTable } from './records';

const TYPES = [
  'RegionConfigured',
  'ActionDefined',
  'FundingCommitted',
  'BudgetSet',
  'FundingKeySet',
  'SpendingRecorded',
  'SpendingCorrected',
  'SpendingReversed',
  'YearClosed',
];
const PAGE_SIZES = ['25', '50', '100', '200'];

interface Filters {
  type: string;
  actionId: string;
  funder: string;
  actor: string;
  outcome: string;
  from: string;
  to: string;
  limit: string;
}
const NO_FILTERS: Filters = {
  type: '',
  actionId: '',
  funder: '',
  actor: '',
  outcome: '',
  from: '',
  to: '',
  limit: '50',
};

const POSITION = /^[1-9]\d{0,14}$/;
/** The longest actor filter the server takes (part of an actor). */
const MAX_ACTOR_FILTER = 256;

/** The query of one page: the filters that are set, from a position. */
function pageQuery(f: Filters, fromPosition: number): string {
  const query = new URLSearchParams({ fromPosition: String(fromPosition), limit: f.limit });
  const set: [string, string][] = [
    ['type', f.type],
    ['actionId', f.actionId.trim()],
    ['funder', f.funder.trim()],
    ['actor', f.actor.trim()],
    ['outcome', f.outcome],
    ['toPosition', f.to.trim()],
  ];
  for (const [name, value] of set) if (value !== '') query.set(name, value);
  return query.toString();
}

export function HistoryPage({ session }: { session: Session }): JSX.Element {
  const { t } = useWords();
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  /** Where each page shown so far starts; the last is the page on screen. */
  const [starts, setStarts] = useState<number[]>([1]);
  const start = starts[starts.length - 1] ?? 1;
  const path = `/api/v1/regions/${session.region}/history/page?${pageQuery(filters, start)}`;
  const page = useLoad(path, () => session.api.json<Page>(path));
  const [chain, setChain] = useState<ChainResult | undefined>();
  const [busy, setBusy] = useState(false);

  /** The whole log, read only when the chain is checked or the export downloaded. */
  const wholeLog = async (): Promise<string> => session.api.text(`/api/v1/regions/${session.region}/history`);
  const [wholeLogError, setWholeLogError] = useState<string | undefined>();
  const checkChain = async (): Promise<void> => {
    setBusy(true);
    // A check that fails must not leave an earlier "intact" on screen.
    setChain(undefined);
    setWholeLogError(undefined);
    try {
      const records = (await wholeLog())
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as LogRecord);
      setChain(await verifyChain(records));
    } catch (error) {
      setWholeLogError(`${t.chainCheckFailed} ${apiErrorText(error, t)}`);
    } finally {
      setBusy(false);
    }
  };
  const downloadExport = async (): Promise<void> => {
    setWholeLogError(undefined);
    try {
      download(`history-${session.region}.ndjson`, await wholeLog(), 'application/x-ndjson');
    } catch (error) {
      setWholeLogError(`${t.exportFailed} ${apiErrorText(error, t)}`);
    }
  };

  const positionError = (value: string): string | undefined =>
    value.trim() === '' || POSITION.test(value.trim()) ? undefined : t.badPosition;
  // The checks the server makes of the filters, here, so their errors are in the app's words and on their field.
  const identifierError = (value: string): string | undefined =>
    value.trim() === '' ? undefined : checks.identifier(value.trim(), t);
  const bothEnds = POSITION.test(draft.from.trim()) && POSITION.test(draft.to.trim());
  const errors = {
    from: positionError(draft.from),
    to:
      positionError(draft.to) ??
      (bothEnds && Number(draft.to.trim()) < Number(draft.from.trim()) ? t.toBeforeFrom : undefined),
    actionId: identifierError(draft.actionId),
    funder: identifierError(draft.funder),
    actor: draft.actor.trim().length > MAX_ACTOR_FILTER ? t.actorFilterTooLong : undefined,
  };
  const valid = Object.values(errors).every((e) => e === undefined);
  const set = (field: keyof Filters) => (value: string) => {
    setDraft({ ...draft, [field]: value });
  };
  const records = page.data?.records ?? [];
  const next = page.data?.nextPosition ?? null;
  // On the last page the next button is disabled, which would drop the keyboard's focus: it goes to the previous one.
  const nextButton = useRef<HTMLButtonElement>(null);
  const previousButton = useRef<HTMLButtonElement>(null);
  const nextWasFocused = useRef(false);
  useEffect(() => {
    if (next === null && nextWasFocused.current) previousButton.current?.focus();
    nextWasFocused.current = false;
  }, [next]);

  return (
    <>
      <h1>
        {t.historyTitle} {session.region}
      </h1>
      <section aria-labelledby="chain-heading">
        <h2 id="chain-heading">{t.chainStatus}</h2>
        <button type="button" disabled={busy} onClick={() => void checkChain()}>
          {t.verifyChain}
        </button>{' '}
        <button type="button" onClick={() => void downloadExport()}>
          {t.downloadExport}
        </button>
        {wholeLogError !== undefined && <Message kind="error">{wholeLogError}</Message>}
        {chain !== undefined &&
          (chain.ok ? (
            <Message kind="ok">
              {t.chainIntact}: {chain.records} {t.records}, {t.chainCheckedHere}.
            </Message>
          ) : (
            <Message kind="error">
              {t.chainBroken} {chain.position}: {t.chainProblem[chain.problem.kind]}
              {chain.problem.kind === 'position' ? ` ${String(chain.problem.found)}` : ''}
            </Message>
          ))}
      </section>
      <form
        class="filters"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!valid) return;
          setFilters(draft);
          setStarts([POSITION.test(draft.from.trim()) ? Number(draft.from.trim()) : 1]);
        }}
      >
        <fieldset>
          <legend>{t.filters}</legend>
          <div class="grid">
            <Select
              id="f-type"
              label={t.type}
              value={draft.type}
              onChange={set('type')}
              options={[{ value: '', label: t.any }, ...TYPES.map((x) => ({ value: x, label: x }))]}
            />
            {(
              [
                ['f-action', t.action, 'actionId'],
                ['f-funder', t.funder, 'funder'],
                ['f-actor', t.actor, 'actor'],
              ] as const
            ).map(([id, label, field]) => (
              <TextInput
                key={id}
                id={id}
                label={label}
                value={draft[field]}
                onInput={set(field)}
                error={errors[field]}
              />
            ))}
            <Select
              id="f-outcome"
              label={t.outcome}
              value={draft.outcome}
              onChange={set('outcome')}
              options={[
                { value: '', label: t.any },
                { value: 'accepted', label: t.accepted },
                { value: 'rejected', label: t.rejected },
              ]}
            />
            {(['from', 'to'] as const).map((end) => (
              <TextInput
                key={end}
                id={`f-${end}`}
                label={end === 'from' ? t.fromPosition : t.toPosition}
                value={draft[end]}
                onInput={set(end)}
                error={errors[end]}
                inputMode="numeric"
              />
            ))}
            <Select
              id="f-limit"
              label={t.pageSize}
              value={draft.limit}
              onChange={set('limit')}
              options={PAGE_SIZES.map((n) => ({ value: n, label: n }))}
            />
          </div>
          <button type="submit">{t.apply}</button>
        </fieldset>
      </form>
      <LoadState loaded={page} />
      {page.data !== undefined && (
        <>
          <p role="status" id="history-count">
            {records.length} {t.onPage} ({t.page} {starts.length}
            {next === null ? `; ${t.lastPage}` : ''})
          </p>
          <nav class="pager" aria-label={t.pages}>
            <button
              ref={previousButton}
              type="button"
              disabled={starts.length < 2}
              onClick={() => {
                setStarts(starts.slice(0, -1));
              }}
            >
              {t.previousPage}
            </button>
            <button
              ref={nextButton}
              type="button"
              disabled={next === null}
              onClick={() => {
                nextWasFocused.current = document.activeElement === nextButton.current;
                if (next !== null) setStarts([...starts, next]);
              }}
            >
              {t.nextPage}
            </button>
          </nav>
          <RecordsTable records={records} caption={t.historyTitle} asOfLinks />
        </>
      )}
    </>
  );
}
