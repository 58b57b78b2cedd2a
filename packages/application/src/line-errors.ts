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

/** One entry a bad line, as `budget import` prints one line a bad line: `{"errors": [{"line": n, "reason": …}]}`. */
export function lineErrorsBody(errors: readonly LineError[]): { errors: LineErrorEntry[] } {
  return {
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
