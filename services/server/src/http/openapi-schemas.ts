//! zod schemas of what the API reads and answers, for the OpenAPI document (openapi.ts). Requests reuse the schemas
//! the controllers and the domain validate with; responses are written here, and a compile-time check below keeps
//! each one equal to the TypeScript type its controller returns, so the document cannot drift from the code.
import { z } from 'zod';
import 'zod-openapi';
import { ROLES, type VerifyResult } from '@budget/application';
import {
  EVENT_TYPES,
  IDENTIFIER_PATTERN,
  MALFORMED_REASONS,
  REJECTION_REASONS,
  SHARE_PATTERN,
  THEMES,
  envelopeSchema,
  eventDataSchemas,
  type AllocationReport,
  type BudgetEvent,
  type EventType,
  type LogRecord,
  type TrialBalance,
} from '@budget/domain';
import type { AppendedCounts } from './events.controller';
import type { Me, ProvinceReport, RegionSummary } from './me.controller';
import type { HistoryPage, Provenance, RegionActions, SpendingList } from './region-data.controller';
import type { SpendingView } from './region-views';
import type { DryRunResult } from './validate.controller';

// Requests -------------------------------------------------------------------------------------------------------

/**
 * The domain reads `shares` through a Map (so that a funder id `__proto__` survives), which JSON Schema cannot
 * express; on the wire it is this JSON object, and the domain's schema checks it as described.
 */
const sharesOnTheWire = z.record(z.string().regex(IDENTIFIER_PATTERN), z.string().regex(SHARE_PATTERN)).meta({
  description:
    'funder id -> share, a decimal string from 0 to 1 with at most 9 decimals; at least one funder, and the ' +
    'shares sum to exactly 1 (otherwise `shares-not-one`)',
  example: { maastricht: '0.6', heerlen: '0.4' },
});

const DATA_SCHEMAS = {
  ...eventDataSchemas,
  FundingKeySet: eventDataSchemas.FundingKeySet.extend({ shares: sharesOnTheWire }),
} satisfies Record<EventType, z.ZodType>;

/** One event record of CONTRACT section 2 of one type: the domain's envelope with that type's data schema. */
function eventOf<K extends EventType>(type: K) {
  return envelopeSchema.extend({
    type: z.literal(type),
    occurredAt: envelopeSchema.shape.occurredAt.meta({
      description: 'ISO-8601 with an offset or Z, like 2024-03-01T10:00:00Z (otherwise `bad-timestamp`)',
    }),
    data: DATA_SCHEMAS[type],
  });
}

const EVENT_VARIANTS = [
  eventOf('RegionConfigured').meta({ id: 'RegionConfiguredEvent' }),
  eventOf('ActionDefined').meta({ id: 'ActionDefinedEvent' }),
  eventOf('FundingCommitted').meta({ id: 'FundingCommittedEvent' }),
  eventOf('BudgetSet').meta({ id: 'BudgetSetEvent' }),
  eventOf('FundingKeySet').meta({ id: 'FundingKeySetEvent' }),
  eventOf('SpendingRecorded').meta({ id: 'SpendingRecordedEvent' }),
  eventOf('SpendingCorrected').meta({ id: 'SpendingCorrectedEvent' }),
  eventOf('SpendingReversed').meta({ id: 'SpendingReversedEvent' }),
  eventOf('YearClosed').meta({ id: 'YearClosedEvent' }),
] as const;

export const eventRecordSchema = z.discriminatedUnion('type', EVENT_VARIANTS).meta({
  id: 'EventRecord',
  description:
    'An event record (CONTRACT section 2). Amounts are strings of euros with at most two decimals, never JSON ' +
    'numbers. Some checks are beyond JSON Schema and are still made: calendar dates, timestamps with an offset, ' +
    'amounts above zero where required, shares summing to exactly 1, unique funder ids, startYear <= endYear.',
});

// Responses ------------------------------------------------------------------------------------------------------

const amount = z.string().meta({ description: 'euros as a string with two decimals', example: '1250.00' });
const amountsByFunder = z.record(z.string(), amount).meta({ description: 'funder id -> amount' });
const funderRef = z.strictObject({ id: z.string(), name: z.string() });

export const healthSchema = z.strictObject({ status: z.literal('ok') }).meta({ id: 'Health' });

export const errorSchema = z
  .strictObject({
    error: z.string().meta({ description: 'a stable code', example: 'forbidden' }),
    message: z.string(),
  })
  .meta({
    id: 'Error',
    description:
      'Any refusal but malformed events: `unauthorized` (401), `forbidden` (403), `bad-request`, ' +
      '`position-out-of-range`, `bad-argument` (400), `unknown-region`, `no-data` (404), `conflicting-id-race` ' +
      '(409), `not-yet-processed` (202, engines mode: received, outcome not known yet), `store-busy` (503), ' +
      '`internal` (500).',
  });

