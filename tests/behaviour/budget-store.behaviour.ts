//! One behaviour suite for every BudgetStore (emmett's habit): the embedded store and Kafka+MongoDB pass the same tests.
import { describe, expect, it } from 'vitest';
import {
  UserError,
  replayHistory,
  verifyHistory,
  type BudgetStore,
  type ImportResult,
} from '@budget/application';
import type { LogRecord } from '@budget/domain';
import { EventBuilder, smallScenario, withAmount, type EventLine } from '../support/events';

export interface StoreFixture {
  store: BudgetStore;
  stop: () => Promise<void>;
}

function source(events: (EventLine | string)[]) {
  const lines = events.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
  return async function* (): AsyncGenerator<string> {
    await Promise.resolve();
    yield* lines;
  };
}

async function* asLines(records: AsyncIterable<LogRecord>): AsyncGenerator<string> {
  for await (const record of records) yield JSON.stringify(record);
}

async function collect(records: AsyncIterable<LogRecord>): Promise<LogRecord[]> {
  const all: LogRecord[] = [];
  for await (const record of records) all.push(record);
  return all;
}

/** The line with its amount changed: the same id with other content. */
function withAmountLine(line: string): string {
  return line.replace(/"amount":"[^"]*"/, '"amount":"999.99"');
}

function counts(result: ImportResult) {
  if (!result.ok) throw new Error(`import refused: ${JSON.stringify(result.errors)}`);
  return result.counts;
}

/** A refused import's errors, each as its line and first reason, with the first issue's detail of each. */
function refusals(result: ImportResult) {
  if (result.ok) throw new Error(`import not refused: ${JSON.stringify(result.counts)}`);
  return {
    events: result.events,
    reasons: result.errors.map((e) => [e.line, e.issues[0]?.reason]),
    details: result.errors.map((e) => e.issues[0]?.detail),
  };
}

