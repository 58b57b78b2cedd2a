import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topLevelElements } from './body-lines';

describe('topLevelElements', () => {
  it('counts the elements of any JSON array exactly as JSON.parse reads them', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 30 }), fc.boolean(), (elements, spaced) => {
        const body = spaced ? JSON.stringify(elements, null, 2) : JSON.stringify(elements);
        expect(topLevelElements(` \n${body}`)).toBe((JSON.parse(body) as unknown[]).length);
      }),
      { numRuns: 1000 },
    );
  });

  it('sees through strings with brackets, commas, quotes and backslashes', () => {
    expect(topLevelElements('["a,b", "[", "\\"]", "\\\\", {"k": [1, 2, "]"]}]')).toBe(5);
    expect(topLevelElements('[]')).toBe(0);
    expect(topLevelElements('[ ]')).toBe(0);
    expect(topLevelElements('{"a": [1, 2]}')).toBe(0);
    expect(topLevelElements('x')).toBe(0);
  });
});
