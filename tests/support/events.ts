//! Builds well-formed event lines for tests, with sensible defaults for every field.
export interface EventLine {
  id: string;
  region: string;
  type: string;
  occurredAt: string;
  actor: string;
  data: Record<string, unknown>;
}

export class EventBuilder {
  private counter = 0;
  constructor(
    readonly region = 'zuid-limburg',
    readonly prefix = 'e',
  ) {}

  event(type: string, data: Record<string, unknown>): EventLine {
    this.counter += 1;
    const seconds = String(this.counter % 60).padStart(2, '0');
    return {
      id: `${this.prefix}-${String(this.counter).padStart(6, '0')}`,
      region: this.region,
      type,
      occurredAt: `2024-03-01T10:00:${seconds}Z`,
      actor: 'tester',
      data,
    };
  }

  configured(funders = ['maastricht', 'heerlen']): EventLine {
    return this.event('RegionConfigured', {
      name: 'Zuid-Limburg',
      funders: funders.map((id) => ({ id, name: `Gemeente ${id}`, municipalities: [id] })),
    });
  }

  action(actionId: string, theme = 'in-beeld', startYear = 2023, endYear = 2025): EventLine {
    return this.event('ActionDefined', {
      actionId,
      theme,
      title: `Action ${actionId}`,
      intendedResult: 'result',
      partners: ['AVIM', 'Veilig Thuis'],
      startYear,
      endYear,
    });
  }

  key(year: number, shares: Record<string, string>, actionId?: string): EventLine {
    return this.event(
      'FundingKeySet',
      actionId === undefined ? { year, shares } : { year, actionId, shares },
    );
  }

  budget(actionId: string, year: number, amount: string): EventLine {
    return this.event('BudgetSet', { actionId, year, amount });
  }

  funding(funder: string, year: number, amount: string): EventLine {
    return this.event('FundingCommitted', { funder, year, amount, reference: 'meicirculaire' });
  }

  spending(spendingId: string, actionId: string, year: number, amount: string): EventLine {
    return this.event('SpendingRecorded', {
      spendingId,
      actionId,
      year,
      amount,
      bookedOn: `${year}-03-01`,
      payee: 'Partner',
      invoiceRef: `INV-${spendingId}`,
      description: 'invoice',
    });
  }

  corrected(spendingId: string, amount: string): EventLine {
    return this.event('SpendingCorrected', { spendingId, amount, reason: 'typo' });
  }

  reversed(spendingId: string): EventLine {
    return this.event('SpendingReversed', { spendingId, reason: 'double booked' });
  }

  closed(year: number): EventLine {
    return this.event('YearClosed', { year });
  }
}

/** The same event (same id) with another amount: a conflicting repeat of it. */
export function withAmount(event: EventLine, amount: string): EventLine {
  return { ...event, data: { ...event.data, amount } };
}

export function ndjson(events: EventLine[]): string {
  return events.map((e) => JSON.stringify(e)).join('\n') + '\n';
}

/** A small, complete scenario: two funders, three actions, keys, funding, spending, a rejection and a close. */
export function smallScenario(b = new EventBuilder()): EventLine[] {
  return [
    b.configured(),
    b.action('A1', 'in-beeld'),
    b.action('A2', 'samenwerking'),
    b.action('A3', 'opvang-hulpverlening', 2024, 2024),
    b.key(2024, { maastricht: '0.573', heerlen: '0.427' }),
    b.key(2024, { maastricht: '1', heerlen: '0' }, 'A3'),
    b.funding('maastricht', 2024, '1000.00'),
    b.funding('heerlen', 2024, '700.00'),
    b.budget('A1', 2024, '1000.00'),
    b.budget('A2', 2024, '500.00'),
    b.budget('A3', 2024, '300.00'),
    b.spending('s1', 'A1', 2024, '100.01'),
    b.spending('s2', 'A2', 2024, '600.00'),
    b.spending('s3', 'A3', 2024, '50.00'),
    b.corrected('s1', '200.02'),
    b.reversed('s3'),
    b.spending('s4', 'A9', 2024, '1.00'),
    b.budget('A1', 2023, '10.00'),
    b.closed(2023),
    b.budget('A1', 2023, '20.00'),
  ];
}

/** Lines as an async iterable, as the stores' importLines reads its input. */
export async function* asyncLines(lines: readonly string[]): AsyncGenerator<string> {
  for (const line of lines) yield await Promise.resolve(line);
}
