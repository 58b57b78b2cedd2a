//! The BudgetStore of the engines mode: writes go through the inbox, reads come from the MongoDB projections.
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, Producer, RecordMetadata } from 'kafkajs';
import {
  Ledger,
  allocationReport,
  eventContent,
  evolve,
  initialState,
  validateLine,
  type AllocationReport,
  type BudgetEvent,
  type LogRecord,
  type TrialBalance,
} from '@budget/domain';
import {
  UserError,
  type BudgetStore,
  type ImportOptions,
  type ImportResult,
  type LineError,
  type LineSource,
} from '@budget/application';
import type { Projections } from './mongo';
import {
  endOffsets,
  groupHasReached,
  groupNames,
  kafkaClient,
  topicNames,
  transactionalProducer,
  type EngineSettings,
} from './topics';

const CHUNK = 1000;
const POLL_MS = 50;

interface Pending {
  line: number;
  region: string;
  id: string;
  content: string;
}

export class KafkaStore implements BudgetStore {
  private readonly names;
  private readonly groups;

  private constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly projections: Projections,
    settings: EngineSettings,
    private readonly catchUpTimeoutMs: number,
  ) {
    this.names = topicNames(settings.namespace);
    this.groups = groupNames(settings.namespace);
  }

  static async open(
    settings: EngineSettings,
    projections: Projections,
    catchUpTimeoutMs = 120_000,
  ): Promise<KafkaStore> {
    const kafka = kafkaClient(settings);
    const admin = kafka.admin();
    await admin.connect();
    return new KafkaStore(kafka, admin, projections, settings, catchUpTimeoutMs);
  }

  async close(): Promise<void> {
    await this.admin.disconnect();
  }

  private async waitFor(what: string, reached: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + this.catchUpTimeoutMs;
    while (!(await reached())) {
      if (Date.now() > deadline) {
        throw new UserError(
          `${what} did not catch up within ${this.catchUpTimeoutMs / 1000} s: are the services running (pnpm start)?`,
          'store-busy',
          75,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** Waits until the projections reflect every event that was in Kafka, the inbox included, when it was called. */
  async catchUp(inboxTargets?: Map<number, string>): Promise<void> {
    const inbox = inboxTargets ?? (await endOffsets(this.admin, this.names.inbox));
    await this.waitFor('the sequencer', () =>
      groupHasReached(this.admin, this.groups.sequencer, this.names.inbox, inbox),
    );
    const log = await endOffsets(this.admin, this.names.log);
    await this.waitFor('the ledger service', () =>
      groupHasReached(this.admin, this.groups.ledger, this.names.log, log),
    );
  }

  importLines(source: LineSource, options: ImportOptions = {}): Promise<ImportResult> {
    return this.importNow(source, options);
  }

  private async importNow(source: LineSource, options: ImportOptions): Promise<ImportResult> {
    await this.catchUp();
    const validated = await this.validate(source, options);
    if (!validated.ok) return validated;
    const producer = transactionalProducer(this.kafka, `budget-import-${randomUUID()}`, 120_000);
    await producer.connect();
    try {
      const sent = await this.produce(producer, source, validated.skip, options);
      await this.catchUp(sent.targets);
      const outcomes = await this.outcomes(sent.keys);
      return {
        ok: true,
        counts: {
          events: validated.events,
          appended: outcomes.accepted + outcomes.rejected,
          alreadyPresent: validated.skip.size,
          ...outcomes,
        },
      };
    } finally {
      await producer.disconnect();
    }
  }

  /** Pass 1: every line validated; ids compared with the projected log in chunks; nothing sent yet. */
  private async validate(
    source: LineSource,
    options: ImportOptions,
  ): Promise<
    { ok: true; events: number; skip: Set<number> } | { ok: false; errors: LineError[]; events: number }
  > {
    const errors: LineError[] = [];
    const skip = new Set<number>();
    const firstLine = new Map<string, Pending>();
    let pending: Pending[] = [];
    let lineNumber = 0;
    let events = 0;
    const flush = async (): Promise<void> => {
      const found = await this.findEvents(pending.map((p) => ({ region: p.region, id: p.id })));
      for (const p of pending) {
        const existing = found.get(`${p.region}\u0000${p.id}`);
        if (existing === undefined) continue;
        if (eventContent(existing) === p.content) skip.add(p.line);
        else errors.push(conflict(p.line, p.id, `the log of ${p.region}`));
      }
      pending = [];
    };
    for await (const line of source()) {
      lineNumber += 1;
      if (lineNumber % 100_000 === 0) options.onProgress?.({ phase: 'validating', lines: lineNumber });
      if (line.trim() === '') continue;
      events += 1;
      const result = validateLine(line);
      if (!result.ok) {
        errors.push({ line: lineNumber, issues: result.issues });
        continue;
      }
      const item = {
        line: lineNumber,
        region: result.event.region,
        id: result.event.id,
        content: eventContent(result.event),
      };
      const key = `${item.region}\u0000${item.id}`;
      const earlier = firstLine.get(key);
      if (earlier !== undefined) {
        if (earlier.content === item.content) skip.add(lineNumber);
        else errors.push(conflict(lineNumber, item.id, `line ${earlier.line} of this input`));
        continue;
      }
      firstLine.set(key, item);
      pending.push(item);
      if (pending.length >= CHUNK) await flush();
    }
    await flush();
    errors.sort((a, b) => a.line - b.line);
    return errors.length > 0
      ? { ok: false, errors: errors.slice(0, options.maxErrors ?? 1000), events }
      : { ok: true, events, skip };
  }

  /** Pass 2: the new lines, unchanged, into the inbox in one transaction: the sequencer sees all of them or none. */
  private async produce(
    producer: Producer,
    source: LineSource,
    skip: Set<number>,
    options: ImportOptions,
  ): Promise<{ targets: Map<number, string>; keys: { region: string; id: string }[] }> {
    const transaction = await producer.transaction();
    const targets = new Map<number, string>();
    const keys: { region: string; id: string }[] = [];
    /** Messages with one key land in one partition: sending them together gives their exact last offset. */
    const sendRegion = async (messages: { key: string; value: string }[]): Promise<void> => {
      const metadata: RecordMetadata[] = await transaction.send({ topic: this.names.inbox, messages });
      const [written] = metadata;
      if (written === undefined || metadata.length !== 1)
        throw new Error('one key should be written to exactly one partition');
      const next = (BigInt(written.baseOffset ?? '0') + BigInt(messages.length)).toString();
      if (BigInt(targets.get(written.partition) ?? '0') < BigInt(next)) targets.set(written.partition, next);
    };
    try {
      let chunk: { key: string; value: string }[] = [];
      const send = async (): Promise<void> => {
        const byRegion = new Map<string, { key: string; value: string }[]>();
        for (const message of chunk)
          byRegion.set(message.key, [...(byRegion.get(message.key) ?? []), message]);
        for (const messages of byRegion.values()) await sendRegion(messages);
        chunk = [];
      };
      let lineNumber = 0;
      for await (const line of source()) {
        lineNumber += 1;
        if (line.trim() === '' || skip.has(lineNumber)) continue;
        const event = JSON.parse(line) as BudgetEvent;
        keys.push({ region: event.region, id: event.id });
        chunk.push({ key: event.region, value: line });
        if (chunk.length >= CHUNK) await send();
        if (keys.length % 100_000 === 0) options.onProgress?.({ phase: 'appending', lines: keys.length });
      }
      await send();
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
    return { targets, keys };
  }

  private async findEvents(keys: { region: string; id: string }[]): Promise<Map<string, BudgetEvent>> {
    const found = new Map<string, BudgetEvent>();
    const byRegion = new Map<string, string[]>();
    for (const { region, id } of keys) byRegion.set(region, [...(byRegion.get(region) ?? []), id]);
    for (const [region, ids] of byRegion) {
      const docs = await this.projections.events
        .find({ region, id: { $in: ids } }, { id: 1, record: 1 })
        .lean();
      for (const doc of docs) found.set(`${region}\u0000${doc.id}`, JSON.parse(doc.record) as BudgetEvent);
    }
    return found;
  }

  private async outcomes(
    keys: { region: string; id: string }[],
  ): Promise<{ accepted: number; rejected: number }> {
    let accepted = 0;
    let rejected = 0;
    for (let i = 0; i < keys.length; i += CHUNK) {
      const found = await this.findOutcomes(keys.slice(i, i + CHUNK));
      for (const outcome of found) {
        if (outcome === 'accepted') accepted += 1;
        else rejected += 1;
      }
    }
    return { accepted, rejected };
  }

  private async findOutcomes(keys: { region: string; id: string }[]): Promise<string[]> {
    const byRegion = new Map<string, string[]>();
    for (const { region, id } of keys) byRegion.set(region, [...(byRegion.get(region) ?? []), id]);
    const outcomes: string[] = [];
    for (const [region, ids] of byRegion) {
      const docs = await this.projections.events.find({ region, id: { $in: ids } }, { outcome: 1 }).lean();
      outcomes.push(...docs.map((d) => d.outcome));
    }
    return outcomes;
  }

  private async length(region: string): Promise<number> {
    const progress = await this.projections.progress.findById(region).lean();
    if (progress === null || progress.position === 0)
      throw new UserError(`region ${region} has no events`, 'unknown-region');
    return progress.position;
  }

  async allocationReport(region: string, year: number, asOfPosition?: number): Promise<AllocationReport> {
    await this.catchUp();
    const length = await this.length(region);
    if (asOfPosition !== undefined && (asOfPosition < 0 || asOfPosition > length)) {
      throw new UserError(
        `--as-of-position ${asOfPosition} is outside the log of ${region}, which has positions 0 to ${length}`,
        'position-out-of-range',
      );
    }
    const position = asOfPosition ?? length;
    if (position === length) {
      const stored = await this.projections.reports.findById(`${region}/${String(year)}`).lean();
      if (stored !== null)
        return { ...(JSON.parse(stored.body) as AllocationReport), asOfPosition: position };
    }
    const state = initialState(region);
    const cursor = this.projections.events
      .find(
        { region, position: { $lte: position }, outcome: 'accepted', $or: [{ year: null }, { year }] },
        { record: 1 },
      )
      .sort({ position: 1 })
      .lean()
      .cursor();
    for await (const doc of cursor) evolve(state, JSON.parse(doc.record) as BudgetEvent);
    return allocationReport(state, year, position);
  }

  async trialBalance(region: string, year: number): Promise<TrialBalance> {
    await this.catchUp();
    await this.length(region);
    const ledger = new Ledger(region);
    const doc = await this.projections.balances.findById(`${region}/${String(year)}`).lean();
    const accounts = doc === null ? [] : (JSON.parse(doc.body) as [string, string][]);
    ledger.balances.set(year, new Map(accounts.map(([account, cents]) => [account, BigInt(cents)])));
    return ledger.trialBalance(year);
  }

  async *history(region: string, fromPosition = 1): AsyncGenerator<LogRecord> {
    await this.catchUp();
    const length = await this.length(region);
    for (let from = fromPosition; from <= length; from += CHUNK) {
      const docs = await this.projections.events
        .find({ region, position: { $gte: from, $lte: Math.min(length, from + CHUNK - 1) } }, { record: 1 })
        .sort({ position: 1 })
        .lean();
      for (const doc of docs) yield JSON.parse(doc.record) as LogRecord;
    }
  }

  async regions(): Promise<string[]> {
    await this.catchUp();
    const docs = await this.projections.progress.find({}, { _id: 1 }).sort({ _id: 1 }).lean();
    return docs.map((d) => d._id);
  }
}

function conflict(line: number, id: string, where: string): LineError {
  return {
    line,
    issues: [
      {
        reason: 'conflicting-id',
        field: 'id',
        detail: `${id} is already in ${where} with different content`,
      },
    ],
  };
}
