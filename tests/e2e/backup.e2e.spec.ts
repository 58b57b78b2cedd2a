// `budget backup`: a consistent copy of the embedded store, taken while others write, that restores as a data directory.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedStore } from '@budget/embedded-store';
import { Cli, report2024Args, tempDir } from '../support/cli';
import { whileAnotherWrites } from '../support/write-lock';
import { EventBuilder, ndjson, smallScenario } from '../support/events';

/** What a store answers, for comparing a restored copy with its original. */
function answers(cli: Cli): string[] {
  return [
    cli.run(report2024Args()).stdout,
    cli.run(['report', 'trial-balance', '--region', 'zuid-limburg', '--year', '2024', '--format', 'json'])
      .stdout,
    cli.run(['export', '--region', 'zuid-limburg']).stdout,
    cli.run(['export', '--region', 'noord-limburg']).stdout,
  ];
}

describe('budget backup', () => {
  it('copies every region, restores as a data directory that answers the same and takes further imports', () => {
    const cli = Cli.fresh();
    const file = ndjson(smallScenario());
    const north = new EventBuilder('noord-limburg', 'nl');
    expect(cli.importText(file).code).toBe(0);
    expect(cli.importText(ndjson([north.configured(['venlo']), north.action('N1')])).code).toBe(0);
    const target = join(tempDir('backup'), 'budget-2024-12-01.sqlite');

    const backup = cli.run(['backup', target]);
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(
      new RegExp(
        `^backed up 2 regions \\(noord-limburg 2 events, zuid-limburg 20 events\\) to ${target}, \\d+\\.\\d MiB\\n$`,
      ),
    );
    // Only the file asked for: no partial copy left beside it.
    expect(readdirSync(join(target, '..'))).toEqual(['budget-2024-12-01.sqlite']);
    // Every region's log is in it, as in the data directory: for their owner's eyes alone.
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(statSync(cli.dataDir).mode & 0o777).toBe(0o700);

    const restored = Cli.fresh();
    mkdirSync(restored.dataDir, { recursive: true });
    copyFileSync(target, join(restored.dataDir, 'budget.sqlite'));
    const original = answers(cli);
    expect(answers(restored)).toEqual(original);
    expect(original[0]).toContain('"region": "zuid-limburg"');
    expect(restored.importText(file).stdout).toBe('appended 0, already present 20, accepted 0, rejected 0\n');
    const more = new EventBuilder('zuid-limburg', 'more');
    expect(restored.importText(ndjson([more.action('B9')])).stdout).toBe(
      'appended 1, already present 0, accepted 1, rejected 0\n',
    );
    expect(cli.run(['audit', 'verify', '--file', writeExport(restored)]).stdout).toBe(
      'hash chain intact: 21 records verified\n',
    );
  });

  it('copies the last commit while another writer has a transaction open, without waiting for it', async () => {
    const cli = Cli.fresh();
    expect(cli.importText(ndjson(smallScenario())).code).toBe(0);
    const target = join(tempDir('backup-busy'), 'budget.sqlite');
    await whileAnotherWrites(cli.dataDir, async (db) => {
      db.prepare("INSERT INTO meta (key, value) VALUES ('uncommitted', 'x')").run();
      const backup = await cli.runAsync(['backup', target]);
      expect([backup.code, backup.stdout]).toEqual([
        0,
        expect.stringContaining('backed up 1 region (zuid-limburg 20 events)'),
      ]);
    });
    const copy = EmbeddedStore.open(join(target, '..'), { readonly: true });
    try {
      // The copy holds what was committed, not the writer's open transaction.
      expect(copy.db.prepare("SELECT COUNT(*) AS n FROM meta WHERE key = 'uncommitted'").get()).toEqual({
        n: 0,
      });
    } finally {
      await copy.close();
    }
  });

  it('names up to ten regions, and beyond that says how many and their events in all', () => {
    const cli = Cli.fresh();
    const regions = Array.from({ length: 11 }, (_, i) => new EventBuilder(`r-${String(i)}`, `r${String(i)}`));
    expect(cli.importText(ndjson(regions.flatMap((b) => [b.configured(['f']), b.action('A')]))).code).toBe(0);
    const target = join(tempDir('backup-many'), 'many.sqlite');
    const backup = cli.run(['backup', target]);
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(
      new RegExp(`^backed up 11 regions \\(22 events in all\\) to ${target}, \\d+\\.\\d MiB\\n$`),
    );
  });

  it('refuses to overwrite a file, to write where there is no directory, and to run in the engines mode', () => {
    const cli = Cli.fresh();
    expect(cli.importText(ndjson(smallScenario())).code).toBe(0);
    const dir = tempDir('backup-refused');
    const existing = join(dir, 'existing.sqlite');
    writeFileSync(existing, 'keep me');
    const overwrite = cli.run(['backup', existing]);
    expect([overwrite.code, overwrite.stderr]).toEqual([
      2,
      expect.stringContaining(`${existing} exists; a backup never overwrites a file: name a new one`),
    ]);
    expect(readFileSync(existing, 'utf8')).toBe('keep me');
    const nowhere = cli.run(['backup', join(dir, 'missing', 'copy.sqlite')]);
    expect([nowhere.code, nowhere.stderr]).toEqual([
      2,
      expect.stringContaining(`${join(dir, 'missing')} is not a directory`),
    ]);
    const engines = cli.run(['backup', join(dir, 'copy.sqlite')], undefined, {
      KAFKA_BROKERS: '127.0.0.1:1',
      MONGO_URL: 'mongodb://127.0.0.1:1/',
    });
    expect([engines.code, engines.stderr]).toEqual([
      2,
      expect.stringContaining('backup copies the embedded store; in the engines mode back up Kafka'),
    ]);
    expect(readdirSync(dir)).toEqual(['existing.sqlite']);
    const empty = Cli.fresh().run(['backup', join(dir, 'copy.sqlite')]);
    expect([empty.code, empty.stderr]).toEqual([2, expect.stringContaining('no data in')]);
    expect(existsSync(join(dir, 'copy.sqlite'))).toBe(false);
  });
});

function writeExport(cli: Cli): string {
  const file = join(tempDir('backup-export'), 'history.ndjson');
  writeFileSync(file, cli.run(['export', '--region', 'zuid-limburg']).stdout);
  return file;
}
