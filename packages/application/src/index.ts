//! Ports and use cases shared by every shell (CLI, HTTP, Kafka services): what a store must answer.
export {
  EMPTY_TAIL,
  LogConflictError,
  UserError,
  DEFAULT_MAX_ERRORS,
  checkAsOfPosition,
  checkAppend,
  type AppendCounts,
  type BudgetStore,
  type DecidedRecord,
  type EventLog,
  type ImportCounts,
  type ImportOptions,
  type ImportProgress,
  type ImportResult,
  type LineError,
  type LineSource,
  type LogView,
  type ProjectionStore,
  type StoredReport,
} from './ports';
export {
  parseExportLine,
  replayHistory,
  verifyHistory,
  type Discrepancy,
  type ReplayResult,
  type VerifyResult,
} from './audit';
export { halfSetEngines, type EngineVariables } from './engines-mode';
export { envSetting, environmentProblem, unsetWhenEmpty } from './environment';
export { FirstLines, conflictingId, eventKey } from './first-lines';
export { MAX_LISTED_ERRORS, lineErrorsBody, type LineErrorEntry } from './line-errors';
export {
  decodeLine,
  decodeLines,
  eachLine,
  splitLineBatches,
  splitLines,
  withoutByteOrderMark,
} from './lines';
export {
  lineInput,
  validateBatch,
  validatedLines,
  type LineBytes,
  type LineVerdict,
  type ParallelValidationOptions,
  type ValidatedLine,
} from './validate-lines';
export { verifyHistoryInParallel, type ParallelVerifyOptions } from './verify-parallel';
export { replayHistoryInParallel, type ParallelReplayOptions, type ReplaySource } from './replay-parallel';
export { allocationReportCsv, allocationReportTable, tokensTable, trialBalanceTable } from './report-formats';
export {
  MAX_TOKEN_NAME,
  ROLES,
  createToken,
  ensureDevelopmentTokens,
  findToken,
  mayReadHistory,
  mayUseRegion,
  revokeTokens,
  lineClaims,
  mayWrite,
  readTokenFile,
  writesAnything,
  type Role,
  type TokenEntry,
} from './tokens';
