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
import { z } from 'zod';
import {
  allocationReportCsv,
  mayReadHistory,
  mayUseRegion,
  type BudgetStore,
  type TokenEntry,
} from '@budget/application';
import { IDENTIFIER_PATTERN } from '@budget/domain';
import { AuthGuard, type AuthenticatedRequest } from './auth.guard';
import { BadRequestBody, STORE } from './tokens';

const region = z.string().regex(IDENTIFIER_PATTERN);
export const reportQuery = z.object({
  year: z
    .string()
    .regex(/^\d{4}$/, 'year must be a year from 2000 to 2100')
    .transform(Number)
    .pipe(z.number().min(2000).max(2100)),
  asOfPosition: z
    .string()
    .regex(/^(0|[1-9]\d{0,14})$/, 'asOfPosition must be a whole number from 0')
    .transform(Number)
    .optional(),
});
export const historyQuery = z.object({
  fromPosition: z
    .string()
    .regex(/^[1-9]\d{0,14}$/, 'fromPosition must be a whole number from 1')
    .transform(Number)
    .optional(),
});

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new BadRequestBody(result.error.issues.map((i) => i.message).join('; '));
  return result.data;
}

function checkRegion(token: TokenEntry, value: string): string {
  const name = parse(region, value);
  if (!mayUseRegion(token, name))
    throw new ForbiddenException({ error: 'forbidden', message: `this token may not read region ${name}` });
  return name;
}

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
    const name = checkRegion(request.token, regionParam);
    const { year, asOfPosition } = parse(reportQuery, query);
    const report = await this.store.allocationReport(name, year, asOfPosition);
    // Content negotiation as HTTP has it (quality values, any case): JSON unless CSV is preferred.
    if (request.accepts(['application/json', 'text/csv']) === 'text/csv') {
      response
        .type('text/csv; charset=utf-8')
        .setHeader('Content-Disposition', `attachment; filename="allocation-${name}-${year}.csv"`);
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
    const name = checkRegion(request.token, regionParam);
    if (!mayReadHistory(request.token.role)) {
      throw new ForbiddenException({
        error: 'forbidden',
        message: `the role ${request.token.role} may not read history`,
      });
    }
    const { fromPosition } = parse(historyQuery, query);
    const records = this.store.history(name, fromPosition ?? 1)[Symbol.asyncIterator]();
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
