// Malformed input (CONTRACT section 2): every reason with the path of the field at fault, and valid records of
// every type, which come back exactly as given.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIsoDate, isIsoTimestamp, type EventType } from './schemas';
import {
  MAX_LINE_LENGTH,
  NOT_UTF8_MARK,
  validateLine,
  validateRecord,
  type MalformedIssue,
} from './validation';

const DATA: Record<EventType, Record<string, unknown>> = {
  RegionConfigured: {
    name: 'Zuid-Limburg',
    funders: [
      { id: 'heerlen', name: 'Heerlen', municipalities: ['Heerlen', 'Kerkrade'] },
      { id: 'maastricht', name: 'Maastricht', municipalities: [] },
    ],
  },
  ActionDefined: {
    actionId: 'A-1',
    theme: 'in-beeld',
    title: 'Awareness',
    intendedResult: '',
    partners: ['AVIM'],
    startYear: 2023,
    endYear: 2025,
  },
  FundingCommitted: { funder: 'heerlen', year: 2024, amount: '1200.00', reference: 'DU 2024' },
  BudgetSet: { actionId: 'A-1', year: 2024, amount: '0' },
  FundingKeySet: { year: 2024, actionId: 'A-1', shares: { heerlen: '0.427', maastricht: '0.573' } },
  SpendingRecorded: {
    spendingId: 's-1',
    actionId: 'A-1',
    year: 2024,
    amount: '12.5',
    bookedOn: '2024-02-29',
    payee: 'Partner',
    invoiceRef: 'INV-1',
    description: 'first invoice',
  },
  SpendingCorrected: { spendingId: 's-1', amount: '0.01', reason: 'typo' },
  SpendingReversed: { spendingId: 's-1', reason: 'wrong action' },
  YearClosed: { year: 2100 },
};

function record(
  type: string,
  data: unknown,
  envelope: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id: 'e-0001',
    region: 'zuid-limburg',
    type,
    occurredAt: '2024-03-01T10:00:00Z',
    actor: 'fo-maastricht-1',
    data,
    ...envelope,
  };
}

/** The record of `type` with `changes` merged into its valid data (undefined removes a field). */
function withData(type: EventType, changes: Record<string, unknown>): Record<string, unknown> {
  const merged = Object.entries({ ...DATA[type], ...changes });
  return record(type, Object.fromEntries(merged.filter(([, value]) => value !== undefined)));
}

function issuesOf(value: unknown): Pick<MalformedIssue, 'reason' | 'field'>[] {
  const result = validateRecord(value);
  if (result.ok) throw new Error(`expected malformed: ${JSON.stringify(value)}`);
  return result.issues.map(({ reason, field }) => ({ reason, field }));
}

/** The first issue's reason and field. */
function firstIssue(value: unknown): string {
  const [issue] = issuesOf(value);
  return `${issue?.reason ?? ''} ${issue?.field ?? ''}`;
}

describe('validateRecord: valid records', () => {
  it.each(Object.keys(DATA) as EventType[])(
    'accepts a valid %s and returns the input object itself',
    (type) => {
      const value = record(type, DATA[type]);
      const result = validateRecord(value);
      expect(result.ok).toBe(true);
      // Not zod's output: the very object, so that hashes and exports show what was sent.
      expect(result.ok && result.event).toBe(value);
    },
  );

  it('accepts optional fields absent or null, a key without actionId, offsets and fractions of seconds', () => {
    const valid = [
      withData('SpendingRecorded', { invoiceRef: undefined, description: undefined }),
      withData('SpendingRecorded', { invoiceRef: null, description: null }),
      withData('FundingKeySet', { actionId: undefined, shares: { heerlen: '1', maastricht: '0' } }),
      withData('FundingKeySet', {
        actionId: null,
        shares: { a: '0.333333333', b: '0.333333333', c: '0.333333334' },
      }),
      withData('FundingKeySet', { shares: { only: '1.000000000' } }),
      withData('ActionDefined', { startYear: 2000, endYear: 2000, theme: 'opvang-hulpverlening' }),
      withData('FundingCommitted', { amount: '0.5' }),
      record('YearClosed', { year: 2024 }, { occurredAt: '2024-03-01T10:00:00.123+01:00' }),
      record('YearClosed', { year: 2024 }, { occurredAt: '2024-03-01T10:00-05:30' }),
    ];
    for (const value of valid)
      expect(validateRecord(value), JSON.stringify(value)).toMatchObject({ ok: true });
  });
});

