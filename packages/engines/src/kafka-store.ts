//! The BudgetStore of the engines mode: writes go through the inbox, reads come from the MongoDB projections.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type LogEntry, type Producer, type RecordMetadata } from 'kafkajs';
import {
  Ledger,
  allocationReport,
  eventContent,
  evolve,
  initialState,
  readPreparedEvent,
  type AllocationReport,
  type BudgetEvent,
  type LogRecord,
  type TrialBalance,
} from '@budget/domain';
import {
  UserError,
  FirstLines,
  checkAsOfPosition,
  conflictingId,
  eventKey,
  lineInput,
  validatedLines,
  DEFAULT_MAX_ERRORS,
  type BudgetStore,
  type ImportOptions,
  type ImportResult,
  type LineError,
  type LineSource,
} from '@budget/application';
import {
  BucketCache,
  chunkId,
  chunkOf,
  chunkRecords,
  findIdPositions,
  readChunks,
  type Projections,
} from './mongo';
import { MongoProjectionStore } from './mongo-projections';
import { readToEnd } from './read-to-end';
import { DEFAULT_WAIT_SECONDS } from './settings';
import {
  endOffsets,
  groupHasReached,
  groupNames,
  readUncommittedAdmin,
  RegionPartitioner,
  topicNames,
  type EngineSettings,
} from './topics';
import {
  CallTimeoutError,
  backoff,
  describeError,
  isRetriable,
  protocolErrorType,
  retrying,
  sleep,
  withTimeout,
} from './retry';

const CHUNK = 1000;
const POLL_MS = 50;
/** The longest one Kafka call (with kafkajs's own retries inside) may take before it is given up and tried again. */
const CALL_MS = 30_000;
/** How long the import's producer may keep its transaction open (the broker aborts it after that). */
const TRANSACTION_TIMEOUT_MS = 120_000;

/**
 * kafkajs's own retries, kept short: a broker restart takes longer than they last, and what outlasts them is
 * retried by this store with a deadline (see ./retry), so that no call waits without a bound.
 */
const CLIENT_RETRY = { retries: 5, initialRetryTime: 200, maxRetryTime: 2_000 };

/**
 * Errors after which the import's transaction is lost (the broker forgot or fenced it, e.g. after a restart) but
 * a new one from a fresh producer can succeed. Sending the same records again is safe: see `importNow`.
 */
const TRANSACTION_LOST = new Set([
  'INVALID_PRODUCER_EPOCH',
  'PRODUCER_FENCED',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_ID_MAPPING',
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'INVALID_TXN_STATE',
  'TRANSACTION_TIMED_OUT',
]);

function transactionLost(error: unknown, depth = 0): boolean {
  if (depth > 5 || typeof error !== 'object' || error === null) return false;
  const { type, cause } = error as { type?: unknown; cause?: unknown };
  return (typeof type === 'string' && TRANSACTION_LOST.has(type)) || transactionLost(cause, depth + 1);
}

/** How long the same kafkajs message is not logged again: a broker that does not answer is retried many times. */
const REPEAT_QUIET_MS = 60_000;

/**
 * kafkajs's console logger, minus one warning: limiting an idempotent producer's retries "may invalidate EoS
 * guarantees" when a failed send is given up. The import gives up the whole transaction instead and sends all of
 * it again in a new one, which the sequencer deduplicates by id, so the warning does not apply. A message logged
 * in the last minute is not logged again (a broker that is down gave hundreds of the same lines in two minutes).
 */
