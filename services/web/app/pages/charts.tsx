//! Hand-made SVG bar charts. Bar lengths come from exact cents (bigint ratios); the figures stay in the tables.
import type { JSX } from 'preact';
import type { AllocationReport } from '../api';
import { amountCents, formatEuro } from '../format';
import { useWords } from '../i18n';

const WIDTH = 640;
const LABEL = 150;
const BAR = 12;

/** Length in pixels of `cents` on a scale where `max` fills `span` (rounded to whole pixels). */
function length(cents: bigint, max: bigint, span: number): number {
  if (max <= 0n || cents <= 0n) return 0;
  return Number((cents * BigInt(span)) / max);
}

interface Series {
  label: string;
  bars: { name: string; amount: string; kind: string }[];
  flagged: boolean;
}

function BarChart({
  title,
  series,
  legend,
}: {
  title: string;
  series: Series[];
  legend: { kind: string; name: string }[];
}): JSX.Element {
  const { lang, t } = useWords();
  const max = series
    .flatMap((s) => s.bars.map((b) => amountCents(b.amount)))
    .reduce((m, c) => (c > m ? c : m), 0n);
  const groupHeight = series[0] === undefined ? 0 : series[0].bars.length * (BAR + 2) + 12;
  const height = series.length * groupHeight + 30;
  const span = WIDTH - LABEL - 10;
  const description = series
    .map(
      (s) =>
        `${s.label}${s.flagged ? ` (${t.overspent})` : ''}: ${s.bars.map((b) => `${b.name} ${formatEuro(b.amount, lang)}`).join(', ')}`,
    )
    .join('; ');
  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${String(WIDTH)} ${String(height)}`}
        role="img"
        aria-label={`${title}. ${description}`}
      >
        <title>{title}</title>
        {series.map((s, i) => {
          const top = i * groupHeight + 4;
          return (
            <g key={s.label}>
              <text x={0} y={top + BAR} class={s.flagged ? 'chart-label flagged' : 'chart-label'}>
                {s.flagged ? `! ${s.label}` : s.label}
              </text>
              {s.bars.map((b, j) => (
                <rect
                  key={b.name}
                  x={LABEL}
                  y={top + j * (BAR + 2)}
                  width={Math.max(length(amountCents(b.amount), max, span), 1)}
                  height={BAR}
                  class={`bar ${b.kind}`}
                />
              ))}
            </g>
          );
        })}
        {legend.map((l, i) => (
          <g key={l.kind}>
            <rect x={LABEL + i * 130} y={height - 16} width={12} height={12} class={`bar ${l.kind}`} />
            <text x={LABEL + i * 130 + 16} y={height - 6} class="chart-label">
              {l.name}
            </text>
          </g>
        ))}
      </svg>
      <figcaption>{title}</figcaption>
    </figure>
  );
}

export function BudgetSpentChart({ report }: { report: AllocationReport }): JSX.Element {
  const { t } = useWords();
  const series = report.themes.flatMap((theme) =>
    theme.actions.map((a) => ({
      label: a.actionId,
      flagged: a.overspent,
      bars: [
        { name: t.budget, amount: a.budget, kind: 'budget' },
        { name: t.spent, amount: a.spentTotal, kind: a.overspent ? 'over' : 'spent' },
      ],
    })),
  );
  return (
    <BarChart
      title={t.chartBudgetSpent}
      series={series}
      legend={[
        { kind: 'budget', name: t.budget },
        { kind: 'spent', name: t.spent },
        { kind: 'over', name: t.overspent },
      ]}
    />
  );
}

export function FunderChart({ report }: { report: AllocationReport }): JSX.Element {
  const { t } = useWords();
  const series = report.funders.map((f) => ({
    label: f.funder,
    flagged: f.shortfall !== '0.00',
    bars: [
      { name: t.committed, amount: f.committed, kind: 'committed' },
      { name: t.allocated, amount: f.allocated, kind: f.shortfall !== '0.00' ? 'over' : 'budget' },
      { name: t.spent, amount: f.spent, kind: 'spent' },
    ],
  }));
  return (
    <BarChart
      title={t.chartFunders}
      series={series}
      legend={[
        { kind: 'committed', name: t.committed },
        { kind: 'budget', name: t.allocated },
        { kind: 'spent', name: t.spent },
      ]}
    />
  );
}
