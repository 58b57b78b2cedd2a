//! Writes a deterministic event file of any size: per region a configured region, actions, keys, funding, budgets,
//! then spending with corrections, reversals and a few rule violations. Streams to disk; nothing held in memory.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { EventBuilder, type EventLine } from './events';

/** One region's events of the scenario, `count` of them, in order. */
function* scenarioEvents(count: number, region: string): Generator<EventLine> {
  const b = new EventBuilder(region, `${region}-f`);
  const head: EventLine[] = [b.configured()];
  const actions = Array.from({ length: 12 }, (_, i) => `A${String(i).padStart(2, '0')}`);
  const themes = ['in-beeld', 'samenwerking', 'opvang-hulpverlening'];
  actions.forEach((a, i) => head.push(b.action(a, themes[i % 3])));
  for (const year of [2023, 2024, 2025]) {
    head.push(
      b.key(year, { maastricht: '0.573', heerlen: '0.427' }),
      b.funding('maastricht', year, '400000.00'),
      b.funding('heerlen', year, '300000.00'),
    );
    for (const a of actions) head.push(b.budget(a, year, '50000.00'));
  }
  head.push(b.key(2024, { maastricht: '1', heerlen: '0' }, 'A03'));
  yield* head.slice(0, count);
  let written = Math.min(head.length, count);
  let item = 0;
  while (written < count) {
    const roll = written % 20;
    let event: EventLine;
    if (roll === 7 && item > 10)
      event = b.corrected(
        `s${String(item - 7)}`,
        `${String(10 + (written % 300))}.${String(written % 100).padStart(2, '0')}`,
      );
    else if (roll === 13 && item > 20) event = b.reversed(`s${String(item - 13)}`);
    else if (roll === 19) event = b.spending(`bad${String(written)}`, 'NO-SUCH-ACTION', 2024, '1.00');
    else {
      const a = actions[item % actions.length] ?? 'A00';
      event = b.spending(
        `s${String(item)}`,
        a,
        2023 + (item % 3),
        `${String(1 + (item % 900))}.${String(item % 100).padStart(2, '0')}`,
      );
      item += 1;
    }
    yield event;
    written += 1;
  }
}

/**
 * Writes `count` events of the scenario for each region; with more than one region, their lines alternate, one
 * region after the other, so the regions' logs grow side by side.
 */
export async function writeScenarioFile(
  path: string,
  count: number,
  regions: readonly string[] = ['zuid-limburg'],
): Promise<void> {
  const out = createWriteStream(path);
  const streams = regions.map((region) => scenarioEvents(count, region));
  for (let open = true; open;) {
    open = false;
    for (const stream of streams) {
      const next = stream.next();
      if (next.done === true) continue;
      open = true;
      if (!out.write(`${JSON.stringify(next.value)}\n`)) await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');
}
