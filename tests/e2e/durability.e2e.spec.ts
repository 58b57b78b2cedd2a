// An import is all or nothing: killed halfway it leaves the store as it was; two writers never mix.
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Cli, report2024Args, tempDir } from '../support/cli';
import { EventBuilder, ndjson, smallScenario } from '../support/events';

/** Writes a file of `count` spending events on top of the small scenario's actions and keys. */
async function bigFile(count: number): Promise<string> {
  const file = join(tempDir('big'), 'big.ndjson');
  const out = createWriteStream(file);
  const b = new EventBuilder('zuid-limburg', 'big');
  for (let i = 0; i < count; i++) {
    const line =
      JSON.stringify(
        b.spending(`big-${i}`, 'A1', 2024, `${1 + (i % 997)}.${String(i % 100).padStart(2, '0')}`),
      ) + '\n';
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return file;
}

function waitForOutput(child: ReturnType<Cli['spawn']>, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) resolve();
    });
    child.on('exit', (code) => {
      reject(new Error(`import ended (${String(code)}) before ${String(pattern)}: ${seen}`));
    });
  });
}

describe('an import killed with SIGKILL', () => {
  it.each([
    ['while validating', /validated 100000 lines/],
    ['while deciding and appending', /decided 100000 lines/],
  ])('%s leaves the store exactly as before, and a rerun completes', async (_phase, pattern) => {
    const cli = Cli.fresh();
    expect(cli.importText(ndjson(smallScenario())).code).toBe(0);
    const before = cli.run(['export', '--region', 'zuid-limburg']).stdout;
    const reportBefore = cli.run(report2024Args()).stdout;
    const file = await bigFile(150_000);

    const child = cli.spawn(['import', file]);
    await waitForOutput(child, pattern);
    child.kill('SIGKILL');
    await once(child, 'exit');

    expect(cli.run(['export', '--region', 'zuid-limburg']).stdout).toBe(before);
    expect(
      cli.run(['report', 'allocation', '--region', 'zuid-limburg', '--year', '2024', '--format', 'json'])
        .stdout,
    ).toBe(reportBefore);
    const rerun = cli.run(['import', file]);
    expect(rerun.stdout).toBe('appended 150000, already present 0, accepted 150000, rejected 0\n');
    const verify = cli.run(
      ['audit', 'verify', '--file', '-'],
      cli.run(['export', '--region', 'zuid-limburg']).stdout,
    );
    expect(verify.stdout).toBe('hash chain intact: 150020 records verified\n');
  });
});

describe('two writers on one data directory', () => {
  it('refuses the second with a clear error while the first is importing, and the first completes', async () => {
    const cli = Cli.fresh();
    expect(cli.importText(ndjson(smallScenario())).code).toBe(0);
    const file = await bigFile(200_000);
    const first = cli.spawn(['import', file]);
    let firstOut = '';
    first.stdout?.on('data', (chunk: Buffer) => {
      firstOut += chunk.toString();
    });
    // Half-way: the first import holds the write lock until it commits. It is stopped while the second runs (the
    // lock stays held), so that it cannot commit within the second's wait for the lock, however fast it is.
    await waitForOutput(first, /decided 100000 lines/);
    first.kill('SIGSTOP');
    const second = cli.importText(ndjson([new EventBuilder('zuid-limburg', 'other').action('B1')]));
    first.kill('SIGCONT');
    expect(second.code).toBe(75);
    expect(second.stderr).toContain('another process is writing to');
    const [code] = (await once(first, 'exit')) as [number];
    expect(code).toBe(0);
    expect(firstOut).toBe('appended 200000, already present 0, accepted 200000, rejected 0\n');
  });
});
