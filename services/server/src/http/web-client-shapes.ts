//! The web app's idea of the API (`@budget/web/api-shapes`, types only) held against what the server sends: each
//! response type must fit the shape the app reads, so a change to either that breaks the other fails the type check
//! here instead of a page in a user's browser. The server's types are the ones `openapi-schemas.ts` holds against
//! the published OpenAPI document, so the app, the server and the document agree.
import type { AllocationReport, LogRecord, TrialBalance } from '@budget/domain';
import type * as App from '@budget/web/api-shapes';
import type { AppendedCounts } from './events.controller';
import type { Me, ProvinceReport, RegionSummary } from './me.controller';
import type { HistoryPage, Provenance, RegionActions, SpendingList } from './region-data.controller';
import type { SpendingView } from './region-views';
import type { DryRunResult } from './validate.controller';

/** True when every value of `Sent` is a value of `Read`: the app finds every field it reads, of the type it reads. */
type Fits<Sent, Read> = [Sent] extends [Read] ? true : false;
type Holds<T extends true> = T;

export type TheAppReadsWhatTheServerSends = [
  Holds<Fits<Me, App.Me>>,
  Holds<Fits<RegionSummary, App.RegionSummary>>,
  Holds<Fits<RegionActions, App.RegionActions>>,
  Holds<Fits<HistoryPage, App.HistoryPage>>,
  Holds<Fits<SpendingView, App.SpendingItem>>,
  Holds<Fits<DryRunResult, App.DryRun>>,
  Holds<Fits<AppendedCounts, App.ImportCounts>>,
  Holds<Fits<AllocationReport, App.AllocationReport>>,
  Holds<Fits<TrialBalance, App.TrialBalance>>,
  Holds<Fits<LogRecord, App.LogRecord>>,
  Holds<Fits<ProvinceReport, App.ProvinceReport>>,
  Holds<Fits<SpendingList, App.SpendingList>>,
  Holds<Fits<Provenance, App.Provenance>>,
];
