//! Auditors: the region's history with filters, the hash chain checked in this browser, and the export download.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { download, type LogRecord } from '../api';
import { verifyChain, type ChainResult } from '../chain';
import { useWords } from '../i18n';
import { LoadState, Message, Select, TextInput, useLoad, type Session } from '../ui';
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
const SHOWN = 500;

interface Filters {
  type: string;
  actionId: string;
  funder: string;
  actor: string;
  outcome: string;
  from: string;
  to: string;
}
const NO_FILTERS: Filters = { type: '', actionId: '', funder: '', actor: '', outcome: '', from: '', to: '' };

/** The action a record concerns: its own actionId, or (corrections, reversals) that of its spending item. */
function actionOf(record: LogRecord, items: Map<string, string>): string | undefined {
  const d = record.data;
  if (typeof d.actionId === 'string') return d.actionId;
  return typeof d.spendingId === 'string' ? items.get(d.spendingId) : undefined;
}

function matches(record: LogRecord, f: Filters, items: Map<string, string>): boolean {
  const d = record.data;
  const funderIds =
    typeof d.funder === 'string'
      ? [d.funder]
      : typeof d.shares === 'object' && d.shares !== null
        ? Object.keys(d.shares)
        : Array.isArray(d.funders)
          ? (d.funders as { id: string }[]).map((x) => x.id)
          : [];
  return (
    (f.type === '' || record.type === f.type) &&
    (f.actionId === '' || actionOf(record, items) === f.actionId) &&
    (f.funder === '' || funderIds.includes(f.funder)) &&
    (f.actor === '' || record.actor.toLowerCase().includes(f.actor.toLowerCase())) &&
    (f.outcome === '' || record.outcome === f.outcome) &&
    (!/^\d+$/.test(f.from) || record.position >= Number(f.from)) &&
    (!/^\d+$/.test(f.to) || record.position <= Number(f.to))
  );
}

export function HistoryPage({ session }: { session: Session }): JSX.Element {
  const { t } = useWords();
  const path = `/api/v1/regions/${session.region}/history`;
  const loaded = useLoad(path, async () => {
    const text = await session.api.text(path);
    return {
      text,
      records: text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as LogRecord),
    };
  });
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [chain, setChain] = useState<ChainResult | undefined>();
  const records = loaded.data?.records ?? [];
  const items = new Map<string, string>();
  for (const r of records)
    if (
      r.type === 'SpendingRecorded' &&
      typeof r.data.spendingId === 'string' &&
      typeof r.data.actionId === 'string'
    )
      items.set(r.data.spendingId, r.data.actionId);
  const matching = records.filter((r) => matches(r, filters, items));
  const set = (field: keyof Filters) => (value: string) => {
    setDraft({ ...draft, [field]: value });
  };
  return (
    <>
      <h1>
        {t.historyTitle} {session.region}
      </h1>
      <LoadState loaded={loaded} />
      {loaded.data !== undefined && (
        <>
          <section aria-labelledby="chain-heading">
            <h2 id="chain-heading">{t.chainStatus}</h2>
            <button type="button" onClick={() => void verifyChain(records).then(setChain)}>
              {t.verifyChain}
            </button>{' '}
            <button
              type="button"
              onClick={() => {
                download(`history-${session.region}.ndjson`, loaded.data?.text ?? '', 'application/x-ndjson');
              }}
            >
              {t.downloadExport}
            </button>
            {chain !== undefined &&
              (chain.ok ? (
                <Message kind="ok">
                  {t.chainIntact}: {chain.records} {t.records}, {t.chainCheckedHere}.
                </Message>
              ) : (
                <Message kind="error">
                  {t.chainBroken} {chain.position}: {chain.problem}
                </Message>
              ))}
          </section>
          <form
            class="filters"
            onSubmit={(e) => {
              e.preventDefault();
              setFilters(draft);
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
                <TextInput id="f-action" label={t.action} value={draft.actionId} onInput={set('actionId')} />
                <TextInput id="f-funder" label={t.funder} value={draft.funder} onInput={set('funder')} />
                <TextInput id="f-actor" label={t.actor} value={draft.actor} onInput={set('actor')} />
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
                <TextInput
                  id="f-from"
                  label={t.fromPosition}
                  value={draft.from}
                  onInput={set('from')}
                  inputMode="numeric"
                />
                <TextInput
                  id="f-to"
                  label={t.toPosition}
                  value={draft.to}
                  onInput={set('to')}
                  inputMode="numeric"
                />
              </div>
              <button type="submit">{t.apply}</button>
            </fieldset>
          </form>
          <p role="status" id="history-count">
            {matching.length} {t.matches}
            {matching.length > SHOWN ? `; ${t.showingFirst}` : ''}
          </p>
          <RecordsTable records={matching.slice(0, SHOWN)} caption={t.historyTitle} asOfLinks />
        </>
      )}
    </>
  );
}
