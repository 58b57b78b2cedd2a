// Malformed input as data: one entry a bad line, the first problem's reason, every problem in words.
import { describeIssue, validateLine } from '@budget/domain';
import { describe, expect, it } from 'vitest';
import { lineErrorsBody } from './line-errors';

describe('lineErrorsBody', () => {
  it('gives one entry a bad line, with its first reason and field and every problem in detail', () => {
    const twoProblems = JSON.stringify({
      id: 'e-1',
      region: 'zuid-limburg',
      type: 'BudgetSet',
      occurredAt: '2024-01-01T00:00:00Z',
      actor: 'ctl',
      data: { actionId: 'A1', year: 1999, amount: '1.001' },
    });
    const lines = [twoProblems, 'not json'];
    const errors = lines.flatMap((text, i) => {
      const result = validateLine(text);
      return result.ok ? [] : [{ line: i + 1, issues: result.issues }];
    });
    const issues = errors[0]?.issues ?? [];
    expect(issues.length).toBeGreaterThanOrEqual(2);
    expect(lineErrorsBody(errors)).toEqual({
      errorCount: 2,
      errors: [
        {
          line: 1,
          reason: issues[0]?.reason,
          field: issues[0]?.field,
          detail: issues.map(describeIssue).join('; '),
        },
        { line: 2, reason: 'not-json', field: '', detail: expect.stringContaining('not-json') as string },
      ],
    });
  });

  it('counts every bad line when the list was cut short', () => {
    const errors = [{ line: 3, issues: [{ reason: 'not-json' as const, field: '', detail: 'x' }] }];
    expect(lineErrorsBody(errors, 5_000)).toMatchObject({ errorCount: 5_000, errors: [{ line: 3 }] });
  });
});
