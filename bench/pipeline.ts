// The engines pipeline on Kafka and MongoDB against a plain kafkajs script on the same broker, in the same run:
// `budget import` of the benchmark file into fresh topics and a fresh database, with the sequencer, ledger and
// allocator running as their own services, until the report projection equals the embedded store's and every
// consumer group's lag is zero.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Admin } from 'kafkajs';
import {
  KafkaStore,
  connectProjections,
  endOffsets,
  ensureTopics,
  groupNames,
  kafkaClient,
  topicNames,
  type EngineSettings,
} from '@budget/engines';
import { CpuMeter, cpuProfileArgs, findProcesses } from './proc-cpu';
import { importCounts, type PipelineResults, type PipelineStages } from './results';
import { round } from './stats';
import type { TimedResult } from './timed-run';

const SERVICES = ['sequencer', 'ledger', 'allocator'] as const;
const YEARS = ['2023', '2024', '2025'] as const;
const POLL_MS = 10;

export interface PipelineOptions {
  root: string;
  tmp: string;
  file: string;
  events: number;
  /** Rule violations the generator made: the import must reject exactly these. */
  violations: number;
  region: string;
  year: string;
  brokers: string;
  mongoUrl: string;
  /** Runs a TypeScript file of the repository as its own timed process (bench/run.ts's runner). */
  runTs: (file: string, args: readonly string[], env: NodeJS.ProcessEnv) => Promise<TimedResult>;
  /** The environment for the embedded store (Kafka variables removed) in a fresh data directory. */
  embeddedEnv: (name: string) => NodeJS.ProcessEnv;
  log: (message: string) => void;
}

interface BaselineOut {
  messages: number;
  consumed: number;
  produceMs: number;
  consumeMs: number;
  ms: number;
  eventsPerSecond: number;
}

interface TopologyOut {
  messages: number;
  produceMs: number;
  ms: number;
  eventsPerSecond: number;
}

interface GroupLags {
  sequencer: number;
  ledger: number;
  allocator: number;
}

/** The three services' consumer lags: the sequencer on the inbox, the ledger and allocator on the log. */
async function groupLags(
  admin: Admin,
  names: ReturnType<typeof topicNames>,
  groups: ReturnType<typeof groupNames>,
): Promise<GroupLags> {
  const [sequencer, ledger, allocator] = await Promise.all([
    lagOf(admin, groups.sequencer, names.inbox),
    lagOf(admin, groups.ledger, names.log),
    lagOf(admin, groups.allocator, names.log),
  ]);
  return { sequencer, ledger, allocator };
}

/** Samples the topics' ends and the groups' lags every 100 ms until told to stop: when each stage finished. */
async function sampleStages(
  admin: Admin,
  names: ReturnType<typeof topicNames>,
  groups: ReturnType<typeof groupNames>,
  started: number,
  stop: () => boolean,
): Promise<PipelineStages> {
  const stages: PipelineStages = {};
  let lastInboxEnd = -1n;
  let inboxChangedAt = 0;
  while (!stop()) {
    const ends = await endOffsets(admin, names.inbox);
    const end = [...ends.values()].reduce((a, b) => a + BigInt(b), 0n);
    const now = performance.now() - started;
    if (end !== lastInboxEnd) {
      lastInboxEnd = end;
      inboxChangedAt = now;
    }
    if (end > 0n) {
      const { sequencer, ledger, allocator } = await groupLags(admin, names, groups);
      stages.inboxComplete = Math.round(inboxChangedAt);
      if (sequencer === 0) stages.sequenced ??= Math.round(now);
      else delete stages.sequenced;
      if (sequencer === 0 && allocator === 0) stages.allocated ??= Math.round(now);
      else delete stages.allocated;
      if (sequencer === 0 && ledger === 0) stages.projected ??= Math.round(now);
      else delete stages.projected;
    }
    await sleep(100);
  }
  return stages;
}

const sleep = (ms: number) =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/** Every partition of `topic` committed by `groupId` up to the end offset (transaction markers included). */
async function lagOf(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [ends, [committed]] = await Promise.all([
    endOffsets(admin, topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const byPartition = new Map((committed?.partitions ?? []).map((p) => [p.partition, p.offset]));
  let lag = 0n;
  for (const [partition, end] of ends) {
    const offset = BigInt(byPartition.get(partition) ?? '-1');
    lag += BigInt(end) - (offset < 0n ? 0n : offset);
  }
  return Number(lag);
}

function startService(options: PipelineOptions, name: string, env: NodeJS.ProcessEnv): ChildProcess {
  const out = openSync(join(options.tmp, `pipeline-${name}.log`), 'w');
  const child = spawn(
    process.execPath,
    [...cpuProfileArgs(env), '--import', 'tsx', join(options.root, 'services', name, 'src', 'main.ts')],
    { cwd: options.root, env: { ...env, SERVICE_PORT: '0' }, stdio: ['ignore', out, out] },
  );
  closeSync(out);
  return child;
}

async function stopService(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const stopped = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]);
  if (!stopped) child.kill('SIGKILL');
}

/** Waits until each service's consumer group has a member and is stable: the workers restored and subscribed. */
async function waitForGroups(admin: Admin, groups: string[], children: ChildProcess[]): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const dead = children.find((c) => c.exitCode !== null);
    if (dead !== undefined) throw new Error(`a service exited with ${String(dead.exitCode)} while starting`);
    const { groups: described } = await admin.describeGroups(groups);
    if (described.every((g) => g.state === 'Stable' && g.members.length > 0)) return;
    if (Date.now() > deadline) throw new Error('the services did not join their consumer groups in 120 s');
    await sleep(200);
  }
}