describe('validateLine', () => {
  it('reads shares of a funder whose id is `__proto__`, which zod records would drop', () => {
    const line = (shares: string) =>
      JSON.stringify(record('FundingKeySet', { year: 2024 })).replace(/\}\}$/, `,"shares":${shares}}}`);
    expect(validateLine(line('{"__proto__":"0.5","heerlen":"0.5"}'))).toMatchObject({ ok: true });
    expect(validateLine(line('{"__proto__":"0.7","heerlen":"0.5"}'))).toMatchObject({
      ok: false,
      issues: [{ reason: 'shares-not-one', field: 'data.shares' }],
    });
    expect(validateLine(line('{"__proto__":0.5,"heerlen":"0.5"}'))).toMatchObject({
      ok: false,
      issues: [{ reason: 'bad-share', field: 'data.shares.__proto__' }],
    });
  });

  it('not-json: a line that does not parse', () => {
    expect(validateLine('{"id": ')).toMatchObject({ ok: false, issues: [{ reason: 'not-json', field: '' }] });
  });

  it('bad-encoding: a line marked as not UTF-8 by its reader, before anything else', () => {
    const line = JSON.stringify(withData('YearClosed', {}));
    expect(validateLine(line).ok).toBe(true);
    for (const text of [`${NOT_UTF8_MARK}${line}`, `${NOT_UTF8_MARK}${'x'.repeat(MAX_LINE_LENGTH + 1)}`]) {
      expect(validateLine(text)).toMatchObject({
        ok: false,
        issues: [{ reason: 'bad-encoding', field: '' }],
      });
    }
  });

  it('line-too-long: refused before parsing', () => {
    const line = JSON.stringify(record('YearClosed', { year: 2024 }, { actor: 'x'.repeat(MAX_LINE_LENGTH) }));
    expect(validateLine(line)).toMatchObject({ ok: false, issues: [{ reason: 'line-too-long', field: '' }] });
  });

  it('unknown-field: a data key `__proto__`, which objects zod builds would drop', () => {
    const line = JSON.stringify(record('YearClosed', { year: 2024 })).replace(
      '"data":{',
      '"data":{"__proto__":1,',
    );
    expect(validateLine(line)).toMatchObject({
      ok: false,
      issues: [{ reason: 'unknown-field', field: 'data.__proto__' }],
    });
  });

  it('passes a valid line through', () => {
    const value = record('YearClosed', { year: 2024 });
    expect(validateLine(JSON.stringify(value))).toEqual({ ok: true, event: value });
  });
});

