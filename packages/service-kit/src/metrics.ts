//! Prometheus metrics of a worker service: consumer lag per group and whatever the worker counts.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Admin } from 'kafkajs';

export class ServiceMetrics {
  readonly registry = new Registry();
  readonly consumerLag: Gauge;
  readonly eventsDecided: Counter;
  readonly rejections: Counter<'reason'>;
  readonly deadLettered: Counter;
  readonly recordsProjected: Counter;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    this.consumerLag = new Gauge({
      name: 'budget_consumer_lag',
      help: 'records not yet consumed, per topic',
      labelNames: ['topic'],
      registers: [this.registry],
    });
    this.eventsDecided = new Counter({
      name: 'budget_events_decided_total',
      help: 'events decided and appended to the log',
      registers: [this.registry],
    });
    this.rejections = new Counter({
      name: 'budget_rejections_total',
      help: 'events appended as rejected, by reason',
      labelNames: ['reason'],
      registers: [this.registry],
    });
    this.deadLettered = new Counter({
      name: 'budget_dead_letters_total',
      help: 'malformed inbox records sent to the dead-letter topic',
      registers: [this.registry],
    });
    this.recordsProjected = new Counter({
      name: 'budget_records_projected_total',
      help: 'log records applied to the projections',
      registers: [this.registry],
    });
  }

  /** Lag = end offsets minus the group's committed offsets, summed over partitions. */
  async measureLag(admin: Admin, groupId: string, topic: string): Promise<void> {
    const [ends, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    const byPartition = new Map(
      (committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset === '-1' ? '0' : p.offset)]),
    );
    let lag = 0n;
    for (const end of ends) lag += BigInt(end.high) - (byPartition.get(end.partition) ?? 0n);
    this.consumerLag.set({ topic }, Number(lag));
  }
}
