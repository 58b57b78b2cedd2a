//! The demo scenario's history as an export would hold it: one region's chained records, for the audit tests.
import { readFileSync } from 'node:fs';
import { RegionLog, validateRecord, type LogRecord } from '@budget/domain';

const DEMO = new URL('../../../../examples/zuid-limburg/events.ndjson', import.meta.url);

export function demoHistory(): LogRecord[] {
  const log = RegionLog.empty('zuid-limburg');
  return readFileSync(DEMO, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const event = validateRecord(JSON.parse(line));
      if (!event.ok) throw new Error('the demo file is valid');
      return log.append(event.event, '2026-01-01T00:00:00.000Z').record;
    });
}