export const lineErrorsSchema = z
  .strictObject({
    errors: z.array(
      z.strictObject({
        line: z.int().min(1).meta({ description: 'the line (NDJSON) or array element, from 1' }),
        reason: z
          .enum([...MALFORMED_REASONS])
          .meta({ description: "the malformed-input reason (the line's first, when it has more than one)" }),
        field: z.string().meta({ description: 'the field that broke the rule, empty for the whole line' }),
        detail: z.string().meta({ description: 'every problem of the line, in words: what to fix' }),
      }),
    ),
    errorCount: z.int().min(1).meta({
      description:
        'the number of bad lines; more than the entries when the list stopped at its 100,000 limit',
    }),
  })
  .meta({
    id: 'LineErrors',
    description:
      'Malformed input (CONTRACT section 8): every bad line with its reason, one entry a line (at most 100,000), ' +
      'and how many there were. Nothing is appended.',
  });

export const importCountsSchema = z
  .strictObject({
    appended: z.int().min(0),
    alreadyPresent: z.int().min(0),
    accepted: z.int().min(0),
    rejected: z.int().min(0),
  })
  .meta({ id: 'ImportCounts' });

const RECORD_FIELDS = {
  position: z.int().min(1),
  recordedAt: z.string(),
  outcome: z.enum(['accepted', 'rejected']),
  reason: z.enum(REJECTION_REASONS).nullable(),
  prevHash: z.string().regex(/^[0-9a-f]{64}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
};

function recordOf<K extends EventType>(type: K) {
  return eventOf(type).extend(RECORD_FIELDS);
}

export const logRecordSchema = z
  .discriminatedUnion('type', [
    recordOf('RegionConfigured').meta({ id: 'RegionConfiguredRecord' }),
    recordOf('ActionDefined').meta({ id: 'ActionDefinedRecord' }),
    recordOf('FundingCommitted').meta({ id: 'FundingCommittedRecord' }),
    recordOf('BudgetSet').meta({ id: 'BudgetSetRecord' }),
    recordOf('FundingKeySet').meta({ id: 'FundingKeySetRecord' }),
    recordOf('SpendingRecorded').meta({ id: 'SpendingRecordedRecord' }),
    recordOf('SpendingCorrected').meta({ id: 'SpendingCorrectedRecord' }),
    recordOf('SpendingReversed').meta({ id: 'SpendingReversedRecord' }),
    recordOf('YearClosed').meta({ id: 'YearClosedRecord' }),
  ])
  .meta({
    id: 'LogRecord',
    description:
      "A record of a region's log (CONTRACT section 5): the event as sent, its position, outcome, rejection reason " +
      'and the hash chain.',
  });

const funderReport = z.strictObject({
  funder: z.string(),
  committed: amount,
  allocated: amount,
  spent: amount,
  unallocated: amount,
  shortfall: amount,
  remaining: amount,
});

const totals = z.strictObject({
  committed: amount,
  budget: amount,
  allocated: amount,
  unfunded: amount,
  spent: amount,
  remaining: amount,
});

export const allocationReportSchema = z
  .strictObject({
    region: z.string(),
    year: z.int(),
    closed: z.boolean(),
    asOfPosition: z.int().min(0),
    funders: z.array(funderReport),
    themes: z.array(
      z.strictObject({
        theme: z.enum(THEMES),
        budget: amount,
        allocated: amountsByFunder,
        unfunded: amount,
        spent: amountsByFunder,
        spentTotal: amount,
        remaining: amount,
        actions: z.array(
          z.strictObject({
            actionId: z.string(),
            title: z.string(),
            budget: amount,
            allocated: amountsByFunder,
            unfunded: amount,
            spent: amountsByFunder,
            spentTotal: amount,
            remaining: amount,
            utilisation: z.string().nullable(),
            overspent: z.boolean(),
            spendingCount: z.int().min(0),
          }),
        ),
      }),
    ),
    totals,
  })
  .meta({ id: 'AllocationReport', description: 'The allocation report of CONTRACT section 4.' });

export const meSchema = z
  .strictObject({
    name: z.string(),
    role: z.enum(ROLES),
    regions: z.array(z.string()).meta({ description: 'region names, or `*` for every region' }),
    writes: z.array(z.enum(EVENT_TYPES)).meta({ description: 'the event types this token may send' }),
    readsHistory: z.boolean(),
  })
  .meta({ id: 'Me' });

export const regionSummariesSchema = z
  .array(
    z.strictObject({
      region: z.string(),
      name: z.string().nullable(),
      funders: z.array(funderRef),
      length: z.int().min(0).meta({ description: "the length of the region's log" }),
    }),
  )
  .meta({ id: 'RegionSummaries' });

export const provinceReportSchema = z
  .strictObject({
    year: z.int(),
    regions: z.array(
      z.strictObject({
        region: z.string(),
        closed: z.boolean(),
        asOfPosition: z.int().min(0),
        totals,
        overspentActions: z.array(z.string()),
      }),
    ),
    funders: z.array(funderReport.extend({ region: z.string() })),
    themes: z.array(
      z.strictObject({
        theme: z.enum(THEMES),
        budget: amount,
        allocated: amount,
        unfunded: amount,
        spentTotal: amount,
        remaining: amount,
        actionCount: z.int().min(0),
      }),
    ),
    totals,
  })
  .meta({ id: 'ProvinceReport', description: "The regions' allocation reports of one year added up." });

export const regionActionsSchema = z
  .strictObject({
    region: z.string(),
    year: z.int(),
    closed: z.boolean(),
    closedYears: z.array(z.int()),
    regionName: z
      .string()
      .nullable()
      .meta({ description: "the region's name, null while it is not configured" }),
    funders: z.array(funderRef.extend({ municipalities: z.array(z.string()) })),
    actions: z.array(
      z.strictObject({
        actionId: z.string(),
        theme: z.enum(THEMES),
        title: z.string(),
        startYear: z.int(),
        endYear: z.int(),
        inLeadTime: z.boolean(),
        budget: amount,
        hasFundingKey: z.boolean(),
        intendedResult: z.string(),
        partners: z.array(z.string()),
        usedYears: z
          .array(z.int())
          .meta({ description: 'years with a budget above zero or an active spending item' }),
      }),
    ),
    asOfPosition: z.int().min(0),
  })
  .meta({ id: 'RegionActions' });

const spendingView = z.strictObject({
  spendingId: z.string(),
  actionId: z.string(),
  year: z.int(),
  amount,
  bookedOn: z.string(),
  payee: z.string(),
  invoiceRef: z.string().nullable(),
  description: z.string().nullable(),
  active: z.boolean(),
  positions: z.array(z.int()),
});

export const spendingListSchema = z
  .strictObject({ region: z.string(), year: z.int(), items: z.array(spendingView) })
  .meta({ id: 'SpendingList' });

export const trialBalanceSchema = z
  .strictObject({
    region: z.string(),
    year: z.int(),
    rows: z.array(z.strictObject({ account: z.string(), debit: amount, credit: amount })),
    totals: z.strictObject({ debit: amount, credit: amount }),
    balanced: z.boolean(),
  })
  .meta({ id: 'TrialBalance' });

export const verifyResultSchema = z
  .union([
    z.strictObject({ ok: z.literal(true), records: z.int().min(0) }),
    z.strictObject({
      ok: z.literal(false),
      position: z.int(),
      line: z.int(),
      problem: z.string(),
    }),
  ])
  .meta({ id: 'VerifyResult' });

export const historyPageSchema = z
  .strictObject({
    region: z.string(),
    records: z.array(logRecordSchema),
    nextPosition: z
      .int()
      .nullable()
      .meta({ description: 'the position of the next matching record (ask again from there), or null' }),
  })
  .meta({ id: 'HistoryPage' });

export const provenanceSchema = z
  .strictObject({
    region: z.string(),
    year: z.int(),
    actionId: z.string().nullable(),
    funder: z.string().nullable(),
    records: z.array(logRecordSchema),
    truncated: z.boolean().meta({ description: 'true when more than 10,000 records matched' }),
  })
  .meta({ id: 'Provenance' });

const dryRunOutcome = z.enum(['accepted', 'rejected', 'already-present', 'malformed', 'forbidden']);

export const dryRunResultSchema = z
  .strictObject({
    ok: z.boolean().meta({ description: 'true when POST /api/v1/events would append and accept every line' }),
    counts: z.strictObject({
      accepted: z.int().min(0),
      rejected: z.int().min(0),
      'already-present': z.int().min(0),
      malformed: z.int().min(0),
      forbidden: z.int().min(0),
    }),
    lines: z.array(
      z.strictObject({
        line: z.int().min(1),
        id: z.string().nullable(),
        type: z.string().nullable(),
        outcome: dryRunOutcome,
        issues: z.array(z.strictObject({ reason: z.string(), field: z.string(), detail: z.string() })),
      }),
    ),
  })
  .meta({ id: 'DryRunResult' });

// The compile-time check: each response schema's type equals the type the code returns. -------------------------

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;

export type ShapesMatchTheCode = [
  Holds<Same<z.output<typeof eventRecordSchema>, BudgetEvent>>,
  Holds<Same<z.output<typeof logRecordSchema>, LogRecord>>,
  Holds<Same<z.output<typeof allocationReportSchema>, AllocationReport>>,
  Holds<Same<z.output<typeof meSchema>, Me>>,
  Holds<Same<z.output<typeof regionSummariesSchema>, RegionSummary[]>>,
  Holds<Same<z.output<typeof regionActionsSchema>, RegionActions>>,
  Holds<Same<z.output<typeof historyPageSchema>, HistoryPage>>,
  Holds<Same<z.output<typeof spendingView>, SpendingView>>,
  Holds<Same<z.output<typeof trialBalanceSchema>, TrialBalance>>,
  Holds<Same<z.output<typeof verifyResultSchema>, VerifyResult>>,
  Holds<Same<z.output<typeof dryRunResultSchema>, DryRunResult>>,
  Holds<Same<z.output<typeof provinceReportSchema>, ProvinceReport>>,
  Holds<Same<z.output<typeof importCountsSchema>, AppendedCounts>>,
  Holds<Same<z.output<typeof spendingListSchema>, SpendingList>>,
  Holds<Same<z.output<typeof provenanceSchema>, Provenance>>,
];
