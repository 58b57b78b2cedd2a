//! Opens the store the environment names: the embedded SQLite store, or Kafka and MongoDB when both are set.
import type { BudgetStore } from '@budget/application';
import { EmbeddedStore } from '@budget/embedded-store';
import type { Environment } from './environment';

export async function openStore(environment: Environment, mode: 'read' | 'write'): Promise<BudgetStore> {
  if (environment.engines === undefined) {
    return EmbeddedStore.open(environment.dataDir, { readonly: mode === 'read' });
  }
  // Loaded only in the engines mode: kafkajs and mongoose would slow every embedded command's start.
  const { KafkaStore, connectProjections, readEngineSettings } = await import('@budget/engines');
  const settings = readEngineSettings(process.env, 'budget-cli');
  if (settings === undefined) throw new Error('KAFKA_BROKERS and MONGO_URL must both be set');
  const projections = await connectProjections(settings.mongoUrl, settings.database);
  const store = await KafkaStore.open(settings, projections, settings.waitMs).catch(
    async (error: unknown) => {
      await projections.connection.close().catch(() => undefined);
      throw error;
    },
  );
  return {
    importLines: (source, options) => store.importLines(source, options),
    allocationReport: (region, year, asOf) => store.allocationReport(region, year, asOf),
    trialBalance: (region, year) => store.trialBalance(region, year),
    history: (region, from) => store.history(region, from),
    regions: () => store.regions(),
    close: async () => {
      await store.close();
      await projections.connection.close();
    },
  };
}
