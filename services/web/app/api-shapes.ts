//! The shapes the app reads from the HTTP API. Types only (nothing here reaches the bundle), kept apart from the
//! client so the server can check at compile time that what it sends fits them
//! (`services/server/src/http/web-client-shapes.ts`).

export interface Me {
  name: string;
  role: 'finance-officer' | 'controller' | 'administrator' | 'auditor';
  regions: string[];
  writes: string[];
  readsHistory: boolean;
}

export interface RegionSummary {
  region: string;
  name: string | null;
  funders: { id: string; name: string }[];
  length: number;
}

export interface ActionSummary {
  actionId: string;
  theme: string;
  title: string;
  startYear: number;
  endYear: number;
  inLeadTime: boolean;
  budget: string;
  hasFundingKey: boolean;
  intendedResult: string;
  partners: string[];
  /** Years with a budget above zero or an active spending item. */
  usedYears: number[];
}

export interface RegionActions {
  region: string;
  year: number;
  closed: boolean;
  closedYears: number[];
  regionName: string | null;
  funders: { id: string; name: string; municipalities: string[] }[];
  actions: ActionSummary[];
}

/** One page of the history, filtered by the server. */
export interface HistoryPage {
  region: string;
  records: LogRecord[];
  nextPosition: number | null;
}

export interface SpendingItem {
  spendingId: string;
  actionId: string;
  year: number;
  amount: string;
  bookedOn: string;
  payee: string;
  invoiceRef: string | null;
  description: string | null;
  active: boolean;
}

/** GET …/spending?year=Y: the year's items, active or not. */
export interface SpendingList {
  items: SpendingItem[];
}

/** GET …/provenance: the records behind a figure, at most a page of them. */
export interface Provenance {
  records: LogRecord[];
  truncated: boolean;
}

export interface DryRunLine {
  line: number;
  id: string | null;
  type: string | null;
  outcome: 'accepted' | 'rejected' | 'already-present' | 'malformed' | 'forbidden';
  issues: { reason: string; field: string; detail: string }[];
}

export interface DryRun {
  ok: boolean;
  counts: Record<DryRunLine['outcome'], number>;
  lines: DryRunLine[];
}

export interface ImportCounts {
  appended: number;
  alreadyPresent: number;
  accepted: number;
  rejected: number;
}

export interface ActionReport {
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
}

export interface FunderReport {
  funder: string;
  committed: string;
  allocated: string;
  spent: string;
  unallocated: string;
  shortfall: string;
  remaining: string;
}

export interface AllocationReport {
  region: string;
  year: number;
  closed: boolean;
  asOfPosition: number;
  funders: FunderReport[];
  themes: {
    theme: string;
    budget: string;
    allocated: Record<string, string>;
    unfunded: string;
    spent: Record<string, string>;
    spentTotal: string;
    remaining: string;
    actions: ActionReport[];
  }[];
  totals: Record<'committed' | 'budget' | 'allocated' | 'unfunded' | 'spent' | 'remaining', string>;
}

export interface TrialBalance {
  region: string;
  year: number;
  rows: { account: string; debit: string; credit: string }[];
  totals: { debit: string; credit: string };
  balanced: boolean;
}

export interface LogRecord {
  id: string;
  region: string;
  type: string;
  occurredAt: string;
  actor: string;
  data: Record<string, unknown>;
  position: number;
  recordedAt: string;
  outcome: 'accepted' | 'rejected';
  reason: string | null;
  prevHash: string;
  hash: string;
}

export interface ProvinceReport {
  year: number;
  regions: {
    region: string;
    closed: boolean;
    asOfPosition: number;
    totals: AllocationReport['totals'];
    overspentActions: string[];
  }[];
  funders: (FunderReport & { region: string })[];
  themes: {
    theme: string;
    budget: string;
    allocated: string;
    unfunded: string;
    spentTotal: string;
    remaining: string;
  }[];
  totals: AllocationReport['totals'];
}
