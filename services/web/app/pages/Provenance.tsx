//! From a figure to the events behind it: the records of an (action, year) or (funder, year) up to a position.
import type { JSX } from 'preact';
import type { LogRecord, Provenance } from '../api';
import { useWords } from '../i18n';
import { LoadState, Message, useLoad, type Session } from '../ui';
import { RecordsTable } from './records';

export function ProvenancePage({
  session,
  params,
}: {
  session: Session;
  params: URLSearchParams;
}): JSX.Element {
  const { t } = useWords();
  const actionId = params.get('actionId');
  const funder = params.get('funder');
  if ((actionId === null) === (funder === null)) {
    // Reached without a figure (typed by hand, or after a switch of region): say where the figures are.
    return (
      <>
        <h1>{t.provenanceTitle}</h1>
        <p>
          {t.provenanceChoose} <a href="#/report">{t.reportTitle}</a>
        </p>
      </>
    );
  }
  const asOf = params.get('asOf');
  // Keyed by the figure: another figure starts from nothing, so the last one's records are never shown (or checked)
  // under its heading while it loads.
  return (
    <ProvenanceList
      key={JSON.stringify([actionId, funder, asOf, session.year])}
      session={session}
      actionId={actionId}
      funder={funder}
      asOf={asOf}
    />
  );
}

function ProvenanceList({
  session,
  actionId,
  funder,
  asOf,
}: {
  session: Session;
  actionId: string | null;
  funder: string | null;
  asOf: string | null;
}): JSX.Element {
  const { t } = useWords();
  const query = new URLSearchParams({ year: String(session.year) });
  if (actionId !== null) query.set('actionId', actionId);
  if (funder !== null) query.set('funder', funder);
  if (asOf !== null && asOf !== '') query.set('asOfPosition', asOf);
  const path = `/api/v1/regions/${session.region}/provenance?${query.toString()}`;
  const loaded = useLoad(path, () => session.api.json<Provenance>(path));
  const figure = actionId !== null ? `${t.action} ${actionId}` : `${t.funder} ${funder ?? ''}`;
  return (
    <>
      <h1>
        {t.provenanceTitle}: {figure}, {session.year}
      </h1>
      <p>
        {t.provenanceIntro} {asOf !== null && asOf !== '' && `${t.reportAsOf} ${asOf}.`}{' '}
        <a href={`#/report?asOf=${asOf ?? ''}`}>{t.reportTitle}</a>
      </p>
      <LoadState loaded={loaded} />
      {loaded.data !== undefined && !known(loaded.data.records, actionId, funder) && (
        <Message kind="error">{actionId !== null ? t.noSuchAction : t.noSuchFunder}</Message>
      )}
      {loaded.data !== undefined && (
        <RecordsTable
          records={loaded.data.records}
          caption={`${String(loaded.data.records.length)} ${t.eventsBehind}`}
          asOfLinks={false}
        />
      )}
    </>
  );
}

/**
 * Whether the figure's action or funder exists in what the records say (an accepted definition or configuration up
 * to the position): a hand-typed or stale address would otherwise list the region's configuration as if it were
 * the events behind a figure.
 */
function known(records: readonly LogRecord[], actionId: string | null, funder: string | null): boolean {
  return records.some((r) => {
    if (r.outcome !== 'accepted') return false;
    if (actionId !== null) return r.type === 'ActionDefined' && r.data.actionId === actionId;
    if (r.type !== 'RegionConfigured' || !Array.isArray(r.data.funders)) return false;
    return (r.data.funders as { id?: unknown }[]).some((f) => f.id === funder);
  });
}
