//! The auditor's own check of an exported history in the browser: RFC 8785 canonical JSON and WebCrypto SHA-256,
//! independent of the server's code (CONTRACT section 5).

/**
 * RFC 8785 for values read by JSON.parse: object keys sorted by UTF-16 code units; strings and numbers as
 * ECMAScript's JSON.stringify writes them, which is what the RFC prescribes.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** What the check reads of an exported record (CONTRACT section 5); every field is hashed. */
export interface ChainRecord {
  position: number;
  prevHash: string;
  hash: string;
}

/** Why a chain breaks at a position: a record out of place, a `prevHash` that does not link, or a record changed. */
export type ChainProblem = { kind: 'position'; found: number } | { kind: 'prev-hash' } | { kind: 'hash' };

export type ChainResult =
  { ok: true; records: number } | { ok: false; position: number; problem: ChainProblem };

const GENESIS = '0'.repeat(64);

export async function verifyChain(records: readonly ChainRecord[]): Promise<ChainResult> {
  let previous = GENESIS;
  for (const [index, record] of records.entries()) {
    const position = index + 1;
    if (record.position !== position)
      return { ok: false, position, problem: { kind: 'position', found: record.position } };
    if (record.prevHash !== previous) return { ok: false, position, problem: { kind: 'prev-hash' } };
    const { hash, ...unhashed } = record;
    if ((await sha256Hex(canonicalJson(unhashed))) !== hash)
      return { ok: false, position, problem: { kind: 'hash' } };
    previous = hash;
  }
  return { ok: true, records: records.length };
}
