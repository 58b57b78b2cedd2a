//! Checks that the ledger's balances say exactly what the allocation report says, figure by figure.
import { accountName, type Ledger } from './ledger';
import { formatCents } from './money';
import type { AllocationReport } from './report';

export interface Mismatch {
  figure: string;
  report: string;
  ledger: string;
}

export function reconcile(ledger: Ledger, report: AllocationReport): Mismatch[] {
  const year = report.year;
  const mismatches: Mismatch[] = [];
  const check = (figure: string, reported: string, cents: bigint): void => {
    const fromLedger = formatCents(cents);
    if (fromLedger !== reported) mismatches.push({ figure, report: reported, ledger: fromLedger });
  };
  const balance = (account: string): bigint => ledger.balance(year, account);
  for (const theme of report.themes) {
    for (const action of theme.actions) {
      const a = action.actionId;
      check(`${a}.unfunded`, action.unfunded, balance(accountName.unfunded(a)));
      for (const [funder, spent] of Object.entries(action.spent)) {
        check(`${a}.spent.${funder}`, spent, balance(accountName.spending(a, funder)));
      }
      for (const [funder, allocated] of Object.entries(action.allocated)) {
        const cents =
          balance(accountName.allocation(a, funder)) +
          balance(accountName.spending(a, funder)) +
          balance(accountName.released(a, funder));
        check(`${a}.allocated.${funder}`, allocated, cents);
      }
    }
  }
  for (const funder of report.funders) {
    const f = funder.funder;
    check(`${f}.committed`, funder.committed, -balance(accountName.grant(f)));
    // funds:F holds committed minus allocated: positive is unallocated, negative is shortfall.
    const funds = balance(accountName.funds(f));
    check(`${f}.unallocated`, funder.unallocated, funds > 0n ? funds : 0n);
    check(`${f}.shortfall`, funder.shortfall, funds < 0n ? -funds : 0n);
  }
  return mismatches;
}
