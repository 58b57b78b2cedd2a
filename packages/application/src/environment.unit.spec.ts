import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { envSetting, environmentProblem } from './environment';

describe('envSetting and environmentProblem', () => {
  const schema = z.object({ NAME: envSetting, PORT: z.string().regex(/^\d+$/, 'must be a port number') });

  it('reads an empty variable as unset', () => {
    expect(schema.parse({ NAME: '', PORT: '1' })).toEqual({ NAME: undefined, PORT: '1' });
    expect(schema.parse({ NAME: 'x', PORT: '1' })).toEqual({ NAME: 'x', PORT: '1' });
  });

  it('names each bad variable with its problem', () => {
    const parsed = schema.safeParse({ PORT: 'abc' });
    expect(parsed.success).toBe(false);
    if (!parsed.success)
      expect(environmentProblem(parsed.error)).toBe('bad environment: PORT: must be a port number');
  });
});
