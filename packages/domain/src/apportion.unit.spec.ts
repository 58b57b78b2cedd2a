// Largest-remainder apportionment (CONTRACT section 3), as properties over random amounts and keys.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apportion, apportionSum } from './apportion';

const same = (x: bigint): bigint | null => x;
import { compareCodePoints, declaredKey, proRataKey, type FundingKey } from './funding-key';
import { largestRemainder } from './testing/reference-report';

const funderIds = fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9._:-]{1,8}$/), { minLength: 1, maxLength: 6 });
const amountCents = fc.bigInt({ min: 0n, max: 10n ** 15n });

/** Shares in billionths summing to exactly 10^9, rendered as contract share strings. */
const declaredShares = funderIds.chain((ids) =>
  fc
    .array(fc.integer({ min: 0, max: 1_000_000_000 }), {
      minLength: ids.length - 1,
      maxLength: ids.length - 1,
    })
    .map((cuts) => {
      const points = [0, ...cuts.sort((a, b) => a - b), 1_000_000_000];
      const shares: Record<string, string> = {};
      ids.forEach((id, i) => {
        const nanos = (points[i + 1] ?? 0) - (points[i] ?? 0);
        shares[id] = nanos === 1_000_000_000 ? '1' : `0.${String(nanos).padStart(9, '0')}`;
      });
      return shares;
    }),
);

const committed = funderIds.chain((ids) =>
  fc
    .array(fc.bigInt({ min: 0n, max: 10n ** 12n }), { minLength: ids.length, maxLength: ids.length })
    .map((amounts) => ({
      ids: [...ids].sort(compareCodePoints),
      amounts,
    })),
);

function byFunder(key: FundingKey, parts: bigint[]): Map<string, bigint> {
  return new Map(key.funders.map((f, i) => [f, parts[i] ?? 0n]));
}

