//! The `budget` command line (CONTRACT section 6): import, report, export, audit verify, replay.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  MAX_TOKEN_NAME,
  ROLES,
  UserError,
  createToken,
  readTokenFile,
  revokeTokens,
  tokensTable,
  type Role,
  allocationReportCsv,
  allocationReportTable,
  lineErrorsBody,
  replayHistory,
  replayHistoryInParallel,
  trialBalanceTable,
  verifyHistoryInParallel,
  type BudgetStore,
  type ImportResult,
} from '@budget/application';
import { IDENTIFIER_PATTERN, describeIssue, type AllocationReport } from '@budget/domain';
import type { Environment } from './environment';
import { fileBytes, fileLineBatches, fileLines, fileSource, spoolStandardInput } from './lines';
import { DATABASE_FILE, EmbeddedStore } from '@budget/embedded-store';
import { openStore } from './store';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

function year(value: string): number {
  if (!/^\d{4}$/.test(value) || Number(value) < 2000 || Number(value) > 2100) {
    throw new InvalidArgumentError('a year is a whole number from 2000 to 2100');
  }
  return Number(value);
}

function position(value: string): number {
  if (!/^(0|[1-9][0-9]{0,14})$/.test(value))
    throw new InvalidArgumentError('a position is a whole number from 0');
  return Number(value);
}

/**
 * Where an export starts. Positions start at 1 (CONTRACT section 5), so 0 is refused, as the HTTP API's
 * `fromPosition` refuses it; leaving the option out exports the whole log.
 */
function startPosition(value: string): number {
  if (!/^[1-9][0-9]{0,14}$/.test(value)) {
    throw new InvalidArgumentError(
      'a position to start from is a whole number from 1 (the first position; leave the option out for the whole log)',
    );
  }
  return Number(value);
}

function regionList(value: string): string[] {
  const regions = value.split(',').map((r) => r.trim());
  if (regions.length === 0 || regions.some((r) => r !== '*' && !IDENTIFIER_PATTERN.test(r))) {
    throw new InvalidArgumentError('regions are region ids separated by commas, or *');
  }
  return regions;
}

/** A token's name as the tokens file keeps it: 1 to 200 characters (said here, not as a broken file). */
function tokenName(value: string): string {
  if (value.length < 1 || value.length > MAX_TOKEN_NAME)
    throw new InvalidArgumentError(
      `a name is 1 to ${String(MAX_TOKEN_NAME)} characters (this one has ${String(value.length)})`,
    );
  return value;
}

function region(value: string): string {
  if (!IDENTIFIER_PATTERN.test(value))
    throw new InvalidArgumentError('a region id is 1-64 characters from A-Z a-z 0-9 . _ : -');
  return value;
}

async function withStore<T>(
  environment: Environment,
  mode: 'read' | 'write',
  use: (store: BudgetStore) => Promise<T>,
  io?: Io,
): Promise<T> {
  const started = performance.now();
  const store = await openStore(environment, mode);
  try {
    return await use(store);
  } finally {
    await store.close();
    // Opening, answering and closing the store, without the process start: what the benchmark reports.
    if (environment.timing && io !== undefined)
      io.err(`timing: store ${(performance.now() - started).toFixed(2)} ms\n`);
  }
}

function printReport(io: Io, report: AllocationReport, format: string): void {
  if (format === 'json') io.out(`${JSON.stringify(report, null, 2)}\n`);
  else if (format === 'csv') io.out(allocationReportCsv(report));
  else io.out(allocationReportTable(report));
}

function printImportResult(io: Io, result: ImportResult, format: string): number {
  if (!result.ok) {
    for (const error of result.errors) {
      for (const issue of error.issues) io.err(`line ${error.line}: ${describeIssue(issue)}\n`);
    }
    const count = result.errorCount;
    io.err(`import refused: ${count} bad line${count === 1 ? '' : 's'}; nothing was appended\n`);
    // The same entries as POST /api/v1/events answers with.
    if (format === 'json') io.out(`${JSON.stringify(lineErrorsBody(result.errors, result.errorCount))}\n`);
    return 1;
  }
  const { appended, alreadyPresent, accepted, rejected } = result.counts;
  if (format === 'json') io.out(`${JSON.stringify({ appended, alreadyPresent, accepted, rejected })}\n`);
  else
    io.out(
      `appended ${appended}, already present ${alreadyPresent}, accepted ${accepted}, rejected ${rejected}\n`,
    );
  return 0;
}

