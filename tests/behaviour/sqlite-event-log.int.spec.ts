// The embedded store's log part (the SQLite `events` table) passes the EventLog behaviour suite.
import { join } from 'node:path';
import { EmbeddedStore } from '@budget/embedded-store';
import { tempDir } from '../support/cli';
import { eventLogBehaviour } from './event-log.behaviour';

eventLogBehaviour('embedded SQLite', () => {
  const dataDir = join(tempDir('event-log'), 'data');
  let store = EmbeddedStore.open(dataDir);
  return Promise.resolve({
    log: store.log,
    reopen: async () => {
      await store.close();
      store = EmbeddedStore.open(dataDir);
      return store.log;
    },
    stop: () => store.close(),
  });
});
