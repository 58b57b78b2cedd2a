// Independent reference model of the external contract (/work/shared/CONTRACT.md, sections 3 and 4).
//
// In the spirit of TigerBeetle's auditor: a deliberately simple, slow, obviously-correct re-implementation,
// written from the contract text alone (never from packages/domain), so that tests can replay the same events
// through the real core and through this model and demand identical outcomes and reports.
//
// Design rules that keep it obviously correct:
// - The only state is the list of ACCEPTED events of one region, in log order. Every question ("is 2024 closed?",
//   "what is the key of (A, Y)?", "what is the current amount of spending s?") is answered by scanning that list
//   from the start. No caches, no incremental projections: nothing can drift.
// - Money is bigint cents; shares are exact rationals (bigint numerator / denominator). No JS number touches money.
// - Each rule of section 3 is one `if` in the order the contract lists it, so the FIRST applicable reason wins.
//
// Input events are assumed well-formed (section 2) and already deduplicated; accessors throw if a field is missing,
// because that means the test generator (not the system under test) is broken.

export type RefEvent = {
  id: string;
  region: string;
  type: string;
  occurredAt: string;
  actor: string;
  data: Record<string, unknown>;
};

export type RefOutcome = { outcome: 'accepted' | 'rejected'; reason: string | null };

/** One funder's share of a key as an exact rational num/den (den > 0). */
export type RefShare = { funder: string; num: bigint; den: bigint };

export const THEMES = ['in-beeld', 'samenwerking', 'opvang-hulpverlening'] as const;

// ---------------------------------------------------------------------------------------------------------------
// Small exact helpers
// ---------------------------------------------------------------------------------------------------------------

/** Ascending Unicode code-point order (the contract's tie-break and sort order), independent of UTF-16 quirks. */
export function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const p = (x[i] ?? '').codePointAt(0) ?? 0;
    const q = (y[i] ?? '').codePointAt(0) ?? 0;
    if (p !== q) return p < q ? -1 : 1;
  }
  if (x.length === y.length) return 0;
  return x.length < y.length ? -1 : 1;
}

function sortedCodePoints(ids: Iterable<string>): string[] {
  return Array.from(new Set(ids)).sort(compareCodePoints);
}

