//! Which years' reports an accepted event may change: stores use it to know which report projections to rewrite.
import type { EventBody } from './schemas';
import type { RegionState } from './state';

/**
 * The years whose allocation report an event may change, read from `state`. `year` is the event's own year
 * (eventYear()). An action (re)definition changes titles, themes and listings in every year the action spans or
 * has figures in, so callers take the union of this before and after applying it.
 */
export function touchedYears(state: RegionState, event: EventBody, year: number | null): number[] {
  if (year !== null) return [year];
  if (event.type !== 'ActionDefined') return [];
  const action = state.actions.get(event.data.actionId);
  if (action === undefined) return [];
  const years = new Set(action.years.keys());
  for (let y = action.definition.startYear; y <= action.definition.endYear; y++) years.add(y);
  return [...years];
}
