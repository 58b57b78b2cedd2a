import { describe, expect, it } from 'vitest';
import { CpuMeter, cpuMsOfStat, cpuProfileArgs, findProcesses, processCpuMs } from './proc-cpu';

describe('CPU time from /proc', () => {
  it('reads utime and stime even when the command name holds spaces and parentheses', () => {
    const stat = '4242 (node (a b)) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 11 0 1000 0 0';
    expect(cpuMsOfStat(stat, 100)).toBe(3250);
    expect(cpuMsOfStat(stat, 1000)).toBe(325);
  });

  it('refuses a stat line it cannot read', () => {
    expect(() => cpuMsOfStat('1 (x) S', 100)).toThrow(/unreadable/);
  });

  it.runIf(process.platform === 'linux')('measures the CPU this process burns', () => {
    const meter = new CpuMeter(new Map([['self', [process.pid]]]));
    // Spin until this process has used 200 ms of CPU by its own account (wall time says nothing on a busy machine).
    const start = process.cpuUsage();
    let spin = 0;
    for (;;) {
      const used = process.cpuUsage(start);
      if (used.user + used.system >= 200_000) break;
      spin += 1;
    }
    expect(spin).toBeGreaterThan(0);
    // /proc counts in clock ticks (10 ms): allow a few of them.
    expect(meter.read()['self']).toBeGreaterThanOrEqual(150);
    expect(processCpuMs(process.pid)).toBeGreaterThan(0);
    expect(findProcesses(new RegExp(`^${process.argv0.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))).toContain(
      process.pid,
    );
  });

  it('asks for V8 CPU profiles only when BENCH_CPU_PROF names a directory', () => {
    expect(cpuProfileArgs({})).toEqual([]);
    expect(cpuProfileArgs({ BENCH_CPU_PROF: '' })).toEqual([]);
    expect(cpuProfileArgs({ BENCH_CPU_PROF: '/tmp/p' })).toEqual(['--cpu-prof', '--cpu-prof-dir=/tmp/p']);
  });
});
