//! The pure domain core: event schemas, the decider, apportionment, the report, the ledger and the hash chain.
export { AMOUNT_PATTERN, formatCents, parseAmountCents, sumCents } from './money';
export { SHARE_PATTERN, SHARE_DENOMINATOR, parseShareNanos } from './share';
export {
  EVENT_TYPES,
  THEMES,
  IDENTIFIER_PATTERN,
  INPUT_AMOUNT_PATTERN,
  decisiveData,
  envelopeSchema,
  eventDataSchemas,
  isIsoDate,
  isIsoTimestamp,
  type BudgetEvent,
  type EventOf,
  type EventBody,
  type EventType,
  type EventDataMap,
  type Theme,
} from './schemas';
export {
  MALFORMED_REASONS,
  NOT_UTF8_ISSUE,
  NOT_UTF8_MARK,
  MAX_LINE_LENGTH,
  describeIssue,
  validateLine,
  validateRecord,
  type LineValidation,
  type LineValidationOptions,
  type LineValidationWithContent,
  type MalformedIssue,
  type MalformedReason,
  type RecordValidation,
} from './validation';
export { REJECTION_REASONS, type Outcome, type RejectionReason } from './rejections';
export { compareCodePoints, declaredKey, proRataKey, type FundingKey } from './funding-key';
export { apportion } from './apportion';
export { resolveKey } from './key-resolution';
export { HashTables, IdTable } from './id-table';
export { grown } from './typed-arrays';
export {
  initialState,
  SpendingItems,
  type RegionState,
  type SpendingItem,
  type ActionDefinition,
} from './state';
export { decide } from './decide';
export { evolve } from './evolve';
export { actionYearFigures, type ActionYearFigures } from './figures';
export {
  allocationReport,
  utilisation,
  type AllocationReport,
  type ActionReport,
  type ThemeReport,
  type FunderReport,
} from './report';
export {
  Ledger,
  accountName,
  type JournalEntry,
  type JournalLine,
  type TrialBalance,
  type TrialBalanceRow,
} from './ledger';
export { reconcile, type Mismatch } from './reconciliation';
export {
  GENESIS_HASH,
  canonicalJson,
  checkLink,
  storedRecordHash,
  HASHED_FIELDS,
  contentDigest,
  eventContent,
  eventContentCut,
  recordHash,
  recordCut,
  recordJson,
  spliceRecordJson,
  sealRecord,
  sha256Hex,
  type LogRecord,
  type UnhashedRecord,
} from './hash-chain';
export { RegionLog, eventYear, type Appended, type SealedAppend } from './region-log';
export {
  prepareEvent,
  readPreparedEvent,
  type PreparedBody,
  type PreparedEvent,
  type PreparedEventText,
} from './prepared-event';
export { touchedYears } from './touched-years';
export {
  restoreSnapshot,
  snapshotLedgerOutdated,
  snapshotOf,
  snapshotYears,
  yearSnapshot,
  type RegionSnapshot,
} from './snapshot';
export { decisionLine, parseDecisionLine, type DecisionInput } from './decision-text';
