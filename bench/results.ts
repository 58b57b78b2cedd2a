// The shape of bench/results/latest.json and the targets, each judged met or not met from the measurements.
import type { Spread } from './stats';

export interface ProcessRun {
  wallMs: number;
  maxRssKb: number;
}

export interface ImportRun extends ProcessRun {
  events: number;
  eventsPerSecond: number;
  counts: ImportCounts | undefined;
}

export interface RepeatedRun {
  /** Whole process: node start, tsx, opening the store, answering, exit. */
  processMs: Spread;
  /** The CLI's own `timing: store ... ms` lines (BUDGET_TIMING=1), when it prints them. */
  storeMs: Spread | undefined;
  maxRssKb: number;
}

export interface BenchResults {
  startedAt: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string };
  events: number;
  region: string;
  regionLogLength: number;
  generate: ProcessRun & { eventsPerSecond: number; violations: number; fileBytes: number };
  baseline: ProcessRun & { linesPerSecond: number; inProcessMs: number };
  import: ImportRun & { rejectedAsGenerated: boolean };
  /**
   * The baseline and the import of the whole file run one after the other, several times (`--import-pairs`), the
   * first pair being `baseline` and `import` above; the import's target is judged on the median of the pairs'
   * ratios. Absent in results written before pairs were measured: then the one pair above decides.
   */
  importPairs?: ImportPair[];
  scaling: ImportRun[];
  startup: { processMs: Spread; maxRssKb: number };
  report: RepeatedRun;
  asOf: (RepeatedRun & { position: number; percent: number })[];
  export: ProcessRun & { records: number; bytes: number };
  verify: ProcessRun & { records: number; eventsPerSecond: number };
  replay: ProcessRun & { eventsPerSecond: number; matchesReport: boolean };
  /** Kafka and MongoDB (bench/pipeline.ts); present when the run had KAFKA_BROKERS and MONGO_URL. */
  pipeline?: PipelineResults;
  targets: Target[];
}

/** One baseline run and the import run right after it, wall times in ms. */
export interface ImportPair {
  baselineMs: number;
  importMs: number;
}

/**
 * The median of the pairs' ratios (import / baseline), and the pair it comes from (for an even count, the mean of
 * the middle two, and the lower one's pair). Each ratio compares runs made back to back, so the host's load, which
 * moves both by 10-30% between runs, mostly cancels out within a pair; the median of several pairs keeps one noisy
 * pair from deciding the verdict either way.
 */
export function medianPairRatio(pairs: readonly ImportPair[]): { ratio: number; pair: ImportPair } {
  if (pairs.length === 0) throw new Error('no import pairs to judge');
  const sorted = pairs
    .map((pair) => ({ pair, ratio: pair.importMs / pair.baselineMs }))
    .sort((a, b) => a.ratio - b.ratio);
  const lower = sorted[Math.floor((sorted.length - 1) / 2)];
  const upper = sorted[Math.floor(sorted.length / 2)];
  if (lower === undefined || upper === undefined) throw new Error('no import pairs to judge');
  return { ratio: (lower.ratio + upper.ratio) / 2, pair: lower.pair };
}

export interface PipelineStages {
  /** The last record was written to the inbox (the import's transaction complete). */
  inboxComplete?: number;
  /** The sequencer had consumed the whole inbox. */
  sequenced?: number;
  /** The allocator had consumed the whole log. */
  allocated?: number;
  /** The ledger had consumed the whole log. */
  projected?: number;
}

