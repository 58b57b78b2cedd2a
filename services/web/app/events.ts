//! Event records the app sends (CONTRACT section 2), and the dry run before every append.
import type { Api, DryRun, DryRunLine, ImportCounts } from './api';
import type { Words } from './i18n';
import { newEventId, nowTimestamp } from './api';

/** Identifiers as CONTRACT section 1 has them. */
export const IDENTIFIER = /^[A-Za-z0-9._:-]{1,64}$/;

export interface EventRecord {
  id: string;
  region: string;
  type: string;
  occurredAt: string;
  actor: string;
  data: Record<string, unknown>;
}

export function event(
  session: { region: string; actor: string },
  type: string,
  data: Record<string, unknown>,
  id = newEventId('web'),
): EventRecord {
  return { id, region: session.region, type, occurredAt: nowTimestamp(), actor: session.actor, data };
}

export interface SpendingFields {
  spendingId: string;
  actionId: string;
  year: number;
  amount: string;
  bookedOn: string;
  payee: string;
  invoiceRef: string;
  description: string;
}

export function spendingData(f: SpendingFields): Record<string, unknown> {
  return {
    spendingId: f.spendingId,
    actionId: f.actionId,
    year: f.year,
    amount: f.amount,
    bookedOn: f.bookedOn,
    // Spaces around what was typed are not part of it (the checks for a required field trim too).
    payee: f.payee.trim(),
    invoiceRef: f.invoiceRef.trim() === '' ? null : f.invoiceRef.trim(),
    description: f.description.trim() === '' ? null : f.description.trim(),
  };
}

/** The server's dry run: what POST /api/v1/events would do with these events, appending nothing. */
export function dryRun(api: Api, events: EventRecord[]): Promise<DryRun> {
  return api.post<DryRun>('/api/v1/events/validate', events);
}

/** Appends events (after a clean dry run). */
export function append(api: Api, events: EventRecord[]): Promise<ImportCounts> {
  return api.post<ImportCounts>('/api/v1/events', events);
}

/**
 * One issue of a dry run in the app's words: a rejection the rules foresee, or a malformed field the app knows, says
 * what it means (with the field it concerns); anything else keeps the server's own words, which name it too.
 */
export function issueText(
  issue: DryRunLine['issues'][number],
  outcome: DryRunLine['outcome'],
  t: Words,
): string {
  const field = issue.field === '' ? '' : ` (${issue.field})`;
  if (outcome === 'rejected') {
    const help = t.rejectionHelp[issue.reason];
    if (help !== undefined) return `${t.wouldBeRejected}: ${help}`;
  }
  // An event already in the log that was rejected then: how it was recorded.
  if (outcome === 'already-present') {
    const help = t.rejectionHelp[issue.reason];
    if (help !== undefined) return `${t.wasRejected}: ${help}`;
  }
  // The server refuses by role ("the role auditor may not send ...") or by region: the help says which.
  const reason =
    issue.reason === 'forbidden' && issue.detail.startsWith('the role ') ? 'forbidden-role' : issue.reason;
  const help = t.issueHelp[reason];
  return help !== undefined ? `${help}${field}` : `${issue.reason}${field}: ${issue.detail}`;
}

/** The problems of a dry run, one text per issue. */
export function problemsOf(dryRun: DryRun, t: Words): string[] {
  return dryRun.lines.flatMap((l) => l.issues.map((i) => issueText(i, l.outcome, t)));
}
