//! POST /api/v1/events/validate: a dry run of POST /api/v1/events. Every line is validated as `budget import`
//! does, checked against the token's rights, compared with the ids in the log, and decided against a copy of the
//! region's state, so the web app can show every error by line before anything is appended. Nothing is written.
import { Body, Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { mayUseRegion, mayWrite, writesAnything } from '@budget/application';
import {
  describeIssue,
  eventContent,
  sha256Hex,
  validateLine,
  type BudgetEvent,
  type RegionLog,
} from '@budget/domain';
import { AuthGuard, type AuthenticatedRequest } from './auth.guard';
import { bodyKind, bodyLines, MAX_DRY_RUN_LINES, MAX_DRY_RUN_REGIONS, tooManyRegions } from './body-lines';
import { REGION_VIEWS, RegionViews } from './region-views';
import { forbidden } from './web-access';

export type DryRunOutcome = 'accepted' | 'rejected' | 'already-present' | 'malformed' | 'forbidden';

export interface DryRunLine {
  line: number;
  id: string | null;
  type: string | null;
  outcome: DryRunOutcome;
  issues: { reason: string; field: string; detail: string }[];
}

export interface DryRunResult {
  /** True when POST /api/v1/events would append every line and accept every event. */
  ok: boolean;
  counts: Record<DryRunOutcome, number>;
  lines: DryRunLine[];
}

interface Scratch {
  log: RegionLog;
  /** Ids in the log, and ids seen earlier in this input: id -> SHA-256 of the event's content. */
  logIds: ReadonlyMap<string, string>;
  /** The rejected events of the log: id -> reason. */
  logRejected: ReadonlyMap<string, string>;
  inputIds: Map<string, string>;
}

@Controller('api/v1/events/validate')
@UseGuards(AuthGuard)
export class ValidateController {
  constructor(@Inject(REGION_VIEWS) private readonly views: RegionViews) {}

  @Post()
  @HttpCode(200)
  async validate(@Req() request: AuthenticatedRequest, @Body() body: unknown): Promise<DryRunResult> {
    const token = request.token;
    if (!writesAnything(token.role)) throw forbidden(`the role ${token.role} may not send events`);
    const lines = bodyLines(body, bodyKind(request), MAX_DRY_RUN_LINES);
    const scratches = new Map<string, Scratch>();
    const result: DryRunLine[] = [];
    const now = new Date().toISOString();
    for (const [index, text] of lines.entries()) {
      if (text.trim() === '') continue;
      const line = index + 1;
      const validation = validateLine(text);
      if (!validation.ok) {
        const issues = validation.issues.map((i) => ({
          reason: i.reason,
          field: i.field,
          detail: describeIssue(i),
        }));
        result.push({ line, id: null, type: null, outcome: 'malformed', issues });
        continue;
      }
      const event = validation.event;
      const refusal = !mayWrite(token.role, event.type)
        ? `the role ${token.role} may not send ${event.type}`
        : !mayUseRegion(token, event.region)
          ? `this token may not write to region ${event.region}`
          : undefined;
      if (refusal !== undefined) {
        result.push(entry(line, event, 'forbidden', [{ reason: 'forbidden', field: '', detail: refusal }]));
        continue;
      }
      const scratch = await this.scratchOf(scratches, event.region);
      result.push(decideOnScratch(scratch, line, event, now));
    }
    const counts: Record<DryRunOutcome, number> = {
      accepted: 0,
      rejected: 0,
      'already-present': 0,
      malformed: 0,
      forbidden: 0,
    };
    for (const l of result) counts[l.outcome] += 1;
    const ok = counts.rejected + counts.malformed + counts.forbidden === 0;
    return { ok, counts, lines: result };
  }

  private async scratchOf(scratches: Map<string, Scratch>, region: string): Promise<Scratch> {
    let scratch = scratches.get(region);
    if (scratch === undefined) {
      if (scratches.size >= MAX_DRY_RUN_REGIONS) throw tooManyRegions('dry run');
      // Building a region's view may replay its whole history: other requests get their turn between regions.
      if (scratches.size > 0) await new Promise((next) => setImmediate(next));
      const view = await this.views.current(region);
      scratch = { log: view.scratchLog(), logIds: view.ids, logRejected: view.rejected, inputIds: new Map() };
      scratches.set(region, scratch);
    }
    return scratch;
  }
}

function entry(
  line: number,
  event: BudgetEvent,
  outcome: DryRunOutcome,
  issues: DryRunLine['issues'],
): DryRunLine {
  return { line, id: event.id, type: event.type, outcome, issues };
}

/** An id already in the log (or earlier in the input) is a no-op with the same content, a conflict otherwise. */
function decideOnScratch(scratch: Scratch, line: number, event: BudgetEvent, now: string): DryRunLine {
  const digest = sha256Hex(eventContent(event));
  const known = scratch.logIds.get(event.id) ?? scratch.inputIds.get(event.id);
  if (known !== undefined) {
    if (known === digest) {
      // Already there: how it was recorded, when that was a rejection (a re-send after a lost answer must not be
      // taken for an accepted event).
      const reason = scratch.logRejected.get(event.id);
      return entry(
        line,
        event,
        'already-present',
        reason === undefined
          ? []
          : [{ reason, field: '', detail: `already in the log, recorded as rejected: ${reason}` }],
      );
    }
    return entry(line, event, 'malformed', [
      {
        reason: 'conflicting-id',
        field: 'id',
        detail: `the id ${event.id} is already used by an event with different content`,
      },
    ]);
  }
  scratch.inputIds.set(event.id, digest);
  const { record } = scratch.log.append(event, now);
  if (record.outcome === 'accepted') return entry(line, event, 'accepted', []);
  const reason = record.reason ?? 'rejected';
  return entry(line, event, 'rejected', [
    { reason, field: '', detail: `would be appended as rejected: ${reason}` },
  ]);
}
