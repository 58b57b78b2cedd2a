//! Opens the store the environment names: the embedded SQLite store, or (later) Kafka and MongoDB.
import { UserError, type BudgetStore } from '@budget/application';
import { EmbeddedStore } from '@budget/embedded-store';
import type { Environment } from './environment';

export function openStore(environment: Environment, mode: 'read' | 'write'): BudgetStore {
  if (environment.engines !== undefined) {
    throw new UserError(
      'KAFKA_BROKERS and MONGO_URL are set, but this build runs on the embedded store only: the Kafka and MongoDB mode is not built yet. Unset them to use ./data.',
      'bad-argument',
    );
  }
  return EmbeddedStore.open(environment.dataDir, { readonly: mode === 'read' });
}
