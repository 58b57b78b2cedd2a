//! decide(): accepts an event or rejects it with the first reason that applies (CONTRACT section 3).
import { ACCEPTED, rejected, type Outcome } from './rejections';
import type { EventBody, EventBodyOf } from './schemas';
import { includesYear, type RegionState } from './state';
import { resolveKey } from './key-resolution';

export function decide(state: RegionState, event: EventBody): Outcome {
  if (state.config === undefined && event.type !== 'RegionConfigured')
    return rejected('region-not-configured');
  switch (event.type) {
    case 'RegionConfigured':
      return decideRegionConfigured(state, event);
    case 'ActionDefined':
      return decideActionDefined(state, event);
    case 'FundingCommitted':
      if (!state.funderIds.includes(event.data.funder)) return rejected('unknown-funder');
      return yearOpen(state, event.data.year);
    case 'BudgetSet':
      return decideBudgetSet(state, event);
    case 'FundingKeySet':
      return decideFundingKeySet(state, event);
    case 'SpendingRecorded':
      return decideSpendingRecorded(state, event);
    case 'SpendingCorrected':
    case 'SpendingReversed':
      return decideSpendingChange(state, event.data.spendingId);
    case 'YearClosed':
      return yearOpen(state, event.data.year);
    default: {
      const unreachable: never = event;
      throw new Error(`unknown event type ${JSON.stringify(unreachable)}`);
    }
  }
}

function yearOpen(state: RegionState, year: number): Outcome {
  return state.closedYears.has(year) ? rejected('year-closed') : ACCEPTED;
}

function decideRegionConfigured(state: RegionState, event: EventBodyOf<'RegionConfigured'>): Outcome {
  if (state.config === undefined) return ACCEPTED;
  const ids = new Set(event.data.funders.map((funder) => funder.id));
  const same = ids.size === state.funderIds.length && state.funderIds.every((id) => ids.has(id));
  return same ? ACCEPTED : rejected('funders-changed');
}

function decideActionDefined(state: RegionState, event: EventBodyOf<'ActionDefined'>): Outcome {
  const existing = state.actions.get(event.data.actionId);
  if (existing === undefined) return ACCEPTED;
  const { startYear, endYear } = event.data;
  for (const [year, entry] of existing.years) {
    const outside = year < startYear || year > endYear;
    if (outside && (entry.budgetCents > 0n || entry.activeCount > 0))
      return rejected('action-years-conflict');
  }
  return ACCEPTED;
}

function decideBudgetSet(state: RegionState, event: EventBodyOf<'BudgetSet'>): Outcome {
  const action = state.actions.get(event.data.actionId);
  if (action === undefined) return rejected('unknown-action');
  if (!includesYear(action.definition, event.data.year)) return rejected('outside-lead-time');
  return yearOpen(state, event.data.year);
}

function decideFundingKeySet(state: RegionState, event: EventBodyOf<'FundingKeySet'>): Outcome {
  const ids = Object.keys(event.data.shares);
  const exact = ids.length === state.funderIds.length && ids.every((id) => state.funderIds.includes(id));
  if (!exact) return rejected('unknown-funder');
  const actionId = event.data.actionId;
  if (actionId !== undefined && actionId !== null && !state.actions.has(actionId))
    return rejected('unknown-action');
  return yearOpen(state, event.data.year);
}

function decideSpendingRecorded(state: RegionState, event: EventBodyOf<'SpendingRecorded'>): Outcome {
  const { spendingId, actionId, year } = event.data;
  if (state.spending.has(spendingId)) return rejected('duplicate-spending');
  const action = state.actions.get(actionId);
  if (action === undefined) return rejected('unknown-action');
  if (!includesYear(action.definition, year)) return rejected('outside-lead-time');
  if (state.closedYears.has(year)) return rejected('year-closed');
  if (resolveKey(state, actionId, year) === undefined) return rejected('no-funding-key');
  return ACCEPTED;
}

function decideSpendingChange(state: RegionState, spendingId: string): Outcome {
  const slot = state.spending.slotOf(spendingId);
  if (slot === undefined) return rejected('unknown-spending');
  if (!state.spending.isActive(slot)) return rejected('spending-reversed');
  return yearOpen(state, state.spending.entryOf(slot).year);
}
