// The web app's pure helpers: amounts and shares as people type and read them, CSV, XLSX's ZIP, and the
// browser's canonical JSON against the domain's RFC 8785 implementation.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson as domainCanonicalJson } from '@budget/domain';
import { canonicalJson, verifyChain } from '../../services/web/app/chain';
import { parseCsv } from '../../services/web/app/csv';
import {
  formatEuro,
  formatUtilisation,
  looksNegative,
  parseUserAmount,
  parseUserDate,
  parseUserShare,
} from '../../services/web/app/format';
import { crc32, xlsxWorkbook } from '../../services/web/app/xlsx';

describe('amounts', () => {
  it.each([
    ['1234.56', '€ 1.234,56', '€ 1,234.56'],
    ['-1234.56', '€ -1.234,56', '€ -1,234.56'],
    ['0.00', '€ 0,00', '€ 0.00'],
    ['1000000.05', '€ 1.000.000,05', '€ 1,000,000.05'],
    ['999.99', '€ 999,99', '€ 999.99'],
  ])('shows %s as %s (nl) and %s (en)', (amount, nl, en) => {
    expect(formatEuro(amount, 'nl')).toBe(nl);
    expect(formatEuro(amount, 'en')).toBe(en);
  });

  it.each([
    ['1234,56', '1234.56'],
    ['1.234,56', '1234.56'],
    ['1,234.56', '1234.56'],
    ['€ 12', '12.00'],
    ['0,5', '0.50'],
    ['007', '7.00'],
    ['70.000', '70000.00'],
  ])('reads %s as %s', (typed, amount) => {
    expect(parseUserAmount(typed)).toBe(amount);
  });

  it.each(['', 'abc', '1,234,5', '12,3a', '-5', '1.2.3', '1,234'.replace(',', ',,'), '5.', '.5', '1,2.3,4'])(
    'refuses %j',
    (typed) => {
      expect(parseUserAmount(typed)).toBeNull();
      expect(parseUserAmount(typed, 'en')).toBeNull();
    },
  );

  it.each([
    // typed, Dutch reading, English reading (null: refused)
    ['12,500', null, '12500.00'],
    ['70.000', '70000.00', null],
    ['0,125', null, null],
    ['0.125', null, null],
    ['012.500', null, null],
    ['1.234', '1234.00', null],
    ['1,234', null, '1234.00'],
    ['1.234,5', '1234.50', '1234.50'],
    ['1,234.5', '1234.50', '1234.50'],
    ['12,50', '12.50', '12.50'],
    ['12.5', '12.50', '12.50'],
    ['1.234.567', '1234567.00', '1234567.00'],
    ['1,234,567', '1234567.00', '1234567.00'],
  ])(
    'reads %s as %s in Dutch and %s in English: one separator before three digits is the convention’s',
    (typed, nl, en) => {
      expect(parseUserAmount(typed, 'nl')).toBe(nl);
      expect(parseUserAmount(typed, 'en')).toBe(en);
    },
  );

  it('tells a negative amount by its sign', () => {
    expect(['-250,00', '- 5', '€ -1.234,56', '-€ 3'].map(looksNegative)).toEqual([true, true, true, true]);
    expect(['250,00', '5-', 'abc', ''].map(looksNegative)).toEqual([false, false, false, false]);
  });

  it('reads every amount of up to two decimals, written either way, as itself', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.boolean(), (cents, dutch) => {
        const amount = `${String(cents / 100n)}.${String(cents % 100n).padStart(2, '0')}`;
        const shown = formatEuro(amount, dutch ? 'nl' : 'en');
        expect(parseUserAmount(shown, dutch ? 'nl' : 'en')).toBe(amount);
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips every amount in cents through the Dutch display', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 13n }), (cents) => {
        const amount = `${String(cents / 100n)}.${String(cents % 100n).padStart(2, '0')}`;
        expect(parseUserAmount(formatEuro(amount, 'nl'))).toBe(amount);
      }),
    );
  });

  it('shows utilisation as a percentage', () => {
    expect(formatUtilisation('0.4521', 'nl')).toBe('45,21%');
    expect(formatUtilisation('1.0288', 'en')).toBe('102.88%');
    expect(formatUtilisation(null, 'nl')).toBe('-');
  });
});

describe('shares and dates', () => {
  it.each([
    ['0,573', '0.573'],
    ['57,3%', '0.573'],
    ['100%', '1'],
    ['0%', '0'],
    ['33.3333333%', '0.333333333'],
  ])('reads the share %s as %s', (typed, share) => {
    expect(parseUserShare(typed)).toBe(share);
  });

  it.each(['1.5', '101%', 'x', '0.1234567891'])('refuses the share %s', (typed) => {
    expect(parseUserShare(typed)).toBeNull();
  });

  it('reads ISO and Dutch dates, and refuses days that do not exist', () => {
    expect(parseUserDate('2024-02-29')).toBe('2024-02-29');
    expect(parseUserDate('1-3-2024')).toBe('2024-03-01');
    expect(parseUserDate('31/12/2024')).toBe('2024-12-31');
    expect(parseUserDate('31-02-2024')).toBeNull();
    expect(parseUserDate('2023-02-29')).toBeNull();
  });
});

