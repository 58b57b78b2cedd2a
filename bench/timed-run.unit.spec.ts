import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
      // Spins until it has used 300 ms of CPU by its own account, however busy the machine is.
      ['-e', 'for (;;) { const u = process.cpuUsage(); if (u.user + u.system >= 300_000) break; }'],
      { cwd: dir, env: process.env, statsFile: join(dir, 'spin.time.txt') },
    );
    expect(result.exitCode).toBe(0);
    // GNU time reports to the hundredth of a second.
    expect(result.cpuMs).toBeGreaterThanOrEqual(280);
    expect(result.wallMs).toBeGreaterThanOrEqual(280);
    expect(result.maxRssKb).toBeGreaterThan(10_000);
  });

  it.runIf(existsSync(GNU_TIME))(
    'kill a program that outlives its time limit, with what it started, and say so',
    async () => {
      const pidFile = join(dir, 'grandchild.pid');
      // The program starts a child of its own that would run for a minute, then waits for ever.
      const script = [
        "const { spawn } = require('node:child_process');",
        "const fs = require('node:fs');",
        "const c = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });",
        `fs.writeFileSync(${JSON.stringify(pidFile)}, String(c.pid));`,
        "process.stderr.write('started\\n');",
        'setInterval(() => {}, 1000);',
      ].join('\n');
      const started = performance.now();
      await expect(
        timed(process.execPath, ['-e', script], {
          cwd: dir,
          env: process.env,
          statsFile: join(dir, 'hang.time.txt'),
          timeoutMs: 1500,
        }),
      ).rejects.toThrow(/was still running after 1500 ms and was killed:\nstarted/);
      expect(performance.now() - started).toBeLessThan(20_000);
      const grandchild = Number(readFileSync(pidFile, 'utf8'));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(alive(grandchild)).toBe(false);
    },
  );
});

/** Running, that is: neither gone nor a zombie waiting for whoever adopted it to reap it. */
function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${String(pid)}/status`, 'utf8'));
  } catch {
    return false;
  }
}