/** Floor division for bigint (bigint `/` truncates toward zero, which is wrong for negative numerators). */
function floorDiv(a: bigint, b: bigint): bigint {
  if (b <= 0n) throw new Error('floorDiv: divisor must be positive');
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

const AMOUNT_RE = /^-?(0|[1-9][0-9]*)(\.[0-9]{1,2})?$/;

/** Section 1 amount string -> bigint cents. */
export function parseAmountCents(s: string): bigint {
  if (!AMOUNT_RE.test(s)) throw new Error(`reference model: not an amount: ${JSON.stringify(s)}`);
  const negative = s.startsWith('-');
  const body = negative ? s.slice(1) : s;
  const [whole = '0', frac = ''] = body.split('.');
  const cents = BigInt(whole) * 100n + BigInt((frac + '00').slice(0, 2));
  return negative ? -cents : cents;
}

/** bigint cents -> section 1 output amount: exactly two decimals, "-" only for values below zero. */
export function formatCents(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  return `${negative ? '-' : ''}${(abs / 100n).toString()}.${(abs % 100n).toString().padStart(2, '0')}`;
}

const SHARE_RE = /^(0|1)(\.[0-9]{1,9})?$/;

/** Section 1 share string -> exact rational. "0.573" -> 573/1000, "1" -> 1/1. */
export function parseShare(s: string): { num: bigint; den: bigint } {
  if (!SHARE_RE.test(s)) throw new Error(`reference model: not a share: ${JSON.stringify(s)}`);
  const [whole = '0', frac = ''] = s.split('.');
  const den = 10n ** BigInt(frac.length);
  const num = BigInt(whole) * den + (frac === '' ? 0n : BigInt(frac));
  if (num > den) throw new Error(`reference model: share above 1: ${s}`);
  return { num, den };
}

/** Builds a plain object with keys in the given order; defineProperty so an id like "__proto__" stays an own key. */
function orderedRecord(entries: Array<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Apportionment (section 3): largest remainder, exact rationals, ties by funder id ascending code-point order.
// ---------------------------------------------------------------------------------------------------------------

export function referenceApportion(
  amountCents: bigint,
  shares: Array<{ funder: string; num: bigint; den: bigint }>,
): Map<string, bigint> {
  // Refuse nonsense instead of guessing: the contract only apportions by keys whose shares sum to exactly 1.
  const seen = new Set<string>();
  let sumNum = 0n;
  let sumDen = 1n;
  for (const s of shares) {
    if (s.den <= 0n || s.num < 0n || s.num > s.den) throw new Error(`apportion: bad share for ${s.funder}`);
    if (seen.has(s.funder)) throw new Error(`apportion: funder ${s.funder} twice`);
    seen.add(s.funder);
    sumNum = sumNum * s.den + s.num * sumDen;
    sumDen = sumDen * s.den;
  }
  if (sumNum !== sumDen) throw new Error('apportion: shares do not sum to exactly 1');

  // Exact product X * num / den = floor + rem/den with 0 <= rem < den.
  const parts = shares.map((s) => {
    const product = amountCents * s.num;
    const floor = floorDiv(product, s.den);
    return { funder: s.funder, floor, rem: product - floor * s.den, den: s.den };
  });
  let leftover = amountCents;
  for (const p of parts) leftover -= p.floor;

  // Largest remainder first; compare rem1/den1 vs rem2/den2 by cross-multiplying (both dens positive).
  const order = parts.slice().sort((a, b) => {
    const lhs = a.rem * b.den;
    const rhs = b.rem * a.den;
    if (lhs !== rhs) return lhs > rhs ? -1 : 1;
    return compareCodePoints(a.funder, b.funder);
  });

  const result = new Map<string, bigint>();
  for (const p of parts) result.set(p.funder, p.floor);
  // Sum of remainders equals `leftover` and each remainder < 1, so leftover < number of funders.
  for (let i = 0; BigInt(i) < leftover; i++) {
    const p = order[i];
    if (p === undefined) throw new Error('apportion: more cents left over than funders (impossible)');
    result.set(p.funder, (result.get(p.funder) ?? 0n) + 1n);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Field accessors (events are well-formed; a failure here is a generator/test bug)
// ---------------------------------------------------------------------------------------------------------------

function str(e: RefEvent, field: string): string {
  const v = e.data[field];
  if (typeof v !== 'string') throw new Error(`reference model: ${e.id}: data.${field} is not a string`);
  return v;
}

function int(e: RefEvent, field: string): number {
  const v = e.data[field];
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new Error(`reference model: ${e.id}: data.${field} is not an integer`);
  }
  return v;
}

/** `FundingKeySet.actionId` is optional; absent (or null) means a year-level key. */
function optionalActionId(e: RefEvent): string | null {
  const v = e.data['actionId'];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new Error(`reference model: ${e.id}: data.actionId is not a string`);
  return v;
}

function amount(e: RefEvent): bigint {
  return parseAmountCents(str(e, 'amount'));
}

function configuredFunderIds(e: RefEvent): string[] {
  const list = e.data['funders'];
  if (!Array.isArray(list)) throw new Error(`reference model: ${e.id}: data.funders is not an array`);
  return list.map((f: unknown) => {
    const id = typeof f === 'object' && f !== null ? (f as Record<string, unknown>)['id'] : undefined;
    if (typeof id !== 'string') throw new Error(`reference model: ${e.id}: funder without id`);
    return id;
  });
}

function keyShares(e: RefEvent): Array<{ funder: string; share: string }> {
  const shares = e.data['shares'];
  if (typeof shares !== 'object' || shares === null || Array.isArray(shares)) {
    throw new Error(`reference model: ${e.id}: data.shares is not an object`);
  }
  return Object.entries(shares as Record<string, unknown>).map(([funder, share]) => {
    if (typeof share !== 'string')
      throw new Error(`reference model: ${e.id}: share of ${funder} not a string`);
    return { funder, share };
  });
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = sortedCodePoints(a);
  const y = sortedCodePoints(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

// ---------------------------------------------------------------------------------------------------------------
// State queries: each one scans the accepted events of one region from the start.
// ---------------------------------------------------------------------------------------------------------------

type Accepted = readonly RefEvent[];

/** The region's funder ids (sorted), or null before the first accepted RegionConfigured. */
function regionFunders(acc: Accepted): string[] | null {
  // Every accepted RegionConfigured has the same id set (else it was rejected), so the first one decides.
  for (const e of acc) if (e.type === 'RegionConfigured') return sortedCodePoints(configuredFunderIds(e));
  return null;
}

function isYearClosed(acc: Accepted, year: number): boolean {
  return acc.some((e) => e.type === 'YearClosed' && int(e, 'year') === year);
}

type ActionDef = { actionId: string; theme: string; title: string; startYear: number; endYear: number };

/** The action's current definition: its latest accepted ActionDefined (which replaces all fields). */
function actionDef(acc: Accepted, actionId: string): ActionDef | null {
  let def: ActionDef | null = null;
  for (const e of acc) {
    if (e.type === 'ActionDefined' && str(e, 'actionId') === actionId) {
      def = {
        actionId,
        theme: str(e, 'theme'),
        title: str(e, 'title'),
        startYear: int(e, 'startYear'),
        endYear: int(e, 'endYear'),
      };
    }
  }
  return def;
}

function definedActionIds(acc: Accepted): string[] {
  return sortedCodePoints(acc.filter((e) => e.type === 'ActionDefined').map((e) => str(e, 'actionId')));
}

function inLeadTime(def: ActionDef, year: number): boolean {
  return def.startYear <= year && year <= def.endYear;
}

/** Budget of (A, Y): the latest accepted BudgetSet replaces; 0 if none. */
function budgetOf(acc: Accepted, actionId: string, year: number): bigint {
  let budget = 0n;
  for (const e of acc) {
    if (e.type === 'BudgetSet' && str(e, 'actionId') === actionId && int(e, 'year') === year)
      budget = amount(e);
  }
  return budget;
}

/** Years for which action A has any accepted BudgetSet (their current budget may be 0). */
function budgetYears(acc: Accepted, actionId: string): number[] {
  const years = new Set<number>();
  for (const e of acc)
    if (e.type === 'BudgetSet' && str(e, 'actionId') === actionId) years.add(int(e, 'year'));
  return Array.from(years);
}

/** Accepted FundingCommitted amounts add up. */
function committedOf(acc: Accepted, funder: string, year: number): bigint {
  let total = 0n;
  for (const e of acc) {
    if (e.type === 'FundingCommitted' && str(e, 'funder') === funder && int(e, 'year') === year)
      total += amount(e);
  }
  return total;
}

type SpendingItem = {
  spendingId: string;
  actionId: string;
  year: number;
  amountCents: bigint;
  reversed: boolean;
};

/** All spending items, replayed from accepted SpendingRecorded / SpendingCorrected / SpendingReversed. */
function spendingItems(acc: Accepted): SpendingItem[] {
  const items: SpendingItem[] = [];
  for (const e of acc) {
    if (e.type === 'SpendingRecorded') {
      items.push({
        spendingId: str(e, 'spendingId'),
        actionId: str(e, 'actionId'),
        year: int(e, 'year'),
        amountCents: amount(e),
        reversed: false,
      });
    } else if (e.type === 'SpendingCorrected' || e.type === 'SpendingReversed') {
      const item = items.find((i) => i.spendingId === str(e, 'spendingId'));
      if (item === undefined) throw new Error(`reference model: accepted ${e.type} for unknown spending`);
      if (e.type === 'SpendingCorrected') item.amountCents = amount(e);
      else item.reversed = true;
    }
  }
  return items;
}

/** Key of (action A, year Y) per section 3, as exact rationals; null when none resolves. */
function keyOf(acc: Accepted, actionId: string, year: number): RefShare[] | null {
  let actionKey: RefEvent | null = null;
  let yearKey: RefEvent | null = null;
  for (const e of acc) {
    if (e.type !== 'FundingKeySet' || int(e, 'year') !== year) continue;
    const keyAction = optionalActionId(e);
    if (keyAction === actionId)
      actionKey = e; // later accepted keys overwrite: "the latest accepted key wins"
    else if (keyAction === null) yearKey = e;
  }
  const explicit = actionKey ?? yearKey;
  if (explicit !== null) {
    return keyShares(explicit).map(({ funder, share }) => ({ funder, ...parseShare(share) }));
  }
  // Pro rata to committed funding in Y, unrounded: committed_f / total.
  const funders = regionFunders(acc) ?? [];
  const committed = funders.map((f) => ({ funder: f, cents: committedOf(acc, f, year) }));
  const total = committed.reduce((s, c) => s + c.cents, 0n);
  if (total > 0n) return committed.map((c) => ({ funder: c.funder, num: c.cents, den: total }));
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Processing rules (section 3): the first applicable reason, in the contract's order.
// ---------------------------------------------------------------------------------------------------------------

/** Returns the rejection reason for `e` given the accepted events before it, or null when it is accepted. */
function decide(acc: Accepted, e: RefEvent): string | null {
  const funders = regionFunders(acc);
  if (funders === null) return e.type === 'RegionConfigured' ? null : 'region-not-configured';

  switch (e.type) {
    case 'RegionConfigured':
      return sameSet(configuredFunderIds(e), funders) ? null : 'funders-changed';

    case 'ActionDefined': {
      // For a new action there are no budgets or spending yet, so this check passes trivially.
      const actionId = str(e, 'actionId');
      const next = { startYear: int(e, 'startYear'), endYear: int(e, 'endYear') };
      const outside = (y: number): boolean => y < next.startYear || y > next.endYear;
      for (const y of budgetYears(acc, actionId)) {
        if (budgetOf(acc, actionId, y) > 0n && outside(y)) return 'action-years-conflict';
      }
      for (const item of spendingItems(acc)) {
        if (item.actionId === actionId && !item.reversed && outside(item.year))
          return 'action-years-conflict';
      }
      return null;
    }

    case 'FundingCommitted':
      if (!funders.includes(str(e, 'funder'))) return 'unknown-funder';
      if (isYearClosed(acc, int(e, 'year'))) return 'year-closed';
      return null;

    case 'BudgetSet': {
      const def = actionDef(acc, str(e, 'actionId'));
      if (def === null) return 'unknown-action';
      if (!inLeadTime(def, int(e, 'year'))) return 'outside-lead-time';
      if (isYearClosed(acc, int(e, 'year'))) return 'year-closed';
      return null;
    }

    case 'FundingKeySet': {
      if (
        !sameSet(
          keyShares(e).map((s) => s.funder),
          funders,
        )
      )
        return 'unknown-funder';
      const keyAction = optionalActionId(e);
      if (keyAction !== null && actionDef(acc, keyAction) === null) return 'unknown-action';
      if (isYearClosed(acc, int(e, 'year'))) return 'year-closed';
      return null;
    }

    case 'SpendingRecorded': {
      const spendingId = str(e, 'spendingId');
      // Only an ACCEPTED SpendingRecorded claims the id (a reversed one still does).
      if (acc.some((x) => x.type === 'SpendingRecorded' && str(x, 'spendingId') === spendingId)) {
        return 'duplicate-spending';
      }
      const actionId = str(e, 'actionId');
      const year = int(e, 'year');
      const def = actionDef(acc, actionId);
      if (def === null) return 'unknown-action';
      if (!inLeadTime(def, year)) return 'outside-lead-time';
      if (isYearClosed(acc, year)) return 'year-closed';
      if (keyOf(acc, actionId, year) === null) return 'no-funding-key';
      return null;
    }

    case 'SpendingCorrected':
    case 'SpendingReversed': {
      const item = spendingItems(acc).find((i) => i.spendingId === str(e, 'spendingId'));
      if (item === undefined) return 'unknown-spending';
      if (item.reversed) return 'spending-reversed';
      if (isYearClosed(acc, item.year)) return 'year-closed';
      return null;
    }

    case 'YearClosed':
      return isYearClosed(acc, int(e, 'year')) ? 'year-closed' : null;

    default:
      // An unknown type is malformed input (section 2) and never reaches the log.
      throw new Error(`reference model: unknown event type ${e.type}`);
  }
}

/** Replays one region's log (already filtered to that region) and returns outcomes and the accepted events. */
function replayRegion(log: readonly RefEvent[]): { outcomes: RefOutcome[]; accepted: RefEvent[] } {
  const accepted: RefEvent[] = [];
  const outcomes: RefOutcome[] = [];
  for (const e of log) {
    const reason = decide(accepted, e);
    if (reason === null) {
      accepted.push(e);
      outcomes.push({ outcome: 'accepted', reason: null });
    } else {
      outcomes.push({ outcome: 'rejected', reason });
    }
  }
  return { outcomes, accepted };
}

/**
 * Outcome of every event, index-aligned with the input. Each region is processed on its own, in input (log) order.
 * The input is assumed deduplicated (no repeated ids).
 */
export function referenceOutcomes(
  events: RefEvent[],
): Array<{ outcome: 'accepted' | 'rejected'; reason: string | null }> {
  const result = new Array<RefOutcome>(events.length);
  const regions = Array.from(new Set(events.map((e) => e.region)));
  for (const region of regions) {
    const indices: number[] = [];
    events.forEach((e, i) => {
      if (e.region === region) indices.push(i);
    });
    const { outcomes } = replayRegion(indices.map((i) => events[i] as RefEvent));
    indices.forEach((eventIndex, k) => {
      const o = outcomes[k];
      if (o === undefined) throw new Error('reference model: outcome missing');
      result[eventIndex] = o;
    });
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Allocation report (section 4)
// ---------------------------------------------------------------------------------------------------------------

export type RefActionReport = {
  actionId: string;
  title: string;
  budget: string;
  allocated: Record<string, string>;
  unfunded: string;
  spent: Record<string, string>;
  spentTotal: string;
  remaining: string;
  utilisation: string | null;
  overspent: boolean;
  spendingCount: number;
};

export type RefThemeReport = {
  theme: string;
  budget: string;
  allocated: Record<string, string>;
  unfunded: string;
  spent: Record<string, string>;
  spentTotal: string;
  remaining: string;
  actions: RefActionReport[];
};

export type RefFunderReport = {
  funder: string;
  committed: string;
  allocated: string;
  spent: string;
  unallocated: string;
  shortfall: string;
  remaining: string;
};

export type RefReport = {
  region: string;
  year: number;
  closed: boolean;
  asOfPosition: number;
  funders: RefFunderReport[];
  themes: RefThemeReport[];
  totals: {
    committed: string;
    budget: string;
    allocated: string;
    unfunded: string;
    spent: string;
    remaining: string;
  };
};

/** spentTotal / budget rounded half-up to 4 decimals (both non-negative here), or null for a zero budget. */
function utilisation(spentTotal: bigint, budget: bigint): string | null {
  if (budget === 0n) return null;
  // floor(s/b * 10^4 + 1/2) = floor((2 * s * 10^4 + b) / (2b))
  const q = floorDiv(2n * spentTotal * 10_000n + budget, 2n * budget);
  const sign = q < 0n ? '-' : '';
  const abs = q < 0n ? -q : q;
  return `${sign}${(abs / 10_000n).toString()}.${(abs % 10_000n).toString().padStart(4, '0')}`;
}

function zeroPerFunder(funders: readonly string[]): Map<string, bigint> {
  return new Map(funders.map((f) => [f, 0n]));
}

function addInto(target: Map<string, bigint>, add: Map<string, bigint>): void {
  for (const [f, v] of add) target.set(f, (target.get(f) ?? 0n) + v);
}

function perFunderRecord(funders: readonly string[], m: Map<string, bigint>): Record<string, string> {
  return orderedRecord(funders.map((f) => [f, formatCents(m.get(f) ?? 0n)]));
}

function max0(x: bigint): bigint {
  return x > 0n ? x : 0n;
}

/**
 * The section 4 allocation report for `region` and `year`, after the first `asOfPosition` events of the region's log
 * (default: all of them). Keys appear in exactly the contract's order.
 */
export function referenceReport(
  events: RefEvent[],
  region: string,
  year: number,
  asOfPosition?: number,
): RefReport {
  const log = events.filter((e) => e.region === region);
  const n = asOfPosition ?? log.length;
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`asOfPosition must be a non-negative integer: ${n}`);
  // A position past the end reflects the whole log; the report says how many events it actually reflects.
  const position = Math.min(n, log.length);
  const { accepted: acc } = replayRegion(log.slice(0, position));

  const funders = regionFunders(acc) ?? [];
  const items = spendingItems(acc);

  // Per-action figures, recomputed from scratch.
  type ActionFigures = {
    def: ActionDef;
    budget: bigint;
    allocated: Map<string, bigint>;
    unfunded: bigint;
    spent: Map<string, bigint>;
    spentTotal: bigint;
    spendingCount: number;
  };
  const figures: ActionFigures[] = [];
  for (const actionId of definedActionIds(acc)) {
    const def = actionDef(acc, actionId);
    if (def === null || !inLeadTime(def, year)) continue;
    const budget = budgetOf(acc, actionId, year);
    const key = keyOf(acc, actionId, year);
    const allocated = key === null ? zeroPerFunder(funders) : referenceApportion(budget, key);
    const unfunded = key === null ? budget : 0n;
    const active = items.filter((i) => i.actionId === actionId && i.year === year && !i.reversed);
    const spent = zeroPerFunder(funders);
    for (const item of active) {
      // A key once resolvable never stops resolving (keys are only replaced, commitments only grow),
      // and spending needs a key to be accepted; so this cannot happen unless the model is wrong.
      if (key === null) throw new Error(`reference model: active spending ${item.spendingId} without a key`);
      addInto(spent, referenceApportion(item.amountCents, key)); // each item apportioned on its own
    }
    let spentTotal = 0n;
    for (const v of spent.values()) spentTotal += v;
    figures.push({ def, budget, allocated, unfunded, spent, spentTotal, spendingCount: active.length });
  }

  const themes: RefThemeReport[] = THEMES.map((theme) => {
    const mine = figures
      .filter((a) => a.def.theme === theme)
      .sort((a, b) => compareCodePoints(a.def.actionId, b.def.actionId));
    const allocated = zeroPerFunder(funders);
    const spent = zeroPerFunder(funders);
    let budget = 0n;
    let unfunded = 0n;
    let spentTotal = 0n;
    for (const a of mine) {
      addInto(allocated, a.allocated);
      addInto(spent, a.spent);
      budget += a.budget;
      unfunded += a.unfunded;
      spentTotal += a.spentTotal;
    }
    return {
      theme,
      budget: formatCents(budget),
      allocated: perFunderRecord(funders, allocated),
      unfunded: formatCents(unfunded),
      spent: perFunderRecord(funders, spent),
      spentTotal: formatCents(spentTotal),
      remaining: formatCents(budget - spentTotal),
      actions: mine.map((a) => ({
        actionId: a.def.actionId,
        title: a.def.title,
        budget: formatCents(a.budget),
        allocated: perFunderRecord(funders, a.allocated),
        unfunded: formatCents(a.unfunded),
        spent: perFunderRecord(funders, a.spent),
        spentTotal: formatCents(a.spentTotal),
        remaining: formatCents(a.budget - a.spentTotal),
        utilisation: utilisation(a.spentTotal, a.budget),
        overspent: a.spentTotal > a.budget,
        spendingCount: a.spendingCount,
      })),
    };
  });

  const funderRows: RefFunderReport[] = funders.map((f) => {
    const committed = committedOf(acc, f, year);
    let allocated = 0n;
    let spent = 0n;
    for (const a of figures) {
      allocated += a.allocated.get(f) ?? 0n;
      spent += a.spent.get(f) ?? 0n;
    }
    return {
      funder: f,
      committed: formatCents(committed),
      allocated: formatCents(allocated),
      spent: formatCents(spent),
      unallocated: formatCents(max0(committed - allocated)),
      shortfall: formatCents(max0(allocated - committed)),
      remaining: formatCents(allocated - spent),
    };
  });

  let tCommitted = 0n;
  let tAllocated = 0n;
  for (const f of funders) {
    tCommitted += committedOf(acc, f, year);
    for (const a of figures) tAllocated += a.allocated.get(f) ?? 0n;
  }
  let tBudget = 0n;
  let tUnfunded = 0n;
  let tSpent = 0n;
  for (const a of figures) {
    tBudget += a.budget;
    tUnfunded += a.unfunded;
    tSpent += a.spentTotal;
  }

  return {
    region,
    year,
    closed: isYearClosed(acc, year),
    asOfPosition: position,
    funders: funderRows,
    themes,
    totals: {
      committed: formatCents(tCommitted),
      budget: formatCents(tBudget),
      allocated: formatCents(tAllocated),
      unfunded: formatCents(tUnfunded),
      spent: formatCents(tSpent),
      remaining: formatCents(tBudget - tSpent),
    },
  };
}
