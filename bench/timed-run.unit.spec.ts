import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { GNU_TIME, parseCpuMs, parseMaxRss, timed } from './timed-run';

const dir = mkdtempSync(join(tmpdir(), 'timed-run-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('timed runs under GNU time', () => {
  it('parse CPU time and peak memory out of a -v report', () => {
    const report = [
      '\tUser time (seconds): 1.25',
      '\tSystem time (seconds): 0.40',
      '\tMaximum resident set size (kbytes): 51200',
    ].join('\n');
    expect(parseCpuMs(report)).toBe(1650);
    expect(parseMaxRss(report)).toBe(51200);
    expect(() => parseCpuMs('Maximum resident set size (kbytes): 1')).toThrow(/User time/);
  });

  it.runIf(existsSync(GNU_TIME))('report wall time, CPU time and peak memory of a real process', async () => {
    const result = await timed(
      process.execPath,
      ['-e', 'const until = Date.now() + 300; while (Date.now() < until);'],
      { cwd: dir, env: process.env, statsFile: join(dir, 'spin.time.txt') },
    );
    expect(result.exitCode).toBe(0);
    expect(result.cpuMs).toBeGreaterThanOrEqual(200);
    expect(result.wallMs).toBeGreaterThanOrEqual(300);
    expect(result.maxRssKb).toBeGreaterThan(10_000);
  });
});
