//! evolve(): applies an accepted event to the state. It mutates in place for speed; the caller owns the state.
import { declaredKey } from './funding-key';
import { addInto } from './figures';
import { apportion } from './apportion';
import { resolveKey } from './key-resolution';
import { compareCodePoints } from './funding-key';
import { parseAmountCents } from './money';
import type { EventBody, EventBodyOf } from './schemas';
import { actionYear, type ActionDefinition, type RegionState } from './state';

export function evolve(state: RegionState, event: EventBody): RegionState {
  switch (event.type) {
    case 'RegionConfigured':
      state.config = { name: event.data.name, funders: event.data.funders };
      state.funderIds = event.data.funders.map((funder) => funder.id).sort(compareCodePoints);
      return state;
    case 'ActionDefined':
      evolveActionDefined(state, event);
      return state;
    case 'FundingCommitted':
      evolveFundingCommitted(state, event);
      return state;
    case 'BudgetSet': {
      const action = state.actions.get(event.data.actionId);
      if (action === undefined) throw new Error(`BudgetSet for unknown action ${event.data.actionId}`);
      actionYear(action, event.data.year).budgetCents = parseAmountCents(event.data.amount);
      return state;
    }
    case 'FundingKeySet':
      evolveFundingKeySet(state, event);
      return state;
    case 'SpendingRecorded':
      evolveSpendingRecorded(state, event);
      return state;
    case 'SpendingCorrected': {
      const slot = spendingSlot(state, event.data.spendingId);
      adjustSpent(state, slot, -1n);
      state.spending.setAmount(slot, parseAmountCents(event.data.amount));
      adjustSpent(state, slot, 1n);
      return state;
    }
    case 'SpendingReversed': {
      const slot = spendingSlot(state, event.data.spendingId);
      adjustSpent(state, slot, -1n);
      state.spending.deactivate(slot);
      return state;
    }
    case 'YearClosed':
      state.closedYears.add(event.data.year);
      return state;
    default: {
      const unreachable: never = event;
      throw new Error(`unknown event type ${JSON.stringify(unreachable)}`);
    }
  }
}

function evolveActionDefined(state: RegionState, event: EventBodyOf<'ActionDefined'>): void {
  const definition = event.data as ActionDefinition;
  const existing = state.actions.get(definition.actionId);
  if (existing === undefined) {
    state.actions.set(definition.actionId, { definition, years: new Map() });
  } else {
    existing.definition = definition;
  }
}

function evolveFundingCommitted(state: RegionState, event: EventBodyOf<'FundingCommitted'>): void {
  const { funder, year, amount } = event.data;
  let perFunder = state.committedCents.get(year);
  if (perFunder === undefined) {
    perFunder = new Map();
    state.committedCents.set(year, perFunder);
  }
  perFunder.set(funder, (perFunder.get(funder) ?? 0n) + parseAmountCents(amount));
  state.proRataKeys.delete(year);
}

function evolveFundingKeySet(state: RegionState, event: EventBodyOf<'FundingKeySet'>): void {
  const key = declaredKey(event.data.shares);
  const actionId = event.data.actionId;
  if (actionId === undefined || actionId === null) {
    state.yearKeys.set(event.data.year, key);
    return;
  }
  const action = state.actions.get(actionId);
  if (action === undefined) throw new Error(`FundingKeySet for unknown action ${actionId}`);
  actionYear(action, event.data.year).key = key;
}

function evolveSpendingRecorded(state: RegionState, event: EventBodyOf<'SpendingRecorded'>): void {
  const { spendingId, actionId, year, amount } = event.data;
  const action = state.actions.get(actionId);
  if (action === undefined) throw new Error(`spending item ${spendingId} has no action ${actionId}`);
  const slot = state.spending.add(spendingId, actionYear(action, year), parseAmountCents(amount));
  adjustSpent(state, slot, 1n);
}

function spendingSlot(state: RegionState, spendingId: string): number {
  const slot = state.spending.slotOf(spendingId);
  if (slot === undefined) throw new Error(`unknown spending item ${spendingId}`);
  return slot;
}

/** Keeps the spent cache of the item's (action, year) exact when the key is unchanged; otherwise drops it. */
function adjustSpent(state: RegionState, slot: number, sign: 1n | -1n): void {
  const entry = state.spending.entryOf(slot);
  const cache = entry.spent;
  if (cache === undefined) return;
  const key = resolveKey(state, entry.actionId, entry.year);
  if (key === undefined || key.fingerprint !== cache.fingerprint) {
    entry.spent = undefined;
    return;
  }
  addInto(cache.partsCents, apportion(state.spending.amountOf(slot), key), sign);
}
