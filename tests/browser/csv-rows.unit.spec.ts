// The CSV upload's row checks, apart from the page: what each row becomes and what is said of it.
import { describe, expect, it } from 'vitest';
import { REJECTION_REASONS } from '@budget/domain';
import type { SpendingItem } from '../../services/web/app/api';
import { parseCsv } from '../../services/web/app/csv';
import {
  applyDryRun,
  conventionOf,
  guessMapping,
  lineErrors,
  markRecorded,
  markRepeats,
  readText,
  rowEvent,
  type PreviewLine,
} from '../../services/web/app/csv-rows';
import { issueText, spendingData } from '../../services/web/app/events';
import { WORDS } from '../../services/web/app/i18n';

const t = WORDS.nl;
const author = { region: 'zuid-limburg', actor: 'FO Maastricht' };
const HEADER = 'Boekstuk;Actie;Bedrag;Boekdatum;Crediteur;Factuurnummer;Omschrijving';

async function lines(csv: string, convention: 'nl' | 'en' = 'nl'): Promise<PreviewLine[]> {
  const { rows } = parseCsv(csv);
  const header = rows[0]?.cells ?? [];
  const mapping = guessMapping(header);
  return Promise.all(
    rows.slice(1).map((row) => rowEvent(author, row, header.length, mapping, convention, t)),
  );
}

