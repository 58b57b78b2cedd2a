// Two clients send the same new id with different content at the same moment: both pass validation (the id is in
// no log yet), the sequencer logs whichever comes first and sends the other to the dead letters. The import whose
// line lost must not report success: it names the line and says what was appended.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '@budget/application';
import { kafkaClient, topicNames } from '@budget/engines';
import { engineFixture, type EngineFixture } from '../support/engines-fixture';
import { asyncLines, EventBuilder, smallScenario } from '../support/events';

let engines: EngineFixture;

beforeAll(async () => {
  engines = await engineFixture();
});

afterAll(async () => {
  await engines.stop();
});

async function historyLength(region: string): Promise<number> {
  let length = 0;
  for await (const _record of engines.store.history(region)) length += 1;
  return length;
}

describe('an id sent by two clients at once with different content', () => {
  it('fails the import whose line lost, naming it, while its other lines are appended', async () => {
    const b = new EventBuilder();
    const base = smallScenario(b);
    const region = base[0]!.region;
    expect((await engines.store.importLines(() => asyncLines(base.map((e) => JSON.stringify(e))))).ok).toBe(
      true,
    );
    const before = await historyLength(region);

    const ours = b.spending('race-1', 'A1', 2024, '10.00');
    const theirs = { ...ours, actor: 'another-client' };
    const other = b.spending('race-2', 'A1', 2024, '5.00');

    // The other client's event reaches the sequencer between this import's validation and its sending.
    type Validate = (...args: unknown[]) => Promise<unknown>;
    const store = engines.store as unknown as { validate: Validate };
    const validate = store.validate.bind<Validate>(engines.store);
    store.validate = async (...args: unknown[]) => {
      const result = await validate(...args);
      const producer = kafkaClient(engines.settings).producer();
      await producer.connect();
      try {
        await producer.send({
          topic: topicNames(engines.settings.namespace).inbox,
          messages: [{ key: region, value: JSON.stringify(theirs) }],
        });
      } finally {
        await producer.disconnect();
      }
      await engines.store.catchUp();
      return result;
    };
    const importing = engines.store.importLines(() =>
      asyncLines([JSON.stringify(other), JSON.stringify(ours)]),
    );
    const error = await importing.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('conflicting-id-race');
    expect((error as UserError).message).toContain(`line 2 (id ${ours.id}) was not appended`);
    expect((error as UserError).message).toMatch(/The other 1 new event was appended/);

    // The log holds the other client's event with that id, and this import's other event.
    const records = [];
    for await (const record of engines.store.history(region, before + 1)) records.push(record);
    expect(records.map((r) => [r.id, r.actor])).toEqual([
      [ours.id, 'another-client'],
      [other.id, other.actor],
    ]);
  });
});