/**
 * A warning when a token names a region the embedded store holds no log of: most often a misspelt id, which would
 * leave the token answering 403 for the region meant. Only a warning: an administrator's token for a region about to
 * be configured (its first event, `RegionConfigured`, is sent with that token) is made before the region exists. The
 * engines mode is not asked: a token command should not wait on Kafka and MongoDB.
 */
async function regionsNotInStore(environment: Environment, regions: string[]): Promise<string | undefined> {
  const named = regions.filter((r) => r !== '*');
  if (named.length === 0 || environment.engines !== undefined) return undefined;
  let known: string[];
  try {
    known = await withStore(environment, 'read', (store) => store.regions());
  } catch (error) {
    if (error instanceof UserError && error.code === 'no-data') known = [];
    // Only a check for a warning: a store that cannot be read now does not stop the token.
    else
      return `could not check the region ids against ${environment.dataDir} (${error instanceof Error ? error.message : String(error)})`;
  }
  const missing = named.filter((r) => !known.includes(r));
  if (missing.length === 0) return undefined;
  const list = (ids: string[]) => ids.map((id) => `"${id}"`).join(', ');
  return `${missing.length === 1 ? 'region' : 'regions'} ${list(missing)} ${missing.length === 1 ? 'has' : 'have'} no events in ${environment.dataDir} (${known.length === 0 ? 'no region has any yet' : `regions there: ${list(known)}`}); the token is made as asked, so check the spelling, or configure the region with it`;
}

