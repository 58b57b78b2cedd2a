//! A table of log records, shared by the history and the provenance pages.
import type { JSX } from 'preact';
import type { LogRecord } from '../api';
import { useWords } from '../i18n';

/** The data of an event as short text: `actionId=A1, year=2024, amount=100.00`. */
function summary(data: Record<string, unknown>): string {
  return Object.entries(data)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v as string | number)}`)
    .join(', ');
}

export function RecordsTable({
  records,
  caption,
  asOfLinks,
}: {
  records: LogRecord[];
  caption: string;
  asOfLinks: boolean;
}): JSX.Element {
  const { t } = useWords();
  return (
    <table class="records">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col" class="num">
            {t.position}
          </th>
          <th scope="col">{t.type}</th>
          <th scope="col">id</th>
          <th scope="col">{t.actor}</th>
          <th scope="col">{t.occurredAt}</th>
          <th scope="col">{t.outcome}</th>
          <th scope="col">{t.details}</th>
          {asOfLinks && (
            <th scope="col">
              <span class="visually-hidden">{t.reportAsOfHere}</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {records.map((r) => (
          <tr key={r.position} class={r.outcome === 'rejected' ? 'rejected' : undefined}>
            <td class="num">{r.position}</td>
            <td>{r.type}</td>
            <td>
              <code>{r.id}</code>
            </td>
            <td>{r.actor}</td>
            <td>{r.occurredAt}</td>
            <td>{r.outcome === 'accepted' ? t.accepted : `${t.rejected}: ${r.reason ?? ''}`}</td>
            <td class="data">{summary(r.data)}</td>
            {asOfLinks && (
              <td>
                <a href={`#/report?region=${encodeURIComponent(r.region)}&asOf=${String(r.position)}`}>
                  {t.reportAsOfHere}
                  <span class="visually-hidden"> {r.position}</span>
                </a>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
