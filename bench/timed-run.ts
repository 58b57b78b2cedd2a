// Runs one command under GNU `/usr/bin/time -v` and returns its wall time, peak memory, output and exit code.
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const GNU_TIME = '/usr/bin/time';

export interface TimedResult {
  command: string;
  exitCode: number;
  /** Wall time measured here around the whole process, in ms (finer than time's own 10 ms). */
  wallMs: number;
  /** "Maximum resident set size" reported by /usr/bin/time -v, in KiB. */
  maxRssKb: number;
  /** User plus system CPU time reported by /usr/bin/time -v, in ms. */
  cpuMs: number;
  stdout: string;
  stderr: string;
}

export interface TimedOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Statistics file of /usr/bin/time (-o), kept apart from the program's own stderr. */
  statsFile: string;
  /** Send stdout to this file instead of capturing it (exports are large). */
  stdoutFile?: string;
  /** Kill the program (and GNU time) after this long and fail, saying so, rather than wait for ever. */
  timeoutMs?: number;
}

/** Fails early with the fix when GNU time is missing: peak memory is one of the targets. */
export function requireGnuTime(): void {
  if (!existsSync(GNU_TIME)) {
    throw new Error(
      `${GNU_TIME} is missing; the benchmark needs GNU time for peak memory: apt-get install -y time`,
    );
  }
}

/** Parses "User time (seconds): 1.23" and "System time (seconds): 0.45" out of the -v report, in ms. */
export function parseCpuMs(report: string): number {
  const seconds = (label: string): number => {
    const match = new RegExp(`${label} time \\(seconds\\): ([\\d.]+)`).exec(report);
    if (match?.[1] === undefined) throw new Error(`no "${label} time" in /usr/bin/time output:\n${report}`);
    return Number(match[1]);
  };
  return Math.round((seconds('User') + seconds('System')) * 1000);
}

/** Parses "Maximum resident set size (kbytes): 123" out of the -v report. */
export function parseMaxRss(report: string): number {
  const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(report);
  if (match?.[1] === undefined)
    throw new Error(`no "Maximum resident set size" in /usr/bin/time output:\n${report}`);
  return Number(match[1]);
}

export async function timed(
  program: string,
  args: readonly string[],
  options: TimedOptions,
): Promise<TimedResult> {
  rmSync(options.statsFile, { force: true });
  const outFd = options.stdoutFile === undefined ? undefined : openSync(options.stdoutFile, 'w');
  const started = performance.now();
  const child = spawn(GNU_TIME, ['-v', '-o', options.statsFile, program, ...args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', outFd ?? 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on('data', (b: Buffer) => stdout.push(b));
  child.stderr?.on('data', (b: Buffer) => stderr.push(b));
  // An object, so the type checker does not narrow what the timer changes.
  const limit = { reached: false };
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          limit.reached = true;
          killTree(child.pid);
        }, options.timeoutMs);
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      resolve(code ?? 1);
    });
  }).finally(() => {
    clearTimeout(timer);
  });
  const wallMs = performance.now() - started;
  if (outFd !== undefined) closeSync(outFd);
  if (limit.reached) {
    const tail = Buffer.concat(stderr).toString('utf8').slice(-4000);
    throw new Error(
      `${[program, ...args].join(' ')} was still running after ${String(options.timeoutMs)} ms and was killed:\n${tail}`,
    );
  }
  const report = readFileSync(options.statsFile, 'utf8');
  return {
    command: [program, ...args].join(' '),
    exitCode,
    wallMs,
    maxRssKb: parseMaxRss(report),
    cpuMs: parseCpuMs(report),
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
  };
}

/**
 * SIGKILL to a process and everything it started (GNU time's program, and whatever that program spawned), children
 * first, read from /proc: a killed `time` alone would leave its program running.
 */
function killTree(pid: number | undefined): void {
  if (pid === undefined) return;
  let children: string[] = [];
  try {
    children = readFileSync(`/proc/${String(pid)}/task/${String(pid)}/children`, 'utf8').split(' ');
  } catch {
    // Gone already, or no /proc here: kill what we know of.
  }
  for (const child of children) if (child.trim() !== '') killTree(Number(child));
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // It ended on its own meanwhile.
  }
}

/** Stats files live next to the other temporary files of a run. */
export function statsPath(dir: string, name: string): string {
  return join(dir, `${name}.time.txt`);
}