describe('CSV rows', () => {
  it('take the dry run: a row already in the log is no problem, even one rejected then, which is noted', async () => {
    const rows = await lines(
      `${HEADER}\nd-1;zl-ib-01;1,00;01-03-2024;X;;\nd-2;zl-ib-01;2,00;01-03-2024;Y;;\nd-3;nope;3,00;01-03-2024;Z;;`,
    );
    applyDryRun(
      rows,
      {
        lines: [
          { line: 1, id: 'csv.d-1', type: 'SpendingRecorded', outcome: 'already-present', issues: [] },
          {
            line: 2,
            id: 'csv.d-2',
            type: 'SpendingRecorded',
            outcome: 'already-present',
            issues: [
              { reason: 'year-closed', field: '', detail: 'already in the log, recorded as rejected' },
            ],
          },
          {
            line: 3,
            id: 'csv.d-3',
            type: 'SpendingRecorded',
            outcome: 'rejected',
            issues: [{ reason: 'unknown-action', field: '', detail: 'x' }],
          },
        ],
      },
      t,
    );
    expect(rows.map((r) => [r.outcome, r.problems, r.notes])).toEqual([
      ['already-present', [], undefined],
      [
        'already-present',
        [],
        ['al vastgelegd, toen afgewezen: Dit jaar is afgesloten: er kan niets meer worden vastgelegd.'],
      ],
      ['rejected', ['zou worden afgewezen: Deze actie bestaat niet in de regio.'], undefined],
    ]);
  });

  it('turn a row into a SpendingRecorded event with a repeatable id, the year of its booking date', async () => {
    const [line] = await lines(`${HEADER}\nu-1;zl-ib-01;1.234,56;01-03-2024;Stichting X;F-1;training`);
    expect(line?.problems).toEqual([]);
    expect(line?.event).toEqual({
      id: 'csv.u-1',
      region: 'zuid-limburg',
      type: 'SpendingRecorded',
      occurredAt: '2024-03-01T00:00:00Z',
      actor: 'FO Maastricht',
      data: {
        spendingId: 'u-1',
        actionId: 'zl-ib-01',
        year: 2024,
        amount: '1234.56',
        bookedOn: '2024-03-01',
        payee: 'Stichting X',
        invoiceRef: 'F-1',
        description: 'training',
      },
    });
  });

  it('say what is wrong: cells out of line with the header, an id that is no identifier, a negative amount', async () => {
    const found = await lines(
      [
        HEADER,
        'g-1;zl-ib-01;10,00;01-03-2024;Stichting X; afdeling Y;F-9;training',
        'b 11/2;zl-ib-01;10,00;01-03-2024;X;F;d',
        'n-1;zl-ib-01;-250,00;01-03-2024;X;F;d',
        'd-1;zl-ib-01;10,00;2024/31/12;X;F;d',
      ].join('\n'),
    );
    expect(found.map((l) => l.problems)).toEqual([
      [t.csvColumns(7, 8)],
      [`${t.spendingId}: ${t.badIdentifier}`],
      [`${t.amount}: ${t.amountNegative}`],
      [`${t.bookedOn}: ${t.badDate}`],
    ]);
  });

  it('read amounts by the file’s convention: a `;` file is Dutch, a `,` file English', async () => {
    expect([conventionOf(';', t), conventionOf(',', t), conventionOf('\t', WORDS.en)]).toEqual([
      'nl',
      'en',
      'en',
    ]);
    const dutch = await lines(
      `${HEADER}\na;zl-ib-01;12,500;01-03-2024;X;F;d\nb;zl-ib-01;0,125;01-03-2024;X;F;d`,
    );
    expect(dutch.map((l) => l.problems)).toEqual([
      [`${t.amount}: ${t.badAmount}`],
      [`${t.amount}: ${t.badAmount}`],
    ]);
    const english = await lines(`Id,Action,Amount,Date,Payee\na,zl-ib-01,"12,500",2024-03-01,X`, 'en');
    expect(english[0]?.event.data['amount']).toBe('12500.00');
  });

  it('give a spending id too long for `csv.` and it the same hashed id each time, within 64 characters', async () => {
    const long = 'L'.repeat(61);
    const [first] = await lines(`${HEADER}\n${long};zl-ib-01;10,00;01-03-2024;X;F;d`);
    const [again] = await lines(`${HEADER}\n${long};zl-ib-01;10,00;01-03-2024;X;F;d`);
    expect(first?.event.id).toMatch(/^csv\.L{40}\.[0-9a-f]{19}$/);
    expect(first?.event.id.length).toBe(64);
    expect(again?.event.id).toBe(first?.event.id);
    const [sixty] = await lines(`${HEADER}\n${'S'.repeat(60)};zl-ib-01;10,00;01-03-2024;X;F;d`);
    expect(sixty?.event.id).toBe(`csv.${'S'.repeat(60)}`);
  });

  it('name the earlier line of a repeated spending id with other details, and let an identical repeat pass', async () => {
    const found = await lines(
      [
        HEADER,
        'r-1;zl-ib-01;10,00;01-03-2024;X;F;d',
        'r-1;zl-ib-01;10,00;01-03-2024;X;F;d',
        'r-1;zl-ib-01;99,00;01-03-2024;X;F;d',
      ].join('\n'),
    );
    markRepeats(found, t);
    expect(found.map((l) => l.problems)).toEqual([[], [], [t.csvEarlierLine(2)]]);
  });

  it('mark rows recorded before: the same details are left out, other details are an error saying what to do', async () => {
    const found = await lines(
      [
        HEADER,
        'k-1;zl-ib-01;10,00;01-03-2024;X;F-other-ref;other description',
        'k-2;zl-ib-01;12,00;01-03-2024;X;F;d',
        'k-3;zl-ib-01;10,00;01-03-2024;X;F;d',
      ].join('\n'),
    );
    const recorded: SpendingItem[] = [
      // Recorded by someone else, with another invoice reference and description: still the same spending.
      { ...item('k-1'), invoiceRef: 'F-1', description: null },
      { ...item('k-2'), amount: '10.00' },
    ];
    const asked: number[] = [];
    await markRecorded(
      (year) => {
        asked.push(year);
        return Promise.resolve(recorded.filter((i) => i.year === year));
      },
      found,
      t,
    );
    expect(asked).toEqual([2024]);
    expect(found.map((l) => [l.recorded, l.problems])).toEqual([
      [true, []],
      [false, [t.recordedDifferently('10.00', 'zl-ib-01', 2024)]],
      [false, []],
    ]);
  });

  it('read the per-line errors of a refused append', () => {
    expect(
      lineErrors({
        errors: [
          { line: 2, reason: 'conflicting-id', field: 'id', detail: 'the id csv.u-1 is already used' },
          { line: 'x', reason: 'bad' },
        ],
        errorCount: 2,
      }),
    ).toEqual([{ line: 2, reason: 'conflicting-id: the id csv.u-1 is already used' }]);
    expect(lineErrors('HTTP 500')).toEqual([]);
  });

  it('read a UTF-8 file as UTF-8 and any other as Windows-1252, saying so, never with U+FFFD', async () => {
    const utf8 = await readText(new File([Buffer.from('Café Rénové', 'utf8')], 'a.csv'));
    const ansi = await readText(new File([Buffer.from('Caf\xe9 R\xe9nov\xe9', 'latin1')], 'b.csv'));
    expect(utf8).toEqual({ text: 'Café Rénové', notUtf8: false });
    // (Node's TextDecoder reads windows-1252 as ISO-8859-1, so 0x80-0x9f are not tried here; browsers read 0x80 as €.)
    expect(ansi).toEqual({ text: 'Café Rénové', notUtf8: true });
  });

  it('put the dry run’s findings in the app’s words, with their field, and keep the server’s words for the rest', () => {
    expect(issueText({ reason: 'unknown-action', field: '', detail: 'x' }, 'rejected', t)).toBe(
      'zou worden afgewezen: Deze actie bestaat niet in de regio.',
    );
    expect(issueText({ reason: 'too-long', field: 'data.payee', detail: 'x' }, 'malformed', WORDS.en)).toBe(
      'Too long: at most 2000 characters. (data.payee)',
    );
    expect(issueText({ reason: 'not-json', field: '', detail: 'line 1 is not JSON' }, 'malformed', t)).toBe(
      'not-json: line 1 is not JSON',
    );
    // A refusal by role is not blamed on the region.
    const byRole = {
      reason: 'forbidden',
      field: '',
      detail: 'the role finance-officer may not send ActionDefined',
    };
    const byRegion = {
      reason: 'forbidden',
      field: '',
      detail: 'this token may not write to region noord-limburg',
    };
    expect(issueText(byRole, 'forbidden', t)).toBe(
      'Uw rol mag dit soort gebeurtenis niet vastleggen, in geen enkele regio.',
    );
    expect(issueText(byRegion, 'forbidden', WORDS.en)).toBe('You may not record this in this region.');
  });

  it('explain every rejection reason of the rules in both languages', () => {
    for (const lang of ['nl', 'en'] as const) {
      for (const reason of REJECTION_REASONS) {
        const text = issueText({ reason, field: '', detail: reason }, 'rejected', WORDS[lang]);
        expect(text, `${lang} ${reason}`).not.toContain(reason);
        expect(text.startsWith(WORDS[lang].wouldBeRejected), `${lang} ${reason}`).toBe(true);
      }
    }
  });

  it('store typed text without the spaces around it, and empty optional text as null', () => {
    const data = spendingData({
      spendingId: 's-1',
      actionId: 'zl-ib-01',
      year: 2024,
      amount: '1.00',
      bookedOn: '2024-01-02',
      payee: '  Stichting Ûtrecht  ',
      invoiceRef: '  ',
      description: ' d ',
    });
    expect([data['payee'], data['invoiceRef'], data['description']]).toEqual([
      'Stichting Ûtrecht',
      null,
      'd',
    ]);
  });
});

function item(spendingId: string): SpendingItem {
  return {
    spendingId,
    actionId: 'zl-ib-01',
    year: 2024,
    amount: '10.00',
    bookedOn: '2024-03-01',
    payee: 'X',
    invoiceRef: 'F',
    description: 'd',
    active: true,
  };
}
