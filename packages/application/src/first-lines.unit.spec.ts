import { describe, expect, it } from 'vitest';
import { FirstLines, conflictingId } from './first-lines';

describe('FirstLines', () => {
  it('remembers an id the first time it is seen and compares later lines with that one by content', () => {
    const lines = new FirstLines();
    expect(lines.seen('r', 'x', 1, '{"a":1}')).toBeUndefined();
    expect(lines.seen('r', 'x', 4, '{"a":1}')).toEqual({ line: 1, same: true });
    expect(lines.seen('r', 'x', 7, '{"a":2}')).toEqual({ line: 1, same: false });
    // Another region's id of the same name is another id.
    expect(lines.seen('s', 'x', 8, '{"a":2}')).toBeUndefined();
  });

  it('compares without remembering until told to', () => {
    const lines = new FirstLines();
    expect(lines.compare('r', 'x', '{}')).toBeUndefined();
    expect(lines.compare('r', 'x', '{}')).toBeUndefined();
    lines.remember('r', 'x', 3, '{}');
    expect(lines.compare('r', 'x', '{}')).toEqual({ line: 3, same: true });
  });
});

describe('conflictingId', () => {
  it('names the line, the id and where the other content is', () => {
    expect(conflictingId(5, 'e-1', 'line 2 of this input')).toEqual({
      line: 5,
      issues: [
        {
          reason: 'conflicting-id',
          field: 'id',
          detail: 'e-1 is already in line 2 of this input with different content',
        },
      ],
    });
  });
});
