// The tokens file of CONTRACT section 8: hashes in hex, found in constant time.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { validateLine } from '@budget/domain';
import {
  ROLES,
  createToken,
  findToken,
  revokeTokens,
  lineClaims,
  mayUseRegion,
  mayWrite,
  readTokenFile,
  sha256Hex,
  type TokenEntry,
} from './tokens';

const DEMO = new URL('../../../examples/zuid-limburg/events.ndjson', import.meta.url);

/** A directory of its own for the enclosing describe block, removed after it. */
function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

describe('readTokenFile', () => {
  const dir = scratchDir('tokens-');
  it('takes the SHA-256 in upper or lower case hex, and finds the token either way', () => {
    const file = join(dir, 'upper-lower.json');
    const entries = [
      { tokenSha256: sha256Hex('upper').toUpperCase(), role: 'auditor', regions: ['*'], name: 'upper' },
      { tokenSha256: sha256Hex('lower'), role: 'controller', regions: ['zuid-limburg'], name: 'lower' },
    ];
    writeFileSync(file, JSON.stringify(entries));
    const read = readTokenFile(file);
    expect(findToken(read, 'upper')?.name).toBe('upper');
    expect(findToken(read, 'lower')?.name).toBe('lower');
    expect(findToken(read, 'other')).toBeUndefined();
    expect(read[0]?.tokenSha256).toBe(sha256Hex('upper'));
  });

  it('says which entry is wrong when a hash is not 64 hex characters', () => {
    const file = join(dir, 'bad-hash.json');
    writeFileSync(file, JSON.stringify([{ tokenSha256: 'xyz', role: 'auditor', regions: ['*'], name: 'x' }]));
    expect(() => readTokenFile(file)).toThrow(/0\.tokenSha256: must be 64 hex characters/);
  });
});

describe('createToken', () => {
  const dir = scratchDir('tokens-create-');
  it('makes the directory of a tokens file that does not exist yet (the data directory of a fresh install)', () => {
    const file = join(dir, 'data', 'not-yet', 'tokens.json');
    const token = createToken(file, 'auditor', ['zuid-limburg'], 'first');
    // The file and the directories made for it: their owner's alone.
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'data')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'data', 'not-yet')).mode & 0o777).toBe(0o700);
    const read = readTokenFile(file);
    expect(read).toHaveLength(1);
    expect(findToken(read, token)).toMatchObject({
      role: 'auditor',
      regions: ['zuid-limburg'],
      name: 'first',
    });
    const second = createToken(file, 'controller', ['*'], 'second');
    expect(readTokenFile(file).map((e) => e.name)).toEqual(['first', 'second']);
    expect(findToken(readTokenFile(file), second)?.role).toBe('controller');
  });
});

describe('lineClaims', () => {
  const demoLines = readFileSync(DEMO, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  const regions = ['zuid-limburg', 'noord-limburg', 'midden-limburg'];
  const token: fc.Arbitrary<TokenEntry> = fc.record({
    tokenSha256: fc.constant(sha256Hex('t')),
    role: fc.constantFrom(...ROLES),
    regions: fc.oneof(fc.constant<string[]>(['*']), fc.subarray(regions, { minLength: 1 })),
    name: fc.constant('t'),
  });

  it('gives the type and region of every valid line, so judging claims misses no line a token may not send', () => {
    fc.assert(
      fc.property(
        token,
        fc.constantFrom(...demoLines),
        fc.constantFrom(...regions),
        (entry: TokenEntry, text, region) => {
          const line = JSON.stringify({ ...(JSON.parse(text) as object), region });
          const validation = validateLine(line);
          if (!validation.ok) throw new Error(`the demo line is valid: ${line}`);
          const { type } = validation.event;
          const claims = lineClaims(line);
          expect(claims).toEqual({ type, region });
          const denied = !mayWrite(entry.role, type) || !mayUseRegion(entry, region);
          expect(
            claims !== undefined &&
              (!mayWrite(entry.role, claims.type) || !mayUseRegion(entry, claims.region)),
          ).toBe(denied);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('leaves lines that cannot be valid to the import', () => {
    for (const line of [
      '{',
      '[]',
      'null',
      '"x"',
      '{"type":"Nope","region":"r"}',
      '{"type":"SpendingRecorded"}',
    ])
      expect(lineClaims(line)).toBeUndefined();
    // A line malformed elsewhere still has its claims: the caller validates every line before it answers.
    expect(lineClaims('{"type":"SpendingRecorded","region":"r","data":1}')).toEqual({
      type: 'SpendingRecorded',
      region: 'r',
    });
    // JSON may begin with white space: such a line is looked at as any other.
    expect(lineClaims(' \t{"type":"SpendingRecorded","region":"r"}')).toEqual({
      type: 'SpendingRecorded',
      region: 'r',
    });
    for (const line of ['x', '', ' ', 'nul', '1', '"{"']) expect(lineClaims(line)).toBeUndefined();
  });
});

describe('revokeTokens', () => {
  const dir = scratchDir('tokens-revoke-');

  it('removes every token of a name and says how many, leaving the others and a file without it as they were', () => {
    const file = join(dir, 'tokens.json');
    const kept = createToken(file, 'auditor', ['*'], 'auditor');
    const first = createToken(file, 'controller', ['zuid-limburg'], 'laptop');
    createToken(file, 'controller', ['noord-limburg'], 'laptop');
    expect(revokeTokens(file, 'laptop')).toBe(2);
    const left = readTokenFile(file);
    expect(left.map((e) => e.name)).toEqual(['auditor']);
    expect(findToken(left, kept)?.role).toBe('auditor');
    expect(findToken(left, first)).toBeUndefined();
    const before = readFileSync(file, 'utf8');
    expect(revokeTokens(file, 'nobody')).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(revokeTokens(join(dir, 'absent.json'), 'laptop')).toBe(0);
  });
});

describe('the tokens file under commands running at once', () => {
  const dir = scratchDir('tokens-lock-');

  /** A process of its own that runs `code` with this module's createToken and revokeTokens in scope. */
  function command(code: string): Promise<string> {
    const module = pathToFileURL(join(import.meta.dirname, 'tokens.ts')).href;
    const script = `import { createToken, revokeTokens } from '${module}';\n${code}`;
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        (error, stdout, stderr) => {
          if (error === null) resolve(stdout.trim());
          else reject(new Error(`${error.message}\n${stderr}`));
        },
      );
    });
  }

  it('loses no change: every created token is stored and a revoked one stays revoked', async () => {
    const file = join(dir, 'tokens.json');
    createToken(file, 'administrator', ['*'], 'revoke me');
    const creators = Array.from({ length: 6 }, (_, i) =>
      command(
        `process.stdout.write(createToken(${JSON.stringify(file)}, 'auditor', ['*'], 'c${String(i)}'));`,
      ),
    );
    const revoker = command(
      `process.stdout.write(String(revokeTokens(${JSON.stringify(file)}, 'revoke me')));`,
    );
    const created = await Promise.all(creators);
    expect(await revoker).toBe('1');
    const entries = readTokenFile(file);
    expect(entries.map((e) => e.name).sort()).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
    for (const token of created) expect(findToken(entries, token)?.role).toBe('auditor');
    expect(existsSync(`${file}.lock`)).toBe(false);
  }, 60_000);
});
