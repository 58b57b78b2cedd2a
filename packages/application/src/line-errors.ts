//! Malformed input as data, the same for `budget import --format json` and POST /api/v1/events (CONTRACT section 8).
import { describeIssue } from '@budget/domain';
import type { LineError } from './ports';

export interface LineErrorEntry {
  line: number;
  /** The stable name of the line's first problem. */
  reason: string;
  /** The field of that problem; empty for the whole line. */
  field: string;
  /** Every problem of the line, in words. */
  detail: string;
}

/**
 * The most bad lines POST /api/v1/events lists in a 400 (`errorCount` counts them all). A body may hold millions of
 * one-character lines; listing each would build a response of gigabytes. `budget import` lists every one.
 */
export const MAX_LISTED_ERRORS = 100_000;

/**
 * One entry a bad line, as `budget import` prints one line a bad line: `{"errors": [{"line": n, "reason": …}]}`,
 * with `errorCount`, the number of bad lines in the input: more than the entries when the list was cut short.
 */
export function lineErrorsBody(
  errors: readonly LineError[],
  errorCount = errors.length,
): { errors: LineErrorEntry[]; errorCount: number } {
  return {
    errorCount,
    errors: errors.flatMap((e) => {
      const [first] = e.issues;
      if (first === undefined) return [];
      return [
        {
          line: e.line,
          reason: first.reason,
          field: first.field,
          detail: e.issues.map(describeIssue).join('; '),
        },
      ];
    }),
  };
}
