// The hash chain of CONTRACT section 5, checked against a SHA-256 computed here, independently, over a canonical
// form written by hand.
// eslint-disable-next-line no-restricted-imports -- the test computes SHA-256 itself, independently of the core
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkLink,
  contentDigest,
  eventContent,
  GENESIS_HASH,
  recordHash,
  sealRecord,
  storedRecordHash,
  type LogRecord,
} from './hash-chain';
import { RegionLog } from './region-log';
import type { BudgetEvent } from './schemas';

const event = {
  id: 'e-0001',
  region: 'zuid-limburg',
  type: 'YearClosed',
  occurredAt: '2024-03-01T10:00:00Z',
  actor: 'fo-maastricht-1',
  data: { year: 2024 },
} as BudgetEvent;

// RFC 8785 by hand: keys in code-point order at every level, no whitespace.
const CANONICAL =
  '{"actor":"fo-maastricht-1","data":{"year":2024},"id":"e-0001","occurredAt":"2024-03-01T10:00:00Z",' +
  '"outcome":"rejected","position":1,"prevHash":"0000000000000000000000000000000000000000000000000000000000000000",' +
  '"reason":"region-not-configured","recordedAt":"2024-03-02T00:00:00.000Z","region":"zuid-limburg","type":"YearClosed"}';
const EXPECTED_HASH = createHash('sha256').update(Buffer.from(CANONICAL, 'utf8')).digest('hex');

function firstRecords(): LogRecord[] {
  const log = RegionLog.empty('zuid-limburg');
  const configured = {
    ...event,
    id: 'e-0002',
    type: 'RegionConfigured',
    data: { name: 'ZL', funders: [{ id: 'heerlen', name: 'Heerlen', municipalities: ['Brunssum'] }] },
  } as BudgetEvent;
  return [event, configured, { ...event, id: 'e-0003' }].map(
    (e) => log.append(e, '2024-03-02T00:00:00.000Z').record,
  );
}

describe('hash chain', () => {
  it('hashes a known record to the SHA-256 of its hand-written canonical form', () => {
    const [first] = firstRecords();
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    expect(first).toMatchObject({ position: 1, prevHash: GENESIS_HASH, outcome: 'rejected' });
    expect(first?.hash).toBe(EXPECTED_HASH);
    expect(first?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('links each record to the previous hash and checks every link', () => {
    const records = firstRecords();
    let previous = GENESIS_HASH;
    records.forEach((record, i) => {
      expect(record.prevHash).toBe(previous);
      expect(checkLink(record, i + 1, previous)).toBeNull();
      previous = record.hash;
    });
    expect(records.map((r) => r.outcome)).toEqual(['rejected', 'accepted', 'accepted']);
  });

  it('keeps the contract field order in the sealed record, hash last', () => {
    const [first] = firstRecords();
    expect(Object.keys(first!)).toEqual([
      'id',
      'region',
      'type',
      'occurredAt',
      'actor',
      'data',
      'position',
      'recordedAt',
      'outcome',
      'reason',
      'prevHash',
      'hash',
    ]);
  });

  it('detects changed data, a changed prevHash, a wrong position and a changed outcome', () => {
    const [, second] = firstRecords();
    const previous = firstRecords()[0]!.hash;
    expect(checkLink(second!, 2, previous)).toBeNull();
    const changedData = { ...second!, data: { ...second!.data, name: 'other' } } as LogRecord;
    expect(checkLink(changedData, 2, previous)).toMatch(/hash/);
    expect(checkLink({ ...second!, prevHash: GENESIS_HASH }, 2, previous)).toMatch(/prevHash/);
    expect(checkLink(second!, 2, GENESIS_HASH)).toMatch(/prevHash/);
    expect(checkLink(second!, 3, previous)).toMatch(/position/);
    expect(checkLink({ ...second!, outcome: 'rejected' }, 2, previous)).toMatch(/hash/);
    expect(checkLink({ ...second!, recordedAt: '2024-03-02T00:00:01.000Z' }, 2, previous)).toMatch(/hash/);
  });

  it("covers every field a record has but its hash, one added to it too, as an auditor's own JCS would", () => {
    const [first] = firstRecords();
    // An added field breaks the link, although every field the contract names is unchanged.
    const added = { ...first!, note: 'x' } as unknown as LogRecord;
    expect(checkLink(added, 1, GENESIS_HASH)).toMatch(/hash/);
    // Sealed over all its fields by hand (the hand-written canonical form with "note" in its place), it links.
    const withNote = CANONICAL.replace(',"occurredAt"', ',"note":"x","occurredAt"');
    const sealed = { ...added, hash: createHash('sha256').update(withNote, 'utf8').digest('hex') };
    expect(storedRecordHash(sealed)).toBe(sealed.hash);
    expect(checkLink(sealed, 1, GENESIS_HASH)).toBeNull();
    // A record with exactly the contract's fields hashes as it was sealed.
    expect(storedRecordHash(first!)).toBe(EXPECTED_HASH);
  });

  it('hashes the same record the same whatever the key order of its fields', () => {
    const [first] = firstRecords();
    const { hash, ...unhashed } = first!;
    const reordered = Object.fromEntries(Object.entries(unhashed).reverse()) as typeof unhashed;
    expect(recordHash(reordered)).toBe(hash);
    expect(sealRecord(reordered).hash).toBe(hash);
  });

  it('gives equal event content for the same content with a different key order', () => {
    const shuffled = {
      data: { shares: { maastricht: '0.573', heerlen: '0.427' }, year: 2024 },
      actor: 'a',
      type: 'FundingKeySet',
      occurredAt: '2024-03-01T10:00:00Z',
      region: 'r',
      id: 'e1',
    } as BudgetEvent;
    const ordered = {
      id: 'e1',
      region: 'r',
      type: 'FundingKeySet',
      occurredAt: '2024-03-01T10:00:00Z',
      actor: 'a',
      data: { year: 2024, shares: { heerlen: '0.427', maastricht: '0.573' } },
    } as BudgetEvent;
    expect(eventContent(shuffled)).toBe(eventContent(ordered));
    expect(eventContent(ordered)).toBe(
      '{"actor":"a","data":{"shares":{"heerlen":"0.427","maastricht":"0.573"},"year":2024},"id":"e1",' +
        '"occurredAt":"2024-03-01T10:00:00Z","region":"r","type":"FundingKeySet"}',
    );
    const different = { ...ordered, data: { year: 2024, shares: { heerlen: '0.573', maastricht: '0.427' } } };
    expect(eventContent(different as BudgetEvent)).not.toBe(eventContent(ordered));
  });
});

describe('the content digest', () => {
  it('is the first 16 bytes of SHA-256 over the canonical content, in 22 base64 characters', () => {
    const content = eventContent(event);
    const digest = contentDigest(content);
    expect(digest).toBe(createHash('sha256').update(content, 'utf8').digest('base64').slice(0, 22));
    expect(digest).toHaveLength(22);
    expect(contentDigest(eventContent({ ...event, actor: 'someone else' }))).not.toBe(digest);
  });
});
