// The embedded SQLite store passes the BudgetStore behaviour suite.
import { join } from 'node:path';
import { EmbeddedStore } from '@budget/embedded-store';
import { tempDir } from '../support/cli';
import { budgetStoreBehaviour } from './budget-store.behaviour';

budgetStoreBehaviour('embedded SQLite', () => {
  const store = EmbeddedStore.open(join(tempDir('behaviour'), 'data'));
  return Promise.resolve({ store, stop: () => store.close() });
});
