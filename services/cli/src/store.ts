//! Opens the store the environment names: the embedded SQLite store, or Kafka and MongoDB when both are set.
import type { BudgetStore } from '@budget/application';
import { EmbeddedStore } from '@budget/embedded-store';
import { KafkaStore, connectProjections, readEngineSettings } from '@budget/engines';
import type { Environment } from './environment';

export async function openStore(environment: Environment, mode: 'read' | 'write'): Promise<BudgetStore> {
  const settings = readEngineSettings(process.env, 'budget-cli');
  if (environment.engines === undefined || settings === undefined) {
    return EmbeddedStore.open(environment.dataDir, { readonly: mode === 'read' });
  }
  const projections = await connectProjections(settings.mongoUrl, settings.database);
  const store = await KafkaStore.open(settings, projections);
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
