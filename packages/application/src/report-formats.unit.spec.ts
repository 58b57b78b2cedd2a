// The allocation report as CSV carries every field of the JSON report, `closed` included.
import { RegionLog, allocationReport } from '@budget/domain';
import { describe, expect, it } from 'vitest';
import { allocationReportCsv } from './report-formats';
import { demoHistory } from './testing/demo-history';

function reportAt(year: number) {
  const log = RegionLog.empty('zuid-limburg');
  for (const record of demoHistory()) log.applyRecorded(record);
  return allocationReport(log.state, year, log.length);
}

describe('allocationReportCsv', () => {
  it('says on every row whether the year is closed, as the JSON report does', () => {
    for (const year of [2023, 2024]) {
      const report = reportAt(year);
      const [header, ...rows] = allocationReportCsv(report).trimEnd().split('\n');
      expect(header?.startsWith('region,year,asOfPosition,closed,level,')).toBe(true);
      const prefix = `${report.region},${report.year},${report.asOfPosition},${String(report.closed)},`;
      const funderRows = rows.filter((row) => row.startsWith(`${prefix}funder,`));
      expect(funderRows).toHaveLength(report.funders.length);
      expect(rows.filter((row) => row.startsWith(`${prefix}total,`))).toHaveLength(1);
    }
    // The demo closes 2023 and leaves 2024 open: both values show.
    expect([reportAt(2023).closed, reportAt(2024).closed]).toEqual([true, false]);
  });
});
