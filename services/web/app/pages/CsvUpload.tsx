//! CSV upload: read the file, map its columns to spending fields, check every line (here and by the server's dry
//! run) and show every error by line; only a clean file can be appended.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, type DryRun, type ImportCounts, type SpendingItem } from '../api';
import { parseCsv, type CsvFile, type CsvRow } from '../csv';
import { spendingData, type EventRecord } from '../events';
import { looksNegative, parseUserAmount, parseUserDate, type Lang } from '../format';
import { useWords, type Words } from '../i18n';
import { IDENTIFIER, Message, Select, type Session } from '../ui';

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
  /** Recorded before with the same details (by anyone): shown, not appended again. */
  recorded: boolean;
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

/** A read file: its rows, what could not be read, and whether it had to be read as Windows-1252. */
interface ReadFile extends CsvFile {
  notUtf8: boolean;
}

/**
 * The file's text: UTF-8 when it is (strictly: a byte that is not UTF-8 fails), else Windows-1252, the encoding of
 * Dutch office software's CSV exports, said so on screen. Never with U+FFFD for what could not be read: that would
 * be stored in the append-only log for good.
 */
async function readText(file: File): Promise<{ text: string; notUtf8: boolean }> {
  const bytes = await file.arrayBuffer();
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), notUtf8: false };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), notUtf8: true };
  }
}

/**
 * The event id of a row: `csv.` and the spending id, so uploading the same file again is a no-op. A spending id too
 * long for that (ids have at most 64 characters) keeps its first 40 characters and gets 19 hex digits of its SHA-256:
 * still the same id for the same row, never a random one.
 */
async function eventIdOf(spendingId: string): Promise<string> {
  if (spendingId.length <= 60) return `csv.${spendingId}`;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(spendingId)));
  const hex = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `csv.${spendingId.slice(0, 40)}.${hex.slice(0, 19)}`;
}

/** One CSV row as a SpendingRecorded event, with what could not be read noted here (the server says the rest). */
async function rowEvent(
  session: Session,
  row: CsvRow,
  columns: number,
  mapping: Record<SpendingField, string>,
  convention: Lang,
  t: Words,
): Promise<PreviewLine> {
  const cell = (field: SpendingField): string =>
    mapping[field] === '' ? '' : (row.cells[Number(mapping[field])] ?? '').trim();
  const problems: string[] = [];
  if (row.cells.length !== columns) problems.push(t.csvColumns(columns, row.cells.length));
  for (const field of REQUIRED)
    if (cell(field) === '') problems.push(`${fieldLabel(field, t)}: ${t.required}`);
  const spendingId = cell('spendingId');
  if (spendingId !== '' && !IDENTIFIER.test(spendingId)) problems.push(`${t.spendingId}: ${t.badIdentifier}`);
  const amount = parseUserAmount(cell('amount'), convention);
  if (cell('amount') !== '' && amount === null)
    problems.push(`${t.amount}: ${looksNegative(cell('amount')) ? t.amountNegative : t.badAmount}`);
  const bookedOn = parseUserDate(cell('bookedOn'));
  if (cell('bookedOn') !== '' && bookedOn === null) problems.push(`${t.bookedOn}: ${t.badDate}`);
  const yearText = mapping.year === '' ? (bookedOn ?? '').slice(0, 4) : cell('year');
  const year = /^\d{4}$/.test(yearText) ? Number(yearText) : yearText;
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
    id: await eventIdOf(spendingId),
    region: session.region,
    type: 'SpendingRecorded',
    occurredAt: `${bookedOn ?? '2000-01-01'}T00:00:00Z`,
    actor: session.actor,
    data,
  };
  return { line: row.line, event, problems, outcome: '', recorded: false };
}

/** How the file writes amounts: `;` files are Dutch (decimal comma), `,` files English; tab: as the app's language. */
function conventionOf(delimiter: string, t: Words): Lang {
  return delimiter === ';' ? 'nl' : delimiter === ',' ? 'en' : t.amountConvention;
}

