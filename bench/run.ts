// `pnpm bench [--events N] [--skip-scaling] [--import-pairs N] [--only embedded|pipeline] [--pipeline-events N]`:
// generates events, times the baseline and the `budget` CLI (embedded store), and with KAFKA_BROKERS and MONGO_URL set
// the pipeline on Kafka and MongoDB against a plain kafkajs script (bench/pipeline.ts); writes bench/results/latest.*.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { intFlag, parseArgs, stringFlag } from './args';
import { writePrefix } from './prefix-file';
import { runPipeline } from './pipeline';
import { cpuProfileArgs } from './proc-cpu';
import {
  importCounts,
  evaluateTargets,
  type BenchResults,
  type ImportPair,
  type ImportRun,
  type PipelineResults,
  type RepeatedRun,
} from './results';
import { resultsMarkdown } from './results-markdown';
import { round, spread } from './stats';
import { requireGnuTime, statsPath, timed, type TimedOptions, type TimedResult } from './timed-run';

const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = join(ROOT, 'bench', 'results');
const TMP = join(RESULTS, 'tmp');
const CLI_MAIN = join(ROOT, 'services', 'cli', 'src', 'main.ts');
const REGION = 'bench-01';
const YEAR = '2024';
const REPORT_RUNS = 5;
const AS_OF_RUNS = 3;

/** TypeScript files of the repository (generator, baseline) run with tsx loaded. */
const NODE_TSX = [process.execPath, '--import', 'tsx'] as const;
/** The CLI runs as `pnpm budget` runs it (root package.json), without pnpm's own start-up: its launcher, which
 *  starts the bundled CLI (the embedded store) or the TypeScript source (the engines mode). */
const CLI_LAUNCHER = join(ROOT, 'services', 'cli', 'bin', 'budget.mjs');

let stepCounter = 0;
/** No step takes this long on a machine the benchmark is meant for: one that does has hung (a lost broker, say). */
const STEP_TIMEOUT_MS = 20 * 60_000;

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

/**
 * Runs a TypeScript file of this repository under /usr/bin/time; a failure, or a step still running after
 * STEP_TIMEOUT_MS, stops the benchmark with its stderr.
 */
async function runTs(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  stdoutFile?: string,
): Promise<TimedResult> {
  const [node, ...nodeArgs] = NODE_TSX;
  const statsFile = statsPath(TMP, `step-${++stepCounter}`);
  const options: TimedOptions = { cwd: ROOT, env, statsFile, timeoutMs: STEP_TIMEOUT_MS };
  if (stdoutFile !== undefined) options.stdoutFile = stdoutFile;
  const command = file === CLI_MAIN ? [CLI_LAUNCHER] : [...nodeArgs, file];
  const result = await timed(node, [...cpuProfileArgs(env), ...command, ...args], options);
  if (result.exitCode !== 0) {
    throw new Error(`${result.command} exited ${result.exitCode}:\n${result.stderr.slice(-4000)}`);
  }
  return result;
}

/** Embedded store in a fresh directory: the benchmark measures the embedded mode even if Kafka variables are set. */
function cliEnv(dataDir: string, timing: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, BUDGET_DATA_DIR: dataDir, INIT_CWD: ROOT };
  delete env['KAFKA_BROKERS'];
  delete env['MONGO_URL'];
  if (timing) env['BUDGET_TIMING'] = '1';
  else delete env['BUDGET_TIMING'];
  return env;
}

