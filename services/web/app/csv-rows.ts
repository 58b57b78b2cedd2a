//! The CSV upload's rows, apart from the page: each row as a SpendingRecorded event with what is wrong with it, the
//! file's bytes as text, and the checks that need the whole file or the region's recorded items.
import type { DryRun, SpendingItem } from './api';
import type { CsvFile, CsvRow } from './csv';
import { IDENTIFIER, issueText, spendingData, type EventRecord } from './events';
import { parseUserAmount, parseUserDate, type Lang } from './format';
import { badAmountText, type Words } from './i18n';

export const FIELDS = [
  'spendingId',
  'actionId',
  'year',
  'amount',
  'bookedOn',
  'payee',
  'invoiceRef',
  'description',
] as const;
export type SpendingField = (typeof FIELDS)[number];
export const REQUIRED: ReadonlySet<SpendingField> = new Set([
  'spendingId',
  'actionId',
  'amount',
  'bookedOn',
  'payee',
]);

/** Header names financial systems commonly use, Dutch and English, per field. */
export const GUESSES: Record<SpendingField, RegExp> = {
  spendingId: /^(spending.?id|uitgave.?id|boekstuk|boekingsnummer|id)$/i,
  actionId: /^(action.?id|actie(.?id)?|action|project)$/i,
  year: /^(year|jaar|boekjaar)$/i,
  amount: /^(amount|bedrag|bedrag.?eur|amount.?eur)$/i,
  bookedOn: /^(booked.?on|boekdatum|datum|date)$/i,
  payee: /^(payee|begunstigde|crediteur|relatie|leverancier)$/i,
  invoiceRef: /^(invoice.?ref|factuur(nummer)?|invoice)$/i,
  description: /^(description|omschrijving|toelichting)$/i,
};

export function guessMapping(header: string[]): Record<SpendingField, string> {
  const mapping = {} as Record<SpendingField, string>;
  for (const field of FIELDS) {
    const index = header.findIndex((h) => GUESSES[field].test(h.trim()));
    mapping[field] = index === -1 ? '' : String(index);
  }
  return mapping;
}

export interface PreviewLine {
  line: number;
  event: EventRecord;
  problems: string[];
  outcome: string;
  /** Recorded before with the same details (by anyone): shown, not appended again. */
  recorded: boolean;
  /** Remarks that are no problem (a row already in the log that was rejected then). */
  notes?: string[];
}

export function fieldLabel(field: SpendingField, t: Words): string {
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
export interface ReadFile extends CsvFile {
  notUtf8: boolean;
}

/**
 * The file's text: UTF-8 when it is (strictly: a byte that is not UTF-8 fails), else Windows-1252, the encoding of
 * Dutch office software's CSV exports, said so on screen. Never with U+FFFD for what could not be read: that would
 * be stored in the append-only log for good.
 */
export async function readText(file: File): Promise<{ text: string; notUtf8: boolean }> {
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
export async function eventIdOf(spendingId: string): Promise<string> {
  if (spendingId.length <= 60) return `csv.${spendingId}`;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(spendingId)));
  const hex = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `csv.${spendingId.slice(0, 40)}.${hex.slice(0, 19)}`;
}

/** One CSV row as a SpendingRecorded event, with what could not be read noted here (the server says the rest). */
export async function rowEvent(
  author: { region: string; actor: string },
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
    problems.push(`${t.amount}: ${badAmountText(cell('amount'), t)}`);
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
    region: author.region,
    type: 'SpendingRecorded',
    occurredAt: `${bookedOn ?? '2000-01-01'}T00:00:00Z`,
    actor: author.actor,
    data,
  };
  return { line: row.line, event, problems, outcome: '', recorded: false };
}

/** How the file writes amounts: `;` files are Dutch (decimal comma), `,` files English; tab: as the app's language. */
export function conventionOf(delimiter: string, t: Words): Lang {
  return delimiter === ';' ? 'nl' : delimiter === ',' ? 'en' : t.amountConvention;
}

/**
 * Marks rows whose spending id is already recorded in the region: with the same details as "already recorded" (not
 * appended again, whoever recorded it and however the columns were mapped), with other details as an error that
 * says what to do instead.
 */
export async function markRecorded(
  recordedIn: (year: number) => Promise<SpendingItem[]>,
  lines: PreviewLine[],
  t: Words,
): Promise<void> {
  const years = new Set<number>();
  for (const l of lines) if (typeof l.event.data.year === 'number') years.add(l.event.data.year);
  const recorded = new Map<string, SpendingItem>();
  for (const year of years) {
    for (const item of await recordedIn(year)) recorded.set(item.spendingId, item);
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
export function shown(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** The per-line errors of a refused append (`{"errors": [{"line", "reason", "detail"}]}`), as text by line. */
export function lineErrors(body: unknown): { line: number; reason: string }[] {
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

/**
 * A second row with a spending id an earlier row of the file has, and other details: an error that names that row.
 * The same row twice is what uploading it twice is, a no-op (the dry run says "already present").
 */
export function markRepeats(lines: PreviewLine[], t: Words): void {
  const first = new Map<string, PreviewLine>();
  for (const l of lines) {
    const id = String(l.event.data.spendingId);
    if (id === '') continue;
    const earlier = first.get(id);
    if (earlier === undefined) first.set(id, l);
    else if (JSON.stringify(earlier.event) !== JSON.stringify(l.event))
      l.problems.push(t.csvEarlierLine(earlier.line));
  }
}

/**
 * The dry run's answer on the rows it was asked about (`checked`, in its order): each row's outcome, and its
 * problems. A row already in the log is no problem, even one recorded then as rejected (its remark says so, in
 * `notes`): the rest of the file can still be appended.
 */
export function applyDryRun(checked: PreviewLine[], dryRun: Pick<DryRun, 'lines'>, t: Words): void {
  for (const result of dryRun.lines) {
    const line = checked[result.line - 1];
    if (line === undefined) continue;
    line.outcome = result.outcome;
    for (const issue of result.issues) {
      const text = issueText(issue, result.outcome, t);
      if (result.outcome === 'already-present') (line.notes ??= []).push(text);
      else line.problems.push(text);
    }
  }
}
