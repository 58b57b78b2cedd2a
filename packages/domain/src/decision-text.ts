//! One line of text per record for a replay's deciding thread: what `decide` and `evolve` read of the record
//! (`decisiveData`) and the outcome it was recorded with. Worker threads write these lines; the deciding thread
//! reads them instead of the records.
import { decisiveData, decisiveFields, type EventBody } from './schemas';

/** A record as a replay decides it again: its type and decisive data, and its outcome and reason as recorded. */
export interface DecisionInput {
  body: EventBody;
  outcome: unknown;
  reason: unknown;
}

/** Text that survives being a tab-separated field of a line. */
export function plain(value: string): boolean {
  return !value.includes('\t') && !value.includes('\n');
}

/**
 * The decisive `fields` of `data` as tab-separated text, each after a tab (a year as digits), or undefined when one
 * would not come back the same that way (missing, of another type, or holding a tab or newline).
 */
export function decisiveText(fields: readonly string[], data: Record<string, unknown>): string | undefined {
  let text = '';
  for (const field of fields) {
    const value = data[field];
    if (field === 'year' ? !Number.isSafeInteger(value) : typeof value !== 'string' || !plain(value))
      return undefined;
    text += `\t${String(value)}`;
  }
  return text;
}

/** Reads back what `decisiveText` wrote: the fields from `parts[from]` on. */
export function readDecisiveText(
  fields: readonly string[],
  parts: readonly string[],
  from: number,
): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as string;
    const value = parts[from + i] as string;
    data[field] = field === 'year' ? Number(value) : value;
  }
  return data;
}

/**
 * The line for one record. A type with few decisive fields (a payment, a commitment) is written as tab-separated
 * text: type, outcome, reason ('' for null), then the decisive fields in `DECISIVE_FIELDS` order, a year as digits.
 * Reading that costs a fraction of JSON.parse, which interns short strings. Any other record, and any value that
 * would not come back the same that way (a forged outcome or reason, a field missing), is a JSON array instead:
 * `[type, outcome, reason, decisive data]`, which starts with "[" where a type name cannot.
 */
export function decisionLine(type: string, outcome: unknown, reason: unknown, data: unknown): string {
  const fields = decisiveFields(type);
  if (
    fields !== undefined &&
    typeof data === 'object' &&
    data !== null &&
    typeof outcome === 'string' &&
    plain(outcome) &&
    (reason === null || (typeof reason === 'string' && reason !== '' && plain(reason)))
  ) {
    const text = decisiveText(fields, data as Record<string, unknown>);
    if (text !== undefined) return `${type}\t${outcome}\t${reason ?? ''}${text}`;
  }
  return JSON.stringify([type, outcome, reason, decisiveData(type, data)]);
}

/** Reads a line `decisionLine` wrote. */
export function parseDecisionLine(line: string): DecisionInput {
  if (line.startsWith('[')) {
    const [type, outcome, reason, data] = JSON.parse(line) as [string, unknown, unknown, unknown];
    return { body: { type, data } as EventBody, outcome, reason };
  }
  const parts = line.split('\t');
  const [type = '', outcome, reason] = parts;
  const fields = decisiveFields(type);
  if (fields?.length !== parts.length - 3) throw new Error(`not a decision line: ${line.slice(0, 80)}`);
  const data = readDecisiveText(fields, parts, 3);
  return { body: { type, data } as EventBody, outcome, reason: reason === '' ? null : reason };
}
