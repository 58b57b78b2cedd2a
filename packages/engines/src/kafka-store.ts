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
  checkAsOfPosition,
  type BudgetStore,
  type ImportOptions,
  type ImportResult,
  type LineError,
  type LineSource,
} from '@budget/application';
import { chunkId, chunkOf, chunkRecords, findIdPositions, readChunks, type Projections } from './mongo';
import { MongoProjectionStore } from './mongo-projections';
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
  /** The report projections (the ProjectionStore port), on the same connection. */
  readonly reports: MongoProjectionStore;

  private constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly projections: Projections,
    settings: EngineSettings,
    private readonly catchUpTimeoutMs: number,
  ) {
    this.names = topicNames(settings.namespace);
    this.groups = groupNames(settings.namespace);
    this.reports = new MongoProjectionStore(projections);
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
      let chunkBytes = 0;
      const send = async (): Promise<void> => {
        const byRegion = new Map<string, { key: string; value: string }[]>();
        for (const message of chunk) {
          const messages = byRegion.get(message.key);
          if (messages === undefined) byRegion.set(message.key, [message]);
          else messages.push(message);
        }
        for (const messages of byRegion.values()) await sendRegion(messages);
        chunk = [];
        chunkBytes = 0;
      };
      let lineNumber = 0;
      for await (const line of source()) {
        lineNumber += 1;
        if (line.trim() === '' || skip.has(lineNumber)) continue;
        const event = JSON.parse(line) as BudgetEvent;
        keys.push({ region: event.region, id: event.id });
        chunk.push({ key: event.region, value: line });
        chunkBytes += line.length;
        // Bounded by count and size: one produce request stays far below the broker's 1 MiB message limit.
        if (chunk.length >= CHUNK || chunkBytes >= 256 * 1024) await send();
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

  /** Looks ids up in each region's id index (findIdPositions), then the records themselves by position. */
  private async findPositions(
    keys: { region: string; id: string }[],
  ): Promise<Map<string, { region: string; position: number; accepted: boolean }>> {
    const byRegion = new Map<string, string[]>();
    for (const { region, id } of keys) {
      let ids = byRegion.get(region);
      if (ids === undefined) {
        ids = [];
        byRegion.set(region, ids);
      }
      ids.push(id);
    }
    const found = new Map<string, { region: string; position: number; accepted: boolean }>();
    for (const [region, ids] of byRegion) {
      for (const [id, { position, accepted }] of await findIdPositions(this.projections, region, ids))
        found.set(`${region}\u0000${id}`, { region, position, accepted });
    }
    return found;
  }

  private async recordsAt(
    places: Iterable<{ region: string; position: number }>,
  ): Promise<Map<string, LogRecord>> {
    const records = new Map<string, LogRecord>();
    const chunks = new Map<string, { from: number; records: string[] } | null>();
    for (const { region, position } of places) {
      const key = chunkId(region, chunkOf(position));
      if (!chunks.has(key)) {
        const doc = await this.projections.chunks.findById(key).lean();
        chunks.set(key, doc === null ? null : { from: doc.from, records: chunkRecords(doc) });
      }
      const chunk = chunks.get(key);
      const text = chunk === undefined || chunk === null ? undefined : chunkText(chunk, position);
      if (text !== undefined) records.set(`${region}/${String(position)}`, JSON.parse(text) as LogRecord);
    }
    return records;
  }

  private async findEvents(keys: { region: string; id: string }[]): Promise<Map<string, BudgetEvent>> {
    const positions = await this.findPositions(keys);
    const records = await this.recordsAt(positions.values());
    const found = new Map<string, BudgetEvent>();
    for (const [key, { region, position }] of positions) {
      const record = records.get(`${region}/${String(position)}`);
      if (record !== undefined) found.set(key, record);
    }
    return found;
  }

  /** The outcomes of the given events, from the id index alone (the records themselves are not read). */
  private async outcomes(
    keys: { region: string; id: string }[],
  ): Promise<{ accepted: number; rejected: number }> {
    let accepted = 0;
    let rejected = 0;
    for (const place of (await this.findPositions(keys)).values()) {
      if (place.accepted) accepted += 1;
      else rejected += 1;
    }
    return { accepted, rejected };
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
    const position = checkAsOfPosition(region, asOfPosition, length);
    if (position === length) {
      const stored = await this.reports.load(region, year);
      // A stored report stays valid until an event touches its year; only the position it reflects moves on.
      if (stored !== undefined) return { ...stored.report, asOfPosition: position };
    }
    const state = initialState(region);
    if (position > 0) {
      for await (const item of readChunks(this.projections, region, 1, position)) {
        if (item.year !== null && item.year !== year) continue;
        const record = JSON.parse(item.record) as LogRecord;
        if (record.outcome === 'accepted') evolve(state, record);
      }
    }
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
    if (fromPosition > length) return;
    for await (const item of readChunks(this.projections, region, fromPosition, length))
      yield JSON.parse(item.record) as LogRecord;
  }

  async regions(): Promise<string[]> {
    await this.catchUp();
    const docs = await this.projections.progress.find({}, { _id: 1 }).sort({ _id: 1 }).lean();
    return docs.map((d) => d._id);
  }
}

function chunkText(chunk: { from: number; records: string[] }, position: number): string | undefined {
  return chunk.records[position - chunk.from];
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
