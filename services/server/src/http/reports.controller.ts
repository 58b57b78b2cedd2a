//! Reads: the allocation report (JSON or CSV) and a region's history as NDJSON (CONTRACT section 8).
import {
  Controller,
  ForbiddenException,
  Get,
  Inject,
  Param,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Response } from 'express';
import Negotiator from 'negotiator';
import { z } from 'zod';
import { allocationReportCsv, mayReadHistory, type BudgetStore } from '@budget/application';
import { AuthGuard, type AuthenticatedRequest } from './auth.guard';
import { STORE } from './tokens';
import { allowedRegion, fromPosition, parseQuery, position, year } from './web-access';

/**
 * Whether an Accept header prefers CSV to JSON for the report. As HTTP has it (quality values, any case, `*` ranges),
 * but a media range's parameters other than `q` are not matched: `text/csv; charset=utf-8` and
 * `text/csv; header=present` ask for CSV, which is served as UTF-8 with a header row. (Express's `accepts` would
 * match them only to a type offered with the same parameters, and so answer JSON.)
 */
export function prefersCsv(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  const ranges = accept.split(',').map((range) => {
    const [type = '', ...parameters] = range.split(';');
    const quality = parameters.find((p) => /^\s*q\s*=/i.test(p));
    return quality === undefined ? type.trim() : `${type.trim()};${quality.trim()}`;
  });
  const negotiator = new Negotiator({ headers: { accept: ranges.join(', ') } });
  return negotiator.mediaType(['application/json', 'text/csv']) === 'text/csv';
}

export const reportQuery = z.object({
  year,
  asOfPosition: position.optional(),
});
export const historyQuery = z.object({
  fromPosition: fromPosition.optional(),
});

@Controller('api/v1/regions/:region')
@UseGuards(AuthGuard)
export class ReportsController {
  constructor(@Inject(STORE) private readonly store: BudgetStore) {}

  @Get('reports/allocation')
  async allocation(
    @Req() request: AuthenticatedRequest,
    @Param('region') regionParam: string,
    @Query() query: unknown,
    @Res() response: Response,
  ): Promise<void> {
    const name = allowedRegion(request.token, regionParam);
    const q = parseQuery(reportQuery, query);
    const report = await this.store.allocationReport(name, q.year, q.asOfPosition);
    // JSON unless CSV is preferred.
    if (prefersCsv(request.headers.accept)) {
      response
        .type('text/csv; charset=utf-8')
        .setHeader('Content-Disposition', `attachment; filename="allocation-${name}-${q.year}.csv"`);
      response.send(allocationReportCsv(report));
      return;
    }
    response.json(report);
  }

  @Get('history')
  async history(
    @Req() request: AuthenticatedRequest,
    @Param('region') regionParam: string,
    @Query() query: unknown,
    @Res() response: Response,
  ): Promise<void> {
    const name = allowedRegion(request.token, regionParam);
    if (!mayReadHistory(request.token.role)) {
      throw new ForbiddenException({
        error: 'forbidden',
        message: `the role ${request.token.role} may not read history`,
      });
    }
    const q = parseQuery(historyQuery, query);
    const records = this.store.history(name, q.fromPosition ?? 1)[Symbol.asyncIterator]();
    // The first record is read before any byte is sent, so an unknown region still gets a proper 404.
    let next = await records.next();
    response.type('application/x-ndjson; charset=utf-8');
    let chunk = '';
    while (next.done !== true) {
      chunk += `${JSON.stringify(next.value)}\n`;
      if (chunk.length > 1 << 16) {
        if (!response.write(chunk)) await new Promise((resolve) => response.once('drain', resolve));
        chunk = '';
      }
      next = await records.next();
    }
    response.end(chunk);
  }
}