describe('CSV', () => {
  it('detects the delimiter and reads quotes, doubled quotes, CRLF and a BOM, with file line numbers', () => {
    const text = '\uFEFFa;b;c\r\n"x;1";"say ""hi""";3\r\n\r\n"multi\nline";2;3\r\n';
    expect(parseCsv(text)).toEqual({
      rows: [
        { line: 1, cells: ['a', 'b', 'c'] },
        { line: 2, cells: ['x;1', 'say "hi"', '3'] },
        { line: 4, cells: ['multi\nline', '2', '3'] },
      ],
      problems: [],
      delimiter: ';',
    });
    expect(parseCsv('a,b\n1,2').rows.map((r) => r.cells)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(parseCsv('a\tb\n1\t2\n').delimiter).toBe('\t');
  });

  it('splits mixed line ends and counts lines across blank ones and line breaks in quotes', () => {
    const text = 'h1;h2\r\nx;1\n\n\r\n"a\r\nb";2\ry;3\n';
    expect(parseCsv(text).rows).toEqual([
      { line: 1, cells: ['h1', 'h2'] },
      { line: 2, cells: ['x', '1'] },
      { line: 5, cells: ['a\nb', '2'] },
      { line: 7, cells: ['y', '3'] },
    ]);
  });

  it('reports an opening quote that is never closed, at the line it opens, instead of taking the rest as one cell', () => {
    const text = 'id;text\nu-1;"Zomer campagne\nu-2;b\nu-3;c\n';
    const file = parseCsv(text);
    expect(file.problems).toEqual([{ line: 2, kind: 'unterminated-quote' }]);
    expect(file.rows.map((r) => r.line)).toEqual([1, 2]);
  });
});

describe('XLSX', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('writes a ZIP with the five parts of a workbook, amounts as number cells', () => {
    const bytes = Buffer.from(
      xlsxWorkbook('allocation', [
        ['region', 'spent'],
        ['zuid-limburg', '-1234.56'],
      ]),
    );
    const text = bytes.toString('utf8');
    expect(bytes.readUInt32LE(0)).toBe(0x04034b50);
    for (const part of [
      '[Content_Types].xml',
      '_rels/.rels',
      'xl/workbook.xml',
      'xl/_rels/workbook.xml.rels',
      'xl/worksheets/sheet1.xml',
    ])
      expect(text).toContain(part);
    expect(text).toContain('<c r="B2"><v>-1234.56</v></c>');
    expect(text).toContain('<c r="A2" t="inlineStr"><is><t xml:space="preserve">zuid-limburg</t></is></c>');
    expect(bytes.readUInt32LE(bytes.length - 22)).toBe(0x06054b50);
  });
});

describe("the browser's canonical JSON", () => {
  it('is the domain’s RFC 8785 form for JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const parsed: unknown = JSON.parse(JSON.stringify(value));
        expect(canonicalJson(parsed)).toBe(domainCanonicalJson(parsed));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("the browser's chain check", () => {
  /** Three records chained as CONTRACT section 5 says, hashed with Node's SHA-256 and the domain's JCS. */
  function chain(): { position: number; prevHash: string; hash: string; data: { amount: string } }[] {
    const records = [];
    let prevHash = '0'.repeat(64);
    for (const position of [1, 2, 3]) {
      const unhashed = { position, prevHash, data: { amount: `${String(position)}.00` } };
      const hash = createHash('sha256').update(domainCanonicalJson(unhashed)).digest('hex');
      records.push({ ...unhashed, hash });
      prevHash = hash;
    }
    return records;
  }

  it('finds an intact chain intact, and names where and how a broken one breaks', async () => {
    expect(await verifyChain(chain())).toEqual({ ok: true, records: 3 });
    const changed = chain();
    changed[1]!.data.amount = '2000.00';
    expect(await verifyChain(changed)).toEqual({ ok: false, position: 2, problem: { kind: 'hash' } });
    const relinked = chain();
    relinked[2]!.prevHash = relinked[0]!.hash;
    expect(await verifyChain(relinked)).toEqual({ ok: false, position: 3, problem: { kind: 'prev-hash' } });
    const missing = chain();
    missing.splice(1, 1);
    expect(await verifyChain(missing)).toEqual({
      ok: false,
      position: 2,
      problem: { kind: 'position', found: 3 },
    });
  });
});