export function buildProgram(environment: Environment, io: Io, setExitCode: (code: number) => void): Command {
  const program = new Command('budget')
    .description('Funding and budget allocation for regional public money: events in, exact reports out.')
    .showHelpAfterError()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride();
  const inputPath = (file: string): string => (file === '-' ? '-' : resolve(environment.userCwd, file));

  program
    .command('import')
    .description('validate a whole NDJSON event file, then append it (idempotent); "-" reads standard input')
    .argument('<file>', 'NDJSON event file (CONTRACT section 2)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (file: string, options: { format: string }) => {
      const spooled = file === '-' ? await spoolStandardInput() : undefined;
      const path = spooled?.path ?? inputPath(file);
      try {
        const result = await withStore(environment, 'write', (store) =>
          store.importLines(fileSource(path), {
            // Every bad line is listed (CONTRACT section 2), however many there are.
            maxErrors: Number.POSITIVE_INFINITY,
            onProgress: (p) => {
              // "decided", not "appended": the embedded store appends them all at the end or none (a bad line
              // further on refuses the whole file).
              io.err(
                `${{ validating: 'validated', deciding: 'decided', appending: 'appended' }[p.phase]} ${p.lines} lines\n`,
              );
            },
          }),
        );
        setExitCode(printImportResult(io, result, options.format));
      } catch (error) {
        // With --format json, a refusal of the whole import (a store busy, a race lost, events not processed yet)
        // is also the body the HTTP API answers with, on standard output; the message still goes to stderr.
        if (options.format === 'json' && error instanceof UserError)
          io.out(`${JSON.stringify({ error: error.code, message: error.publicMessage })}\n`);
        throw error;
      } finally {
        await spooled?.remove();
      }
    });

  const report = program.command('report').description('reports from the projections');
  report
    .command('allocation')
    .description('the allocation report of a region and year (CONTRACT section 4)')
    .requiredOption('--region <region>', 'region id', region)
    .requiredOption('--year <year>', 'year', year)
    .addOption(
      new Option('--format <format>', 'output format').choices(['json', 'csv', 'table']).default('table'),
    )
    .option('--as-of-position <n>', "the report after the first n events of the region's log", position)
    .action(async (options: { region: string; year: number; format: string; asOfPosition?: number }) => {
      const result = await withStore(
        environment,
        'read',
        (store) => store.allocationReport(options.region, options.year, options.asOfPosition),
        io,
      );
      printReport(io, result, options.format);
    });
  report
    .command('trial-balance')
    .description('the trial balance of the double-entry ledger for a region and year')
    .requiredOption('--region <region>', 'region id', region)
    .requiredOption('--year <year>', 'year', year)
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'table']).default('table'))
    .action(async (options: { region: string; year: number; format: string }) => {
      const trial = await withStore(environment, 'read', (store) =>
        store.trialBalance(options.region, options.year),
      );
      io.out(options.format === 'json' ? `${JSON.stringify(trial, null, 2)}\n` : trialBalanceTable(trial));
      if (!trial.balanced) setExitCode(1);
    });

  program
    .command('export')
    .description(
      "print a region's whole log as NDJSON with positions, outcomes and the hash chain (CONTRACT section 5)",
    )
    .requiredOption('--region <region>', 'region id', region)
    .option('--from-position <n>', 'start at this position (from 1, the first)', startPosition)
    .action(async (options: { region: string; fromPosition?: number }) => {
      await withStore(environment, 'read', async (store) => {
        let chunk = '';
        for await (const record of store.history(options.region, options.fromPosition ?? 1)) {
          chunk += `${JSON.stringify(record)}\n`;
          if (chunk.length > 1 << 16) {
            io.out(chunk);
            chunk = '';
          }
        }
        io.out(chunk);
      });
    });

  program
    .command('audit')
    .description("auditors' checks on exported histories")
    .command('verify')
    .description('check the hash chain of an exported history; names the first position that fails')
    .requiredOption('--file <file>', 'exported NDJSON history')
    .action(async (options: { file: string }) => {
      const result = await verifyHistoryInParallel(fileBytes(inputPath(options.file)));
      if (result.ok && result.records === 0) {
        // Nothing to check is not an intact chain: an auditor handed an empty file has the wrong file. The same
        // words as `replay` of such a file.
        io.err('cannot verify: the file holds no records (it is empty or has only blank lines)\n');
        setExitCode(1);
      } else if (result.ok) {
        io.out(`hash chain intact: ${result.records} records verified\n`);
      } else {
        io.out(`hash chain broken at position ${result.position} (line ${result.line}): ${result.problem}\n`);
        setExitCode(1);
      }
    });

  program
    .command('replay')
    .description('rebuild a report from an exported history alone, deciding every event again')
    .requiredOption('--file <file>', 'exported NDJSON history')
    .addOption(new Option('--report <report>', 'which report').choices(['allocation']).makeOptionMandatory())
    .requiredOption('--year <year>', 'year', year)
    .addOption(
      new Option('--format <format>', 'output format').choices(['json', 'csv', 'table']).default('table'),
    )
    .action(async (options: { file: string; year: number; format: string }) => {
      const path = inputPath(options.file);
      // A file can be read twice, so workers check the chain while this thread decides; standard input cannot.
      const result =
        path === '-'
          ? await replayHistory(fileLines(path), options.year)
          : await replayHistoryInParallel(
              { bytes: () => fileBytes(path), lineBatches: () => fileLineBatches(path) },
              options.year,
            );
      if (!result.ok) {
        // Line 0: the file as a whole (it holds no records), not one line of it.
        const where = result.line === 0 ? '' : `position ${result.position} (line ${result.line}): `;
        io.err(`cannot replay: ${where}${result.problem}\n`);
        setExitCode(1);
        return;
      }
      printReport(io, result.report, options.format);
      for (const d of result.discrepancies) {
        io.err(
          `discrepancy at position ${d.position} (${d.id}): recorded ${d.recorded}, recomputed ${d.recomputed}\n`,
        );
      }
      if (result.discrepancies.length > 0) {
        io.err(
          `${result.discrepancies.length} discrepanc${result.discrepancies.length === 1 ? 'y' : 'ies'} between the history and a fresh replay\n`,
        );
        setExitCode(1);
      }
    });
  program
    .command('backup')
    .description(
      'copy the whole embedded store (logs, state and projections, as of the last commit) into a new SQLite file, while imports and the server go on',
    )
    .argument(
      '<file>',
      'the new file (never overwritten); restore by putting it as budget.sqlite in an empty data directory',
    )
    .action(async (file: string) => {
      if (environment.engines !== undefined) {
        throw new UserError(
          'backup copies the embedded store; in the engines mode back up Kafka (the log topic is the history) and MongoDB with their own tools',
          'bad-argument',
        );
      }
      const target = inputPath(file);
      const store = EmbeddedStore.open(environment.dataDir, { readonly: true });
      try {
        io.err(`backing up ${join(environment.dataDir, DATABASE_FILE)} to ${target}\n`);
        const summary = store.backup(target);
        // Each region by name, up to ten; beyond that their number and events in all (a line per store, not a
        // line of thousands of regions).
        const total = summary.regions.reduce((sum, r) => sum + r.events, 0);
        const regions =
          summary.regions.length > 10
            ? `${total.toLocaleString('en')} events in all`
            : summary.regions.map((r) => `${r.region} ${r.events} events`).join(', ');
        io.out(
          `backed up ${summary.regions.length} region${summary.regions.length === 1 ? '' : 's'} (${regions === '' ? 'no events yet' : regions}) to ${target}, ${(summary.bytes / (1 << 20)).toFixed(1)} MiB\n`,
        );
      } finally {
        await store.close();
      }
    });

  const token = program.command('token').description('bearer tokens for the HTTP API (CONTRACT section 8)');
  /** A tokens file that does not parse or does not hold token entries: the user's to repair, not a crash. */
  const tokensFileError = (error: unknown): UserError =>
    new UserError(
      `${error instanceof Error ? error.message : String(error)}; repair or move the file and try again`,
      'bad-file',
    );
  token
    .command('create')
    .description(
      'create a random token, store only its SHA-256 hash in the tokens file, and print the token once',
    )
    .addOption(new Option('--role <role>', 'what the token may do').choices([...ROLES]).makeOptionMandatory())
    .requiredOption('--regions <regions>', 'comma-separated region ids, or * for every region', regionList)
    .requiredOption('--name <name>', 'who or what holds the token', tokenName)
    .action(async (options: { role: Role; regions: string[]; name: string }) => {
      const file = environment.tokensFile;
      const unknown = await regionsNotInStore(environment, options.regions);
      let created: string;
      try {
        created = createToken(file, options.role, options.regions, options.name);
      } catch (error) {
        throw tokensFileError(error);
      }
      io.out(`${created}\n`);
      if (unknown !== undefined) io.err(`warning: ${unknown}\n`);
      io.err(
        `added ${/^[aeiou]/.test(options.role) ? 'an' : 'a'} ${options.role} token for ${options.regions.join(',')} to ${file}\n`,
      );
    });
  token
    .command('list')
    .description(
      'list the tokens of the tokens file: name, role, regions and the start of the hash (never a token)',
    )
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'table']).default('table'))
    .action((options: { format: 'json' | 'table' }) => {
      const file = environment.tokensFile;
      let entries: ReturnType<typeof readTokenFile> = [];
      try {
        if (existsSync(file)) entries = readTokenFile(file);
      } catch (error) {
        throw tokensFileError(error);
      }
      io.out(options.format === 'json' ? `${JSON.stringify(entries, null, 2)}\n` : tokensTable(entries));
    });
  token
    .command('revoke')
    .description(
      'remove every token of a name from the tokens file; the server refuses them from its next request',
    )
    .requiredOption('--name <name>', 'the name the token was created with', tokenName)
    .action((options: { name: string }) => {
      const file = environment.tokensFile;
      let revoked: number;
      try {
        revoked = revokeTokens(file, options.name);
      } catch (error) {
        throw tokensFileError(error);
      }
      if (revoked === 0)
        throw new UserError(
          `no token named ${options.name} in ${file} (budget token list shows them)`,
          'bad-argument',
        );
      io.err(
        `revoked ${String(revoked)} token${revoked === 1 ? '' : 's'} named ${options.name} in ${file}\n`,
      );
    });
  return program;
}

/** Runs the CLI; returns the exit code. Errors users can fix print their message alone. */
export async function runCli(argv: string[], environment: () => Environment, io: Io): Promise<number> {
  let exitCode = 0;
  try {
    const env = environment();
    if (env.halfSetEngines !== undefined) io.err(`budget: warning: ${env.halfSetEngines}\n`);
    const program = buildProgram(env, io, (code) => (exitCode = code));
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof UserError) {
      io.err(`budget: ${error.message}\n`);
      return error.exitCode;
    }
    if (
      error instanceof Error &&
      'exitCode' in error &&
      typeof error.exitCode === 'number' &&
      'code' in error
    ) {
      // commander's own exits: --help (0) and usage errors (it has printed the message already).
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
    }
    throw error;
  }
}
