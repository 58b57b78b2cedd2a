//! The journal as the domain ledger makes it for a file, and as the allocator publishes it on budget.allocations.v1:
//! the two must be equal, every accepted record once, each region's log covered without gaps.
import { expect } from 'vitest';
import { eventKey } from '@budget/application';
import { RegionLog, validateLine, type BudgetEvent } from '@budget/domain';
import {
  readToEnd,
  storedEntry,
  type AllocationBatch,
  type StoredJournalEntry,
  type kafkaClient,
} from '@budget/engines';

type Kafka = ReturnType<typeof kafkaClient>;

/** The domain ledger's journal for the lines of a file, per region, with amounts as the journal stores them. */
export function domainJournal(lines: string[]): Map<string, StoredJournalEntry[]> {
  const logs = new Map<string, RegionLog>();
  const seen = new Set<string>();
  const journals = new Map<string, StoredJournalEntry[]>();
  for (const line of lines) {
    const validation = validateLine(line);
    if (!validation.ok) throw new Error(`the file has a bad line: ${line}`);
    const event: BudgetEvent = validation.event;
    let log = logs.get(event.region);
    if (log === undefined) {
      log = RegionLog.empty(event.region);
      logs.set(event.region, log);
      journals.set(event.region, []);
    }
    // A repeated id (with the same content) is a no-op, as the sequencer makes it one.
    const key = eventKey(event.region, event.id);
    if (seen.has(key)) continue;
    seen.add(key);
    for (const entry of log.append(event, '2026-01-01T00:00:00.000Z').entries) {
      journals.get(event.region)?.push(storedEntry(entry));
    }
  }
  return journals;
}

/** Reads budget.allocations.v1 until the allocator has covered each region's log up to the length given. */
export async function readAllocations(
  kafka: Kafka,
  topic: string,
  logLengths: ReadonlyMap<string, number>,
  timeoutMs = 60_000,
): Promise<AllocationBatch[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const batches: AllocationBatch[] = [];
    await readToEnd(kafka, topic, (messages) => {
      for (const m of messages)
        batches.push(JSON.parse(m.value?.toString('utf8') ?? 'null') as AllocationBatch);
    });
    const covered = (region: string) =>
      Math.max(0, ...batches.filter((b) => b.region === region).map((b) => b.to));
    if ([...logLengths].every(([region, length]) => covered(region) === length)) return batches;
    if (Date.now() > deadline)
      throw new Error(`the allocator did not cover the log in ${String(timeoutMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Checks what the allocator published for a region: its messages cover positions 1..length in order, without gaps
 * or overlaps, and their entries are exactly the domain journal's (so no record is published twice or left out).
 */
export function expectPublishedJournal(
  batches: AllocationBatch[],
  region: string,
  length: number,
  expected: StoredJournalEntry[],
): void {
  const own = batches.filter((b) => b.region === region);
  let next = 1;
  for (const batch of own) {
    expect(batch.from, `${region}: messages in order, without gaps or overlaps`).toBe(next);
    expect(batch.to).toBeGreaterThanOrEqual(batch.from);
    next = batch.to + 1;
  }
  expect(next - 1, `${region}: the log covered`).toBe(length);
  const published = own.flatMap((b) =>
    b.results.flatMap((r) =>
      r.entries.map((e) => ({
        position: r.position,
        eventId: r.eventId,
        year: e.year,
        memo: e.memo,
        lines: e.lines,
      })),
    ),
  );
  expect(published).toEqual(expected);
}
