// The ledger service writes a batch's reports before its progress document. A report read in between already
// reflects a position the progress does not name yet: it must not carry the older position, nor one that other
// reads do not know yet.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../support/engines-fixture';
import { asyncLines, smallScenario } from '../support/events';

let engines: EngineFixture;

beforeAll(async () => {
  engines = await engineFixture();
});

afterAll(async () => {
  await engines.stop();
});

describe('a stored report ahead of the progress', () => {
  it('is answered once the progress names its position, and rebuilt as of an earlier position', async () => {
    const events = smallScenario();
    const region = events[0]!.region;
    const result = await engines.store.importLines(() => asyncLines(events.map((e) => JSON.stringify(e))));
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

    // The latest report waits until the progress names that position (the ledger's next write), then stands there.
    const latest = engines.store.allocationReport(region, 2024);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await engines.projections.progress.updateOne({ _id: region }, { $set: { position: length + 1 } });
    expect(await latest).toEqual(ahead);
    // As of the position before, the report comes from the log itself.
    expect(await engines.store.allocationReport(region, 2024, length)).toEqual(before);
  });
});
