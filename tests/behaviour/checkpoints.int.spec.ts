// Reports as of earlier positions are the same whether they replay from a state checkpoint or from the start.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RegionLog, snapshotOf } from '@budget/domain';
import { EmbeddedStore, checkpointDue } from '@budget/embedded-store';
import { tempDir } from '../support/cli';
import { writeScenarioFile } from '../support/scenario-file';

describe('as-of reports with checkpoints', () => {
  it('equal the reports replayed from the start, at every sampled position and year', async () => {
    const file = join(tempDir('checkpoints'), 'events.ndjson');
    await writeScenarioFile(file, 3000);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const source = async function* (): AsyncGenerator<string> {
      await Promise.resolve();
      yield* lines;
    };
    const withCheckpoints = EmbeddedStore.open(join(tempDir('cp'), 'data'), { checkpointInterval: 50 });
    const without = EmbeddedStore.open(join(tempDir('nocp'), 'data'), { checkpointInterval: 1_000_000_000 });
    try {
      // Two imports, so checkpoints are written by more than one transaction.
      for (const store of [withCheckpoints, without]) {
        await store.importLines(async function* () {
          for await (const line of source()) if (lines.indexOf(line) < 1700) yield line;
        });
        await store.importLines(source);
      }
      // Checkpoints where the rule puts them, across both imports: replayed here from the history itself.
      const stored = withCheckpoints.db
        .prepare<[], { position: number }>('SELECT DISTINCT position FROM year_checkpoints ORDER BY position')
        .all()
        .map((row) => row.position);
      const due: number[] = [];
      const log = RegionLog.empty('zuid-limburg');
      for await (const record of withCheckpoints.history('zuid-limburg')) {
        log.applyRecorded(record);
        if (checkpointDue(record.position, due.at(-1) ?? 0, log.state.spending.size, 50))
          due.push(record.position);
      }
      expect(stored).toEqual(due);
      expect(stored.length).toBeGreaterThanOrEqual(4);
      for (let position = 0; position <= 3000; position += 97) {
        for (const year of [2023, 2024, 2025]) {
          expect(await withCheckpoints.allocationReport('zuid-limburg', year, position)).toEqual(
            await without.allocationReport('zuid-limburg', year, position),
          );
        }
      }
    } finally {
      await withCheckpoints.close();
      await without.close();
    }
  });

  it('are due after a fixed interval or as many positions as there are spending items, whichever is more, since the last one', () => {
    expect(checkpointDue(249, 0, 10, 250)).toBe(false);
    expect(checkpointDue(250, 0, 10, 250)).toBe(true);
    expect(checkpointDue(1000, 0, 1001, 250)).toBe(false);
    expect(checkpointDue(1001, 0, 1001, 250)).toBe(true);
    expect(checkpointDue(1_450_000, 600_000, 850_000, 100_000)).toBe(true);
    expect(checkpointDue(1_449_999, 600_000, 850_000, 100_000)).toBe(false);
    expect(checkpointDue(700_000, 600_000, 50_000, 100_000)).toBe(true);
  });

  it("count an older store's whole-state checkpoint as the last one", async () => {
    const file = join(tempDir('old-last'), 'events.ndjson');
    await writeScenarioFile(file, 2000);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const dataDir = join(tempDir('old-last-cp'), 'data');
    const older = EmbeddedStore.open(dataDir, { checkpointInterval: 1_000_000_000 });
    const log = RegionLog.empty('zuid-limburg');
    try {
      await older.importLines(async function* () {
        await Promise.resolve();
        yield* lines.slice(0, 300);
      });
      for await (const record of older.history('zuid-limburg')) log.applyRecorded(record);
      older.db
        .prepare('INSERT INTO checkpoints (region, position, snapshot) VALUES (?, ?, ?)')
        .run('zuid-limburg', 300, JSON.stringify(snapshotOf(log)));
    } finally {
      await older.close();
    }
    const store = EmbeddedStore.open(dataDir, { checkpointInterval: 250 });
    try {
      await store.importLines(async function* () {
        await Promise.resolve();
        yield* lines;
      });
      const due: number[] = [];
      for await (const record of store.history('zuid-limburg')) {
        if (record.position <= 300) continue;
        log.applyRecorded(record);
        if (checkpointDue(record.position, due.at(-1) ?? 300, log.state.spending.size, 250))
          due.push(record.position);
      }
      const stored = store.db
        .prepare<[], { position: number }>('SELECT DISTINCT position FROM year_checkpoints ORDER BY position')
        .all()
        .map((row) => row.position);
      expect(due.length).toBeGreaterThan(0);
      expect(stored).toEqual(due);
    } finally {
      await store.close();
    }
  });

  it('still read whole-state checkpoints that a store wrote before year checkpoints', async () => {
    const file = join(tempDir('old-checkpoints'), 'events.ndjson');
    await writeScenarioFile(file, 1200);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const source = async function* (): AsyncGenerator<string> {
      await Promise.resolve();
      yield* lines;
    };
    const store = EmbeddedStore.open(join(tempDir('old-cp'), 'data'), { checkpointInterval: 1_000_000_000 });
    try {
      await store.importLines(source);
      const expected = await store.allocationReport('zuid-limburg', 2024, 900);
      // The whole state after 500 records, as the older store kept it; a wrong one would show in the report.
      const log = RegionLog.empty('zuid-limburg');
      for await (const record of store.history('zuid-limburg')) {
        if (record.position > 500) break;
        log.applyRecorded(record);
      }
      store.db
        .prepare('INSERT INTO checkpoints (region, position, snapshot) VALUES (?, ?, ?)')
        .run('zuid-limburg', 500, JSON.stringify(snapshotOf(log)));
      expect(await store.allocationReport('zuid-limburg', 2024, 900)).toEqual(expected);
      store.db
        .prepare(
          'UPDATE checkpoints SET snapshot = replace(snapshot, \'"budgetCents":"\', \'"budgetCents":"1\')',
        )
        .run();
      expect(await store.allocationReport('zuid-limburg', 2024, 900)).not.toEqual(expected);
    } finally {
      await store.close();
    }
  });
});