/** The engines pipeline against a plain kafkajs produce-and-consume of the same messages, same broker, same run. */
export interface PipelineResults {
  events: number;
  region: string;
  year: number;
  baseline: {
    messages: number;
    produceMs: number;
    consumeMs: number;
    /** From the first produce to the last message consumed, in the script's process. */
    ms: number;
    eventsPerSecond: number;
    processWallMs: number;
    /** CPU time of the script's process and of the broker while it ran, in ms. */
    cpuMs: Record<string, number>;
  };
  pipeline: {
    /** `budget import` as its own process: start-up, validation pass, produce, until the ledger caught up. */
    importWallMs: number;
    importMaxRssKb: number;
    /** From starting `budget import` until the first event is in the inbox (start-up and validation pass). */
    validationMs: number;
    /** From the first event in the inbox until the report projection is consistent and every lag is zero. */
    inboxToConsistentMs: number;
    /** From starting `budget import` until the report projection is consistent and every lag is zero. */
    importToConsistentMs: number;
    /** From the import's exit until every lag was zero and the report read. */
    afterImportMs: number;
    /** events / inboxToConsistentMs: the rate compared with the baseline. */
    eventsPerSecond: number;
    importToConsistentEventsPerSecond: number;
    counts: ImportCounts | undefined;
    countsMatchEmbedded: boolean;
    reportsMatchEmbedded: boolean;
    trialBalancesMatchEmbedded: boolean;
    lagAfter: { sequencer: number; ledger: number; allocator: number };
    journalDocuments: number;
    /** When each stage had everything, in ms after `budget import` started (sampled every 100 ms). */
    stages: PipelineStages;
    /** CPU time each process used from the start of the import until the report was consistent, in ms. The
     *  engines are found by their command lines (absent when they run elsewhere). */
    cpuMs: Record<string, number>;
  };
  /**
   * The pipeline's Kafka hops alone, with no work in them (`bench/kafka-topology.ts`), same broker, same run: the
   * ceiling the services could reach with kafkajs here if validating, deciding, hashing and MongoDB cost nothing.
   */
  topology: {
    /** From the first produce to the last message seen by the sink, in the script's process. */
    ms: number;
    produceMs: number;
    eventsPerSecond: number;
    /** CPU time of the script's process with its three hops, and of the broker while it ran, in ms. */
    cpuMs: Record<string, number>;
    /** topology.eventsPerSecond / baseline.eventsPerSecond. */
    ratio: number;
  };
  /** pipeline.eventsPerSecond / baseline.eventsPerSecond. */
  ratio: number;
}

export interface Target {
  name: string;
  target: string;
  measured: string;
  /** undefined: not measured in this run (for example --skip-scaling). */
  met: boolean | undefined;
}

const GIB_KB = 1024 * 1024;

function ms(value: number): string {
  return `${value.toFixed(value < 100 ? 1 : 0)} ms`;
}

function mib(kb: number): string {
  return `${(kb / 1024).toFixed(0)} MiB`;
}

function perSecond(value: number): string {
  return `${Math.round(value).toLocaleString('en-US')} events/s`;
}

/** Flat means the peak at the largest run is at most 1.5x the peak at a quarter of the events (linear would be 4x). */
function flatness(runs: readonly ImportRun[]): Target {
  const sorted = [...runs].sort((a, b) => a.events - b.events);
  const smallest = sorted[0];
  const largest = sorted[sorted.length - 1];
  const name = 'import peak RSS flat in the number of events';
  if (smallest === undefined || largest === undefined || sorted.length < 2) {
    return {
      name,
      target: 'peak(N) <= 1.5 x peak(N/4)',
      measured: 'not measured (--skip-scaling)',
      met: undefined,
    };
  }
  const ratio = largest.maxRssKb / smallest.maxRssKb;
  const measured = sorted.map((r) => `${r.events.toLocaleString('en-US')}: ${mib(r.maxRssKb)}`).join(', ');
  return {
    name,
    target: 'peak(N) <= 1.5 x peak(N/4)',
    measured: `${measured} (x${ratio.toFixed(2)})`,
    met: ratio <= 1.5,
  };
}

