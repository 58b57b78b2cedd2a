// The tokens file of CONTRACT section 8: hashes in hex, found in constant time.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findToken, readTokenFile, sha256Hex } from './tokens';

describe('readTokenFile', () => {
  it('takes the SHA-256 in upper or lower case hex, and finds the token either way', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tokens-')), 'tokens.json');
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
    const file = join(mkdtempSync(join(tmpdir(), 'tokens-')), 'tokens.json');
    writeFileSync(file, JSON.stringify([{ tokenSha256: 'xyz', role: 'auditor', regions: ['*'], name: 'x' }]));
    expect(() => readTokenFile(file)).toThrow(/0\.tokenSha256: must be 64 hex characters/);
  });
});
