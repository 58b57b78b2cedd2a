//! GET /api/v1/me, /api/v1/regions and /api/v1/province/allocation: who is signed in, what they may see.
import { Controller, Get, Inject, Query, Req, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { mayReadHistory, mayUseRegion, mayWrite, type BudgetStore, type Role } from '@budget/application';
import { EVENT_TYPES, THEMES, type AllocationReport, type EventType, type Theme } from '@budget/domain';
import { AuthGuard, type AuthenticatedRequest } from './auth.guard';
import { REGION_VIEWS, RegionViews, sumAmounts } from './region-views';
import { STORE } from './tokens';
import { parseQuery, year } from './web-access';

export interface Me {
  name: string;
  role: Role;
  regions: string[];
  writes: EventType[];
  readsHistory: boolean;
}

export interface RegionSummary {
  region: string;
  name: string | null;
  funders: { id: string; name: string }[];
  length: number;
}

const TOTAL_FIELDS = ['committed', 'budget', 'allocated', 'unfunded', 'spent', 'remaining'] as const;

type Totals = AllocationReport['totals'];

/** GET /api/v1/province/allocation: the regions' reports of one year added up. */
export interface ProvinceReport {
  year: number;
  regions: {
    region: string;
    closed: boolean;
    asOfPosition: number;
    totals: Totals;
    overspentActions: string[];
  }[];
  /** Funders stay per region: a funder id names a municipality's grant within its own region only. */
  funders: (AllocationReport['funders'][number] & { region: string })[];
  themes: {
    theme: Theme;
    budget: string;
    allocated: string;
    unfunded: string;
    spentTotal: string;
    remaining: string;
    actionCount: number;
  }[];
  totals: Totals;
}

/** The regions' reports for one year added up: per region, per theme and in total (funders stay per region). */
function provinceReport(year: number, reports: AllocationReport[]): ProvinceReport {
  const sum = (pick: (r: AllocationReport) => string): string => sumAmounts(reports.map(pick));
  const totals = Object.fromEntries(TOTAL_FIELDS.map((f) => [f, sum((r) => r.totals[f])])) as Totals;
  const themes = THEMES.map((theme) => {
    const of = (r: AllocationReport): NonNullable<AllocationReport['themes'][number]> | undefined =>
      r.themes.find((t) => t.theme === theme);
    return {
      theme,
      budget: sum((r) => of(r)?.budget ?? '0.00'),
      allocated: sumAmounts(reports.flatMap((r) => Object.values(of(r)?.allocated ?? {}))),
      unfunded: sum((r) => of(r)?.unfunded ?? '0.00'),
      spentTotal: sum((r) => of(r)?.spentTotal ?? '0.00'),
      remaining: sum((r) => of(r)?.remaining ?? '0.00'),
      actionCount: reports.reduce((n, r) => n + (of(r)?.actions.length ?? 0), 0),
    };
  });
  return {
    year,
    regions: reports.map((r) => ({
      region: r.region,
      closed: r.closed,
      asOfPosition: r.asOfPosition,
      totals: r.totals,
      overspentActions: r.themes.flatMap((t) => t.actions.filter((a) => a.overspent).map((a) => a.actionId)),
    })),
    funders: reports.flatMap((r) => r.funders.map((f) => ({ region: r.region, ...f }))),
    themes,
    totals,
  };
}

@Controller('api/v1')
@UseGuards(AuthGuard)
export class MeController {
  constructor(
    @Inject(STORE) private readonly store: BudgetStore,
    @Inject(REGION_VIEWS) private readonly views: RegionViews,
  ) {}

  @Get('me')
  me(@Req() request: AuthenticatedRequest): Me {
    const { name, role, regions } = request.token;
    return {
      name,
      role,
      regions,
      writes: EVENT_TYPES.filter((type) => mayWrite(role, type)),
      readsHistory: mayReadHistory(role),
    };
  }

  @Get('regions')
  async regions(@Req() request: AuthenticatedRequest): Promise<RegionSummary[]> {
    const names = (await this.store.regions()).filter((r) => mayUseRegion(request.token, r));
    const summaries: RegionSummary[] = [];
    for (const region of names) {
      const { config, length } = await this.views.summary(region);
      summaries.push({
        region,
        name: config?.name ?? null,
        funders: (config?.funders ?? []).map((f) => ({ id: f.id, name: f.name })),
        length,
      });
    }
    return summaries;
  }

  @Get('province/allocation')
  async province(@Req() request: AuthenticatedRequest, @Query() query: unknown): Promise<ProvinceReport> {
    const { year: wanted } = parseQuery(z.object({ year }), query);
    const names = (await this.store.regions()).filter((r) => mayUseRegion(request.token, r));
    const reports: AllocationReport[] = [];
    for (const region of names) reports.push(await this.store.allocationReport(region, wanted));
    return provinceReport(wanted, reports);
  }
}