function quietLogCreator() {
  const lastLogged = new Map<string, number>();
  return ({ namespace, level, label, log }: LogEntry): void => {
    if (log.message.startsWith('Limiting retries for the idempotent producer')) return;
    const now = Date.now();
    const key = `${namespace} ${log.message}`;
    const last = lastLogged.get(key);
    if (last !== undefined && now - last < REPEAT_QUIET_MS) return;
    lastLogged.set(key, now);
    if (lastLogged.size > 1000) lastLogged.clear();
    const prefix = namespace === '' ? '' : `[${namespace}] `;
    const line = JSON.stringify({ level: label, ...log, message: `${prefix}${log.message}` });
    if (level === logLevel.ERROR) console.error(line);
    else if (level === logLevel.WARN) console.warn(line);
  };
}

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
    /** kafkajs's own admin: end offsets are last stable offsets (read_committed). */
    private readonly admin: Admin,
    /** End offsets are high watermarks: see readUncommittedAdmin and catchUp. */
    private readonly watermarks: Admin,
    private readonly projections: Projections,
    private readonly settings: EngineSettings,
    private readonly catchUpTimeoutMs: number,
  ) {
    this.names = topicNames(settings.namespace);
    this.groups = groupNames(settings.namespace);
    this.reports = new MongoProjectionStore(projections);
  }

  static async open(
    settings: EngineSettings,
    projections: Projections,
    catchUpTimeoutMs = DEFAULT_WAIT_SECONDS * 1000,
  ): Promise<KafkaStore> {
    const kafka = new Kafka({
      clientId: settings.clientId,
      brokers: settings.brokers,
      logLevel: logLevel.WARN,
      logCreator: quietLogCreator,
      retry: CLIENT_RETRY,
    });
    const admin = kafka.admin();
    const watermarks = readUncommittedAdmin(kafka);
    try {
      await retrying({
        what: 'connecting to Kafka',
        deadline: Date.now() + catchUpTimeoutMs,
        attemptMs: CALL_MS,
        call: () => Promise.all([admin.connect(), watermarks.connect()]),
        onGiveUp: (error) => unreachable('connecting to Kafka', catchUpTimeoutMs, error),
      });
    } catch (error) {
      // Nothing may keep trying in the background once the caller has been told.
      for (const client of [admin, watermarks])
        await withTimeout('disconnecting from Kafka', CALL_MS, () => client.disconnect()).catch(
          () => undefined,
        );
      throw error;
    }
    return new KafkaStore(kafka, admin, watermarks, projections, settings, catchUpTimeoutMs);
  }

  async close(): Promise<void> {
    for (const admin of [this.admin, this.watermarks])
      await withTimeout('disconnecting from Kafka', CALL_MS, () => admin.disconnect()).catch(() => undefined);
  }

  /**
   * A topic's end offsets, tried again on transient errors (a broker restart) until the catch-up deadline. A topic
   * that does not exist at all is not waited for: the services create the topics when they start, so it means they
   * never ran against this broker (and namespace), which waiting will not change.
   */
  private endOffsets(
    what: string,
    topic: string,
    end: 'last stable' | 'high watermark',
  ): Promise<Map<number, string>> {
    return endOffsets(end === 'last stable' ? this.admin : this.watermarks, topic, {
      deadlineMs: this.catchUpTimeoutMs,
      attemptMs: CALL_MS,
      onRetry: async (error, leftMs) => {
        if (protocolErrorType(error) !== 'UNKNOWN_TOPIC_OR_PARTITION') return;
        const topics = await withTimeout('listing the topics', Math.max(1, Math.min(CALL_MS, leftMs)), () =>
          this.admin.listTopics(),
        ).catch(() => undefined);
        if (topics !== undefined && !topics.includes(topic))
          throw new UserError(
            `${what} failed: Kafka at ${this.settings.brokers.join(',')} has no topic ${topic}. The services create their topics when they start: start them (pnpm start), or wait until they have started, and check that BUDGET_NAMESPACE is the same as theirs; then try again.`,
            'store-busy',
            75,
          );
      },
      onGiveUp: (error) => unreachable(what, this.catchUpTimeoutMs, error),
    });
  }

  /**
   * Polls until `reached` says yes. A transient Kafka error (the broker restarting) counts as "not yet"; every
   * poll is bounded, and the whole wait ends at the deadline with a message that says what to do.
   */
  private async waitFor(what: string, reached: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + this.catchUpTimeoutMs;
    let lastError: unknown;
    for (let failures = 0; ;) {
      const left = deadline - Date.now();
      try {
        if (
          await withTimeout(
            `asking Kafka whether ${what} caught up`,
            Math.min(CALL_MS, Math.max(left, 1)),
            reached,
          )
        )
          return;
        failures = 0;
        lastError = undefined;
      } catch (error) {
        if (!isRetriable(error)) throw error;
        // The last poll before the deadline has only what is left of the wait: its running out is the deadline's,
        // not Kafka failing to answer, and must not be reported as that.
        if (!(error instanceof CallTimeoutError) || left >= CALL_MS) lastError = error;
        failures += 1;
      }
      if (Date.now() > deadline) {
        const broker =
          lastError === undefined ? '' : ` (Kafka did not answer either: ${describeError(lastError)})`;
        throw new UserError(
          `${what} did not catch up within ${String(this.catchUpTimeoutMs / 1000)} s${broker}: are Kafka and the services running (pnpm start)? Try again when they are.`,
          'store-busy',
          75,
        );
      }
      await sleep(failures === 0 ? POLL_MS : backoff(failures));
    }
  }

  /**
   * Waits until the projections reflect every event that was in Kafka, the inbox included, when it was called. The
   * log's target is its high watermark, not its last stable offset: the sequencer's commit returns before the broker
   * has written its markers, and kafkajs commits the group's offsets right after, so once the sequencer has passed
   * the inbox target the log's last stable offset may still stop before the records that batch appended. The log has
   * one writer, in short transactions that a restart fences, so the high watermark is soon stable.
   *
   * The inbox's target is its last stable offset: what is committed there. Records of another client's open import
   * transaction are not events yet (it may abort), and an import whose process died leaves its transaction open
   * until the broker times it out (2 minutes), which a high watermark would make every call wait for. The one thing
   * given up: a record sent without a transaction behind such an open transaction is not waited for.
   */
  async catchUp(inboxTargets?: Map<number, string>): Promise<void> {
    const inbox =
      inboxTargets ??
      (await this.endOffsets('reading the inbox end offsets', this.names.inbox, 'last stable'));
    await this.waitFor('the sequencer', () =>
      groupHasReached(this.admin, this.groups.sequencer, this.names.inbox, inbox),
    );
    const log = await this.endOffsets('reading the log end offsets', this.names.log, 'high watermark');
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
    const deadLettersBefore = await this.endOffsets(
      'reading the dead letters end offsets',
      this.names.deadLetters,
      'high watermark',
    );
    const sent = await this.produceWithRetries(source, validated.skip, options);
    // From here on the events are durably in the inbox and will be decided: a wait that runs out must not read as
    // "nothing was taken, try again" (a client would send them again under new ids), but as "taken, not yet done".
    let outcomes: { accepted: number; rejected: number };
    try {
      await this.catchUp(sent.targets);
      outcomes = await this.awaitOutcomes(sent.keys);
    } catch (error) {
      if (!(error instanceof UserError) || error.code !== 'store-busy') throw error;
      const n = sent.keys.length;
      const events = `${String(n)} event${n === 1 ? ' is' : 's are'}`;
      const after =
        'They will be decided and counted once the services run; sending the same events again (the same ids) is safe, they count once, and shows them as already present.';
      throw new UserError(
        `the import was sent: its ${events} durably in Kafka, but not yet processed (${error.message}). ${after}`,
        'not-yet-processed',
        75,
        `the events were received: ${events} durably in the inbox, but the services have not processed them yet, so their outcome is not known. ${after}`,
      );
    }
    const counts = {
      events: validated.events,
      appended: outcomes.accepted + outcomes.rejected,
      alreadyPresent: validated.skip.size,
      ...outcomes,
    };
    const lost = await this.linesLostToRaces(deadLettersBefore, source, validated.skip, sent.keys);
    if (lost.length > 0) {
      const appended = counts.appended - lost.length;
      throw new UserError(
        `import incomplete: ${lost.map((l) => `line ${String(l.line)} (id ${l.id})`).join(', ')} ` +
          `${lost.length === 1 ? 'was' : 'were'} not appended: another client sent a different event with the same id ` +
          `at the same time, and that one is in the log (this line is in ${this.names.deadLetters} as conflicting-id). ` +
          `The other ${String(appended)} new event${appended === 1 ? ' was' : 's were'} appended. Check which event ` +
          'is right; to replace the other, send a correction with a new id.',
        'conflicting-id-race',
        1,
      );
    }
    return { ok: true, counts };
  }

  /**
   * The lines of this import that the sequencer sent to the dead letters, found there (unchanged, with the same id)
   * among what was added since the import began. Validation compared every id with the log, so this happens only
   * when another client sent a different event with one of the ids between the validation and the sequencing: the
   * sequencer logged whichever came first. Reads the dead letters only when they grew during the import.
   */
  private async linesLostToRaces(
    before: Map<number, string>,
    source: LineSource,
    skip: Set<number>,
    sent: { region: string; id: string }[],
  ): Promise<{ line: number; id: string }[]> {
    const after = await this.endOffsets(
      'reading the dead letters end offsets',
      this.names.deadLetters,
      'high watermark',
    );
    if ([...after].every(([partition, end]) => BigInt(end) <= BigInt(before.get(partition) ?? '0')))
      return [];
    const ours = new Set(sent.map(({ region, id }) => eventKey(region, id)));
    /** region, id -> the texts that went to the dead letters during the import. */
    const deadLettered = new Map<string, Set<string>>();
    await readToEnd(
      this.kafka,
      this.names.deadLetters,
      (messages) => {
        for (const message of messages) {
          const text = message.value?.toString('utf8') ?? '';
          const event = regionAndId(text);
          if (event === undefined) continue;
          const key = eventKey(event.region, event.id);
          if (!ours.has(key)) continue;
          const texts = deadLettered.get(key) ?? new Set<string>();
          texts.add(text);
          deadLettered.set(key, texts);
        }
      },
      after,
      before,
    );
    if (deadLettered.size === 0) return [];
    const lost: { line: number; id: string }[] = [];
    let line = 0;
    for await (const text of source()) {
      line += 1;
      if (text.trim() === '' || skip.has(line)) continue;
      const event = regionAndId(text);
      if (event === undefined) continue;
      if (deadLettered.get(eventKey(event.region, event.id))?.has(text) === true)
        lost.push({ line, id: event.id });
    }
    return lost;
  }

  /**
   * Pass 2 until one transaction of it commits. When the broker goes away mid-way, the transaction is given up
   * and the whole input is sent again in a new one, by a new producer with the same transactional id: its
   * initialisation fences the old producer and aborts the old transaction if it is still open, so the inbox never
   * waits for it to time out. If the old transaction did commit after all (its answer was lost), the records are
   * in the inbox twice: the sequencer recognises an id it has logged with the same content and appends nothing
   * (a no-op, not a dead letter), and the counts come from the id index, not from what was sent, so nothing is
   * counted twice either.
   */
  private async produceWithRetries(
    source: LineSource,
    skip: Set<number>,
    options: ImportOptions,
  ): Promise<{ targets: Map<number, string>; keys: { region: string; id: string }[] }> {
    const transactionalId = `budget-import-${randomUUID()}`;
    const deadline = Date.now() + this.catchUpTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      const producer = this.kafka.producer({
        transactionalId,
        idempotent: true,
        maxInFlightRequests: 1,
        transactionTimeout: TRANSACTION_TIMEOUT_MS,
        createPartitioner: RegionPartitioner,
        retry: CLIENT_RETRY,
      });
      try {
        await withTimeout('connecting the import producer', CALL_MS, () => producer.connect());
        return await this.produce(producer, source, skip, options);
      } catch (error) {
        if (!isRetriable(error) && !transactionLost(error)) throw error;
        const pause = backoff(attempt);
        if (Date.now() + pause > deadline)
          throw unreachable('sending the import', this.catchUpTimeoutMs, error);
        await sleep(pause);
      } finally {
        await withTimeout('disconnecting the import producer', CALL_MS, () => producer.disconnect()).catch(
          () => undefined,
        );
      }
    }
  }

  /**
   * Pass 1: every line validated; ids compared with the projected log in chunks; nothing sent yet. A chunk's lines
   * are judged in order once the chunk's ids were looked up, by the embedded store's rule: an id already in the log
   * is compared with the log (or, once a line was refused for differing from it, with that line); an id new to the
   * log is compared with its first line in this input.
   */
  private async validate(
    source: LineSource,
    options: ImportOptions,
  ): Promise<
    | { ok: true; events: number; skip: Set<number> }
    | { ok: false; errors: LineError[]; errorCount: number; events: number }
  > {
    const errors: LineError[] = [];
    const skip = new Set<number>();
    const firstLines = new FirstLines();
    let pending: Pending[] = [];
    let events = 0;
    // The import's batches look ids up in the same buckets: each version is read once.
    const cache = new BucketCache();
    const flush = async (): Promise<void> => {
      const found = await this.findEvents(
        pending.map((p) => ({ region: p.region, id: p.id })),
        cache,
      );
      for (const p of pending) {
        const existing = found.get(eventKey(p.region, p.id));
        if (existing === undefined) {
          const earlier = firstLines.seen(p.region, p.id, p.line, p.content);
          if (earlier === undefined) continue;
          if (earlier.same) skip.add(p.line);
          else errors.push(conflictingId(p.line, p.id, `line ${earlier.line} of this input`));
          continue;
        }
        const refused = firstLines.compare(p.region, p.id, p.content);
        if (refused !== undefined) {
          // A repeat of a line already refused for differing from the log: compared with that line.
          if (!refused.same) errors.push(conflictingId(p.line, p.id, `line ${refused.line} of this input`));
        } else if (eventContent(existing) === p.content) {
          skip.add(p.line);
        } else {
          errors.push(conflictingId(p.line, p.id, `the log of ${p.region}`));
          firstLines.remember(p.region, p.id, p.line, p.content);
        }
      }
      pending = [];
    };
    // Validated a batch at a time by a worker thread for large input (`validatedLines`), ids compared here.
    for await (const batch of validatedLines(lineInput(source), options.validation)) {
      for (const { line: lineNumber, verdict } of batch) {
        if (lineNumber % 100_000 === 0) options.onProgress?.({ phase: 'validating', lines: lineNumber });
        if (verdict === null) continue;
        events += 1;
        if (typeof verdict !== 'string') {
          errors.push({ line: lineNumber, issues: verdict });
          continue;
        }
        const { event, content } = readPreparedEvent(verdict);
        pending.push({ line: lineNumber, region: event.region, id: event.id, content });
        if (pending.length >= CHUNK) await flush();
      }
    }
    await flush();
    errors.sort((a, b) => a.line - b.line);
    return errors.length > 0
      ? {
          ok: false,
          errors: errors.slice(0, options.maxErrors ?? DEFAULT_MAX_ERRORS),
          errorCount: errors.length,
          events,
        }
      : { ok: true, events, skip };
  }

  /** Pass 2: the new lines, unchanged, into the inbox in one transaction: the sequencer sees all of them or none. */
  private async produce(
    producer: Producer,
    source: LineSource,
    skip: Set<number>,
    options: ImportOptions,
  ): Promise<{ targets: Map<number, string>; keys: { region: string; id: string }[] }> {
    const transaction = await withTimeout('starting the import transaction', CALL_MS, () =>
      producer.transaction(),
    );
    const targets = new Map<number, string>();
    const keys: { region: string; id: string }[] = [];
    /** Messages with one key land in one partition: sending them together gives their exact last offset. */
    const sendRegion = async (messages: { key: string; value: string }[]): Promise<void> => {
      const metadata: RecordMetadata[] = await withTimeout('sending to the inbox', CALL_MS, () =>
        transaction.send({ topic: this.names.inbox, messages }),
      );
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
      await withTimeout('committing the import transaction', CALL_MS, () => transaction.commit());
    } catch (error) {
      // Best effort: when the broker is gone, the next producer with this transactional id aborts it instead.
      await withTimeout('aborting the import transaction', CALL_MS, () => transaction.abort()).catch(
        () => undefined,
      );
      throw error;
    }
    return { targets, keys };
  }

  /** Looks ids up in each region's id index (findIdPositions), then the records themselves by position. */
  private async findPositions(
    keys: { region: string; id: string }[],
    cache: BucketCache,
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
      for (const [id, { position, accepted }] of await findIdPositions(this.projections, region, ids, cache))
        found.set(eventKey(region, id), { region, position, accepted });
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

  private async findEvents(
    keys: { region: string; id: string }[],
    cache: BucketCache,
  ): Promise<Map<string, BudgetEvent>> {
    const positions = await this.findPositions(keys, cache);
    const records = await this.recordsAt(positions.values());
    const found = new Map<string, BudgetEvent>();
    for (const [key, { region, position }] of positions) {
      const record = records.get(`${region}/${String(position)}`);
      if (record !== undefined) found.set(key, record);
    }
    return found;
  }

  /**
   * The outcomes of the imported events, once the id index has every one of them. The consumer groups' offsets
   * say when the services have caught up, but right after a broker restart they can run ahead of what a reader
   * sees, so the import does not report success before its own events are really projected.
   */
  private async awaitOutcomes(
    keys: { region: string; id: string }[],
  ): Promise<{ accepted: number; rejected: number }> {
    const deadline = Date.now() + this.catchUpTimeoutMs;
    // Each poll reads only the buckets the projector has rewritten since the last.
    const cache = new BucketCache();
    for (;;) {
      const found = await this.findPositions(keys, cache);
      if (found.size >= keys.length) {
        let accepted = 0;
        for (const place of found.values()) if (place.accepted) accepted += 1;
        return { accepted, rejected: found.size - accepted };
      }
      if (Date.now() > deadline) {
        throw new UserError(
          `the ledger service has projected ${String(found.size)} of the ${String(keys.length)} imported events after ${String(this.catchUpTimeoutMs / 1000)} s: are the services running (pnpm start)? The events are in Kafka; importing the file again when the services run reports them as already present.`,
          'store-busy',
          75,
        );
      }
      await sleep(200);
    }
  }

  private async length(region: string): Promise<number> {
    const progress = await this.projections.progress.findById(region).lean();
    if (progress === null || progress.position === 0)
      throw new UserError(`region ${region} has no events`, 'unknown-region');
    return progress.position;
  }

  async allocationReport(region: string, year: number, asOfPosition?: number): Promise<AllocationReport> {
    await this.catchUp();
    let length = await this.length(region);
    let position = checkAsOfPosition(region, asOfPosition, length);
    if (position === length) {
      let stored = await this.reports.load(region, year);
      // The ledger service writes reports before its progress: a report may already reflect a batch whose progress
      // is not written yet. The latest report waits for the progress to name that position, so that every position
      // it answers with is one the other reads (history, as-of reports) know; as of a position asked for, it is
      // rebuilt from the log below.
      const ahead = stored?.position ?? 0;
      if (asOfPosition === undefined && ahead > length) {
        await this.waitFor('the ledger service', async () => (await this.length(region)) >= ahead);
        length = await this.length(region);
        position = length;
        stored = await this.reports.load(region, year);
      }
      // A stored report stays valid until an event touches its year; only the position it reflects moves on.
      if (stored !== undefined && stored.position <= position)
        return { ...stored.report, asOfPosition: position };
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

/** The broker did not answer in time, even with retries: exit 75 (try again later), saying what to check. */
function unreachable(what: string, timeoutMs: number, error: unknown): UserError {
  return new UserError(
    `${what} failed: Kafka did not answer within ${String(timeoutMs / 1000)} s (${describeError(error)}): is the broker running? Try again when it is; what was already imported is recognised by its ids.`,
    'store-busy',
    75,
  );
}

function chunkText(chunk: { from: number; records: string[] }, position: number): string | undefined {
  return chunk.records[position - chunk.from];
}

/** The region and id a line of JSON names, if it names both as strings. */
function regionAndId(text: string): { region: string; id: string } | undefined {
  try {
    const value = JSON.parse(text) as { region?: unknown; id?: unknown } | null;
    if (typeof value?.region === 'string' && typeof value.id === 'string')
      return { region: value.region, id: value.id };
  } catch {
    // Not JSON: not one of this import's lines.
  }
  return undefined;
}