function freshDir(name: string): string {
  const dir = join(TMP, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function importInto(file: string, events: number, dirName: string): Promise<ImportRun> {
  const dataDir = freshDir(dirName);
  log(`import ${events} events into a fresh store`);
  const run = await runTs(CLI_MAIN, ['import', file], cliEnv(dataDir, false));
  return {
    events,
    wallMs: round(run.wallMs),
    maxRssKb: run.maxRssKb,
    eventsPerSecond: Math.round(events / (run.wallMs / 1000)),
    counts: importCounts(run.stdout),
  };
}

/** `timing: store 12.34 ms` lines printed by the CLI with BUDGET_TIMING=1; none if the CLI does not print them. */
function storeTimings(stderr: string): number[] {
  return [...stderr.matchAll(/^timing: store ([0-9.]+) ms$/gm)].map((m) => Number(m[1]));
}

async function repeatedReport(
  dataDir: string,
  runs: number,
  extra: readonly string[],
): Promise<RepeatedRun & { lastJson: unknown }> {
  const args = ['report', 'allocation', '--region', REGION, '--year', YEAR, '--format', 'json', ...extra];
  const process: number[] = [];
  const store: number[] = [];
  let maxRssKb = 0;
  let lastJson: unknown;
  for (let i = 0; i < runs; i++) {
    const run = await runTs(CLI_MAIN, args, cliEnv(dataDir, true));
    process.push(run.wallMs);
    store.push(...storeTimings(run.stderr));
    maxRssKb = Math.max(maxRssKb, run.maxRssKb);
    lastJson = JSON.parse(run.stdout) as unknown;
  }
  return {
    processMs: spread(process),
    storeMs: store.length > 0 ? spread(store) : undefined,
    maxRssKb,
    lastJson,
  };
}

/** `budget --help`: what every whole-process figure below pays before it does any work (Node, loading the CLI). */
async function startupTime(dataDir: string): Promise<BenchResults['startup']> {
  const walls: number[] = [];
  let maxRssKb = 0;
  for (let i = 0; i < 3; i++) {
    const run = await runTs(CLI_MAIN, ['--help'], cliEnv(dataDir, false));
    walls.push(run.wallMs);
    maxRssKb = Math.max(maxRssKb, run.maxRssKb);
  }
  return { processMs: spread(walls), maxRssKb };
}

function asOfPosition(report: unknown): number {
  const value = (report as { asOfPosition?: unknown }).asOfPosition;
  if (typeof value !== 'number') throw new Error('the report has no numeric asOfPosition');
  return value;
}

function countLines(file: string): number {
  // Export files are a few hundred MB at most for 1M events; counting newlines in one read is fine here.
  const bytes = readFileSync(file);
  let lines = 0;
  for (const byte of bytes) if (byte === 10) lines++;
  return lines;
}

function machine(): BenchResults['machine'] {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

/** Generates `events` events (seed 1) into `file`; the generator's summary. */
async function generate(
  file: string,
  events: number,
): Promise<{ run: TimedResult; summary: { regions: Record<string, number>; violations: number } }> {
  log(`generate ${events} events`);
  const run = await runTs(join(ROOT, 'bench', 'generate.ts'), [
    '--events',
    String(events),
    '--out',
    file,
    '--seed',
    '1',
  ]);
  return { run, summary: JSON.parse(run.stdout) as { regions: Record<string, number>; violations: number } };
}

/** The pipeline part: its own file of `events` events, the engines from KAFKA_BROKERS and MONGO_URL. */
async function pipelineSection(events: number): Promise<PipelineResults> {
  const brokers = process.env['KAFKA_BROKERS'];
  const mongoUrl = process.env['MONGO_URL'];
  if (brokers === undefined || brokers === '' || mongoUrl === undefined || mongoUrl === '')
    throw new Error('the pipeline benchmark needs KAFKA_BROKERS and MONGO_URL');
  const file = join(TMP, `pipeline-events-${events}.ndjson`);
  const { summary } = await generate(file, events);
  const result = await runPipeline({
    root: ROOT,
    tmp: TMP,
    file,
    events,
    violations: summary.violations,
    region: REGION,
    year: YEAR,
    brokers,
    mongoUrl,
    runTs: (script, scriptArgs, env) => runTs(script, scriptArgs, env),
    embeddedEnv: (name) => cliEnv(freshDir(name), false),
    log,
  });
  rmSync(file, { force: true });
  return result;
}

function writeResults(results: BenchResults): void {
  writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(RESULTS, 'latest.md'), resultsMarkdown(results));
  process.stdout.write(resultsMarkdown(results));
  log(`wrote ${join(RESULTS, 'latest.json')} and latest.md`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const only = stringFlag(args, 'only');
  if (only !== undefined && only !== 'embedded' && only !== 'pipeline')
    throw new Error('--only takes embedded or pipeline');
  const engines = (process.env['KAFKA_BROKERS'] ?? '') !== '' && (process.env['MONGO_URL'] ?? '') !== '';
  const pipelineEvents = intFlag(args, 'pipeline-events', 100_000);
  requireGnuTime();
  if (!existsSync(CLI_MAIN)) throw new Error(`${CLI_MAIN} does not exist yet: the budget CLI is needed`);
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });

  if (only === 'pipeline') {
    // Only the pipeline section of the last full run's results is replaced.
    const previous = join(RESULTS, 'latest.json');
    if (!existsSync(previous))
      throw new Error(`${previous} is missing: run pnpm bench once without --only pipeline first`);
    const { targets: _old, ...earlier } = JSON.parse(readFileSync(previous, 'utf8')) as BenchResults;
    const merged = { ...earlier, pipeline: await pipelineSection(pipelineEvents) };
    writeResults({ ...merged, targets: evaluateTargets(merged) });
    return;
  }
  // The launcher builds the CLI bundle on its first run after a change: not inside a measured command.
  await runTs(CLI_MAIN, ['--help'], cliEnv(freshDir('bundle-warm-up'), false));
  const embedded = await embeddedSection(args);
  const pipeline = engines && only !== 'embedded' ? await pipelineSection(pipelineEvents) : undefined;
  if (pipeline === undefined && only !== 'embedded')
    log('KAFKA_BROKERS and MONGO_URL are not both set: the pipeline on Kafka and MongoDB is not measured');
  const partial = pipeline === undefined ? embedded : { ...embedded, pipeline };
  writeResults({ ...partial, targets: evaluateTargets(partial) });
}

async function embeddedSection(
  args: ReturnType<typeof parseArgs>,
): Promise<Omit<BenchResults, 'targets' | 'pipeline'>> {
  const events = intFlag(args, 'events', 1_000_000);
  const skipScaling = args.flags.has('skip-scaling');
  const startedAt = new Date().toISOString();

  const file = join(TMP, 'events.ndjson');
  const { run: gen, summary } = await generate(file, events);

  log('baseline');
  const base = await runTs(join(ROOT, 'bench', 'baseline.ts'), [file, join(TMP, 'baseline.sqlite')]);
  const baseOut = JSON.parse(base.stdout) as { ms: number; linesPerSecond: number };

  const full = await importInto(file, events, 'data-full');
  // More pairs of a baseline and an import, each pair back to back, for a verdict less at the mercy of one run.
  const importPairs: ImportPair[] = [{ baselineMs: round(base.wallMs), importMs: full.wallMs }];
  for (let pair = 2; pair <= intFlag(args, 'import-pairs', 3); pair++) {
    log(`baseline and import, pair ${pair}`);
    const again = await runTs(join(ROOT, 'bench', 'baseline.ts'), [file, join(TMP, 'baseline.sqlite')]);
    const imported = await importInto(file, events, 'data-pair');
    rmSync(join(TMP, 'data-pair'), { recursive: true, force: true });
    importPairs.push({ baselineMs: round(again.wallMs), importMs: imported.wallMs });
  }
  const scaling: ImportRun[] = [];
  if (!skipScaling) {
    for (const size of [Math.floor(events / 4), Math.floor(events / 2)]) {
      const prefix = join(TMP, `events-${size}.ndjson`);
      await writePrefix(file, prefix, size);
      scaling.push(await importInto(prefix, size, `data-${size}`));
      rmSync(join(TMP, `data-${size}`), { recursive: true, force: true });
      rmSync(prefix, { force: true });
    }
    scaling.push(full);
  }

  const dataDir = join(TMP, 'data-full');
  log('CLI start-up (budget --help)');
  const startup = await startupTime(dataDir);
  log('report allocation');
  const report = await repeatedReport(dataDir, REPORT_RUNS, []);
  const logLength = asOfPosition(report.lastJson);
  const asOf: BenchResults['asOf'] = [];
  for (const percent of [10, 50, 90]) {
    const position = Math.round((logLength * percent) / 100);
    log(`report as of position ${position}`);
    const { lastJson: _ignored, ...run } = await repeatedReport(dataDir, AS_OF_RUNS, [
      '--as-of-position',
      String(position),
    ]);
    asOf.push({ ...run, position, percent });
  }

  log('export');
  const exportFile = join(TMP, 'export.ndjson');
  const exp = await runTs(CLI_MAIN, ['export', '--region', REGION], cliEnv(dataDir, false), exportFile);
  const records = countLines(exportFile);

  log('audit verify');
  const verify = await runTs(CLI_MAIN, ['audit', 'verify', '--file', exportFile], cliEnv(dataDir, false));
  log('replay');
  const replay = await runTs(
    CLI_MAIN,
    ['replay', '--file', exportFile, '--report', 'allocation', '--year', YEAR, '--format', 'json'],
    cliEnv(dataDir, false),
  );
  const { lastJson: reportJson, ...reportRun } = report;

  const partial: Omit<BenchResults, 'targets' | 'pipeline'> = {
    startedAt,
    machine: machine(),
    events,
    region: REGION,
    regionLogLength: logLength,
    generate: {
      wallMs: round(gen.wallMs),
      maxRssKb: gen.maxRssKb,
      eventsPerSecond: Math.round(events / (gen.wallMs / 1000)),
      violations: summary.violations,
      fileBytes: statSync(file).size,
    },
    baseline: {
      wallMs: round(base.wallMs),
      maxRssKb: base.maxRssKb,
      linesPerSecond: baseOut.linesPerSecond,
      inProcessMs: baseOut.ms,
    },
    import: { ...full, rejectedAsGenerated: full.counts?.rejected === summary.violations },
    importPairs,
    scaling,
    startup,
    report: reportRun,
    asOf,
    export: { wallMs: round(exp.wallMs), maxRssKb: exp.maxRssKb, records, bytes: statSync(exportFile).size },
    verify: {
      wallMs: round(verify.wallMs),
      maxRssKb: verify.maxRssKb,
      records,
      eventsPerSecond: Math.round(records / (verify.wallMs / 1000)),
    },
    replay: {
      wallMs: round(replay.wallMs),
      maxRssKb: replay.maxRssKb,
      eventsPerSecond: Math.round(records / (replay.wallMs / 1000)),
      matchesReport: isDeepStrictEqual(JSON.parse(replay.stdout), reportJson),
    },
  };
  return partial;
}

try {
  await main();
} catch (error) {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
