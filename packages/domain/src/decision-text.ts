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
    let line = `${type}\t${outcome}\t${reason ?? ''}`;
    let ok = true;
    for (const field of fields) {
      const value = (data as Record<string, unknown>)[field];
      if (field === 'year' ? Number.isSafeInteger(value) : typeof value === 'string' && plain(value)) {
        line += `\t${String(value)}`;
      } else {
        ok = false;
        break;
      }
    }
    if (ok) return line;
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
  const data: Record<string, unknown> = {};
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as string;
    const value = parts[i + 3] as string;
    data[field] = field === 'year' ? Number(value) : value;
  }
  return { body: { type, data } as EventBody, outcome, reason: reason === '' ? null : reason };
}
