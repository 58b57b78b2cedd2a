// An import whose events reach the inbox while the services do not run: the answer must say they were received and
// are not processed yet (exit 75, HTTP 202), never "nothing was taken, try again", which would have a client send
// them again under new ids and count them twice.
import { describe, expect, it } from 'vitest';
import { UserError } from '@budget/application';
import { KafkaStore, connectProjections, endOffsets, topicNames } from '@budget/engines';
import { ndjson, smallScenario } from '../support/events';
import { freshTopics } from '../support/engines';

describe('KafkaStore import while the services are down', () => {
  it('says the events were received and are durably in the inbox, not that Kafka did not answer', async () => {
    const { settings, kafka } = await freshTopics('tpending');
    const projections = await connectProjections(
      settings.mongoUrl,
      `budget_tpending${settings.clientId.slice(-8)}`,
    );
    // No sequencer or ledger runs on these topics: the catch-up after the send runs out after 4 s.
    const store = await KafkaStore.open(settings, projections, 4_000);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const lines = ndjson(smallScenario()).trimEnd().split('\n');
      const imported = store.importLines(async function* () {
        await Promise.resolve();
        yield* lines;
      });
      const error: unknown = await imported.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UserError);
      const refusal = error as UserError;
      expect([refusal.code, refusal.exitCode]).toEqual(['not-yet-processed', 75]);
      expect(refusal.message).toContain(
        'the import was sent: its 20 events are durably in Kafka, but not yet processed',
      );
      expect(refusal.message).toContain('the sequencer did not catch up within 4 s');
      expect(refusal.message).toContain('sending the same events again (the same ids) is safe');
      // Kafka answered every poll: the deadline running out is not blamed on it.
      expect(refusal.message).not.toContain('Kafka did not answer');
      expect(refusal.publicMessage).toContain('the events were received: 20 events are durably in the inbox');
      // And they are there for the services to decide when they start (20 records and a transaction marker).
      const inbox = await endOffsets(admin, topicNames(settings.namespace).inbox);
      expect([...inbox.values()].reduce((sum, offset) => sum + BigInt(offset), 0n)).toBeGreaterThanOrEqual(
        20n,
      );
    } finally {
      await admin.disconnect();
      await store.close();
      await projections.connection.dropDatabase().catch(() => undefined);
      await projections.connection.close();
    }
  });
});
