//! POST /api/v1/events: the same as `budget import`, for NDJSON or a JSON array (CONTRACT section 8).
import { Body, Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import {
  lineErrorsBody,
  mayUseRegion,
  mayWrite,
  writesAnything,
  type BudgetStore,
  type LineError,
} from '@budget/application';
import { validateLine } from '@budget/domain';
import { AuthGuard, type AuthenticatedRequest } from './auth.guard';
import { bodyLines, isJsonBody } from './body-lines';
import { forbidden } from './web-access';
import { BadRequestBody, STORE } from './tokens';

@Controller('api/v1/events')
@UseGuards(AuthGuard)
export class EventsController {
  constructor(@Inject(STORE) private readonly store: BudgetStore) {}

  @Post()
  @HttpCode(200)
  async append(@Req() request: AuthenticatedRequest, @Body() body: unknown): Promise<unknown> {
    const token = request.token;
    if (!writesAnything(token.role)) throw forbidden(`the role ${token.role} may not send events`);
    const lines = bodyLines(body, isJsonBody(request));
    const errors: LineError[] = [];
    const denied: string[] = [];
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      const result = validateLine(line);
      if (!result.ok) errors.push({ line: index + 1, issues: result.issues });
      else if (!mayWrite(token.role, result.event.type))
        denied.push(`line ${index + 1}: the role ${token.role} may not send ${result.event.type}`);
      else if (!mayUseRegion(token, result.event.region))
        denied.push(`line ${index + 1}: this token may not write to region ${result.event.region}`);
    });
    // Malformed lines answer 400 before the token's rights are judged. With no line denied, the import itself judges
    // the input, so a refused one lists every bad line exactly as `budget import` would, ids that conflict with the
    // log included (it appends nothing then); a token's denied lines are never compared with the log.
    if (errors.length > 0 && denied.length > 0) throw new BadRequestBody(lineErrorsBody(errors));
    if (denied.length > 0) throw forbidden(denied.slice(0, 100).join('; '));
    const result = await this.store.importLines(async function* () {
      await Promise.resolve();
      yield* lines;
    });
    if (!result.ok) throw new BadRequestBody(lineErrorsBody(result.errors));
    const { appended, alreadyPresent, accepted, rejected } = result.counts;
    return { appended, alreadyPresent, accepted, rejected };
  }
}