export function budgetStoreBehaviour(name: string, open: () => Promise<StoreFixture>): void {
  const withStore = async (test: (store: BudgetStore) => Promise<void>): Promise<void> => {
    const fixture = await open();
    try {
      await test(fixture.store);
    } finally {
      await fixture.stop();
    }
  };

  describe(`BudgetStore behaviour: ${name}`, () => {
    it('imports, decides, and is idempotent', () =>
      withStore(async (store) => {
        const events = smallScenario();
        expect(counts(await store.importLines(source(events)))).toEqual({
          events: 20,
          appended: 20,
          alreadyPresent: 0,
          accepted: 18,
          rejected: 2,
        });
        expect(counts(await store.importLines(source(events)))).toEqual({
          events: 20,
          appended: 0,
          alreadyPresent: 20,
          accepted: 0,
          rejected: 0,
        });
        const report = await store.allocationReport('zuid-limburg', 2024);
        expect(report.asOfPosition).toBe(20);
        expect(report.totals).toEqual({
          committed: '1700.00',
          budget: '1800.00',
          allocated: '1800.00',
          unfunded: '0.00',
          spent: '800.02',
          remaining: '999.98',
        });
        expect(report.funders.map((f) => [f.funder, f.spent])).toEqual([
          ['heerlen', '341.61'],
          ['maastricht', '458.41'],
        ]);
        expect(await store.regions()).toEqual(['zuid-limburg']);
      }));

    it('refuses malformed input and conflicting ids as a whole', () =>
      withStore(async (store) => {
        const b = new EventBuilder();
        const configured = b.configured();
        counts(await store.importLines(source([configured])));
        const result = await store.importLines(
          source([
            b.action('A1'),
            '{"broken',
            { ...configured, actor: 'other' },
            { ...b.budget('A1', 2024, '1.5.0') },
          ]),
        );
        expect(refusals(result).reasons).toEqual([
          [2, 'not-json'],
          [3, 'conflicting-id'],
          [4, 'bad-amount'],
        ]);
        expect((await collect(store.history('zuid-limburg'))).length).toBe(1);
      }));

    it('takes an id repeated in one input once when the repeats are identical, and refuses a different repeat', () =>
      withStore(async (store) => {
        const b = new EventBuilder();
        const configured = b.configured();
        const budget = b.budget('A1', 2024, '100.00');
        const refused = refusals(
          await store.importLines(source([configured, budget, withAmount(budget, '200.00')])),
        );
        expect(refused.reasons).toEqual([[3, 'conflicting-id']]);
        expect(refused.details[0]).toContain('line 2');
        expect(await store.regions()).toEqual([]);

        const taken = counts(await store.importLines(source([configured, budget, { ...budget }])));
        expect(taken).toMatchObject({ appended: 2, alreadyPresent: 1 });
        expect((await collect(store.history('zuid-limburg'))).length).toBe(2);
      }));

    it('names every conflicting repeat, before and after a malformed line, and appends nothing', () =>
      withStore(async (store) => {
        const b = new EventBuilder();
        const configured = b.configured();
        const budget = b.budget('A1', 2024, '100.00');
        const later = b.budget('A1', 2025, '50.00');
        const result = await store.importLines(
          source([
            configured,
            budget,
            '{"broken',
            withAmount(budget, '200.00'),
            later,
            { ...later },
            { ...later, actor: 'someone-else' },
          ]),
        );
        const refused = refusals(result);
        expect(refused.events).toBe(7);
        expect(refused.reasons).toEqual([
          [3, 'not-json'],
          [4, 'conflicting-id'],
          [7, 'conflicting-id'],
        ]);
        expect(refused.details[1]).toContain('line 2 of this input');
        expect(refused.details[2]).toContain('line 5 of this input');
        expect(await store.regions()).toEqual([]);
      }));

    it('compares a repeat of a line refused for differing from the log with that line', () =>
      withStore(async (store) => {
        const b = new EventBuilder();
        const configured = b.configured();
        const budget = b.budget('A1', 2024, '100.00');
        counts(await store.importLines(source([configured, b.action('A1'), budget])));
        const changed = withAmount(budget, '200.00');
        const refused = refusals(await store.importLines(source([changed, budget, changed])));
        expect(refused.reasons).toEqual([
          [1, 'conflicting-id'],
          [2, 'conflicting-id'],
        ]);
        expect(refused.details[0]).toContain('the log of zuid-limburg');
        expect(refused.details[1]).toContain('line 1 of this input');
        expect((await collect(store.history('zuid-limburg'))).length).toBe(3);
      }));

    it('compares a line whose id is in the log with the log, even after an equal line of the same input', () =>
      withStore(async (store) => {
        const b = new EventBuilder();
        const configured = b.configured();
        const budget = b.budget('A1', 2024, '100.00');
        const later = b.budget('A1', 2025, '50.00');
        counts(await store.importLines(source([configured, b.action('A1'), budget, later])));
        const changed = withAmount(budget, '200.00');
        const laterChanged = withAmount(later, '60.00');
        const refused = refusals(
          await store.importLines(source([budget, changed, changed, '{"broken', later, laterChanged])),
        );
        expect(refused.reasons).toEqual([
          [2, 'conflicting-id'],
          [4, 'not-json'],
          [6, 'conflicting-id'],
        ]);
        expect(refused.details[0]).toContain('the log of zuid-limburg');
        expect(refused.details[2]).toContain('the log of zuid-limburg');
        expect((await collect(store.history('zuid-limburg'))).length).toBe(4);
      }));

    it('keeps a verifiable hash chain that replays into the same report, as of any position', () =>
      withStore(async (store) => {
        counts(await store.importLines(source(smallScenario())));
        expect(await verifyHistory(asLines(store.history('zuid-limburg')))).toEqual({
          ok: true,
          records: 20,
        });
        const replayed = await replayHistory(asLines(store.history('zuid-limburg')), 2024);
        expect(replayed.ok && replayed.discrepancies).toEqual([]);
        expect(replayed.ok && replayed.report).toEqual(await store.allocationReport('zuid-limburg', 2024));
        const earlier = await store.allocationReport('zuid-limburg', 2024, 12);
        expect([earlier.asOfPosition, earlier.totals.spent]).toEqual([12, '100.01']);
        const tail = await collect(store.history('zuid-limburg', 19));
        expect(tail.map((r) => [r.position, r.outcome, r.reason])).toEqual([
          [19, 'accepted', null],
          [20, 'rejected', 'year-closed'],
        ]);
      }));

    it('keeps each event as it was given: odd text, escapes and other spellings of a number come back the same', () =>
      withStore(async (store) => {
        const b = new EventBuilder();
        const events = smallScenario(b);
        const odd = b.spending('s-odd', 'A1', 2024, '1.00');
        const data = {
          ...odd.data,
          payee: 'tab\there, "quoted" \\ é \u2028 😀',
          description: 'line\nbreak\u0001',
        };
        const line = JSON.stringify({ ...odd, actor: 'a\tb', data })
          // Every non-ASCII character as a \u escape, and the year as 2024.0: the same values to JSON.
          .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
          .replace('"year":2024', '"year":2024.0');
        counts(await store.importLines(source([...events, line])));
        const records = await collect(store.history('zuid-limburg'));
        const given = [...events.map((e) => JSON.stringify(e)), line];
        // As JSON text, so that the order of the data's fields counts too.
        expect(
          records.map(({ id, region, type, occurredAt, actor, data: d }) =>
            JSON.stringify({ id, region, type, occurredAt, actor, data: d }),
          ),
        ).toEqual(given.map((text) => JSON.stringify(JSON.parse(text))));
        expect(records.at(-1)?.outcome).toBe('accepted');
        expect(await verifyHistory(asLines(store.history('zuid-limburg')))).toEqual({
          ok: true,
          records: 21,
        });
      }));

    it('rewrites the reports of the years an action redefinition leaves, in a later import', () =>
      withStore(async (store) => {
        const b = new EventBuilder();
        const actionIds = async (year: number) =>
          (await store.allocationReport('zuid-limburg', year)).themes.flatMap((t) =>
            t.actions.map((a) => a.actionId),
          );
        counts(await store.importLines(source([b.configured(), b.action('A1', 'in-beeld', 2023, 2025)])));
        expect(await actionIds(2023)).toEqual(['A1']);
        expect(await actionIds(2025)).toEqual(['A1']);
        counts(await store.importLines(source([b.action('A1', 'in-beeld', 2024, 2024)])));
        expect(await actionIds(2023)).toEqual([]);
        expect(await actionIds(2024)).toEqual(['A1']);
        expect(await actionIds(2025)).toEqual([]);
      }));

    it('balances its ledger and says which region or position does not exist', () =>
      withStore(async (store) => {
        counts(await store.importLines(source(smallScenario())));
        const trial = await store.trialBalance('zuid-limburg', 2024);
        expect(trial.balanced).toBe(true);
        expect(trial.totals.debit).toBe(trial.totals.credit);
        await expect(store.allocationReport('noord-limburg', 2024)).rejects.toThrow(UserError);
        await expect(store.allocationReport('zuid-limburg', 2024, 21)).rejects.toMatchObject({
          code: 'position-out-of-range',
        });
      }));

    it('reads input given as bytes as the same lines given as text, through worker threads too', async () => {
      const b = new EventBuilder();
      const events = [
        ...smallScenario(b),
        ...Array.from({ length: 40 }, (_, i) => b.spending(`p${i}`, 'A1', 2024, `${i + 1}.25`)),
      ];
      const good = events.map((e) => JSON.stringify(e));
      // Line ends of both kinds, a blank line, a repeat far from its first line, and (for the refused input) a bad
      // line and a conflicting repeat.
      const texts = [good, [...good.slice(0, 30), '', ...good.slice(30), good[5] ?? '']];
      const refusedText = [
        ...good.slice(0, 20),
        '{"broken',
        ...good.slice(20),
        withAmountLine(good[12] ?? ''),
      ];
      const validation = { workers: 1, batchLines: 4, inThreadBatches: 2 };
      for (const lines of [...texts, refusedText]) {
        const text = lines.map((line, i) => `${line}${i % 3 === 0 ? '\r\n' : '\n'}`).join('');
        const bytes = new TextEncoder().encode(text);
        const viaBytes = Object.assign(source(lines), {
          bytes: async function* (): AsyncGenerator<Uint8Array> {
            // Chunks of 97 bytes: cut inside lines, inside a "\r\n", never at a line's end by design.
            for (let at = 0; at < bytes.length; at += 97) {
              await Promise.resolve();
              yield bytes.slice(at, at + 97);
            }
          },
        });
        const [fromText, fromBytes] = await Promise.all([open(), open()]);
        try {
          const textResult = await fromText.store.importLines(source(lines), { validation });
          const bytesResult = await fromBytes.store.importLines(viaBytes, { validation });
          expect(bytesResult).toEqual(textResult);
          if (!textResult.ok) continue;
          const withoutSealing = (records: LogRecord[]) =>
            records.map(({ recordedAt: _at, hash: _hash, prevHash: _prev, ...rest }) => rest);
          expect(withoutSealing(await collect(fromBytes.store.history('zuid-limburg')))).toEqual(
            withoutSealing(await collect(fromText.store.history('zuid-limburg'))),
          );
        } finally {
          await fromText.stop();
          await fromBytes.stop();
        }
      }
    });

    it('keeps regions apart', () =>
      withStore(async (store) => {
        const north = new EventBuilder('noord-limburg', 'nl');
        counts(
          await store.importLines(
            source([
              ...smallScenario(),
              north.configured(['venlo']),
              north.action('N1'),
              north.funding('venlo', 2024, '10.00'),
            ]),
          ),
        );
        expect(await store.regions()).toEqual(['noord-limburg', 'zuid-limburg']);
        const report = await store.allocationReport('noord-limburg', 2024);
        expect([report.asOfPosition, report.totals.committed]).toEqual([3, '10.00']);
      }));
  });
}