export function evaluateTargets(r: Omit<BenchResults, 'targets'>): Target[] {
  const pairs = r.importPairs ?? [{ baselineMs: r.baseline.wallMs, importMs: r.import.wallMs }];
  const { ratio: importRatio } = medianPairRatio(pairs);
  const pairText = (pair: ImportPair): string =>
    `${ms(pair.importMs)} vs ${ms(pair.baselineMs)} (x${(pair.importMs / pair.baselineMs).toFixed(2)})`;
  const peak = Math.max(r.import.maxRssKb, ...r.scaling.map((s) => s.maxRssKb));
  const slowestAsOf = Math.max(...r.asOf.map((a) => a.processMs.median));
  const targets: Target[] = [
    {
      name: 'import time vs baseline',
      target: '<= 2x baseline',
      measured:
        pairs.length === 1
          ? pairText(pairs[0] as ImportPair)
          : `median x${importRatio.toFixed(2)} of ${pairs.length} pairs run back to back: ${pairs.map(pairText).join('; ')}`,
      met: importRatio <= 2,
    },
    { name: 'import peak RSS', target: '< 1 GiB', measured: mib(peak), met: peak < GIB_KB },
    flatness(r.scaling),
  ];
  if (r.report.storeMs !== undefined) {
    targets.push({
      name: 'report allocation, in the CLI (BUDGET_TIMING store time, median)',
      target: '< 50 ms',
      measured: ms(r.report.storeMs.median),
      met: r.report.storeMs.median < 50,
    });
  }
  targets.push(
    {
      name: 'report allocation, whole process (median, includes Node start-up and loading the CLI)',
      target: '< 50 ms',
      measured: ms(r.report.processMs.median),
      met: r.report.processMs.median < 50,
    },
    {
      name: 'report as of 10/50/90% of the log, whole process (slowest median)',
      target: '< 2 s',
      measured: ms(slowestAsOf),
      met: slowestAsOf < 2000,
    },
    {
      name: 'audit verify, whole process',
      target: '>= 100,000 events/s',
      measured: perSecond(r.verify.eventsPerSecond),
      met: r.verify.eventsPerSecond >= 100_000,
    },
    {
      name: 'replay allocation 2024, whole process',
      target: '>= 100,000 events/s',
      measured: perSecond(r.replay.eventsPerSecond),
      met: r.replay.eventsPerSecond >= 100_000,
    },
  );
  if (r.pipeline !== undefined) targets.push(...pipelineTargets(r.pipeline));
  return targets;
}

export function pipelineTargets(p: PipelineResults): Target[] {
  const consistent =
    p.pipeline.countsMatchEmbedded &&
    p.pipeline.reportsMatchEmbedded &&
    p.pipeline.trialBalancesMatchEmbedded;
  const lags = [p.pipeline.lagAfter.sequencer, p.pipeline.lagAfter.ledger, p.pipeline.lagAfter.allocator];
  return [
    {
      name: `pipeline inbox -> report projection, ${p.events.toLocaleString('en-US')} events (Kafka + MongoDB)`,
      target: '>= 0.5 x plain kafkajs produce + consume',
      measured: `${perSecond(p.pipeline.eventsPerSecond)} vs ${perSecond(p.baseline.eventsPerSecond)} (x${p.ratio.toFixed(2)}); its Kafka hops alone, with no work in them: x${p.topology.ratio.toFixed(2)}`,
      met: p.ratio >= 0.5,
    },
    {
      name: 'pipeline reports, trial balances and counts equal the embedded store',
      target: 'equal',
      measured: consistent ? 'equal' : 'differ',
      met: consistent,
    },
    {
      name: 'pipeline consumer lag after the import (sequencer, ledger, allocator)',
      target: '0',
      measured: lags.join(', '),
      met: lags.every((l) => l === 0),
    },
  ];
}

export interface ImportCounts {
  appended: number;
  alreadyPresent: number;
  accepted: number;
  rejected: number;
}

/** The counts of `budget import`'s summary line "appended A, already present P, accepted C, rejected R". */
export function importCounts(stdout: string): ImportCounts | undefined {
  const match = /appended (\d+), already present (\d+), accepted (\d+), rejected (\d+)/.exec(stdout);
  if (match === null) return undefined;
  const [, appended, alreadyPresent, accepted, rejected] = match.map(Number);
  return {
    appended: appended ?? 0,
    alreadyPresent: alreadyPresent ?? 0,
    accepted: accepted ?? 0,
    rejected: rejected ?? 0,
  };
}
