//! The allocation report and trial balance as CSV and as a table for a terminal.
import { stringify } from 'csv-stringify/sync';
import type { AllocationReport, TrialBalance } from '@budget/domain';
import type { TokenEntry } from './tokens';

/** One CSV for the whole report: a `level` column tells funder, action, theme and total rows apart. */
export function allocationReportCsv(report: AllocationReport): string {
  const funders = report.funders.map((f) => f.funder);
  const header = [
    'region',
    'year',
    'asOfPosition',
    'closed',
    'level',
    'theme',
    'actionId',
    'title',
    'funder',
    'committed',
    'budget',
    ...funders.map((f) => `allocated:${f}`),
    'allocated',
    'unfunded',
    ...funders.map((f) => `spent:${f}`),
    'spentTotal',
    'remaining',
    'unallocated',
    'shortfall',
    'utilisation',
    'overspent',
    'spendingCount',
  ];
  const base = [report.region, String(report.year), String(report.asOfPosition), String(report.closed)];
  const rows: string[][] = [];
  for (const f of report.funders) {
    rows.push([
      ...base,
      'funder',
      '',
      '',
      '',
      f.funder,
      f.committed,
      '',
      ...funders.map(() => ''),
      f.allocated,
      '',
      ...funders.map(() => ''),
      f.spent,
      f.remaining,
      f.unallocated,
      f.shortfall,
      '',
      '',
      '',
    ]);
  }
  for (const theme of report.themes) {
    for (const a of theme.actions) {
      rows.push([
        ...base,
        'action',
        theme.theme,
        a.actionId,
        a.title,
        '',
        '',
        a.budget,
        ...funders.map((f) => a.allocated[f] ?? ''),
        '',
        a.unfunded,
        ...funders.map((f) => a.spent[f] ?? ''),
        a.spentTotal,
        a.remaining,
        '',
        '',
        a.utilisation ?? '',
        String(a.overspent),
        String(a.spendingCount),
      ]);
    }
    rows.push([
      ...base,
      'theme',
      theme.theme,
      '',
      '',
      '',
      '',
      theme.budget,
      ...funders.map((f) => theme.allocated[f] ?? ''),
      '',
      theme.unfunded,
      ...funders.map((f) => theme.spent[f] ?? ''),
      theme.spentTotal,
      theme.remaining,
      '',
      '',
      '',
      '',
      '',
    ]);
  }
  const t = report.totals;
  rows.push([
    ...base,
    'total',
    '',
    '',
    '',
    '',
    t.committed,
    t.budget,
    ...funders.map(() => ''),
    t.allocated,
    t.unfunded,
    ...funders.map(() => ''),
    t.spent,
    t.remaining,
    '',
    '',
    '',
    '',
    '',
  ]);
  return stringify([header, ...rows]);
}

/** The tokens of a tokens file as a table: who holds each, what it may do, and the start of its hash. */
export function tokensTable(entries: readonly TokenEntry[]): string {
  if (entries.length === 0) return 'no tokens\n';
  return table(
    ['name', 'role', 'regions', 'sha256'],
    entries.map((e) => [e.name, e.role, e.regions.join(','), `${e.tokenSha256.slice(0, 12)}...`]),
    () => false,
  );
}

function table(header: string[], rows: string[][], rightAligned: (column: number) => boolean): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const format = (cells: string[]): string =>
    cells
      .map((cell, i) => (rightAligned(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [format(header), rule, ...rows.map((r) => (r[0] === '-' ? rule : format(r)))].join('\n') + '\n';
}

/**
 * A ratio as the report writes it ("0.4521") as a percentage with one decimal, rounded half-up as the report rounds
 * ("45.2%"; "0.0015" is "0.2%"). In decimal digits, not floating point: 0.0015 * 100 is 0.15000000000000002 and
 * 1.0005 * 100 is 100.04999999999998, so toFixed() rounds some halves down.
 */
export function percent(ratio: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(ratio);
  if (match === null) throw new Error(`not a decimal ratio: ${ratio}`);
  const [, sign = '', whole = '0', fraction = ''] = match;
  // The ratio in units of 0.001 (tenths of a percent), plus the digits after that to round on.
  const digits = fraction.padEnd(3, '0');
  let tenths = BigInt(whole + digits.slice(0, 3));
  if ((digits[3] ?? '0') >= '5') tenths += 1n;
  const text = tenths.toString().padStart(2, '0');
  const magnitude = `${text.slice(0, -1)}.${text.slice(-1)}%`;
  return tenths === 0n ? magnitude : `${sign}${magnitude}`;
}

export function allocationReportTable(report: AllocationReport): string {
  const funders = report.funders.map((f) => f.funder);
  const header = [
    'theme / action',
    'budget',
    ...funders.map((f) => `alloc ${f}`),
    'unfunded',
    'spent',
    'remaining',
    'util',
    '',
  ];
  const rows: string[][] = [];
  for (const theme of report.themes) {
    for (const a of theme.actions) {
      rows.push([
        `  ${a.actionId}`,
        a.budget,
        ...funders.map((f) => a.allocated[f] ?? ''),
        a.unfunded,
        a.spentTotal,
        a.remaining,
        a.utilisation === null ? '-' : percent(a.utilisation),
        a.overspent ? 'OVERSPENT' : '',
      ]);
    }
    rows.push([
      theme.theme,
      theme.budget,
      ...funders.map((f) => theme.allocated[f] ?? ''),
      theme.unfunded,
      theme.spentTotal,
      theme.remaining,
      '',
      '',
    ]);
    rows.push(['-']);
  }
  const t = report.totals;
  rows.push([
    'total',
    t.budget,
    ...report.funders.map((f) => f.allocated),
    t.unfunded,
    t.spent,
    t.remaining,
    '',
    '',
  ]);
  const title = `Allocation report ${report.region} ${report.year}${report.closed ? ' (closed)' : ''}, as of position ${report.asOfPosition}\n\n`;
  const funderRows = report.funders.map((f) => [
    f.funder,
    f.committed,
    f.allocated,
    f.spent,
    f.unallocated,
    f.shortfall,
    f.remaining,
    f.shortfall === '0.00' ? '' : 'SHORTFALL',
  ]);
  const fundersTable = table(
    ['funder', 'committed', 'allocated', 'spent', 'unallocated', 'shortfall', 'remaining', ''],
    funderRows,
    (i) => i > 0 && i < 7,
  );
  return title + table(header, rows, (i) => i > 0 && i < header.length - 1) + '\n' + fundersTable;
}

export function trialBalanceTable(trial: TrialBalance): string {
  const rows = trial.rows.map((r) => [r.account, r.debit, r.credit]);
  rows.push(['-'], ['total', trial.totals.debit, trial.totals.credit]);
  const status = trial.balanced ? 'balanced' : 'NOT BALANCED';
  return `Trial balance ${trial.region} ${trial.year}: ${status}\n\n${table(['account', 'debit', 'credit'], rows, (i) => i > 0)}`;
}