/**
 * Marks rows whose spending id is already recorded in the region: with the same details as "already recorded" (not
 * appended again, whoever recorded it and however the columns were mapped), with other details as an error that
 * says what to do instead.
 */
async function markRecorded(session: Session, lines: PreviewLine[], t: Words): Promise<void> {
  const years = new Set<number>();
  for (const l of lines) if (typeof l.event.data.year === 'number') years.add(l.event.data.year);
  const recorded = new Map<string, SpendingItem>();
  for (const year of years) {
    const { items } = await session.api.json<{ items: SpendingItem[] }>(
      `/api/v1/regions/${session.region}/spending?year=${String(year)}`,
    );
    for (const item of items) recorded.set(item.spendingId, item);
  }
  for (const l of lines) {
    const item = recorded.get(String(l.event.data.spendingId));
    if (item === undefined || l.problems.length > 0) continue;
    const d = l.event.data;
    const same =
      item.actionId === d.actionId &&
      item.year === d.year &&
      item.amount === d.amount &&
      item.bookedOn === d.bookedOn &&
      item.payee === d.payee;
    if (same) l.recorded = true;
    else l.problems.push(t.recordedDifferently(item.amount, item.actionId, item.year));
  }
}

/** A field of a row's event as the preview shows it. */
function shown(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** The per-line errors of a refused append (`{"errors": [{"line", "reason", "detail"}]}`), as text by line. */
function lineErrors(body: unknown): { line: number; reason: string }[] {
  if (typeof body !== 'object' || body === null) return [];
  const { errors } = body as { errors?: unknown };
  if (!Array.isArray(errors)) return [];
  return errors.flatMap((e: unknown) => {
    if (typeof e !== 'object' || e === null) return [];
    const { line, reason, detail } = e as { line?: unknown; reason?: unknown; detail?: unknown };
    if (typeof line !== 'number' || typeof reason !== 'string') return [];
    return [{ line, reason: typeof detail === 'string' ? `${reason}: ${detail}` : reason }];
  });
}

/** A second row with a spending id an earlier row of the file has: named with that row's line. */
function markRepeats(lines: PreviewLine[], t: Words): void {
  const first = new Map<string, number>();
  for (const l of lines) {
    const id = String(l.event.data.spendingId);
    if (id === '') continue;
    const earlier = first.get(id);
    if (earlier === undefined) first.set(id, l.line);
    else l.problems.push(t.csvEarlierLine(earlier));
  }
}

export function CsvUpload({
  session,
  onAppended,
}: {
  session: Session;
  onAppended: () => void;
}): JSX.Element {
  const { t } = useWords();
  const [csv, setCsv] = useState<ReadFile | undefined>();
  const [mapping, setMapping] = useState<Record<SpendingField, string> | undefined>();
  const [preview, setPreview] = useState<PreviewLine[] | undefined>();
  const [appended, setAppended] = useState<ImportCounts | undefined>();
  const [error, setError] = useState<string | undefined>();
  const header = csv?.rows[0]?.cells ?? [];

  const readFile = async (file: File | undefined): Promise<void> => {
    setPreview(undefined);
    setAppended(undefined);
    setError(undefined);
    if (file === undefined) return;
    const { text, notUtf8 } = await readText(file);
    const parsed = parseCsv(text);
    setCsv({ ...parsed, notUtf8 });
    setMapping(guessMapping(parsed.rows[0]?.cells ?? []));
  };

  const check = async (): Promise<void> => {
    if (csv === undefined || mapping === undefined) return;
    setAppended(undefined);
    setError(undefined);
    const convention = conventionOf(csv.delimiter, t);
    const lines = await Promise.all(
      csv.rows.slice(1).map((row) => rowEvent(session, row, header.length, mapping, convention, t)),
    );
    for (const problem of csv.problems) {
      const line = lines.find((l) => l.line === problem.line);
      line?.problems.push(
        problem.kind === 'unterminated-quote' ? t.csvUnterminatedQuote : t.csvMalformedQuotes,
      );
    }
    markRepeats(lines, t);
    try {
      await markRecorded(session, lines, t);
      const toCheck = lines.filter((l) => !l.recorded);
      const dryRun =
        toCheck.length === 0
          ? { lines: [] }
          : await session.api.post<DryRun>(
              '/api/v1/events/validate',
              toCheck.map((l) => l.event),
            );
      for (const result of dryRun.lines) {
        const line = toCheck[result.line - 1];
        if (line === undefined) continue;
        line.outcome = result.outcome;
        for (const issue of result.issues) {
          const help = result.outcome === 'rejected' ? t.rejectionHelp[issue.reason] : undefined;
          line.problems.push(
            help !== undefined
              ? `${t.wouldBeRejected}: ${help}`
              : `${issue.reason}${issue.field === '' ? '' : ` (${issue.field})`}: ${issue.detail}`,
          );
        }
      }
      setPreview(lines);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const append = async (): Promise<void> => {
    if (preview === undefined) return;
    const toAppend = preview.filter((l) => !l.recorded);
    try {
      setAppended(
        await session.api.post<ImportCounts>(
          '/api/v1/events',
          toAppend.map((l) => l.event),
        ),
      );
      setPreview(undefined);
      onAppended();
    } catch (e) {
      // Something changed since the check (another upload, say): the server's errors, by the file's lines.
      const errors = e instanceof ApiError ? lineErrors(e.body) : [];
      if (errors.length === 0) {
        setError(e instanceof Error ? e.message : String(e));
        return;
      }
      setPreview(
        preview.map((l) => {
          const index = toAppend.indexOf(l);
          const found = errors.filter((x) => x.line === index + 1).map((x) => x.reason);
          return found.length === 0 ? l : { ...l, problems: [...l.problems, ...found] };
        }),
      );
      setError(t.appendFailed);
    }
  };

  const bad = preview?.filter((l) => l.problems.length > 0).length ?? 0;
  const toAppend = preview?.filter((l) => !l.recorded).length ?? 0;
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
      {csv?.notUtf8 === true && <Message kind="error">{t.csvNotUtf8}</Message>}
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
          ) : preview.length === 0 ? (
            <Message kind="error">{t.csvNoRows}</Message>
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
                <th scope="col">{t.year}</th>
                <th scope="col" class="num">
                  {t.amount}
                </th>
                <th scope="col">{t.bookedOn}</th>
                <th scope="col">{t.payee}</th>
                <th scope="col">{t.description}</th>
                <th scope="col">{t.status}</th>
                <th scope="col">{t.problems}</th>
              </tr>
            </thead>
            <tbody>
              {preview.map((l) => (
                <tr key={l.line} class={l.problems.length > 0 ? 'bad' : undefined}>
                  <td>{l.line}</td>
                  <td>{shown(l.event.data.spendingId)}</td>
                  <td>{shown(l.event.data.actionId)}</td>
                  <td>{shown(l.event.data.year)}</td>
                  <td class="num">{shown(l.event.data.amount)}</td>
                  <td>{shown(l.event.data.bookedOn)}</td>
                  <td>{shown(l.event.data.payee)}</td>
                  <td>{shown(l.event.data.description)}</td>
                  <td>
                    {l.problems.length > 0
                      ? t.error
                      : l.recorded
                        ? t.alreadyRecorded
                        : l.outcome === 'already-present'
                          ? t.alreadyPresent
                          : t.ok}
                  </td>
                  <td>
                    {l.problems.length > 0 ? (
                      <ul>
                        {l.problems.map((p) => (
                          <li key={p}>{p}</li>
                        ))}
                      </ul>
                    ) : (
                      l.recorded && t.alreadyRecordedNote
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" disabled={bad > 0 || toAppend === 0} onClick={() => void append()}>
            {t.appendAll} ({toAppend})
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
