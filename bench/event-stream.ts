// The benchmark's event sequence: setup per region, then mostly spending, a few rule violations, YearClosed near the end.
import { Prng } from './prng';
import {
  buildRegion,
  euros,
  randomShares,
  setupDrafts,
  yearsOf,
  type Draft,
  type EventRecord,
  type SyntheticAction,
  type SyntheticRegion,
} from './synthetic-region';

export interface StreamOptions {
  events: number;
  regions: number;
  seed: number;
}

/** What the stream produced, so the driver can check the import's accepted and rejected counts. */
export interface StreamSummary {
  perRegion: Record<string, number>;
  perType: Record<string, number>;
  /** Events made on purpose to break a rule of CONTRACT section 3: each must come out rejected. */
  violations: number;
}

const CLOSING_YEAR = 2023;
/** Spending years: the report year 2024 gets the most. */
const YEAR_WEIGHTS: Record<number, number> = { 2023: 0.3, 2024: 0.45, 2025: 0.25 };
const STATUS_REVERSED = 0x80;

/** What the stream must remember of one region to keep every ordinary event valid: the spending items. */
class RegionState {
  readonly drafts: Draft[];
  /** Per spending item `sp-<n>`: its year minus 2022, ORed with STATUS_REVERSED once reversed. 1 byte an item. */
  private status = new Uint8Array(1024);
  spendingCount = 0;
  readonly reversed: number[] = [];
  closed = false;

  constructor(
    readonly model: SyntheticRegion,
    rng: Prng,
  ) {
    this.drafts = setupDrafts(model, rng);
  }

  addSpending(year: number): number {
    if (this.spendingCount === this.status.length) {
      const grown = new Uint8Array(this.status.length * 2);
      grown.set(this.status);
      this.status = grown;
    }
    this.status[this.spendingCount] = year - 2022;
    return this.spendingCount++;
  }

  /** An active item whose year is open, biased to recent ones (corrections follow invoices closely); or none. */
  pickActive(rng: Prng): number | undefined {
    for (let attempt = 0; attempt < 4 && this.spendingCount > 0; attempt++) {
      const index = this.spendingCount - 1 - Math.floor(rng.next() ** 2 * this.spendingCount);
      const status = this.status[index] ?? STATUS_REVERSED;
      if ((status & STATUS_REVERSED) !== 0) continue;
      if (this.closed && status + 2022 === CLOSING_YEAR) continue;
      return index;
    }
    return undefined;
  }

  markReversed(index: number): void {
    this.status[index] = (this.status[index] ?? 0) | STATUS_REVERSED;
    if (this.reversed.length < 1000) this.reversed.push(index);
  }

  openYears(action: SyntheticAction): number[] {
    return yearsOf(action).filter((y) => !(this.closed && y === CLOSING_YEAR));
  }
}

const PAYEES = [
  'Opvangaanbieder beschermde opvang',
  'Regionale zorgcoördinatie mensenhandel',
  'Veilig Thuis',
  'Team handhaving gemeente',
  'Opleidingsaanbieder signaleren',
  'Communicatiebureau campagne',
  'Tolk- en vertaalbureau',
  'Jeugdhulpaanbieder',
  'RIEC',
  'Opvangaanbieder arbeidsuitbuiting',
] as const;

function weightedYear(years: readonly number[], rng: Prng): number {
  const total = years.reduce((sum, y) => sum + (YEAR_WEIGHTS[y] ?? 0), 0);
  let roll = rng.next() * total;
  for (const y of years) {
    roll -= YEAR_WEIGHTS[y] ?? 0;
    if (roll < 0) return y;
  }
  return years[years.length - 1] ?? 2024;
}

/** Invoices from 50 to 25,000 euros, log-uniform: many small ones, a few large. Integer cents. */
function invoiceCents(rng: Prng): number {
  return Math.round(Math.exp(Math.log(5_000) + rng.next() * (Math.log(2_500_000) - Math.log(5_000))));
}

