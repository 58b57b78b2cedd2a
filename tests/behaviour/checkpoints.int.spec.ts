// Reports as of earlier positions are the same whether they replay from a state checkpoint or from the start.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedStore } from '@budget/embedded-store';
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
    const withCheckpoints = EmbeddedStore.open(join(tempDir('cp'), 'data'), { checkpointInterval: 250 });
    const without = EmbeddedStore.open(join(tempDir('nocp'), 'data'), { checkpointInterval: 1_000_000_000 });
    try {
      // Two imports, so checkpoints are written by more than one transaction.
      for (const store of [withCheckpoints, without]) {
        await store.importLines(async function* () {
          for await (const line of source()) if (lines.indexOf(line) < 1700) yield line;
        });
        await store.importLines(source);
      }
      const stored = withCheckpoints.db
        .prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM checkpoints')
        .get();
      expect(stored?.n).toBe(12);
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
});
