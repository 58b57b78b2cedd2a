//! Which key splits (action A, year Y): the action's own key, else the year's, else pro rata to funding.
import { proRataKey, type FundingKey } from './funding-key';
import type { RegionState } from './state';

export function proRataKeyOf(state: RegionState, year: number): FundingKey | undefined {
  let key = state.proRataKeys.get(year);
  if (key === undefined) {
    key = proRataKey(state.funderIds, state.committedCents.get(year) ?? new Map<string, bigint>()) ?? null;
    state.proRataKeys.set(year, key);
  }
  return key ?? undefined;
}

export function resolveKey(state: RegionState, actionId: string, year: number): FundingKey | undefined {
  return (
    state.actions.get(actionId)?.years.get(year)?.key ?? state.yearKeys.get(year) ?? proRataKeyOf(state, year)
  );
}
