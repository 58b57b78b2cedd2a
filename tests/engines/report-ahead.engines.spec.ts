// The ledger service writes a batch's reports before its progress document. A report read in between already
// reflects a position the progress does not name yet: it must say so, not carry the older position.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../support/engines-fixture';
import { smallScenario } from '../support/events';

let engines: EngineFixture;

beforeAll(async () => {
  engines = await engineFixture();
});

afterAll(async () => {
  await engines.stop();
});

async function* toAsync(lines: string[]): AsyncGenerator<string> {
  for (const line of lines) yield await Promise.resolve(line);
}

describe('a stored report ahead of the progress', () => {
  it('stands at its own position as the latest report, and is rebuilt as of the position asked for', async () => {
    const events = smallScenario();
    const region = events[0]!.region;
    const result = await engines.store.importLines(() => toAsync(events.map((e) => JSON.stringify(e))));
    expect(result.ok).toBe(true);
    const before = await engines.store.allocationReport(region, 2024);
    const length = before.asOfPosition;
    expect(length).toBe(events.length);

    // As if the ledger had written the report of a next batch (one more event) but not its progress yet.
    const id = `${region}/2024`;
    const ahead = { ...before, asOfPosition: length + 1, spentTotal: '999.99' };
    await engines.projections.reports.updateOne(
      { _id: id },
      { $set: { position: length + 1, body: JSON.stringify(ahead) } },
    );

    const latest = await engines.store.allocationReport(region, 2024);
    expect(latest.asOfPosition).toBe(length + 1);
    expect(latest).toEqual(ahead);
    // As of the position the progress names, the report comes from the log itself.
    expect(await engines.store.allocationReport(region, 2024, length)).toEqual(before);
  });
});
