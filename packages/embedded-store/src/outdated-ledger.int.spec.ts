// Before snapshot version 3, an action or funder id holding ':' could give two (action, funder) pairs one account
// name. A store whose saved state is of that kind rebuilds its ledger from the log instead of trusting it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { RegionSnapshot, TrialBalance } from '@budget/domain';
import { DATABASE_FILE, EmbeddedStore } from './sqlite-store';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

let sequence = 0;
function line(type: string, data: object): string {
  sequence += 1;
  const id = `e-${String(sequence).padStart(4, '0')}`;
  return JSON.stringify({ id, region: 'r', type, occurredAt: '2024-01-01T00:00:00Z', actor: 'a', data });
}

const action = (actionId: string): string =>
  line('ActionDefined', {
    actionId,
    theme: 'in-beeld',
    title: actionId,
    intendedResult: 'r',
    partners: ['p'],
    startYear: 2024,
    endYear: 2024,
  });
const spending = (spendingId: string, actionId: string, amount: string): string =>
  line('SpendingRecorded', {
    spendingId,
    actionId,
    year: 2024,
    amount,
    bookedOn: '2024-06-01',
    payee: 'p',
    description: 'd',
  });

/** Funders z and y:z, actions x and x:y: (x, y:z) and (x:y, z) are the pairs a plain join of names would merge. */
const scenario = [
  line('RegionConfigured', {
    name: 'R',
    funders: [
      { id: 'z', name: 'Z', municipalities: ['z'] },
      { id: 'y:z', name: 'YZ', municipalities: ['y'] },
    ],
  }),
  action('x'),
  action('x:y'),
  line('FundingCommitted', { funder: 'z', year: 2024, amount: '600.00', reference: 'ref' }),
  line('FundingCommitted', { funder: 'y:z', year: 2024, amount: '400.00', reference: 'ref' }),
  line('FundingKeySet', { year: 2024, shares: { z: '0.5', 'y:z': '0.5' } }),
  line('BudgetSet', { actionId: 'x:y', year: 2024, amount: '100.00' }),
  line('BudgetSet', { actionId: 'x', year: 2024, amount: '40.00' }),
  spending('s1', 'x:y', '10.00'),
  spending('s2', 'x', '4.00'),
];

async function importLines(dir: string, lines: string[]): Promise<void> {
  const store = EmbeddedStore.open(dir);
  try {
    const result = await store.importLines(async function* () {
      await Promise.resolve();
      yield* lines;
    });
    expect(result).toMatchObject({ ok: true });
  } finally {
    await store.close();
  }
}

async function trialBalance(dir: string): Promise<TrialBalance> {
  const store = EmbeddedStore.open(dir);
  try {
    return await store.trialBalance('r', 2024);
  } finally {
    await store.close();
  }
}

/** Rewrites the saved state as a version 2 store saved it: names joined without escaping, clashing ones summed. */
function downgradeSavedState(dir: string): void {
  const db = new Database(join(dir, DATABASE_FILE));
  try {
    const row = db
      .prepare<[], { snapshot: string }>("SELECT snapshot FROM region_state WHERE region = 'r'")
      .get();
    const snapshot = JSON.parse(row?.snapshot ?? 'null') as RegionSnapshot;
    snapshot.version = 2;
    snapshot.balances = snapshot.balances.map(([year, accounts]) => {
      const merged = new Map<string, bigint>();
      for (const [account, cents] of accounts) {
        const old = account.replaceAll('%3A', ':');
        merged.set(old, (merged.get(old) ?? 0n) + BigInt(cents));
      }
      return [year, [...merged].map(([account, cents]) => [account, cents.toString()])];
    });
    db.prepare("UPDATE region_state SET snapshot = ? WHERE region = 'r'").run(JSON.stringify(snapshot));
  } finally {
    db.close();
  }
}

function row(trial: TrialBalance, account: string): { debit: string; credit: string } | undefined {
  const found = trial.rows.find((r) => r.account === account);
  return found === undefined ? undefined : { debit: found.debit, credit: found.credit };
}

describe('account names of identifiers holding ":"', () => {
  it('keep every (action, funder) pair apart in the trial balance', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outdated-ledger-'));
    dirs.push(dir);
    await importLines(dir, scenario);
    const trial = await trialBalance(dir);
    expect(trial.balanced).toBe(true);
    // Action x (budget 40, spent 4) half for each funder; action x:y (budget 100, spent 10) likewise.
    expect(row(trial, 'allocation:x:y%3Az')).toEqual({ debit: '18.00', credit: '0.00' });
    expect(row(trial, 'allocation:x%3Ay:z')).toEqual({ debit: '45.00', credit: '0.00' });
    expect(row(trial, 'spending:x:y%3Az')).toEqual({ debit: '2.00', credit: '0.00' });
    expect(row(trial, 'spending:x%3Ay:z')).toEqual({ debit: '5.00', credit: '0.00' });
    expect(row(trial, 'funds:y%3Az')).toEqual({ debit: '330.00', credit: '0.00' });
    expect(row(trial, 'grant:y%3Az')).toEqual({ debit: '0.00', credit: '400.00' });
    expect(trial.rows.some((r) => r.account === 'allocation:x:y:z')).toBe(false);
  });

  it('are rebuilt from the log when the saved state is of a version that merged them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outdated-ledger-'));
    dirs.push(dir);
    await importLines(dir, scenario);
    const expected = await trialBalance(dir);
    downgradeSavedState(dir);

    // Read straight from the saved state: rebuilt, not the merged balances.
    expect(await trialBalance(dir)).toEqual(expected);

    // A write loads the region, rebuilds it, and saves a current snapshot; its figures carry on from the right ones.
    await importLines(dir, [spending('s3', 'x', '2.00')]);
    const after = await trialBalance(dir);
    expect(after.balanced).toBe(true);
    expect(row(after, 'spending:x:y%3Az')).toEqual({ debit: '3.00', credit: '0.00' });
    expect(row(after, 'spending:x%3Ay:z')).toEqual({ debit: '5.00', credit: '0.00' });
    const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
    try {
      const saved = db
        .prepare<[], { snapshot: string }>("SELECT snapshot FROM region_state WHERE region = 'r'")
        .get();
      expect((JSON.parse(saved?.snapshot ?? 'null') as RegionSnapshot).version).toBe(3);
    } finally {
      db.close();
    }
  });
});
