// The server keeps the views of the regions used most recently, and none for a region without events: any name can
// be asked for, and a view kept per name let one client fill the server's memory.
import { describe, expect, it } from 'vitest';
import { UserError, type BudgetStore } from '@budget/application';
import { RegionLog, type BudgetEvent, type LogRecord } from '@budget/domain';
import { RegionViews } from './region-views';

/** A region's short history: its configuration and two actions. */
function historyOf(region: string): LogRecord[] {
  const log = RegionLog.empty(region);
  const base = { region, occurredAt: '2024-01-01T00:00:00Z', actor: 'a' };
  const events = [
    {
      ...base,
      id: 'e-1',
      type: 'RegionConfigured',
      data: { name: region, funders: [{ id: 'f', name: 'F', municipalities: ['m'] }] },
    },
    ...['A1', 'A2'].map((actionId, i) => ({
      ...base,
      id: `e-${String(i + 2)}`,
      type: 'ActionDefined',
      data: {
        actionId,
        theme: 'in-beeld',
        title: actionId,
        intendedResult: 'r',
        partners: [],
        startYear: 2024,
        endYear: 2024,
      },
    })),
  ] as BudgetEvent[];
  return events.map((event) => log.append(event, '2024-06-01T00:00:00Z').record);
}
const HISTORY_LENGTH = 3;

/** A store that has the regions named, each with its short history. */
function storeOf(regions: string[]): BudgetStore {
  const store = {
    async *history(region: string, fromPosition = 1): AsyncGenerator<LogRecord> {
      await Promise.resolve();
      if (!regions.includes(region)) throw new UserError(`region ${region} has no events`, 'unknown-region');
      for (const record of historyOf(region)) if (record.position >= fromPosition) yield record;
    },
  };
  return store as unknown as BudgetStore;
}

describe('RegionViews', () => {
  it('gives an empty view for a region without events, and keeps none', async () => {
    const views = new RegionViews(storeOf(['zuid-limburg']), 4);
    for (let i = 0; i < 100; i++) expect((await views.current(`made-up-${i}`)).log.length).toBe(0);
    expect(views.kept()).toEqual([]);
    const real = await views.current('zuid-limburg');
    expect(real.log.length).toBe(HISTORY_LENGTH);
    expect(views.kept()).toEqual(['zuid-limburg']);
  });

  it('keeps at most so many views, dropping the least recently used, and rebuilds a dropped one the same', async () => {
    const regions = ['a', 'b', 'c', 'd'];
    const views = new RegionViews(storeOf(regions), 2);
    const first = await views.current('a');
    await views.current('b');
    await views.current('a'); // a is now the most recent
    await views.current('c'); // drops b
    expect(views.kept()).toEqual(['a', 'c']);
    expect(await views.current('a')).toBe(first); // kept: the same view, caught up
    await views.current('d');
    await views.current('b'); // drops c... and a, the least recent by now
    expect(views.kept()).toEqual(['d', 'b']);
    const rebuilt = await views.current('a');
    expect(rebuilt).not.toBe(first);
    expect(rebuilt.log.length).toBe(first.log.length);
    expect(rebuilt.log.lastHash).toBe(first.log.lastHash);
  });

  it('serves concurrent requests for one region from one view, applying each record once', async () => {
    const views = new RegionViews(storeOf(['a']), 2);
    const all = await Promise.all([views.current('a'), views.current('a'), views.current('a')]);
    expect(new Set(all).size).toBe(1);
    expect(all[0].log.length).toBe(HISTORY_LENGTH);
  });

  it("summarises a region's name, funders and length from the records appended since, without a view", async () => {
    const records = historyOf('a');
    const reads: number[] = [];
    const store = {
      async *history(region: string, fromPosition = 1): AsyncGenerator<LogRecord> {
        await Promise.resolve();
        reads.push(fromPosition);
        if (region !== 'a') throw new UserError(`region ${region} has no events`, 'unknown-region');
        for (const record of records) if (record.position >= fromPosition) yield record;
      },
    } as unknown as BudgetStore;
    const views = new RegionViews(store, 2);
    const first = await views.summary('a');
    expect(first.length).toBe(HISTORY_LENGTH);
    expect(first.config?.name).toBe('a');
    expect(first.config?.funders.map((f) => f.id)).toEqual(['f']);

    // The region is configured again, renamed: the next summary reads only that record.
    const log = RegionLog.empty('a');
    for (const record of records) log.applyRecorded(record);
    const renamed = {
      id: 'e-9',
      region: 'a',
      type: 'RegionConfigured',
      occurredAt: '2024-02-01T00:00:00Z',
      actor: 'a',
      data: { name: 'A renamed', funders: [{ id: 'f', name: 'F', municipalities: ['m'] }] },
    } as BudgetEvent;
    records.push(log.append(renamed, '2024-06-02T00:00:00Z').record);
    const second = await views.summary('a');
    expect(second).toMatchObject({ length: HISTORY_LENGTH + 1, config: { name: 'A renamed' } });
    expect(reads).toEqual([1, HISTORY_LENGTH + 1]);
    expect(views.kept()).toEqual([]); // no view was built

    expect(await views.summary('nowhere')).toEqual({ length: 0, config: undefined });
  });
});
