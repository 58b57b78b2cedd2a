//! CSV upload: read the file, map its columns to spending fields, check every line (here and by the server's dry
//! run) and show every error by line; only a clean file can be appended.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { DryRun, ImportCounts } from '../api';
import { parseCsv, type CsvRow } from '../csv';
import { spendingData, type EventRecord } from '../events';
import { parseUserAmount, parseUserDate } from '../format';
import { useWords, type Words } from '../i18n';
import { Message, Select, type Session } from '../ui';

const FIELDS = [
  'spendingId',
  'actionId',
  'year',
  'amount',
  'bookedOn',
  'payee',
  'invoiceRef',
  'description',
] as const;
type SpendingField = (typeof FIELDS)[number];
const REQUIRED: ReadonlySet<SpendingField> = new Set([
  'spendingId',
  'actionId',
  'amount',
  'bookedOn',
  'payee',
]);

/** Header names financial systems commonly use, Dutch and English, per field. */
const GUESSES: Record<SpendingField, RegExp> = {
  spendingId: /^(spending.?id|uitgave.?id|boekstuk|boekingsnummer|id)$/i,
  actionId: /^(action.?id|actie(.?id)?|action|project)$/i,
  year: /^(year|jaar|boekjaar)$/i,
  amount: /^(amount|bedrag|bedrag.?eur|amount.?eur)$/i,
  bookedOn: /^(booked.?on|boekdatum|datum|date)$/i,
  payee: /^(payee|begunstigde|crediteur|relatie|leverancier)$/i,
  invoiceRef: /^(invoice.?ref|factuur(nummer)?|invoice)$/i,
  description: /^(description|omschrijving|toelichting)$/i,
};

function guessMapping(header: string[]): Record<SpendingField, string> {
  const mapping = {} as Record<SpendingField, string>;
  for (const field of FIELDS) {
    const index = header.findIndex((h) => GUESSES[field].test(h.trim()));
    mapping[field] = index === -1 ? '' : String(index);
  }
  return mapping;
}

interface PreviewLine {
  line: number;
  event: EventRecord;
  problems: string[];
  outcome: string;
}

function fieldLabel(field: SpendingField, t: Words): string {
  return {
    spendingId: t.spendingId,
    actionId: t.action,
    year: t.year,
    amount: t.amount,
    bookedOn: t.bookedOn,
    payee: t.payee,
    invoiceRef: t.invoiceRef,
    description: t.description,
  }[field];
}

/** One CSV row as a SpendingRecorded event, with what could not be read noted here (the server says the rest). */
function rowEvent(
  session: Session,
  row: CsvRow,
  mapping: Record<SpendingField, string>,
  t: Words,
): PreviewLine {
  const cell = (field: SpendingField): string =>
    mapping[field] === '' ? '' : (row.cells[Number(mapping[field])] ?? '').trim();
  const problems: string[] = [];
  for (const field of REQUIRED)
    if (cell(field) === '') problems.push(`${fieldLabel(field, t)}: ${t.required}`);
  const amount = parseUserAmount(cell('amount'));
  if (cell('amount') !== '' && amount === null) problems.push(`${t.amount}: ${t.badAmount}`);
  const bookedOn = parseUserDate(cell('bookedOn'));
  if (cell('bookedOn') !== '' && bookedOn === null) problems.push(`${t.bookedOn}: ${t.badDate}`);
  const yearText = mapping.year === '' ? (bookedOn ?? '').slice(0, 4) : cell('year');
  const year = /^\d{4}$/.test(yearText) ? Number(yearText) : yearText;
  const spendingId = cell('spendingId');
  const data = spendingData({
    spendingId,
    actionId: cell('actionId'),
    year: year as number,
    amount: amount ?? cell('amount'),
    bookedOn: bookedOn ?? cell('bookedOn'),
    payee: cell('payee'),
    invoiceRef: cell('invoiceRef'),
    description: cell('description'),
  });
  // The id and time follow from the row, so uploading the same file again is a no-op, not a duplicate.
  const event: EventRecord = {
    id:
      spendingId.length > 0 && spendingId.length <= 60
        ? `csv.${spendingId}`
        : `csv-${String(row.line)}-${crypto.randomUUID()}`,
    region: session.region,
    type: 'SpendingRecorded',
    occurredAt: `${bookedOn ?? '2000-01-01'}T00:00:00Z`,
    actor: session.actor,
    data,
  };
  return { line: row.line, event, problems, outcome: '' };
}

