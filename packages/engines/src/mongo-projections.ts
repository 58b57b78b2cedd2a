//! The engines' projection store (the ProjectionStore port): allocation reports in the MongoDB `reports` collection,
//! one document per region and year (`_id` = region/year), written with the projector's guarded upsert.
import type { AllocationReport } from '@budget/domain';
import type { ProjectionStore, StoredReport } from '@budget/application';
import type { Projections } from './mongo';
import { guardedUpsert, ignoreStale } from './projector';

export class MongoProjectionStore implements ProjectionStore {
  constructor(
    private readonly projections: Projections,
    /** Whether close() closes the connection (false when it is shared, as with the KafkaStore's). */
    private readonly ownsConnection = false,
  ) {}

  async save({ region, year, position, report }: StoredReport): Promise<boolean> {
    try {
      const result = await this.projections.reports.bulkWrite(
        [guardedUpsert(region, year, position, JSON.stringify(report))],
        { ordered: false },
      );
      return result.upsertedCount + result.modifiedCount > 0;
    } catch (error) {
      // A document at the same or a later position: the upsert's insert hit its _id. Nothing changed.
      ignoreStale(error);
      return false;
    }
  }

  async load(region: string, year: number): Promise<StoredReport | undefined> {
    const doc = await this.projections.reports.findById(`${region}/${String(year)}`).lean();
    if (doc === null) return undefined;
    return { region, year, position: doc.position, report: JSON.parse(doc.body) as AllocationReport };
  }

  async close(): Promise<void> {
    if (this.ownsConnection) await this.projections.connection.close();
  }
}
