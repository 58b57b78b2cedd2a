// The allocation report as CSV carries every field of the JSON report, `closed` included.
import { RegionLog, allocationReport } from '@budget/domain';
import { describe, expect, it } from 'vitest';
import { allocationReportCsv, percent } from './report-formats';
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

describe('percent', () => {
  it('shows a ratio as a percentage with one decimal, halves rounded up as the report rounds', () => {
    expect(percent('0.4521')).toBe('45.2%');
    expect(percent('0.0015')).toBe('0.2%'); // 0.0015 * 100 in floating point is 0.15000000000000002, but
    expect(percent('1.0005')).toBe('100.1%'); // 1.0005 * 100 is 100.04999999999998: toFixed(1) gave 100.0%
    expect(percent('0.0014')).toBe('0.1%');
    expect(percent('0.0004')).toBe('0.0%');
    expect(percent('0.0005')).toBe('0.1%');
    expect(percent('0')).toBe('0.0%');
    expect(percent('1')).toBe('100.0%');
    expect(percent('12.3456')).toBe('1234.6%');
    expect(percent('-0.0015')).toBe('-0.2%');
    expect(percent('-0.0004')).toBe('0.0%');
  });

  it('refuses what is not a decimal', () => {
    expect(() => percent('0.4e1')).toThrow(/not a decimal ratio/);
  });
});
