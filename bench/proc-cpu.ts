// CPU time of running processes from /proc (Linux), for the pipeline's per-process CPU table; and the Node options
// for CPU profiles of the benchmark's processes.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** Clock ticks per second of /proc/<pid>/stat's times (`getconf CLK_TCK`, 100 on every common Linux). */
function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticksPerSecond;
}

/** User plus system CPU time of a process so far, in ms; undefined when it is gone or /proc is not there. */
export function processCpuMs(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return cpuMsOfStat(stat, clockTicks());
}

/** utime and stime are fields 14 and 15; the command name (field 2) may hold spaces and parentheses. */
export function cpuMsOfStat(stat: string, ticks: number): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`unreadable /proc stat: ${stat}`);
  return Math.round(((utime + stime) * 1000) / ticks);
}

/** Pids of the processes whose command line matches, e.g. the local Kafka broker or FerretDB. */
export function findProcesses(pattern: RegExp): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (pattern.test(command)) pids.push(Number(entry));
    } catch {
      // The process ended while the list was read.
    }
  }
  return pids;
}

/** CPU time each named group of processes used between two snapshots, in ms. */
export class CpuMeter {
  private readonly start = new Map<number, number>();

  constructor(private readonly groups: Map<string, number[]>) {
    for (const pids of groups.values())
      for (const pid of pids) {
        const ms = processCpuMs(pid);
        if (ms !== undefined) this.start.set(pid, ms);
      }
  }

  /** Per group, the CPU ms since the meter was made (processes that ended meanwhile count as nothing). */
  read(): Record<string, number> {
    const used: Record<string, number> = {};
    for (const [name, pids] of this.groups) {
      let total = 0;
      for (const pid of pids) {
        const before = this.start.get(pid);
        const now = processCpuMs(pid);
        if (before !== undefined && now !== undefined) total += now - before;
      }
      used[name] = total;
    }
    return used;
  }
}

/**
 * BENCH_CPU_PROF=DIR: the Node options that make a process of the benchmark (a service, the CLI, a script) write a
 * V8 CPU profile into DIR when it ends, for finding where the time goes; none when it is unset.
 */
export function cpuProfileArgs(env: NodeJS.ProcessEnv): string[] {
  const dir = env['BENCH_CPU_PROF'];
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}
