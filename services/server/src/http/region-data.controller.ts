//! Region reads the web app needs: actions and their lead times, spending items, the trial balance, the hash-chain
//! status and provenance (the events behind a figure).
import { Controller, Get, Inject, Param, Query, Req, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import {
  UserError,
  checkAsOfPosition,
  verifyHistory,
  type BudgetStore,
  type VerifyResult,
} from '@budget/application';
import {
  EVENT_TYPES,
  formatCents,
  resolveKey,
  type LogRecord,
  type TrialBalance,
  type Theme,
} from '@budget/domain';
import { AuthGuard, type AuthenticatedRequest } from './auth.guard';
import { REGION_VIEWS, RegionViews, type SpendingView } from './region-views';
import { STORE } from './tokens';
import {
  allowedRegion,
  fromPosition,
  identifier,
  parseQuery,
  position,
  queryChoice,
  queryText,
  requireHistoryReader,
  year,
} from './web-access';

export interface ActionSummary {
  actionId: string;
  theme: Theme;
  title: string;
  startYear: number;
  endYear: number;
  /** Whether the action's lead time includes the year asked for. */
  inLeadTime: boolean;
  budget: string;
  /** Whether spending of this action in the year can be apportioned (CONTRACT section 3, key resolution). */
  hasFundingKey: boolean;
  intendedResult: string;
  partners: string[];
  /** Years with a budget above zero or an active spending item: a new definition must keep them (section 3). */
  usedYears: number[];
}

export interface RegionActions {
  region: string;
  year: number;
  closed: boolean;
  closedYears: number[];
  /** The region's name, or null while it is not configured. */
  regionName: string | null;
  funders: { id: string; name: string; municipalities: string[] }[];
  actions: ActionSummary[];
  asOfPosition: number;
}

/** The largest page of the history one request answers. */
export const MAX_HISTORY_PAGE = 500;

const LIMIT = `a whole number from 1 to ${MAX_HISTORY_PAGE}`;
const ACTOR = 'part of an actor, 1 to 256 characters';

export const historyPageQuery = z.object({
  fromPosition: fromPosition.optional(),
  toPosition: position.optional(),
  limit: queryText(LIMIT)
    .regex(/^\d{1,3}$/, `must be ${LIMIT}`)
    .transform(Number)
    .pipe(z.number().min(1, `must be ${LIMIT}`).max(MAX_HISTORY_PAGE, `must be ${LIMIT}`))
    .optional(),
  type: queryChoice(EVENT_TYPES).optional(),
  actionId: identifier.optional(),
  funder: identifier.optional(),
  actor: queryText(ACTOR).min(1, `must be ${ACTOR}`).max(256, `must be ${ACTOR}`).optional(),
  outcome: queryChoice(['accepted', 'rejected']).optional(),
});
/** GET …/spending?year=Y: the year's spending items, active or not, by id. */
export interface SpendingList {
  region: string;
  year: number;
  items: SpendingView[];
}

/** GET …/provenance: the records behind a figure (at most a page of them: `truncated` says there are more). */
export interface Provenance {
  region: string;
  year: number;
  actionId: string | null;
  funder: string | null;
  records: LogRecord[];
  truncated: boolean;
}

export type HistoryPageQuery = z.infer<typeof historyPageQuery>;

export interface HistoryPage {
  region: string;
  /** At most `limit` records that match the filters, from `fromPosition` on, in log order. */
  records: LogRecord[];
  /** The position of the next matching record (ask again from there), or null when there is none. */
  nextPosition: number | null;
}

/** The funders an event names: a commitment's funder, a key's funders, a configuration's funders. */
function fundersOf(record: LogRecord): string[] {
  switch (record.type) {
    case 'FundingCommitted':
      return [record.data.funder];
    case 'FundingKeySet':
      return Object.keys(record.data.shares);
    case 'RegionConfigured':
      return record.data.funders.map((f) => f.id);
    default:
      return [];
  }
}

/** The action an event concerns: its own actionId, or (corrections, reversals) that of its spending item. */
function actionOf(record: LogRecord, spending: ReadonlyMap<string, SpendingView>): string | undefined {
  switch (record.type) {
    case 'ActionDefined':
    case 'BudgetSet':
    case 'SpendingRecorded':
      return record.data.actionId;
    case 'FundingKeySet':
      return record.data.actionId ?? undefined;
    case 'SpendingCorrected':
    case 'SpendingReversed':
      return spending.get(record.data.spendingId)?.actionId;
    default:
      return undefined;
  }
}

/** Whether a record passes the history filters (the position range is applied by the caller). */
export function matchesHistoryFilters(
  record: LogRecord,
  q: HistoryPageQuery,
  spending: ReadonlyMap<string, SpendingView>,
): boolean {
  return (
    (q.type === undefined || record.type === q.type) &&
    (q.outcome === undefined || record.outcome === q.outcome) &&
    (q.actor === undefined || record.actor.toLowerCase().includes(q.actor.toLowerCase())) &&
    (q.funder === undefined || fundersOf(record).includes(q.funder)) &&
    (q.actionId === undefined || actionOf(record, spending) === q.actionId)
  );
}

/** At most this many records answer one provenance question. */
const MAX_PROVENANCE = 10_000;

const provenanceQuery = z
  .object({
    year,
    actionId: identifier.optional(),
    funder: identifier.optional(),
    asOfPosition: position.optional(),
  })
  .refine((q) => (q.actionId === undefined) !== (q.funder === undefined), {
    error: 'give either actionId or funder',
  });
type ProvenanceQuery = z.infer<typeof provenanceQuery>;

/** Whether a record bears on the figures of (action, year) or of (funder, year). */
function concerns(
  record: LogRecord,
  q: ProvenanceQuery,
  itemYears: Map<string, { actionId: string; year: number }>,
): boolean {
  const { year: y, actionId } = q;
  switch (record.type) {
    case 'RegionConfigured':
      return true;
    case 'ActionDefined':
      return actionId === undefined || record.data.actionId === actionId;
    case 'FundingCommitted':
      // Every funder's commitments of the year, also for one funder's figures: under a pro-rata key (CONTRACT
      // section 3) a funder's share of each budget is its commitment over all of them.
      return record.data.year === y;
    case 'BudgetSet':
      return record.data.year === y && (actionId === undefined || record.data.actionId === actionId);
    case 'FundingKeySet': {
      const keyAction = record.data.actionId ?? undefined;
      return (
        record.data.year === y &&
        (actionId === undefined || keyAction === undefined || keyAction === actionId)
      );
    }
    case 'SpendingRecorded':
      return record.data.year === y && (actionId === undefined || record.data.actionId === actionId);
    case 'SpendingCorrected':
    case 'SpendingReversed': {
      const item = itemYears.get(record.data.spendingId);
      return item !== undefined && item.year === y && (actionId === undefined || item.actionId === actionId);
    }
    case 'YearClosed':
      return record.data.year === y;
    default: {
      const unreachable: never = record;
      throw new Error(`unknown record ${JSON.stringify(unreachable)}`);
    }
  }
}

@Controller('api/v1/regions/:region')
@UseGuards(AuthGuard)
export class RegionDataController {
  constructor(
    @Inject(STORE) private readonly store: BudgetStore,
    @Inject(REGION_VIEWS) private readonly views: RegionViews,
  ) {}

  @Get('actions')
  async actions(
    @Req() request: AuthenticatedRequest,
    @Param('region') regionParam: string,
    @Query() query: unknown,
  ): Promise<RegionActions> {
    const region = allowedRegion(request.token, regionParam);
    const { year: y } = parseQuery(z.object({ year }), query);
    const view = await this.views.current(region);
    const state = view.log.state;
    const actions = [...state.actions.values()]
      .map((action): ActionSummary => {
        const d = action.definition;
        return {
          actionId: d.actionId,
          theme: d.theme,
          title: d.title,
          startYear: d.startYear,
          endYear: d.endYear,
          inLeadTime: d.startYear <= y && y <= d.endYear,
          budget: formatCents(action.years.get(y)?.budgetCents ?? 0n),
          hasFundingKey: resolveKey(state, d.actionId, y) !== undefined,
          intendedResult: d.intendedResult,
          partners: [...d.partners],
          usedYears: [...action.years]
            .filter(([, entry]) => entry.budgetCents > 0n || entry.activeCount > 0)
            .map(([used]) => used)
            .sort((a, b) => a - b),
        };
      })
      .sort((a, b) => (a.actionId < b.actionId ? -1 : a.actionId > b.actionId ? 1 : 0));
    return {
      region,
      year: y,
      closed: state.closedYears.has(y),
      closedYears: [...state.closedYears].sort((a, b) => a - b),
      regionName: state.config?.name ?? null,
      funders: (state.config?.funders ?? []).map((f) => ({
        id: f.id,
        name: f.name,
        municipalities: [...f.municipalities],
      })),
      actions,
      asOfPosition: view.log.length,
    };
  }

  @Get('spending')
  async spending(
    @Req() request: AuthenticatedRequest,
    @Param('region') regionParam: string,
    @Query() query: unknown,
  ): Promise<SpendingList> {
    const region = allowedRegion(request.token, regionParam);
    const { year: y } = parseQuery(z.object({ year }), query);
    const view = await this.views.current(region);
    const items = [...view.spending.values()]
      .filter((item) => item.year === y)
      .sort((a, b) => (a.spendingId < b.spendingId ? -1 : a.spendingId > b.spendingId ? 1 : 0));
    return { region, year: y, items };
  }

  @Get('reports/trial-balance')
  async trialBalance(
    @Req() request: AuthenticatedRequest,
    @Param('region') regionParam: string,
    @Query() query: unknown,
  ): Promise<TrialBalance> {
    const region = allowedRegion(request.token, regionParam);
    const { year: y } = parseQuery(z.object({ year }), query);
    return this.store.trialBalance(region, y);
  }

  @Get('history/verify')
  async verify(
    @Req() request: AuthenticatedRequest,
    @Param('region') regionParam: string,
  ): Promise<VerifyResult> {
    const region = allowedRegion(request.token, regionParam);
    requireHistoryReader(request.token);
    const records = this.store.history(region);
    return verifyHistory(
      (async function* () {
        for await (const record of records) yield JSON.stringify(record);
      })(),
    );
  }

  /**
   * One page of the history, filtered here (type, action, funder, actor, outcome, position range), as JSON. The
   * contract's `GET history` keeps its meaning: the whole log as NDJSON.
   */
  @Get('history/page')
  async historyPage(
    @Req() request: AuthenticatedRequest,
    @Param('region') regionParam: string,
    @Query() query: unknown,
  ): Promise<HistoryPage> {
    const region = allowedRegion(request.token, regionParam);
    requireHistoryReader(request.token);
    const q = parseQuery(historyPageQuery, query);
    const limit = q.limit ?? 50;
    // Corrections and reversals name only their spending item; the view knows each item's action.
    const view = await this.views.current(region);
    // The same answer over either store: a region without events is unknown (404), not an empty page.
    if (view.log.length === 0) throw new UserError(`region ${region} has no events`, 'unknown-region');
    const spending = view.spending;
    const records: LogRecord[] = [];
    let nextPosition: number | null = null;
    for await (const record of this.store.history(region, q.fromPosition ?? 1)) {
      if (q.toPosition !== undefined && record.position > q.toPosition) break;
      if (!matchesHistoryFilters(record, q, spending)) continue;
      if (records.length === limit) {
        nextPosition = record.position;
        break;
      }
      records.push(record);
    }
    return { region, records, nextPosition };
  }

  @Get('provenance')
  async provenance(
    @Req() request: AuthenticatedRequest,
    @Param('region') regionParam: string,
    @Query() query: unknown,
  ): Promise<Provenance> {
    const region = allowedRegion(request.token, regionParam);
    requireHistoryReader(request.token);
    const q = parseQuery(provenanceQuery, query);
    const itemYears = new Map<string, { actionId: string; year: number }>();
    const records: LogRecord[] = [];
    let truncated = false;
    let length = 0;
    for await (const record of this.store.history(region)) {
      length = record.position;
      if (q.asOfPosition !== undefined && record.position > q.asOfPosition) break;
      if (record.type === 'SpendingRecorded' && record.outcome === 'accepted') {
        itemYears.set(record.data.spendingId, { actionId: record.data.actionId, year: record.data.year });
      }
      if (!concerns(record, q, itemYears)) continue;
      if (records.length === MAX_PROVENANCE) {
        truncated = true;
        break;
      }
      records.push(record);
    }
    // A position past the end of the log is refused, as the report refuses it, rather than answered as the latest.
    if (!truncated) checkAsOfPosition(region, q.asOfPosition, length);
    return {
      region,
      year: q.year,
      actionId: q.actionId ?? null,
      funder: q.funder ?? null,
      records,
      truncated,
    };
  }
}