describe('validateRecord: malformed reasons with the field path', () => {
  it('wrong-type: not an object, or a field of the wrong JSON type', () => {
    expect(firstIssue(null)).toBe('wrong-type ');
    expect(firstIssue([])).toBe('wrong-type ');
    expect(firstIssue(record('YearClosed', { year: '2024' }))).toBe('wrong-type data.year');
    expect(firstIssue(record('YearClosed', { year: 2024.5 }))).toBe('wrong-type data.year');
    expect(firstIssue(record('YearClosed', [2024]))).toBe('wrong-type data');
    expect(firstIssue(record('YearClosed', null))).toBe('wrong-type data');
    expect(firstIssue(record('YearClosed', '2024'))).toBe('wrong-type data');
    expect(firstIssue(record('YearClosed', { year: 2024 }, { actor: 7 }))).toBe('wrong-type actor');
    expect(firstIssue(withData('ActionDefined', { partners: 'AVIM' }))).toBe('wrong-type data.partners');
  });

  it('missing-field: an absent field, whatever its own checks would say', () => {
    expect(firstIssue(record('YearClosed', {}))).toBe('missing-field data.year');
    expect(firstIssue(withData('FundingCommitted', { amount: undefined }))).toBe('missing-field data.amount');
    expect(firstIssue(withData('ActionDefined', { theme: undefined }))).toBe('missing-field data.theme');
    expect(firstIssue(withData('FundingKeySet', { shares: undefined }))).toBe('missing-field data.shares');
    expect(firstIssue(withData('SpendingRecorded', { payee: undefined }))).toBe('missing-field data.payee');
    expect(firstIssue(record('YearClosed', { year: 2024 }, { actor: undefined }))).toBe(
      'missing-field actor',
    );
    expect(firstIssue(record('YearClosed', { year: 2024 }, { type: undefined }))).toBe('missing-field type');
    expect(firstIssue(record('YearClosed', undefined))).toBe('missing-field data');
    expect(firstIssue(withData('RegionConfigured', { funders: [] }))).toBe('missing-field data.funders');
  });

  it('unknown-field: in the envelope, in data, in a nested object, and a JSON "__proto__" key', () => {
    expect(firstIssue(record('YearClosed', { year: 2024 }, { extra: 1 }))).toBe('unknown-field extra');
    expect(firstIssue(withData('YearClosed', { note: 'x' }))).toBe('unknown-field data.note');
    const funders = [{ id: 'f', name: 'F', municipalities: [], size: 3 }];
    expect(firstIssue(withData('RegionConfigured', { funders }))).toBe('unknown-field data.funders.0.size');
    const line =
      '{"id":"e1","region":"r","type":"YearClosed","occurredAt":"2024-03-01T10:00:00Z","actor":"a","data":{"year":2024,"__proto__":{}}}';
    expect(validateLine(line)).toMatchObject({
      ok: false,
      issues: [{ reason: 'unknown-field', field: 'data.__proto__' }],
    });
  });

  it('unknown-type and unknown-theme', () => {
    expect(firstIssue(record('SpendingDeleted', {}))).toBe('unknown-type type');
    expect(firstIssue(withData('ActionDefined', { theme: 'preventie' }))).toBe('unknown-theme data.theme');
  });

  it('bad-id: identifiers of 1-64 characters from [A-Za-z0-9._:-], shares keys included', () => {
    expect(firstIssue(record('YearClosed', { year: 2024 }, { id: 'e 1' }))).toBe('bad-id id');
    expect(firstIssue(record('YearClosed', { year: 2024 }, { region: '' }))).toBe('bad-id region');
    expect(firstIssue(record('YearClosed', { year: 2024 }, { id: 'x'.repeat(65) }))).toBe('bad-id id');
    expect(validateRecord(record('YearClosed', { year: 2024 }, { id: 'x'.repeat(64) })).ok).toBe(true);
    expect(firstIssue(withData('SpendingReversed', { spendingId: 'ß' }))).toBe('bad-id data.spendingId');
    const funders = [{ id: 'a/b', name: 'F', municipalities: [] }];
    expect(firstIssue(withData('RegionConfigured', { funders }))).toBe('bad-id data.funders.0.id');
    expect(firstIssue(withData('FundingKeySet', { shares: { 'a b': '1' } }))).toBe('bad-id data.shares.a b');
  });

  it('bad-year: outside 2000..2100', () => {
    expect(firstIssue(record('YearClosed', { year: 1999 }))).toBe('bad-year data.year');
    expect(firstIssue(record('YearClosed', { year: 2101 }))).toBe('bad-year data.year');
    expect(firstIssue(withData('ActionDefined', { startYear: 1999 }))).toBe('bad-year data.startYear');
  });

  it('start-after-end', () => {
    expect(firstIssue(withData('ActionDefined', { startYear: 2025, endYear: 2024 }))).toBe(
      'start-after-end data.endYear',
    );
  });

  it('bad-amount: negative, more than 2 decimals, a JSON number, other spellings, and 0 where it must be above 0', () => {
    for (const amount of [
      '-1.00',
      '-0.01',
      '-0.5',
      '-00',
      '-',
      '1.005',
      '01',
      '1.',
      '.5',
      '1e3',
      ' 1',
      '1,00',
      '',
    ]) {
      expect(firstIssue(withData('FundingCommitted', { amount })), amount).toBe('bad-amount data.amount');
    }
    expect(firstIssue(withData('FundingCommitted', { amount: 12 }))).toBe('bad-amount data.amount');
    expect(firstIssue(withData('BudgetSet', { amount: 0 }))).toBe('bad-amount data.amount');
    for (const amount of ['0', '0.0', '0.00', '-0', '-0.00']) {
      expect(firstIssue(withData('SpendingRecorded', { amount })), amount).toBe('bad-amount data.amount');
      expect(firstIssue(withData('SpendingCorrected', { amount })), amount).toBe('bad-amount data.amount');
    }
    // Zero is a valid budget or commitment, just not a spending amount; section 1's pattern allows it a minus sign.
    for (const amount of ['0.00', '-0', '-0.0', '-0.00']) {
      expect(validateRecord(withData('BudgetSet', { amount })).ok, amount).toBe(true);
      expect(validateRecord(withData('FundingCommitted', { amount })).ok, amount).toBe(true);
    }
  });

  it('bad-share: outside [0, 1], more than 9 decimals, or not a string', () => {
    for (const share of ['1.1', '-0', '0.1234567891', '2', '.5', '1.0000000001']) {
      const shares = { heerlen: share, maastricht: '0' };
      expect(firstIssue(withData('FundingKeySet', { shares })), share).toBe('bad-share data.shares.heerlen');
    }
    const numeric = { heerlen: 0.5, maastricht: '0.5' };
    expect(firstIssue(withData('FundingKeySet', { shares: numeric }))).toBe('bad-share data.shares.heerlen');
  });

  it('shares-not-one: shares that do not sum to exactly 1, or no shares at all', () => {
    const thirds = { a: '0.333333333', b: '0.333333333', c: '0.333333333' };
    expect(firstIssue(withData('FundingKeySet', { shares: thirds }))).toBe('shares-not-one data.shares');
    expect(firstIssue(withData('FundingKeySet', { shares: { a: '0.6', b: '0.6' } }))).toBe(
      'shares-not-one data.shares',
    );
    expect(firstIssue(withData('FundingKeySet', { shares: {} }))).toBe('shares-not-one data.shares');
  });

  it('bad-date: not a calendar date YYYY-MM-DD', () => {
    for (const bookedOn of [
      '2023-02-29',
      '2024-13-01',
      '2024-04-31',
      '2024-1-01',
      '2024-01-01T00:00:00Z',
      '',
    ]) {
      expect(firstIssue(withData('SpendingRecorded', { bookedOn })), bookedOn).toBe('bad-date data.bookedOn');
    }
    expect(validateRecord(withData('SpendingRecorded', { bookedOn: '2000-02-29' })).ok).toBe(true);
  });

  it('bad-timestamp: ISO-8601 with an offset or Z, and a real time', () => {
    for (const occurredAt of [
      '2024-03-01T10:00:00',
      '2024-03-01 10:00:00Z',
      '2024-03-01',
      '2023-02-29T10:00:00Z',
      '2024-03-01T24:00:00Z',
      '2024-03-01T10:00:00+0100',
    ]) {
      expect(firstIssue(record('YearClosed', { year: 2024 }, { occurredAt })), occurredAt).toBe(
        'bad-timestamp occurredAt',
      );
    }
  });

  it('empty-field: required text that is empty', () => {
    expect(firstIssue(record('YearClosed', { year: 2024 }, { actor: '' }))).toBe('empty-field actor');
    expect(firstIssue(withData('SpendingRecorded', { payee: '' }))).toBe('empty-field data.payee');
    expect(firstIssue(withData('FundingCommitted', { reference: '' }))).toBe('empty-field data.reference');
    expect(firstIssue(withData('ActionDefined', { partners: [''] }))).toBe('empty-field data.partners.0');
  });

  it('duplicate-funder: two funders with the same id', () => {
    const funders = [
      { id: 'heerlen', name: 'A', municipalities: [] },
      { id: 'heerlen', name: 'B', municipalities: [] },
    ];
    expect(firstIssue(withData('RegionConfigured', { funders }))).toBe('duplicate-funder data.funders');
  });

  it('reports every issue of a record, each with its own field', () => {
    const value = withData('SpendingRecorded', { amount: '0', bookedOn: '2023-02-29', payee: '' });
    expect(issuesOf(value)).toEqual([
      { reason: 'bad-amount', field: 'data.amount' },
      { reason: 'bad-date', field: 'data.bookedOn' },
      { reason: 'empty-field', field: 'data.payee' },
    ]);
  });
});

