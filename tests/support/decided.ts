//! Decided log records for the port suites: events of tests/support/events.ts run through the domain's RegionLog,
//! as the sequencer and the embedded import seal them.
import {
  RegionLog,
  allocationReport,
  sealRecord,
  validateLine,
  type AllocationReport,
  type LogRecord,
} from '@budget/domain';
import type { DecidedRecord } from '@budget/application';
import { EventBuilder, smallScenario, type EventLine } from './events';

export const RECORDED_AT = '2024-06-01T12:00:00.000Z';

export function decide(events: EventLine[], recordedAt = RECORDED_AT): DecidedRecord[] {
  const first = events[0];
  if (first === undefined) return [];
  const log = RegionLog.empty(first.region);
  return events.map((line) => {
    const validated = validateLine(JSON.stringify(line));
    if (!validated.ok)
      throw new Error(`test event ${line.id} is malformed: ${JSON.stringify(validated.issues)}`);
    const { record, year } = log.append(validated.event, recordedAt);
    return { record, year };
  });
}

/** smallScenario (20 events) and `extra` spending events after it, decided; positions 1..20+extra. */
export function scenarioRecords(
  region = 'zuid-limburg',
  extra = 0,
  recordedAt = RECORDED_AT,
): DecidedRecord[] {
  const b = new EventBuilder(region, region === 'zuid-limburg' ? 'e' : region.slice(0, 2));
  const events = smallScenario(b);
  for (let i = 0; i < extra; i++) events.push(b.spending(`x${String(i)}`, 'A2', 2024, `${String(i + 1)}.00`));
  return decide(events, recordedAt);
}

/** The same record with other content but a correct hash over it: a record of another history. */
export function resealed(record: LogRecord, change: Partial<LogRecord>): LogRecord {
  const { hash: _hash, ...rest } = { ...record, ...change } as LogRecord;
  return sealRecord(rest);
}

/** The allocation reports of a region and year after each of the first n records of smallScenario (index = position). */
export function reportsByPosition(region = 'zuid-limburg', year = 2024): AllocationReport[] {
  const b = new EventBuilder(region, region === 'zuid-limburg' ? 'e' : region.slice(0, 2));
  const log = RegionLog.empty(region);
  const reports = [allocationReport(log.state, year, 0)];
  for (const line of smallScenario(b)) {
    const validated = validateLine(JSON.stringify(line));
    if (!validated.ok) throw new Error(`test event ${line.id} is malformed`);
    log.append(validated.event, RECORDED_AT);
    reports.push(allocationReport(log.state, year, log.length));
  }
  return reports;
}
