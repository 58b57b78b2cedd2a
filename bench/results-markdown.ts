// Renders bench/results/latest.json as bench/results/latest.md, for people.
import type { BenchResults, PipelineResults, PipelineStages, Target } from './results';
import type { Spread } from './stats';

function verdict(t: Target): string {
  if (t.met === undefined) return 'not measured';
  return t.met ? 'met' : '**not met**';
}

function spreadText(s: Spread | undefined): string {
  return s === undefined
    ? 'n/a'
    : `min ${s.min.toFixed(1)} / median ${s.median.toFixed(1)} ms (${s.runs} runs)`;
}

function mib(kb: number): string {
  return `${(kb / 1024).toFixed(0)} MiB`;
}

function n(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function resultsMarkdown(r: BenchResults): string {
  const lines = [
    `# Benchmark results`,
    '',
    `Run ${r.startedAt} on ${r.machine.cpus} x ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node} (${r.machine.platform}).`,
    `${n(r.events)} generated events (\`bench/generate.ts\`, seed 1), report region \`${r.region}\` (${n(r.regionLogLength)} events in its log), year 2024.`,
    'Every command is a whole process run under `/usr/bin/time -v` (wall time measured around it, peak RSS from GNU time).',
    '',
    '## Targets',
    '',
    '| target | goal | measured | verdict |',
    '| --- | --- | --- | --- |',
    ...r.targets.map((t) => `| ${t.name} | ${t.target} | ${t.measured} | ${verdict(t)} |`),
    '',
    '## Measurements',
    '',
    '| step | wall | peak RSS | throughput / notes |',
    '| --- | --- | --- | --- |',
    `| generate | ${n(r.generate.wallMs)} ms | ${mib(r.generate.maxRssKb)} | ${n(r.generate.eventsPerSecond)} events/s, ${n(r.generate.fileBytes / 1048576)} MiB, ${n(r.generate.violations)} rule violations |`,
    `| baseline (parse + insert, one transaction) | ${n(r.baseline.wallMs)} ms | ${mib(r.baseline.maxRssKb)} | ${n(r.baseline.linesPerSecond)} lines/s in-process |`,
    `| budget import | ${n(r.import.wallMs)} ms | ${mib(r.import.maxRssKb)} | ${n(r.import.eventsPerSecond)} events/s; ${r.import.counts === undefined ? 'counts not parsed' : `accepted ${n(r.import.counts.accepted)}, rejected ${n(r.import.counts.rejected)}`}${r.import.rejectedAsGenerated ? ' (= generated violations)' : ' (**differs from the generated violations**)'} |`,
    ...(r.importPairs ?? [])
      .slice(1)
      .map(
        (pair, i) =>
          `| baseline, then budget import, pair ${i + 2} (back to back) | ${n(pair.baselineMs)} ms, ${n(pair.importMs)} ms | | x${(pair.importMs / pair.baselineMs).toFixed(2)} |`,
      ),
    ...r.scaling.map(
      (s) =>
        `| budget import, first ${n(s.events)} events | ${n(s.wallMs)} ms | ${mib(s.maxRssKb)} | ${n(s.eventsPerSecond)} events/s |`,
    ),
    `| CLI start-up (\`budget --help\`), paid by every command below | ${spreadText(r.startup.processMs)} | ${mib(r.startup.maxRssKb)} | |`,
    `| report allocation | ${spreadText(r.report.processMs)} | ${mib(r.report.maxRssKb)} | store (BUDGET_TIMING): ${spreadText(r.report.storeMs)} |`,
    ...r.asOf.map(
      (a) =>
        `| report --as-of-position ${n(a.position)} (${a.percent}%) | ${spreadText(a.processMs)} | ${mib(a.maxRssKb)} | store: ${spreadText(a.storeMs)} |`,
    ),
    `| export | ${n(r.export.wallMs)} ms | ${mib(r.export.maxRssKb)} | ${n(r.export.records)} records, ${n(r.export.bytes / 1048576)} MiB |`,
    `| audit verify | ${n(r.verify.wallMs)} ms | ${mib(r.verify.maxRssKb)} | ${n(r.verify.eventsPerSecond)} events/s |`,
    `| replay allocation 2024 | ${n(r.replay.wallMs)} ms | ${mib(r.replay.maxRssKb)} | ${n(r.replay.eventsPerSecond)} events/s; same JSON as the report: ${r.replay.matchesReport ? 'yes' : '**no**'} |`,
    '',
    ...(r.pipeline === undefined ? [] : pipelineMarkdown(r.pipeline)),
    'Raw numbers: `latest.json`. Reproduce: `pnpm bench` (or `pnpm bench --events 20000 --skip-scaling` for a quick run;',
    '`pnpm bench --only pipeline` or `--only embedded` for one part).',
    '',
  ];
  return lines.join('\n');
}

function stagesText(s: PipelineStages): string {
  const at = (ms: number | undefined) => (ms === undefined ? 'not seen' : `${n(ms)} ms`);
  return `inbox complete ${at(s.inboxComplete)}; sequenced ${at(s.sequenced)}; allocated ${at(s.allocated)}; projected ${at(s.projected)}`;
}

function cpuText(cpu: Record<string, number>): string {
  const entries = Object.entries(cpu).filter(([, ms]) => ms > 0);
  const total = entries.reduce((sum, [, ms]) => sum + ms, 0);
  return `${entries.map(([name, ms]) => `${name} ${n(ms)} ms`).join(', ')}; total ${n(total)} ms`;
}

function pipelineMarkdown(p: PipelineResults): string[] {
  const q = p.pipeline;
  const yes = (ok: boolean) => (ok ? 'yes' : '**no**');
  return [
    '## Pipeline on Kafka and MongoDB',
    '',
    `${n(p.events)} generated events (seed 1), region \`${p.region}\`. The sequencer, ledger and allocator run as their own`,
    'services on fresh topics and a fresh database; the baseline is a plain kafkajs script (`bench/kafka-baseline.ts`)',
    'that produces the same lines to a fresh topic (acks -1, batches of 1,000) and consumes them all back, same broker,',
    "same run. The rows on the Kafka hops alone run the pipeline's topology (`bench/kafka-topology.ts`): the same lines through",
    "an inbox, a relay in the sequencer's place (consume, produce each line 230 characters longer, commit offsets, in one",
    "transaction per batch), a batcher in the allocator's (200 results to a message) and a sink in the ledger's, each its",
    "own process with the services' Kafka settings, and no validation, decisions, hashing or MongoDB: the ceiling of",
    'the services with kafkajs on this machine. `pnpm bench --only pipeline` repeats this part alone.',
    '',
    '| measure | value |',
    '| --- | --- |',
    `| baseline: produce + consume | ${n(p.baseline.ms)} ms (produce ${n(p.baseline.produceMs)} ms, consume ${n(p.baseline.consumeMs)} ms): **${n(p.baseline.eventsPerSecond)} events/s** |`,
    `| baseline CPU time (whole script process; broker while it ran) | ${cpuText(p.baseline.cpuMs)} |`,
    `| the Kafka hops alone, no work in them: first produce -> last message at the sink | ${n(p.topology.ms)} ms (inbox produced after ${n(p.topology.produceMs)} ms): **${n(p.topology.eventsPerSecond)} events/s**, x${p.topology.ratio.toFixed(2)} the baseline |`,
    `| the Kafka hops alone: CPU time (script with its three hops, their start-up included; broker while it ran) | ${cpuText(p.topology.cpuMs)} |`,
    `| pipeline: first event in the inbox -> report projection consistent, every lag 0 | ${n(q.inboxToConsistentMs)} ms: **${n(q.eventsPerSecond)} events/s** |`,
    `| ratio pipeline / baseline | **${p.ratio.toFixed(2)}** |`,
    `| \`budget import\` started -> consistent report (process start-up and validation pass included) | **${n(q.importToConsistentMs)} ms** (${n(q.importToConsistentEventsPerSecond)} events/s) |`,
    `| of which: start-up and validation pass before the first event is in the inbox | ${n(q.validationMs)} ms |`,
    `| \`budget import\` process (returns once the ledger has caught up) | ${n(q.importWallMs)} ms, ${mib(q.importMaxRssKb)} |`,
    `| after the import's exit until every lag was 0 and the report read | ${n(q.afterImportMs)} ms |`,
    `| counts | ${q.counts === undefined ? 'not parsed' : `appended ${n(q.counts.appended)}, accepted ${n(q.counts.accepted)}, rejected ${n(q.counts.rejected)}`}; equal to the embedded store and the generated violations: ${yes(q.countsMatchEmbedded)} |`,
    `| allocation reports 2023-2025 equal the embedded store's | ${yes(q.reportsMatchEmbedded)} |`,
    `| trial balances 2023-2025 equal the embedded store's | ${yes(q.trialBalancesMatchEmbedded)} |`,
    `| consumer lag afterwards (sequencer, ledger, allocator) | ${q.lagAfter.sequencer}, ${q.lagAfter.ledger}, ${q.lagAfter.allocator} |`,
    `| journal documents in MongoDB | ${n(q.journalDocuments)} |`,
    `| stages done, ms after \`budget import\` started (sampled every 100 ms) | ${stagesText(q.stages)} |`,
    `| CPU time from the import's start to the consistent report, per process | ${cpuText(q.cpuMs)} |`,
    '',
  ];
}