export function CsvUpload({
  session,
  onAppended,
}: {
  session: Session;
  onAppended: () => void;
}): JSX.Element {
  const { t } = useWords();
  const [rows, setRows] = useState<CsvRow[] | undefined>();
  const [mapping, setMapping] = useState<Record<SpendingField, string> | undefined>();
  const [preview, setPreview] = useState<PreviewLine[] | undefined>();
  const [appended, setAppended] = useState<ImportCounts | undefined>();
  const [error, setError] = useState<string | undefined>();
  const header = rows?.[0]?.cells ?? [];

  const readFile = async (file: File | undefined): Promise<void> => {
    setPreview(undefined);
    setAppended(undefined);
    setError(undefined);
    if (file === undefined) return;
    const parsed = parseCsv(await file.text());
    setRows(parsed);
    setMapping(guessMapping(parsed[0]?.cells ?? []));
  };

  const check = async (): Promise<void> => {
    if (rows === undefined || mapping === undefined) return;
    setAppended(undefined);
    setError(undefined);
    const lines = rows.slice(1).map((row) => rowEvent(session, row, mapping, t));
    try {
      const dryRun = await session.api.post<DryRun>(
        '/api/v1/events/validate',
        lines.map((l) => l.event),
      );
      for (const result of dryRun.lines) {
        const line = lines[result.line - 1];
        if (line === undefined) continue;
        line.outcome = result.outcome;
        for (const issue of result.issues)
          line.problems.push(
            `${issue.reason}${issue.field === '' ? '' : ` (${issue.field})`}: ${issue.detail}`,
          );
      }
      setPreview(lines);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const append = async (): Promise<void> => {
    if (preview === undefined) return;
    try {
      setAppended(
        await session.api.post<ImportCounts>(
          '/api/v1/events',
          preview.map((l) => l.event),
        ),
      );
      setPreview(undefined);
      onAppended();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const bad = preview?.filter((l) => l.problems.length > 0).length ?? 0;
  const columnOptions = [
    { value: '', label: t.notMapped },
    ...header.map((h, i) => ({ value: String(i), label: h === '' ? `#${String(i + 1)}` : h })),
  ];
  return (
    <section aria-labelledby="csv-heading">
      <h2 id="csv-heading">{t.uploadCsv}</h2>
      <p>{t.csvIntro}</p>
      <div class="field">
        <label for="csv-file">{t.csvFile}</label>
        <input
          id="csv-file"
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => void readFile(e.currentTarget.files?.[0])}
        />
      </div>
      {mapping !== undefined && (
        <fieldset>
          <legend>{t.mapColumns}</legend>
          <div class="grid">
            {FIELDS.map((field) => (
              <Select
                key={field}
                id={`map-${field}`}
                label={`${fieldLabel(field, t)}${REQUIRED.has(field) ? '' : ` ${t.optional}`}`}
                value={mapping[field]}
                onChange={(value) => {
                  setMapping({ ...mapping, [field]: value });
                  setPreview(undefined);
                }}
                options={
                  field === 'year'
                    ? [{ value: '', label: t.yearFromDate }, ...columnOptions.slice(1)]
                    : columnOptions
                }
              />
            ))}
          </div>
          <button type="button" onClick={() => void check()}>
            {t.check}
          </button>
        </fieldset>
      )}
      {error !== undefined && <Message kind="error">{error}</Message>}
      {preview !== undefined && (
        <>
          {bad > 0 ? (
            <Message kind="error">
              {bad} {t.previewErrors}
            </Message>
          ) : (
            <Message kind="ok">{t.previewOk}</Message>
          )}
          <table class="preview">
            <caption>{t.preview}</caption>
            <thead>
              <tr>
                <th scope="col">{t.line}</th>
                <th scope="col">{t.spendingId}</th>
                <th scope="col">{t.action}</th>
                <th scope="col" class="num">
                  {t.amount}
                </th>
                <th scope="col">{t.status}</th>
                <th scope="col">{t.problems}</th>
              </tr>
            </thead>
            <tbody>
              {preview.map((l) => (
                <tr key={l.line} class={l.problems.length > 0 ? 'bad' : undefined}>
                  <td>{l.line}</td>
                  <td>{String(l.event.data.spendingId)}</td>
                  <td>{String(l.event.data.actionId)}</td>
                  <td class="num">{String(l.event.data.amount)}</td>
                  <td>
                    {l.problems.length > 0
                      ? t.error
                      : l.outcome === 'already-present'
                        ? t.alreadyPresent
                        : t.ok}
                  </td>
                  <td>
                    {l.problems.length > 0 && (
                      <ul>
                        {l.problems.map((p) => (
                          <li key={p}>{p}</li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" disabled={bad > 0 || preview.length === 0} onClick={() => void append()}>
            {t.appendAll} ({preview.length})
          </button>
        </>
      )}
      {appended !== undefined && (
        <Message kind="ok">
          {t.appended}: {appended.appended} ({appended.accepted} {t.accepted}, {appended.rejected}{' '}
          {t.rejected}, {appended.alreadyPresent} {t.alreadyPresent})
        </Message>
      )}
    </section>
  );
}