describe('apportion', () => {
  it('gives parts that sum to the whole', () => {
    fc.assert(
      fc.property(amountCents, declaredShares, (x, shares) => {
        expect(apportion(x, declaredKey(shares)).reduce((a, b) => a + b, 0n)).toBe(x);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps every part less than one cent from its exact share', () => {
    fc.assert(
      fc.property(amountCents, declaredShares, (x, shares) => {
        const key = declaredKey(shares);
        apportion(x, key).forEach((part, i) => {
          const exact = x * (key.numerators[i] ?? 0n); // over key.denominator
          const distance = part * key.denominator - exact;
          expect(distance < key.denominator && distance > -key.denominator).toBe(true);
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('does not depend on the order the funders are listed in', () => {
    fc.assert(
      fc.property(amountCents, declaredShares, fc.nat(), (x, shares, seed) => {
        const entries = Object.entries(shares);
        const rotated = Object.fromEntries([
          ...entries.slice(seed % entries.length),
          ...entries.slice(0, seed % entries.length),
        ]);
        const a = declaredKey(shares);
        const b = declaredKey(rotated);
        expect(byFunder(b, apportion(x, b))).toEqual(byFunder(a, apportion(x, a)));
      }),
      { numRuns: 1000 },
    );
  });

  it('splits pro rata by unrounded ratios of the commitments', () => {
    fc.assert(
      fc.property(amountCents, committed, (x, { ids, amounts }) => {
        const key = proRataKey(ids, new Map(ids.map((id, i) => [id, amounts[i] ?? 0n])));
        const total = amounts.reduce((a, b) => a + b, 0n);
        if (total === 0n) {
          expect(key).toBeUndefined();
          return;
        }
        if (key === undefined) throw new Error('a positive total must give a key');
        apportion(x, key).forEach((part, i) => {
          // Exact share x * c_i / total, never a share rounded to 9 decimals first.
          const distance = part * total - x * (amounts[i] ?? 0n);
          expect(distance < total && distance > -total).toBe(true);
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('gives the left-over cents to the largest remainders, ties to the lower code point', () => {
    expect(apportion(10000n, declaredKey({ maastricht: '0.573', heerlen: '0.427' }))).toEqual([4270n, 5730n]);
    expect(apportion(10001n, declaredKey({ maastricht: '0.573', heerlen: '0.427' }))).toEqual([4270n, 5731n]);
    // 1 cent at 0.5 / 0.5: a tie, to "Z" (0x5A) before "a" (0x61).
    expect(apportion(1n, declaredKey({ a: '0.5', Z: '0.5' }))).toEqual([1n, 0n]);
    // 1/3 each of 100 cents: 34 / 33 / 33, the extra cent to the lowest id.
    const thirds = proRataKey(
      ['a', 'b', 'c'],
      new Map([
        ['a', 1n],
        ['b', 1n],
        ['c', 1n],
      ]),
    );
    expect(thirds && apportion(100n, thirds)).toEqual([34n, 33n, 33n]);
    expect(apportion(5n, declaredKey({ a: '0', b: '1' }))).toEqual([0n, 5n]);
  });

  it('does not depend on the order the funders are listed in (any permutation)', () => {
    fc.assert(
      fc.property(
        amountCents,
        declaredShares.chain((shares) =>
          fc.tuple(
            fc.constant(shares),
            fc.shuffledSubarray(Object.keys(shares), {
              minLength: Object.keys(shares).length,
            }),
          ),
        ),
        (x, [shares, order]) => {
          const shuffled = Object.fromEntries(order.map((id) => [id, shares[id] ?? '0']));
          const a = declaredKey(shares);
          const b = declaredKey(shuffled);
          expect(byFunder(b, apportion(x, b))).toEqual(byFunder(a, apportion(x, a)));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('gives nothing to a funder with a zero share', () => {
    fc.assert(
      fc.property(amountCents, declaredShares, (x, shares) => {
        const key = declaredKey(shares);
        apportion(x, key).forEach((part, i) => {
          if (key.numerators[i] === 0n) expect(part).toBe(0n);
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('splits pro rata exactly as largest remainder over the exact fractions committed / total', () => {
    fc.assert(
      fc.property(amountCents, committed, (x, { ids, amounts }) => {
        const committedCents = new Map(ids.map((id, i) => [id, amounts[i] ?? 0n]));
        const key = proRataKey(ids, committedCents);
        const total = amounts.reduce((a, b) => a + b, 0n);
        if (key === undefined) return;
        const exact = largestRemainder(x, { nums: committedCents, den: total });
        expect(byFunder(key, apportion(x, key))).toEqual(exact);
      }),
      { numRuns: 1000 },
    );
  });

  // Amounts around (2^53 - 1) / denominator, where amount x numerator outgrows an exact double: any arithmetic in
  // doubles would go wrong from there, so these properties pick amounts around it as well as small and large ones.
  const aroundBound = (denominator: bigint) => {
    const bound = BigInt(Number.MAX_SAFE_INTEGER) / denominator - 1n;
    return fc.oneof(
      fc.bigInt({ min: 0n, max: bound + 2n }),
      fc.bigInt({ min: bound > 3n ? bound - 3n : 0n, max: bound + 3n }),
      fc.bigInt({ min: 0n, max: 1000n }),
    );
  };

  it('splits as the bigint reference around 2^53 / denominator too, declared and pro rata', () => {
    fc.assert(
      fc.property(
        declaredShares.chain((shares) => aroundBound(10n ** 9n).map((x) => ({ x, shares }))),
        ({ x, shares }) => {
          const key = declaredKey(shares);
          const nums = new Map(key.funders.map((f, i) => [f, key.numerators[i] ?? 0n]));
          expect(byFunder(key, apportion(x, key))).toEqual(
            largestRemainder(x, { nums, den: key.denominator }),
          );
        },
      ),
      { numRuns: 3000 },
    );
    const smallCommitted = funderIds.chain((ids) =>
      fc
        .array(fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.bigInt({ min: 0n, max: 1000n })), {
          minLength: ids.length,
          maxLength: ids.length,
        })
        .map((amounts) => ({ ids: [...ids].sort(compareCodePoints), amounts })),
    );
    fc.assert(
      fc.property(
        smallCommitted.chain((c) =>
          aroundBound(c.amounts.reduce((a, b) => a + b, 0n) || 1n).map((x) => ({ x, ...c })),
        ),
        ({ x, ids, amounts }) => {
          const committedCents = new Map(ids.map((id, i) => [id, amounts[i] ?? 0n]));
          const key = proRataKey(ids, committedCents);
          if (key === undefined) return;
          const exact = largestRemainder(x, { nums: committedCents, den: key.denominator });
          expect(byFunder(key, apportion(x, key))).toEqual(exact);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('sums item by item exactly what apportioning each item gives, whatever the mix of small and large items', () => {
    fc.assert(
      fc.property(
        declaredShares,
        fc.array(
          fc.option(
            fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 7n }), fc.bigInt({ min: 0n, max: 10n ** 15n })),
          ),
          { maxLength: 60 },
        ),
        (shares, amounts) => {
          const key = declaredKey(shares);
          const expected = key.funders.map(() => 0n);
          for (const x of amounts) {
            // null: an item left out (a reversed one)
            if (x !== null)
              apportion(x, key).forEach((part, i) => (expected[i] = (expected[i] ?? 0n) + part));
          }
          expect(apportionSum(amounts, (x) => x, key)).toEqual(expected);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('sums parts that add up to the amounts', () => {
    fc.assert(
      fc.property(
        declaredShares,
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 6n }), { maxLength: 60 }),
        (shares, amounts) => {
          const key = declaredKey(shares);
          expect(apportionSum(amounts, same, key).reduce((x, y) => x + y, 0n)).toBe(
            amounts.reduce((x, y) => x + y, 0n),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('splits between two funders (the branch without loops) as the bigint reference, ties included', () => {
    const twoIds = fc
      .uniqueArray(fc.stringMatching(/^[A-Za-z0-9._:-]{1,8}$/), { minLength: 2, maxLength: 2 })
      .map((ids) => [...ids].sort(compareCodePoints));
    // Half shares too, so that every odd amount is a tie between the two remainders.
    const nanos = fc.oneof(fc.integer({ min: 0, max: 1_000_000_000 }), fc.constant(500_000_000));
    const items = fc.array(fc.option(aroundBound(10n ** 9n)), { maxLength: 30 });
    fc.assert(
      fc.property(twoIds, nanos, items, ([low, high], first, amounts) => {
        const shares = { [low ?? '']: first, [high ?? '']: 1_000_000_000 - first };
        const key = declaredKey(
          Object.fromEntries(
            Object.entries(shares).map(([id, n]) => [
              id,
              n === 1e9 ? '1' : `0.${String(n).padStart(9, '0')}`,
            ]),
          ),
        );
        const nums = new Map(key.funders.map((f, i) => [f, key.numerators[i] ?? 0n]));
        const expected = key.funders.map(() => 0n);
        for (const x of amounts) {
          if (x === null) continue;
          const exact = largestRemainder(x, { nums, den: key.denominator });
          expect(byFunder(key, apportion(x, key))).toEqual(exact);
          key.funders.forEach((f, i) => (expected[i] = (expected[i] ?? 0n) + (exact.get(f) ?? 0n)));
        }
        expect(apportionSum(amounts, (x) => x, key)).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
    const half = declaredKey({ b: '0.5', a: '0.5' });
    expect(apportion(1n, half)).toEqual([1n, 0n]);
    expect(apportion(3n, half)).toEqual([2n, 1n]);
    expect(apportionSum([1n, 3n, 5n], (x) => x, half)).toEqual([6n, 3n]);
  });

  it('never rounds pro-rata ratios to 9 decimals first', () => {
    const thirds = proRataKey(
      ['a', 'b', 'c'],
      new Map([
        ['a', 1n],
        ['b', 1n],
        ['c', 1n],
      ]),
    );
    // 10^12 cents: exactly 333,333,333,333.33 each; a ratio of 0.333333333 would give 333,333,333,000.
    expect(thirds && apportion(10n ** 12n, thirds)).toEqual([
      333_333_333_334n,
      333_333_333_333n,
      333_333_333_333n,
    ]);
  });

  it('worked examples: 100.00 at 0.573 / 0.427, and ties to the lower code point ("Z" < "a")', () => {
    const key = declaredKey({ heerlen: '0.427', maastricht: '0.573' });
    expect(byFunder(key, apportion(10000n, key))).toEqual(
      new Map([
        ['heerlen', 4270n],
        ['maastricht', 5730n],
      ]),
    );
    // 0.01 at 0.573 / 0.427: maastricht's remainder (0.573) is the larger one.
    expect(byFunder(key, apportion(1n, key)).get('maastricht')).toBe(1n);
    // 2 cents at about a third each: "a" has the largest remainder, then "Z" wins its tie with "b".
    const tie = declaredKey({ a: '0.333333334', Z: '0.333333333', b: '0.333333333' });
    expect(byFunder(tie, apportion(2n, tie))).toEqual(
      new Map([
        ['Z', 1n],
        ['a', 1n],
        ['b', 0n],
      ]),
    );
    const even = declaredKey({ a: '0.5', b: '0', Z: '0.5' });
    expect(byFunder(even, apportion(3n, even))).toEqual(
      new Map([
        ['Z', 2n],
        ['a', 1n],
        ['b', 0n],
      ]),
    );
    expect(apportion(0n, key)).toEqual([0n, 0n]);
  });
});
