// The embedded store's projection part (the SQLite `reports` table) passes the ProjectionStore behaviour suite.
import { join } from 'node:path';
import { EmbeddedStore } from '@budget/embedded-store';
import { tempDir } from '../support/cli';
import { projectionStoreBehaviour } from './projection-store.behaviour';

projectionStoreBehaviour('embedded SQLite', () => {
  const dataDir = join(tempDir('projections'), 'data');
  let store = EmbeddedStore.open(dataDir);
  return Promise.resolve({
    store: store.reports,
    reopen: async () => {
      await store.close();
      store = EmbeddedStore.open(dataDir);
      return store.reports;
    },
    stop: () => store.close(),
  });
});
