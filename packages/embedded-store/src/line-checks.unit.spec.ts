import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppendedLines } from './line-checks';

describe('AppendedLines', () => {
  it('names the line of each position appended, and nothing for positions before or after', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 3000 }),
        (firstPosition, gaps) => {
          const appended = new AppendedLines(firstPosition);
          const lines: number[] = [];
          let line = 0;
          for (const gap of gaps) {
            line += gap;
            appended.add(firstPosition + lines.length, line);
            lines.push(line);
          }
          lines.forEach((expected, i) => {
            expect(appended.lineOf(firstPosition + i)).toBe(expected);
          });
          expect(appended.lineOf(firstPosition - 1)).toBeUndefined();
          expect(appended.lineOf(firstPosition + lines.length)).toBeUndefined();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a position out of order', () => {
    const appended = new AppendedLines(10);
    appended.add(10, 1);
    expect(() => {
      appended.add(12, 2);
    }).toThrow('position 12 appended out of order');
  });
});
