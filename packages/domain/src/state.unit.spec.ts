import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actionYear, SpendingItems, type ActionState } from './state';

function action(actionId: string): ActionState {
  return {
    definition: {
      actionId,
      theme: 'in-beeld',
      title: actionId,
      intendedResult: 'x',
      partners: [],
      startYear: 2023,
      endYear: 2025,
    },
    years: new Map(),
  };
}

describe('SpendingItems', () => {
  it('keeps every item as it was recorded, changed and reversed, well past its first capacity', () => {
    // Amounts of any size: within 64 bits, at its edge and beyond it (an amount may have any number of digits).
    const cents = fc.oneof(
      fc.bigInt({ min: 0n, max: 10n ** 12n }),
      fc.constantFrom(0n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n, 10n ** 40n),
    );
    const operation = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), cents, year: fc.constantFrom(2023, 2024) }),
      fc.record({ kind: fc.constant('set' as const), cents, at: fc.nat() }),
      fc.record({ kind: fc.constant('reverse' as const), at: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 3000 }), (operations) => {
        const spending = new SpendingItems();
        const a = action('A1');
        const model: { id: string; year: number; cents: bigint; active: boolean }[] = [];
        for (const op of operations) {
          if (op.kind === 'add') {
            const id = `s${model.length}`;
            const slot = spending.add(id, actionYear(a, op.year), op.cents);
            expect(slot).toBe(model.length);
            model.push({ id, year: op.year, cents: op.cents, active: true });
          } else if (model.length > 0) {
            const slot = op.at % model.length;
            const item = model[slot]!;
            if (op.kind === 'set') {
              spending.setAmount(slot, op.cents);
              item.cents = op.cents;
            } else {
              spending.deactivate(slot);
              item.active = false;
            }
          }
        }
        expect(spending.size).toBe(model.length);
        model.forEach((item, slot) => {
          expect(spending.slotOf(item.id)).toBe(slot);
          expect(spending.item(item.id)).toEqual({
            spendingId: item.id,
            actionId: 'A1',
            year: item.year,
            amountCents: item.cents,
            active: item.active,
          });
          expect(spending.activeAmount(slot)).toBe(item.active ? item.cents : null);
        });
        for (const year of [2023, 2024]) {
          const entry = a.years.get(year);
          const ofYear = model.filter((item) => item.year === year);
          expect([...(entry?.slots.view() ?? [])].map((slot) => spending.idOf(slot))).toEqual(
            ofYear.map((i) => i.id),
          );
          expect(entry?.activeCount ?? 0).toBe(ofYear.filter((i) => i.active).length);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('grows its columns as items come', () => {
    const spending = new SpendingItems();
    const entry = actionYear(action('A1'), 2024);
    for (let i = 0; i < 5000; i++) spending.add(`s${i}`, entry, BigInt(i) * 3n);
    expect(spending.size).toBe(5000);
    expect([0, 1023, 1024, 2048, 4999].map((slot) => spending.amountOf(slot))).toEqual([
      0n,
      3069n,
      3072n,
      6144n,
      14997n,
    ]);
    expect(entry.activeCount).toBe(5000);
  });

  it('refuses an id twice and names a slot it does not have', () => {
    const spending = new SpendingItems();
    const entry = actionYear(action('A1'), 2024);
    spending.add('s1', entry, 5n);
    spending.add('s0', entry, 4n);
    expect(() => spending.add('s1', entry, 6n)).toThrow(/already recorded/);
    // The refused add changed nothing: s1 keeps its slot and amount.
    expect([spending.size, spending.slotOf('s1'), spending.amountOf(0), [...entry.slots.view()]]).toEqual([
      2,
      0,
      5n,
      [0, 1],
    ]);
    expect(spending.has('s1')).toBe(true);
    expect(spending.has('s2')).toBe(false);
    expect(spending.item('s2')).toBeUndefined();
    expect(() => spending.amountOf(2)).toThrow(/no spending item in slot 2/);
    expect(() => spending.entryOf(2)).toThrow(/no spending item in slot 2/);
  });
});
