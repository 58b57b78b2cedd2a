//! The ledger service's projector: applies log records to the domain state and writes the projections to MongoDB.
import type { AnyBulkWriteOperation } from 'mongoose';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { RegionLog, allocationReport, eventYear, type BudgetEvent, type LogRecord } from '@budget/domain';
import type { EventDoc, ProjectionDoc, Projections } from './mongo';
import { groupNames, topicNames, type EngineSettings } from './topics';

const REBUILD_PAGE = 5000;

export class Projector {
  private readonly logs = new Map<string, RegionLog>();
  private consumer: Consumer | undefined;
  appliedRecords = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: EngineSettings,
    private readonly projections: Projections,
    private readonly logger: Logger,
  ) {}

  /** Rebuilds each region's state from the events already projected, up to the recorded progress. */
  private async restore(): Promise<void> {
    this.logs.clear();
    for (const progress of await this.projections.progress.find().lean()) {
      const log = RegionLog.empty(progress._id);
      for (let from = 1; from <= progress.position; from += REBUILD_PAGE) {
        const docs = await this.projections.events
          .find({
            region: progress._id,
            position: { $gte: from, $lte: Math.min(progress.position, from + REBUILD_PAGE - 1) },
          })
          .sort({ position: 1 })
          .lean();
        for (const doc of docs) log.applyRecorded(JSON.parse(doc.record) as LogRecord);
      }
      if (log.length !== progress.position)
        throw new Error(`projection of ${progress._id} is missing events before ${progress.position}`);
      this.logs.set(progress._id, log);
    }
  }

  async start(): Promise<void> {
    await this.restore();
    this.consumer = this.kafka.consumer({
      groupId: groupNames(this.settings.namespace).ledger,
      readUncommitted: false,
      maxBytesPerPartition: 2 << 20,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: topicNames(this.settings.namespace).log, fromBeginning: true });
    // Offsets are committed after the projections are written; a redelivered record is skipped by its position.
    await this.consumer.run({
      autoCommit: true,
      autoCommitThreshold: 1,
      eachBatch: async ({ batch }) => {
        await this.project(batch.messages);
      },
    });
  }

  async project(messages: KafkaMessage[]): Promise<void> {
    const events: AnyBulkWriteOperation<EventDoc>[] = [];
    const dirty = new Map<string, Set<number>>();
    for (const message of messages) {
      const record = JSON.parse(message.value?.toString('utf8') ?? 'null') as LogRecord;
      let log = this.logs.get(record.region);
      if (log === undefined) {
        log = RegionLog.empty(record.region);
        this.logs.set(record.region, log);
      }
      if (record.position <= log.length) continue;
      if (record.position !== log.length + 1)
        throw new Error(`log of ${record.region} jumps from ${log.length} to ${record.position}`);
      const yearsBefore = record.type === 'ActionDefined' ? actionYears(log, record.data.actionId) : [];
      const year = eventYear(log.state, record);
      const { record: replayed } = log.applyRecorded(record);
      if (replayed.hash !== record.hash)
        throw new Error(`log of ${record.region} does not chain at position ${record.position}`);
      events.push({
        updateOne: {
          filter: { _id: `${record.region}/${String(record.position)}` },
          update: {
            $setOnInsert: {
              region: record.region,
              position: record.position,
              id: record.id,
              year,
              outcome: record.outcome,
              record: JSON.stringify(record),
            },
          },
          upsert: true,
        },
      });
      if (record.outcome === 'accepted') markDirty(dirty, log, record, year, yearsBefore);
      this.appliedRecords += 1;
    }
    if (events.length > 0) await this.projections.events.bulkWrite(events, { ordered: false });
    await this.writeProjections(dirty);
  }

  /** Reports and balances first, progress last: a reader that sees the progress sees everything before it. */
  private async writeProjections(dirty: Map<string, Set<number>>): Promise<void> {
    for (const [region, log] of this.logs) {
      const progress = await this.projections.progress.findById(region).lean();
      if (progress !== null && progress.position >= log.length) continue;
      log.ledger.assertBalanced();
      const years = dirty.get(region) ?? new Set<number>();
      const reports: AnyBulkWriteOperation<ProjectionDoc>[] = [...years].map((year) =>
        guardedUpsert(
          region,
          year,
          log.length,
          JSON.stringify(allocationReport(log.state, year, log.length)),
        ),
      );
      const balances = [...log.ledger.balances].map(([year, accounts]) =>
        guardedUpsert(
          region,
          year,
          log.length,
          JSON.stringify([...accounts].map(([account, cents]) => [account, cents.toString()])),
        ),
      );
      if (reports.length > 0)
        await this.projections.reports.bulkWrite(reports, { ordered: false }).catch(ignoreStale);
      if (balances.length > 0)
        await this.projections.balances.bulkWrite(balances, { ordered: false }).catch(ignoreStale);
      await this.projections.progress
        .updateOne(
          { _id: region, position: { $lt: log.length } },
          { $set: { position: log.length, hash: log.lastHash } },
          { upsert: true },
        )
        .catch(ignoreStale);
    }
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

/** Writes a projection unless one at a later position is there already (then the insert hits a duplicate key). */
function guardedUpsert(
  region: string,
  year: number,
  position: number,
  body: string,
): AnyBulkWriteOperation<ProjectionDoc> {
  return {
    updateOne: {
      filter: { _id: `${region}/${String(year)}`, position: { $lt: position } },
      update: { $set: { region, year, position, body } },
      upsert: true,
    },
  };
}

function ignoreStale(error: unknown): void {
  const writeErrors = (error as { writeErrors?: { code?: number; err?: { code?: number } }[] }).writeErrors;
  const code = (error as { code?: number }).code;
  const allDuplicates = Array.isArray(writeErrors)
    ? writeErrors.every((e) => (e.code ?? e.err?.code) === 11000)
    : code === 11000;
  if (!allDuplicates) throw error;
}

function actionYears(log: RegionLog, actionId: string): number[] {
  const action = log.state.actions.get(actionId);
  if (action === undefined) return [];
  const years = new Set(action.years.keys());
  for (let y = action.definition.startYear; y <= action.definition.endYear; y++) years.add(y);
  return [...years];
}

function markDirty(
  dirty: Map<string, Set<number>>,
  log: RegionLog,
  event: BudgetEvent,
  year: number | null,
  yearsBefore: number[],
): void {
  let years = dirty.get(event.region);
  if (years === undefined) {
    years = new Set();
    dirty.set(event.region, years);
  }
  if (year !== null) years.add(year);
  else if (event.type === 'ActionDefined')
    for (const y of [...yearsBefore, ...actionYears(log, event.data.actionId)]) years.add(y);
}
