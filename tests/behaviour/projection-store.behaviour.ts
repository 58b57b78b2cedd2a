//! One behaviour suite for every ProjectionStore (the projection part of a store): the embedded SQLite `reports`
//! table and MongoDB's `reports` collection pass the same tests.
import { describe, expect, it } from 'vitest';
import type { ProjectionStore, StoredReport } from '@budget/application';
import type { AllocationReport } from '@budget/domain';
import { reportsByPosition } from '../support/decided';

export interface ProjectionStoreFixture {
  store: ProjectionStore;
  /** Closes the store and opens the same one again, as a restarted process would. */
  reopen: () => Promise<ProjectionStore>;
  /** Closes whatever is open and removes what the fixture created. */
  stop: () => Promise<void>;
}

export function projectionStoreBehaviour(name: string, open: () => Promise<ProjectionStoreFixture>): void {
  const withStore = async (test: (fixture: ProjectionStoreFixture) => Promise<void>): Promise<void> => {
    const fixture = await open();
    try {
      await test(fixture);
    } finally {
      await fixture.stop();
    }
  };
  const zuid2024 = reportsByPosition('zuid-limburg', 2024);
  const zuid2023 = reportsByPosition('zuid-limburg', 2023);
  const noord2024 = reportsByPosition('noord-limburg', 2024);
  const report = (reports: AllocationReport[], position: number): AllocationReport => {
    const found = reports[position];
    if (found === undefined) throw new Error(`no report at ${String(position)}`);
    return found;
  };
  const stored = (reports: AllocationReport[], position: number): StoredReport => {
    const body = report(reports, position);
    return { region: body.region, year: body.year, position, report: body };
  };

  describe(`ProjectionStore behaviour: ${name}`, () => {
    it('has nothing for a region and year never saved', () =>
      withStore(async ({ store }) => {
        expect(await store.load('zuid-limburg', 2024)).toBeUndefined();
      }));

    it('saves a report with the position it reflects and loads it back', () =>
      withStore(async ({ store }) => {
        expect(await store.save(stored(zuid2024, 12))).toBe(true);
        expect(await store.load('zuid-limburg', 2024)).toEqual(stored(zuid2024, 12));
        expect(report(zuid2024, 12).totals.spent).toBe('100.01');
      }));

    it('changes nothing when the same or an older position is written again', () =>
      withStore(async ({ store }) => {
        expect(await store.save(stored(zuid2024, 12))).toBe(true);
        expect(await store.save(stored(zuid2024, 12))).toBe(false);
        // The same position with another body (a late writer that computed something else): the first one stays.
        expect(await store.save({ ...stored(zuid2024, 12), report: report(zuid2024, 14) })).toBe(false);
        expect(await store.save(stored(zuid2024, 8))).toBe(false);
        expect(await store.load('zuid-limburg', 2024)).toEqual(stored(zuid2024, 12));
        // A later position replaces it; the earlier one, redelivered, does not come back.
        expect(await store.save(stored(zuid2024, 20))).toBe(true);
        expect(await store.save(stored(zuid2024, 12))).toBe(false);
        expect(await store.load('zuid-limburg', 2024)).toEqual(stored(zuid2024, 20));
      }));

    it('keeps each region and year apart', () =>
      withStore(async ({ store }) => {
        await store.save(stored(zuid2024, 12));
        await store.save(stored(zuid2023, 18));
        await store.save(stored(noord2024, 7));
        expect(await store.save(stored(zuid2024, 20))).toBe(true);
        expect(await store.load('zuid-limburg', 2024)).toEqual(stored(zuid2024, 20));
        expect(await store.load('zuid-limburg', 2023)).toEqual(stored(zuid2023, 18));
        expect(await store.load('noord-limburg', 2024)).toEqual(stored(noord2024, 7));
        expect(await store.load('noord-limburg', 2023)).toBeUndefined();
        expect(await store.load('zuid-limburg', 2025)).toBeUndefined();
      }));

    it('keeps what it saved across a restart', () =>
      withStore(async (fixture) => {
        await fixture.store.save(stored(zuid2024, 16));
        await fixture.store.save(stored(noord2024, 9));
        const store = await fixture.reopen();
        expect(await store.load('zuid-limburg', 2024)).toEqual(stored(zuid2024, 16));
        expect(await store.load('noord-limburg', 2024)).toEqual(stored(noord2024, 9));
        expect(await store.save(stored(zuid2024, 16))).toBe(false);
        expect(await store.save(stored(zuid2024, 17))).toBe(true);
        expect(await store.load('zuid-limburg', 2024)).toEqual(stored(zuid2024, 17));
      }));
  });
}
