//! One behaviour suite for every EventLog (the log part of a store): the embedded SQLite `events` table and Kafka's
//! `budget.log.v1` pass the same tests.
import { describe, expect, it } from 'vitest';
import { LogConflictError, type DecidedRecord, type EventLog } from '@budget/application';
import type { LogRecord } from '@budget/domain';
import { resealed, scenarioRecords } from '../support/decided';

export interface EventLogFixture {
  log: EventLog;
  /** Closes the log and opens the same one again, as a restarted process would. */
  reopen: () => Promise<EventLog>;
  /** Closes whatever is open and removes what the fixture created. */
  stop: () => Promise<void>;
}

async function readAll(log: EventLog, region: string, fromPosition?: number): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  for await (const record of log.read(region, fromPosition)) records.push(record);
  return records;
}

const records = (decided: DecidedRecord[]): LogRecord[] => decided.map((d) => d.record);

function at(decided: DecidedRecord[], position: number): DecidedRecord {
  const found = decided[position - 1];
  if (found?.record.position !== position) throw new Error(`no record at ${String(position)}`);
  return found;
}

export function eventLogBehaviour(name: string, open: () => Promise<EventLogFixture>): void {
  const withLog = async (test: (fixture: EventLogFixture) => Promise<void>): Promise<void> => {
    const fixture = await open();
    try {
      await test(fixture);
    } finally {
      await fixture.stop();
    }
  };
  const zuid = scenarioRecords('zuid-limburg', 4); // positions 1..24
  const noord = scenarioRecords('noord-limburg'); // positions 1..20

  describe(`EventLog behaviour: ${name}`, () => {
    it('starts empty', () =>
      withLog(async ({ log }) => {
        expect(await log.length('zuid-limburg')).toBe(0);
        expect(await readAll(log, 'zuid-limburg')).toEqual([]);
        expect(await log.regions()).toEqual([]);
      }));

    it('appends decided records and reads them back from any position', () =>
      withLog(async ({ log }) => {
        expect(await log.append(zuid.slice(0, 8))).toEqual({ appended: 8, alreadyPresent: 0 });
        expect(await log.append(zuid.slice(8, 20))).toEqual({ appended: 12, alreadyPresent: 0 });
        expect(await log.length('zuid-limburg')).toBe(20);
        expect(await readAll(log, 'zuid-limburg')).toEqual(records(zuid.slice(0, 20)));
        expect(await readAll(log, 'zuid-limburg', 13)).toEqual(records(zuid.slice(12, 20)));
        expect(await readAll(log, 'zuid-limburg', 21)).toEqual([]);
        expect(await readAll(log, 'noord-limburg')).toEqual([]);
        expect(await log.length('noord-limburg')).toBe(0);
        expect(await log.regions()).toEqual(['zuid-limburg']);
      }));

    it('keeps each region in its own order when their records are interleaved', () =>
      withLog(async ({ log }) => {
        const interleaved = zuid.flatMap((z, i) => {
          const n = noord[i];
          return n === undefined ? [z] : [n, z];
        });
        expect(await log.append(interleaved.slice(0, 15))).toEqual({ appended: 15, alreadyPresent: 0 });
        expect(await log.append(interleaved.slice(15))).toEqual({ appended: 29, alreadyPresent: 0 });
        expect(await log.length('zuid-limburg')).toBe(24);
        expect(await log.length('noord-limburg')).toBe(20);
        expect(await readAll(log, 'zuid-limburg')).toEqual(records(zuid));
        expect(await readAll(log, 'noord-limburg')).toEqual(records(noord));
        expect((await readAll(log, 'noord-limburg', 19)).map((r) => r.position)).toEqual([19, 20]);
        expect(await log.regions()).toEqual(['noord-limburg', 'zuid-limburg']);
      }));

    it('appends by position idempotently: records it already holds are counted, not written again', () =>
      withLog(async ({ log }) => {
        await log.append(zuid.slice(0, 20));
        expect(await log.append(zuid.slice(0, 20))).toEqual({ appended: 0, alreadyPresent: 20 });
        // Overlapping the end: positions 15..20 are there, 21..24 are new.
        expect(await log.append(zuid.slice(14))).toEqual({ appended: 4, alreadyPresent: 6 });
        // The same record twice in one call.
        expect(await log.append([at(zuid, 24), at(zuid, 24)])).toEqual({ appended: 0, alreadyPresent: 2 });
        expect(await log.length('zuid-limburg')).toBe(24);
        expect(await readAll(log, 'zuid-limburg')).toEqual(records(zuid));
      }));

    it('refuses records that do not extend the log exactly, and appends nothing of that call', () =>
      withLog(async ({ log }) => {
        await log.append(zuid.slice(0, 10));
        const refused = async (batch: DecidedRecord[], position: number): Promise<void> => {
          await expect(log.append(batch)).rejects.toMatchObject({
            name: LogConflictError.name,
            region: 'zuid-limburg',
            position,
          });
        };
        const eleven = at(zuid, 11);
        // A gap, after records that would have been fine: none of the call is appended.
        await refused([eleven, at(zuid, 12), at(zuid, 14)], 14);
        // Another record at a position the log holds (another history, correctly sealed).
        await refused(
          [{ ...at(zuid, 5), record: resealed(at(zuid, 5).record, { actor: 'someone-else' }) }],
          5,
        );
        // A record that does not chain to the one before it.
        await refused(
          [{ ...eleven, record: resealed(eleven.record, { prevHash: at(zuid, 9).record.hash }) }],
          11,
        );
        // A record whose hash is not its own (changed after sealing).
        await refused([{ ...eleven, record: { ...eleven.record, actor: 'tampered' } }], 11);
        expect(await log.length('zuid-limburg')).toBe(10);
        expect(await readAll(log, 'zuid-limburg', 10)).toEqual([at(zuid, 10).record]);
        // The log still takes what does extend it.
        expect(await log.append(zuid.slice(10))).toEqual({ appended: 14, alreadyPresent: 0 });
        expect(await readAll(log, 'zuid-limburg')).toEqual(records(zuid));
      }));

    it('keeps every record across a restart and carries on where it was', () =>
      withLog(async (fixture) => {
        await fixture.log.append([...zuid.slice(0, 12), ...noord.slice(0, 3)]);
        const log = await fixture.reopen();
        expect(await log.length('zuid-limburg')).toBe(12);
        expect(await log.length('noord-limburg')).toBe(3);
        expect(await log.regions()).toEqual(['noord-limburg', 'zuid-limburg']);
        expect(await log.append(zuid)).toEqual({ appended: 12, alreadyPresent: 12 });
        await expect(log.append([at(noord, 5)])).rejects.toBeInstanceOf(LogConflictError);
        expect(await readAll(log, 'zuid-limburg')).toEqual(records(zuid));
        expect(await readAll(log, 'noord-limburg')).toEqual(records(noord.slice(0, 3)));
      }));
  });
}
