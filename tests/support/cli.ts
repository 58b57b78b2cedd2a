//! Runs the real `budget` CLI as a child process on a temporary data directory.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
/** The CLI's TypeScript entry, as the tests run it (`node --import tsx CLI_MAIN ...`). */
export const CLI_MAIN = join(ROOT, 'services', 'cli', 'src', 'main.ts');
const MAIN = CLI_MAIN;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The temporary directories this test file made, removed after it by tests/support/cleanup.ts. */
const made: string[] = [];

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `budget-${prefix}-`));
  made.push(dir);
  return dir;
}

/** Removes the temporary directories made so far, unless BUDGET_KEEP_TEST_DIRS is set (to look at them). */
export function removeTempDirs(): void {
  if ((process.env.BUDGET_KEEP_TEST_DIRS ?? '') !== '') return;
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** `budget report allocation` of zuid-limburg for 2024 as JSON, the report most tests read; `extra` arguments after. */
export function report2024Args(...extra: string[]): string[] {
  return ['report', 'allocation', '--region', 'zuid-limburg', '--year', '2024', '--format', 'json', ...extra];
}

export class Cli {
  constructor(readonly dataDir: string) {}

  static fresh(): Cli {
    return new Cli(join(tempDir('data'), 'data'));
  }

  run(args: string[], input?: string, env: Record<string, string> = {}): CliResult {
    const result = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, BUDGET_DATA_DIR: this.dataDir, KAFKA_BROKERS: '', MONGO_URL: '', ...env },
      input,
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  }

  /** As `run`, without blocking this process's event loop meanwhile (timers and child processes go on). */
  runAsync(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, BUDGET_DATA_DIR: this.dataDir, KAFKA_BROKERS: '', MONGO_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => {
        resolve({ code: code ?? -1, stdout, stderr });
      });
    });
  }

  spawn(args: string[]): ChildProcess {
    return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, BUDGET_DATA_DIR: this.dataDir, KAFKA_BROKERS: '', MONGO_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  /** `budget token create` into `tokensFile`; returns the new token, or throws with the command's error. */
  createToken(tokensFile: string, role: string, regions: string, name = role): string {
    const created = this.run(
      ['token', 'create', '--role', role, '--regions', regions, '--name', name],
      undefined,
      { BUDGET_TOKENS_FILE: tokensFile },
    );
    if (created.code !== 0) throw new Error(`token create failed: ${created.stderr}`);
    return created.stdout.trim();
  }

  /** Imports text (as UTF-8) or bytes as they are, from a file of their own. */
  importText(text: string | Uint8Array): CliResult {
    const file = join(tempDir('input'), 'events.ndjson');
    writeFileSync(file, text);
    return this.run(['import', file]);
  }
}
