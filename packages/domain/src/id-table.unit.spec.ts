import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HashTables, IdTable } from './id-table';

// Identifiers as the contract has them, from a small alphabet so that generated ones repeat and share prefixes.
const id = fc.stringMatching(/^[ab:._-]{1,6}$|^[A-Za-z0-9._:-]{1,64}$/);

describe('IdTable', () => {
  it('numbers ids in the order they came and finds each, as a Map would, past every growth', () => {
    const operation = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), id }),
      fc.record({ kind: fc.constant('find' as const), id }),
    );
    fc.assert(
      fc.property(
        fc.array(operation, { maxLength: 4000 }),
        fc.nat({ max: 0xffffffff }),
        (operations, seed) => {
          const table = new IdTable(HashTables.seeded(seed));
          const model = new Map<string, number>();
          for (const op of operations) {
            if (op.kind === 'add') {
              const expected = model.has(op.id) ? -1 : model.size;
              if (expected !== -1) model.set(op.id, expected);
              expect(table.add(op.id)).toBe(expected);
            } else {
              expect(table.find(op.id)).toBe(model.get(op.id) ?? -1);
            }
          }
          expect(table.size).toBe(model.size);
          for (const [known, slot] of model) {
            expect(table.find(known)).toBe(slot);
            expect(table.idAt(slot)).toBe(known);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps 100,000 ids of one shape apart, whatever the tables', () => {
    for (const tables of [HashTables.seeded(0), HashTables.seeded(1), HashTables.random()]) {
      const table = new IdTable(tables);
      const slots = Array.from({ length: 100_000 }, (_, i) =>
        table.add(`SP-2024-${String(i).padStart(6, '0')}`),
      );
      expect(slots.every((slot, i) => slot === i)).toBe(true);
      expect(table.find('SP-2024-000000')).toBe(0);
      expect(table.find('SP-2024-099999')).toBe(99_999);
      expect(table.find('SP-2024-100000')).toBe(-1);
      expect(table.idAt(54_321)).toBe('SP-2024-054321');
    }
  });

  it('tells apart ids whose whole hashes are equal', () => {
    // A birthday search for ids of equal 32-bit hash under one set of tables: the table must compare characters.
    const tables = HashTables.seeded(12345);
    const seen = new Map<number, string>();
    const pairs: [string, string][] = [];
    for (let i = 0; pairs.length < 3; i++) {
      const candidate = `c${i.toString(36).padStart(6, '0')}`; // one length: only the characters tell them apart
      const hash = tables.hash(candidate);
      const earlier = seen.get(hash);
      if (earlier === undefined) seen.set(hash, candidate);
      else pairs.push([earlier, candidate]);
    }
    for (const [first, second] of pairs) {
      const table = new IdTable(tables);
      expect(table.add(first)).toBe(0);
      expect(table.find(second)).toBe(-1);
      expect(table.add(second)).toBe(1);
      expect([table.find(first), table.find(second), table.add(first), table.add(second)]).toEqual([
        0, 1, -1, -1,
      ]);
    }
    // And ids of one place that differ in length or in their last character.
    const table = new IdTable(HashTables.seeded(7));
    const ids = ['a', 'aa', 'ab', 'ba', 'a'.repeat(64), `${'a'.repeat(63)}b`];
    ids.forEach((known, slot) => {
      expect(table.add(known)).toBe(slot);
    });
    ids.forEach((known, slot) => {
      expect(table.find(known)).toBe(slot);
    });
    expect(table.find('b')).toBe(-1);
  });

  it('hashes by random tables, so ids made to collide in a seeded FNV-1a do not', () => {
    // 'S3cCA' and 'wBADA' collided in FNV-1a under every seed whose low byte was 0: the seed changed only the start.
    for (let seed = 0; seed < 256; seed++) {
      const tables = HashTables.seeded(seed * 256);
      expect(tables.hash('S3cCA')).not.toBe(tables.hash('wBADA'));
    }
    // And the process's own tables are made once and are not all zero.
    expect(HashTables.random()).toBe(HashTables.random());
    expect(new Set(['a', 'b', 'c', 'd'].map((id) => HashTables.random().hash(id))).size).toBe(4);
  });

  it('refuses an identifier that is not a string, rather than storing no characters', () => {
    const table = new IdTable(HashTables.seeded(3));
    table.add('first-id');
    expect(() => table.add(123 as unknown as string)).toThrow(/must be a string, not number/);
    table.add('XY');
    expect([table.idAt(0), table.find('first-id'), table.idAt(1), table.size]).toEqual([
      'first-id',
      0,
      'XY',
      2,
    ]);
  });

  it('refuses a character beyond U+00FF without changing anything, and finds no such id', () => {
    const table = new IdTable(HashTables.seeded(1));
    table.add('x1');
    expect(() => table.add('x\u0100')).toThrow(/beyond U\+00FF/);
    expect(() => table.add('\ud83d\ude00')).toThrow(/beyond U\+00FF/);
    expect(table.size).toBe(1);
    expect(table.find('x\u0100')).toBe(-1);
    expect(table.add('x2')).toBe(1);
    expect(table.idAt(1)).toBe('x2');
    // Latin-1 beyond ASCII is stored exactly.
    expect(table.add('é\u00ff')).toBe(2);
    expect(table.idAt(2)).toBe('é\u00ff');
  });

  it('names a slot it does not have', () => {
    const table = new IdTable();
    table.add('only');
    expect(() => table.idAt(1)).toThrow(/no id in slot 1/);
    expect(() => table.idAt(-1)).toThrow(/no id in slot -1/);
    expect(() => table.idAt(0.5)).toThrow(/no id in slot 0.5/);
  });
});
