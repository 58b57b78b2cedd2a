//! POST /api/v1/events: the same as `budget import`, for NDJSON or a JSON array (CONTRACT section 8).
import { Body, Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import {
  lineErrorsBody,
  MAX_LISTED_ERRORS,
  lineClaims,
  mayUseRegion,
  mayWrite,
  writesAnything,
  type BudgetStore,
  type ImportCounts,
  type LineError,
  type TokenEntry,
} from '@budget/application';
import { validateLine } from '@budget/domain';
import { AuthGuard, type AuthenticatedRequest } from './auth.guard';
import { bodyKind, bodyLines, MAX_REQUEST_REGIONS, tooManyRegions } from './body-lines';
import { forbidden } from './web-access';
import { BadRequestBody, REQUEST_LIMITS, STORE, type RequestLimits } from './tokens';

/** The 200 answer of POST /api/v1/events: the counts of CONTRACT section 8 (the import's `events` is not among them). */
export type AppendedCounts = Pick<ImportCounts, 'appended' | 'alreadyPresent' | 'accepted' | 'rejected'>;

@Controller('api/v1/events')
@UseGuards(AuthGuard)
export class EventsController {
  constructor(
    @Inject(STORE) private readonly store: BudgetStore,
    @Inject(REQUEST_LIMITS) private readonly limits: RequestLimits,
  ) {}

  @Post()
  @HttpCode(200)
  async append(@Req() request: AuthenticatedRequest, @Body() body: unknown): Promise<AppendedCounts> {
    const token = request.token;
    if (!writesAnything(token.role)) throw forbidden(`the role ${token.role} may not send events`);
    const lines = bodyLines(body, bodyKind(request), this.limits.maxLines);
    // Most bodies have no line the token may not send: the import alone then validates them (once). A valid line
    // claims its own type and region, so looking at the claims finds every line that would be denied.
    const regions = new Set<string>();
    let mayBeDenied = false;
    for (const line of lines) {
      const claims = lineClaims(line);
      if (claims === undefined) continue;
      if (!mayWrite(token.role, claims.type) || !mayUseRegion(token, claims.region)) mayBeDenied = true;
      else regions.add(claims.region);
    }
    // Rights first (400 for malformed lines, then 403), then the number of regions, as the dry run judges them.
    const countRegions = regions.size > MAX_REQUEST_REGIONS;
    if (mayBeDenied || countRegions) this.refuseBeforeImport(token, lines, countRegions);
    const result = await this.store.importLines(
      async function* () {
        await Promise.resolve();
        yield* lines;
      },
      { maxErrors: MAX_LISTED_ERRORS },
    );
    if (!result.ok) throw new BadRequestBody(lineErrorsBody(result.errors, result.errorCount));
    const { appended, alreadyPresent, accepted, rejected } = result.counts;
    return { appended, alreadyPresent, accepted, rejected };
  }

  /**
   * For a body with a line the token may not send, or with lines for more regions than one request may send for:
   * validates every line once and judges the valid ones. Malformed lines answer 400 before anything else is judged
   * (as the import would list them), but a body whose only problem is malformed lines is left to the import; a
   * denied valid line answers 403; valid lines for too many regions answer 400 `too-many-regions`. When none of
   * these holds it returns and the import judges the input, so a refused one lists every bad line exactly as
   * `budget import` would, ids that conflict with the log included (it appends nothing then); a token's denied lines
   * are never compared with the log.
   */
  private refuseBeforeImport(token: TokenEntry, lines: readonly string[], countRegions: boolean): void {
    const errors: LineError[] = [];
    const denied: string[] = [];
    const regions = new Set<string>();
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      const result = validateLine(line);
      if (!result.ok) errors.push({ line: index + 1, issues: result.issues });
      else if (!mayWrite(token.role, result.event.type))
        denied.push(`line ${index + 1}: the role ${token.role} may not send ${result.event.type}`);
      else if (!mayUseRegion(token, result.event.region))
        denied.push(`line ${index + 1}: this token may not write to region ${result.event.region}`);
      else regions.add(result.event.region);
    });
    const tooManyRegionsHere = countRegions && regions.size > MAX_REQUEST_REGIONS;
    if (errors.length > 0 && (denied.length > 0 || countRegions))
      throw new BadRequestBody(lineErrorsBody(errors.slice(0, MAX_LISTED_ERRORS), errors.length));
    if (denied.length > 0) throw forbidden(denied.slice(0, 100).join('; '));
    if (tooManyRegionsHere) throw tooManyRegions();
  }
}
