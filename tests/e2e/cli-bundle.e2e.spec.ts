// `pnpm budget` runs services/cli/bin/budget.mjs: a bundle of the CLI built on demand and rebuilt when a file it
// was made from changes. It must answer exactly as the TypeScript source does, and fall back to the source when it
// cannot or should not bundle.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Cli, ROOT, tempDir, type CliResult } from '../support/cli';

const LAUNCHER = join(ROOT, 'services', 'cli', 'bin', 'budget.mjs');
const DEMO = join(ROOT, 'examples', 'zuid-limburg', 'events.ndjson');

function launch(
  bundleDir: string,
  dataDir: string,
  args: string[],
  env: Record<string, string> = {},
): CliResult {
  const result = spawnSync(process.execPath, [LAUNCHER, ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      BUDGET_DATA_DIR: dataDir,
      BUDGET_BUNDLE_DIR: bundleDir,
      KAFKA_BROKERS: '',
      MONGO_URL: '',
      ...env,
    },
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

interface Build {
  dir: string;
  builtAt: number;
  inputs: string[];
}

const current = (bundleDir: string): Build =>
  JSON.parse(readFileSync(join(bundleDir, 'current.json'), 'utf8')) as Build;

describe('the bundled CLI', () => {
  it('answers every command exactly as the TypeScript source does', () => {
    const bundleDir = tempDir('bundle');
    const source = Cli.fresh();
    const bundled = Cli.fresh();
    const exported = join(tempDir('export'), 'export.ndjson');
    const region = 'zuid-limburg';
    // Imports into two data directories (their outputs are counts); every read on the same one.
    for (const args of [
      ['import', DEMO],
      ['import', DEMO],
    ]) {
      expect(launch(bundleDir, bundled.dataDir, args), args.join(' ')).toEqual(source.run(args));
    }
    const commands: string[][] = [
      ['report', 'allocation', '--region', region, '--year', '2024', '--format', 'json'],
      ['report', 'allocation', '--region', region, '--year', '2024', '--format', 'csv'],
      ['report', 'allocation', '--region', region, '--year', '2024'],
      ['report', 'allocation', '--region', region, '--year', '2024', '--as-of-position', '20'],
      ['report', 'trial-balance', '--region', region, '--year', '2024', '--format', 'json'],
      ['report', 'allocation', '--region', 'nowhere', '--year', '2024'],
      ['export', '--region', region],
      ['--help'],
      ['replay', '--help'],
    ];
    // Messages name the data directory, which differs between the two.
    const neutral = (result: CliResult, dataDir: string): CliResult => ({
      code: result.code,
      stdout: result.stdout.replaceAll(dataDir, '<data>'),
      stderr: result.stderr.replaceAll(dataDir, '<data>'),
    });
    for (const args of commands) {
      const expected = neutral(source.run(args), source.dataDir);
      const actual = neutral(launch(bundleDir, source.dataDir, args), source.dataDir);
      expect(actual, args.join(' ')).toEqual(expected);
    }
    writeFileSync(exported, source.run(['export', '--region', region]).stdout);
    for (const args of [
      ['audit', 'verify', '--file', exported],
      ['replay', '--file', exported, '--report', 'allocation', '--year', '2024', '--format', 'json'],
    ]) {
      expect(launch(bundleDir, source.dataDir, args), args.join(' ')).toEqual(source.run(args));
    }
    expect(existsSync(join(bundleDir, current(bundleDir).dir, 'main.mjs'))).toBe(true);
  });

  it('is built once, and again when a file it was made from is newer than the build', () => {
    const bundleDir = tempDir('bundle');
    const data = join(tempDir('data'), 'data');
    expect(launch(bundleDir, data, ['--help']).code).toBe(0);
    const first = current(bundleDir);
    expect(first.inputs).toContain('services/cli/src/main.ts');
    expect(first.inputs).toContain('packages/domain/src/decide.ts');
    expect(launch(bundleDir, data, ['--help']).code).toBe(0);
    expect(current(bundleDir)).toEqual(first);

    // As if every input had been edited after the build started, and the build were twenty minutes old.
    const twentyMinutesAgo = new Date(Date.now() - 20 * 60 * 1000);
    writeFileSync(join(bundleDir, 'current.json'), JSON.stringify({ ...first, builtAt: 0 }));
    utimesSync(join(bundleDir, first.dir), twentyMinutesAgo, twentyMinutesAgo);
    expect(launch(bundleDir, data, ['--help']).code).toBe(0);
    const second = current(bundleDir);
    expect(second.dir).not.toBe(first.dir);
    expect(second.builtAt).toBeGreaterThan(first.builtAt);
    // The replaced build stays a while from its replacement, however old it is: a CLI started just before may still
    // be loading it.
    expect(readdirSync(bundleDir).sort()).toEqual([first.dir, second.dir, 'current.json'].sort());
    // Ten minutes after its replacement, the next build removes it.
    utimesSync(join(bundleDir, first.dir), twentyMinutesAgo, twentyMinutesAgo);
    writeFileSync(join(bundleDir, 'current.json'), JSON.stringify({ ...second, builtAt: 0 }));
    expect(launch(bundleDir, data, ['--help']).code).toBe(0);
    const third = current(bundleDir);
    expect(readdirSync(bundleDir).sort()).toEqual([second.dir, third.dir, 'current.json'].sort());
  });

  it('runs the source in the engines mode, with BUDGET_NO_BUNDLE=1, or when it cannot build', () => {
    const data = join(tempDir('data'), 'data');
    const help = new Cli(data).run(['--help']);

    const engines = tempDir('bundle');
    const inEngines = launch(engines, data, ['--help'], {
      KAFKA_BROKERS: '127.0.0.1:1',
      MONGO_URL: 'mongodb://x',
    });
    expect(inEngines).toEqual(help);
    expect(readdirSync(engines)).toEqual([]);

    const off = tempDir('bundle');
    expect(launch(off, data, ['--help'], { BUDGET_NO_BUNDLE: '1' })).toEqual(help);
    expect(readdirSync(off)).toEqual([]);

    // A bundle directory below a plain file cannot be made.
    const file = join(tempDir('bundle'), 'a-file');
    writeFileSync(file, '');
    const failed = launch(join(file, 'dist'), data, ['--help']);
    expect(failed.code).toBe(0);
    expect(failed.stdout).toBe(help.stdout);
    expect(failed.stderr).toMatch(/could not bundle the CLI .*running the TypeScript source/);
  });
});