// The calendar checks as first written, with capture groups: the reference the faster checks are held to.
function referenceCalendarDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= ([31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0);
}
function referenceDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return match !== null && referenceCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]));
}
function referenceTimestamp(value: string): boolean {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/.exec(value);
  if (match === null) return false;
  const [, y, mo, d, h, mi, sec, , oh, om] = match;
  return (
    referenceCalendarDate(Number(y), Number(mo), Number(d)) &&
    Number(h) < 24 &&
    Number(mi) < 60 &&
    (sec === undefined || Number(sec) < 60) &&
    (oh === undefined || Number(oh) < 24) &&
    (om === undefined || Number(om) < 60)
  );
}

describe('isIsoDate and isIsoTimestamp', () => {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const year = fc.oneof(fc.constantFrom(1900, 2000, 2023, 2024, 2100), fc.integer({ min: 0, max: 9999 }));
  const date = fc
    .tuple(year, fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
    .map(([y, m, d]) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`);
  const timestamp = fc
    .tuple(
      date,
      fc.integer({ min: 0, max: 25 }),
      fc.integer({ min: 0, max: 61 }),
      fc.option(fc.tuple(fc.integer({ min: 0, max: 61 }), fc.option(fc.stringMatching(/^[0-9]{1,10}$/)))),
      fc.oneof(
        fc.constantFrom('Z', '', 'z'),
        fc
          .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }))
          .map(([sign, h, m]) => `${sign}${pad(h)}:${pad(m)}`),
      ),
    )
    .map(([day, h, mi, sec, zone]) => {
      const seconds = sec === null ? '' : `:${pad(sec[0])}${sec[1] === null ? '' : `.${sec[1]}`}`;
      return `${day}T${pad(h)}:${pad(mi)}${seconds}${zone}`;
    });

  it('agree with the reference on near-valid and arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(date, timestamp, fc.string()), (value) => {
        expect(isIsoDate(value)).toBe(referenceDate(value));
        expect(isIsoTimestamp(value)).toBe(referenceTimestamp(value));
      }),
      { numRuns: 20_000 },
    );
  });

  it('take leap days, the last second and offsets as the calendar does', () => {
    expect(['2024-02-29', '2000-02-29', '1900-02-28'].map(isIsoDate)).toEqual([true, true, true]);
    expect(['2023-02-29', '1900-02-29', '2024-00-10'].map(isIsoDate)).toEqual([false, false, false]);
    expect(
      ['2024-12-31T23:59:59.999999999+23:59', '2024-01-01T00:00-00:00', '2024-01-01T00:00:60Z'].map(
        isIsoTimestamp,
      ),
    ).toEqual([true, true, false]);
  });
});