function bookedOn(year: number, rng: Prng): string {
  return `${year}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
}

/** Generates the drafts of the spending phase for one region; every ordinary draft obeys section 3. */
class SpendingPhase {
  private badCounter = 0;

  constructor(private readonly rng: Prng) {}

  recorded(state: RegionState): Draft {
    const { rng } = this;
    let action = rng.pick(state.model.actions);
    let years = state.openYears(action);
    while (years.length === 0) {
      action = rng.pick(state.model.actions);
      years = state.openYears(action);
    }
    const year = weightedYear(years, rng);
    const index = state.addSpending(year);
    const funder = rng.pick(state.model.funders);
    const payee = rng.pick(PAYEES);
    const data: Record<string, unknown> = {
      spendingId: `sp-${index}`,
      actionId: action.actionId,
      year,
      amount: euros(invoiceCents(rng)),
      bookedOn: bookedOn(year, rng),
      payee,
    };
    if (rng.chance(0.8)) data['invoiceRef'] = `INV-${year}-${String(index).padStart(7, '0')}`;
    data['description'] = `${payee}: factuur ${action.actionId} ${year}`;
    return { region: state.model.id, type: 'SpendingRecorded', actor: `fo-${funder}-1`, data };
  }

  corrected(state: RegionState): Draft {
    const index = state.pickActive(this.rng);
    if (index === undefined) return this.recorded(state);
    return {
      region: state.model.id,
      type: 'SpendingCorrected',
      actor: `fo-${this.rng.pick(state.model.funders)}-1`,
      data: {
        spendingId: `sp-${index}`,
        amount: euros(invoiceCents(this.rng)),
        reason: 'Creditnota verwerkt',
      },
    };
  }

  reversed(state: RegionState): Draft {
    const index = state.pickActive(this.rng);
    if (index === undefined) return this.recorded(state);
    state.markReversed(index);
    return {
      region: state.model.id,
      type: 'SpendingReversed',
      actor: `fo-${this.rng.pick(state.model.funders)}-1`,
      data: { spendingId: `sp-${index}`, reason: 'Dubbel geboekt' },
    };
  }

  budgetRevision(state: RegionState): Draft {
    const action = this.rng.pick(state.model.actions);
    const years = state.openYears(action);
    const year = years.length > 0 ? this.rng.pick(years) : undefined;
    if (year === undefined) return this.recorded(state);
    const cents = Math.round(action.budgetCents * (0.9 + this.rng.next() * 0.25));
    return this.draft(state, 'BudgetSet', { actionId: action.actionId, year, amount: euros(cents) });
  }

  funding(state: RegionState): Draft {
    const year = this.rng.pick(state.closed ? [2024, 2025] : [2023, 2024, 2025]);
    const funder = this.rng.pick(state.model.funders);
    const cents = this.rng.int(1_000_000, 5_000_000);
    return {
      region: state.model.id,
      type: 'FundingCommitted',
      actor: `fo-${funder}-1`,
      data: {
        funder,
        year,
        amount: euros(cents),
        reference: `DU Vrouwenopvang ${year}, bijstelling (synthetisch)`,
      },
    };
  }

  actionKey(state: RegionState): Draft {
    const action = this.rng.pick(state.model.actions);
    const years = state.openYears(action);
    if (years.length === 0) return this.recorded(state);
    const year = this.rng.pick(years);
    const shares = randomShares(state.model.funders, this.rng);
    return this.draft(state, 'FundingKeySet', { year, actionId: action.actionId, shares });
  }

  /** A business-rule violation: well-formed, but the rules of section 3 must reject it. */
  violation(state: RegionState): Draft {
    const n = this.badCounter++;
    const { rng } = this;
    const kinds = [
      'unknown-spending',
      'unknown-action',
      'unknown-funder',
      'duplicate-spending',
      'spending-reversed',
    ];
    if (state.closed) kinds.push('year-closed', 'year-closed');
    const kind = rng.pick(kinds);
    const spending = (spendingId: string, actionId: string, year: number): Draft =>
      this.draft(state, 'SpendingRecorded', {
        spendingId,
        actionId,
        year,
        amount: euros(invoiceCents(rng)),
        bookedOn: bookedOn(year, rng),
        payee: 'Onbekende crediteur',
        description: `bewust ongeldige boeking (${kind})`,
      });
    const anyAction = rng.pick(state.model.actions);
    if (kind === 'unknown-action') return spending(`bad-${n}`, `a-unknown-${n % 97}`, 2024);
    if (kind === 'duplicate-spending' && state.spendingCount > 0) {
      return spending(`sp-${rng.int(0, state.spendingCount - 1)}`, anyAction.actionId, 2024);
    }
    if (kind === 'year-closed') {
      const closedAction = state.model.actions.find((a) => a.startYear <= CLOSING_YEAR);
      if (closedAction !== undefined) return spending(`bad-${n}`, closedAction.actionId, CLOSING_YEAR);
    }
    if (kind === 'unknown-funder') {
      return this.draft(state, 'FundingCommitted', {
        funder: 'geen-centrumgemeente',
        year: 2024,
        amount: '1000.00',
        reference: 'bewust ongeldige toezegging',
      });
    }
    const reversed = state.reversed.length > 0 ? rng.pick(state.reversed) : undefined;
    if (kind === 'spending-reversed' && reversed !== undefined) {
      return this.draft(state, 'SpendingReversed', {
        spendingId: `sp-${reversed}`,
        reason: 'nogmaals teruggedraaid',
      });
    }
    return this.draft(state, 'SpendingCorrected', {
      spendingId: `sp-missing-${n}`,
      amount: '10.00',
      reason: 'correctie op onbekende boeking',
    });
  }

  private draft(state: RegionState, type: string, data: Record<string, unknown>): Draft {
    return { region: state.model.id, type, actor: `ctl-${state.model.funders[0] ?? 'x'}`, data };
  }
}

const START = Date.UTC(2023, 0, 2, 8, 0, 0);
const END = Date.UTC(2025, 11, 19, 17, 0, 0);

/**
 * Yields exactly `events` records. Only one byte per spending item is kept (to pick valid corrections), so memory
 * stays small whatever the count; the caller streams the records out.
 */
export function* eventStream(options: StreamOptions, summary: StreamSummary): Generator<EventRecord> {
  const rng = new Prng(options.seed);
  const spendingPerRegion = (options.events * 0.85) / options.regions;
  const states = Array.from(
    { length: options.regions },
    (_, i) => new RegionState(buildRegion(i, rng, spendingPerRegion), rng),
  );
  const phase = new SpendingPhase(rng);
  const step = Math.max(1, Math.floor((END - START) / options.events));
  const closeAt = Math.floor(options.events * 0.98);
  let emitted = 0;

  const envelope = (draft: Draft): EventRecord => {
    const record: EventRecord = {
      id: `e-${emitted + 1}`,
      region: draft.region,
      type: draft.type,
      occurredAt: `${new Date(START + emitted * step).toISOString().slice(0, 19)}Z`,
      actor: draft.actor,
      data: draft.data,
    };
    emitted++;
    summary.perRegion[draft.region] = (summary.perRegion[draft.region] ?? 0) + 1;
    summary.perType[draft.type] = (summary.perType[draft.type] ?? 0) + 1;
    return record;
  };

  for (const state of states) {
    for (const draft of state.drafts) {
      if (emitted >= options.events) return;
      yield envelope(draft);
    }
  }
  while (emitted < options.events) {
    const open = states.find((s) => !s.closed);
    if (emitted >= closeAt && open !== undefined) {
      open.closed = true;
      yield envelope({
        region: open.model.id,
        type: 'YearClosed',
        actor: `ctl-${open.model.funders[0] ?? 'x'}`,
        data: { year: CLOSING_YEAR },
      });
      continue;
    }
    yield envelope(nextDraft(phase, rng.pick(states), rng, summary));
  }
}

/** The mix of the spending phase, in percent: 85 recorded, 8 corrected, 3 reversed, 1 violation, 3 other. */
function nextDraft(phase: SpendingPhase, state: RegionState, rng: Prng, summary: StreamSummary): Draft {
  const roll = rng.next() * 100;
  if (roll < 85) return phase.recorded(state);
  if (roll < 93) return phase.corrected(state);
  if (roll < 96) return phase.reversed(state);
  if (roll < 97) {
    summary.violations++;
    return phase.violation(state);
  }
  if (roll < 99.35) return phase.budgetRevision(state);
  if (roll < 99.95) return phase.funding(state);
  return phase.actionKey(state);
}