export async function runPipeline(options: PipelineOptions): Promise<PipelineResults> {
  const id = randomUUID().slice(0, 8);
  const namespace = `bench${id}.`;
  const database = `budget_bench${id}`;
  const settings: EngineSettings = {
    brokers: options.brokers.split(',').map((b) => b.trim()),
    mongoUrl: options.mongoUrl,
    namespace,
    clientId: `bench-${id}`,
  };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_BROKERS: options.brokers,
    MONGO_URL: options.mongoUrl,
    BUDGET_NAMESPACE: namespace,
    BUDGET_MONGO_DB: database,
    TSX_TSCONFIG_PATH: join(options.root, 'tsconfig.json'),
  };
  delete env['BUDGET_TIMING'];
  const names = topicNames(namespace);
  const groups = groupNames(namespace);
  const kafka = kafkaClient(settings);
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, names);
  const projections = await connectProjections(options.mongoUrl, database);
  const store = await KafkaStore.open(settings, projections, 600_000);
  const children: ChildProcess[] = [];
  const baselineTopic = `${namespace}baseline`;
  const topologyNamespace = `${namespace}topology.`;
  try {
    options.log('pipeline: starting the sequencer, ledger and allocator services');
    for (const name of SERVICES) children.push(startService(options, name, env));
    await waitForGroups(admin, [groups.sequencer, groups.ledger, groups.allocator], children);

    /** A kafkajs script of bench/ as its own process: its JSON line, and the CPU time of it and the broker. */
    const kafkaScript = async (script: string, args: string[]) => {
      const brokerCpu = new CpuMeter(new Map([['kafka', findProcesses(/kafka\.Kafka/)]]));
      const run = await options.runTs(join(options.root, 'bench', script), [options.file, ...args], env);
      return {
        out: JSON.parse(run.stdout) as unknown,
        wallMs: run.wallMs,
        cpuMs: { script: run.cpuMs, ...brokerCpu.read() },
      };
    };
    const brokers = ['--brokers', options.brokers];
    // The baseline runs with the services up and idle, so both see the same machine.
    options.log('pipeline: plain kafkajs baseline (produce and consume the same messages)');
    const baseRun = await kafkaScript('kafka-baseline.ts', [...brokers, '--topic', baselineTopic]);
    const baseline = baseRun.out as BaselineOut;
    if (baseline.consumed !== options.events)
      throw new Error(`the baseline consumed ${String(baseline.consumed)} of ${String(options.events)}`);

    options.log('pipeline: the Kafka hops alone, with no work in them (the ceiling of the services)');
    const topologyRun = await kafkaScript('kafka-topology.ts', [
      ...brokers,
      '--namespace',
      topologyNamespace,
    ]);
    const topologyOut = topologyRun.out as TopologyOut;
    if (topologyOut.messages !== options.events)
      throw new Error(`the topology run moved ${String(topologyOut.messages)} of ${String(options.events)}`);

    options.log(`pipeline: budget import of ${String(options.events)} events on Kafka and MongoDB`);
    const cpu = new CpuMeter(
      new Map([
        ...SERVICES.map((name, i): [string, number[]] => [name, [children[i]?.pid ?? -1]]),
        ['kafka', findProcesses(/kafka\.Kafka/)],
        ['ferretdb', findProcesses(/ferretdb/i)],
        ['mongod', findProcesses(/\bmongod\b/)],
      ]),
    );
    const started = performance.now();
    const importing = options.runTs(
      join(options.root, 'services', 'cli', 'src', 'main.ts'),
      ['import', options.file],
      env,
    );
    const progress = { done: false };
    const finished = importing.finally(() => {
      progress.done = true;
    });
    const consistentSeen = { done: false };
    const timeline = sampleStages(admin, names, groups, started, () => consistentSeen.done);
    // A function, so the type checker does not narrow what the callback above changes.
    const done = (): boolean => progress.done;
    // The moment the first event is in the inbox: the import's validation pass is over and it produces.
    let inboxAt: number | undefined;
    while (!done() && inboxAt === undefined) {
      const ends = await endOffsets(admin, names.inbox);
      if ([...ends.values()].some((o) => o !== '0')) inboxAt = performance.now();
      else await sleep(POLL_MS);
    }
    const imported = await finished;
    const importDoneAt = performance.now();
    if (imported.exitCode !== 0) throw new Error(`budget import failed:\n${imported.stderr.slice(-4000)}`);
    // Lag zero for every group, then the report from the projections.
    for (;;) {
      const lags = Object.values(await groupLags(admin, names, groups));
      if (lags.every((l) => l === 0)) break;
      if (performance.now() - importDoneAt > 600_000) throw new Error(`lag stays at ${lags.join(', ')}`);
      await sleep(POLL_MS);
    }
    const timedReport = await store.allocationReport(options.region, Number(options.year));
    const consistentAt = performance.now();
    consistentSeen.done = true;
    const cpuMs = { ...cpu.read(), import: imported.cpuMs };
    const stages = await timeline;
    options.log(`pipeline: stages ${JSON.stringify(stages)}, CPU ms ${JSON.stringify(cpuMs)}`);

    options.log('pipeline: reading back reports and trial balances for the comparison');
    const engineReports = new Map<string, unknown>();
    const engineTrials = new Map<string, unknown>();
    for (const year of YEARS) {
      engineReports.set(year, await store.allocationReport(options.region, Number(year)));
      engineTrials.set(year, await store.trialBalance(options.region, Number(year)));
    }
    const lagsAfter = await groupLags(admin, names, groups);
    const journal = await projections.connection.db
      ?.collection('journal')
      .estimatedDocumentCount()
      .catch(() => 0);

    options.log('pipeline: the embedded store on the same file, for reference');
    const embeddedEnv = options.embeddedEnv('pipeline-embedded');
    const cli = join(options.root, 'services', 'cli', 'src', 'main.ts');
    const embeddedImport = await options.runTs(
      cli,
      ['import', '--format', 'json', options.file],
      embeddedEnv,
    );
    const embeddedCounts = JSON.parse(embeddedImport.stdout) as Record<string, number>;
    let reportsMatch = isDeepStrictEqual(
      JSON.parse(JSON.stringify(timedReport)),
      JSON.parse(JSON.stringify(engineReports.get(options.year))),
    );
    let trialBalancesMatch = true;
    for (const year of YEARS) {
      const report = await options.runTs(
        cli,
        ['report', 'allocation', '--region', options.region, '--year', year, '--format', 'json'],
        embeddedEnv,
      );
      reportsMatch &&= isDeepStrictEqual(
        JSON.parse(report.stdout),
        JSON.parse(JSON.stringify(engineReports.get(year))),
      );
      const trial = await options.runTs(
        cli,
        ['report', 'trial-balance', '--region', options.region, '--year', year, '--format', 'json'],
        embeddedEnv,
      );
      trialBalancesMatch &&= isDeepStrictEqual(
        JSON.parse(trial.stdout),
        JSON.parse(JSON.stringify(engineTrials.get(year))),
      );
    }
    const counts = importCounts(imported.stdout);
    const countsMatch =
      counts !== undefined &&
      counts.appended === embeddedCounts['appended'] &&
      counts.accepted === embeddedCounts['accepted'] &&
      counts.rejected === embeddedCounts['rejected'] &&
      counts.rejected === options.violations;
    const inboxToConsistentMs = consistentAt - (inboxAt ?? started);
    const importToConsistentMs = consistentAt - started;
    const pipelineRate = options.events / (inboxToConsistentMs / 1000);
    return {
      events: options.events,
      region: options.region,
      year: Number(options.year),
      baseline: {
        messages: baseline.messages,
        produceMs: baseline.produceMs,
        consumeMs: baseline.consumeMs,
        ms: baseline.ms,
        eventsPerSecond: baseline.eventsPerSecond,
        processWallMs: round(baseRun.wallMs),
        cpuMs: baseRun.cpuMs,
      },
      pipeline: {
        importWallMs: round(imported.wallMs),
        importMaxRssKb: imported.maxRssKb,
        validationMs: round((inboxAt ?? started) - started),
        inboxToConsistentMs: round(inboxToConsistentMs),
        importToConsistentMs: round(importToConsistentMs),
        afterImportMs: round(consistentAt - importDoneAt),
        eventsPerSecond: Math.round(pipelineRate),
        importToConsistentEventsPerSecond: Math.round(options.events / (importToConsistentMs / 1000)),
        counts,
        countsMatchEmbedded: countsMatch,
        reportsMatchEmbedded: reportsMatch,
        trialBalancesMatchEmbedded: trialBalancesMatch,
        lagAfter: lagsAfter,
        journalDocuments: journal ?? 0,
        stages,
        cpuMs,
      },
      topology: {
        ms: topologyOut.ms,
        produceMs: topologyOut.produceMs,
        eventsPerSecond: topologyOut.eventsPerSecond,
        cpuMs: topologyRun.cpuMs,
        ratio: Math.round((topologyOut.eventsPerSecond / baseline.eventsPerSecond) * 1000) / 1000,
      },
      ratio: Math.round((pipelineRate / baseline.eventsPerSecond) * 1000) / 1000,
    };
  } finally {
    await Promise.all(children.map(stopService));
    await store.close();
    await projections.connection.dropDatabase().catch(() => undefined);
    await projections.connection.close();
    const existing = new Set(await admin.listTopics());
    const ours = [...Object.values(names), baselineTopic].filter((t) => existing.has(t));
    ours.push(...[...existing].filter((t) => t.startsWith(topologyNamespace)));
    await admin.deleteTopics({ topics: ours }).catch(() => undefined);
    await admin.disconnect();
  }
}
