// The engines mode pointed at a broker where the services never ran: the topics do not exist, and the store says
// so at once instead of waiting out its catch-up deadline and blaming the broker.
import { describe, expect, it } from 'vitest';
import { UserError } from '@budget/application';
import { KafkaStore, connectProjections } from '@budget/engines';
import { ndjson, smallScenario } from '../support/events';
import { freshSettings } from '../support/engines';

describe('KafkaStore without topics', () => {
  it('refuses an import and a read with a message that says to start the services', async () => {
    const { settings, id } = await freshSettings('tmissing');
    const projections = await connectProjections(settings.mongoUrl, `budget_tmissing${id}`);
    // A catch-up deadline far beyond the test's own timeout: waiting it out would fail the test.
    const store = await KafkaStore.open(settings, projections, 3_600_000);
    try {
      const lines = ndjson(smallScenario()).trimEnd().split('\n');
      const imported = store.importLines(async function* () {
        await Promise.resolve();
        yield* lines;
      });
      await expect(imported).rejects.toThrow(UserError);
      await expect(imported).rejects.toThrow(
        `has no topic tmissing${id}.budget.inbox.v1. The services create their topics when they start`,
      );
      await expect(store.regions()).rejects.toThrow('start them (pnpm start)');
    } finally {
      await store.close();
      await projections.connection.dropDatabase().catch(() => undefined);
      await projections.connection.close();
    }
  });
});
