// The engines' projection part (MongoDB's reports collection, in a fresh database) passes the ProjectionStore
// behaviour suite.
import { randomUUID } from 'node:crypto';
import { MongoProjectionStore, connectProjections } from '@budget/engines';
import { engineEndpoints } from '../support/engines';
import { projectionStoreBehaviour } from './projection-store.behaviour';

projectionStoreBehaviour('MongoDB', async () => {
  const endpoints = await engineEndpoints();
  const database = `budget_tproj${randomUUID().slice(0, 8)}`;
  let store = new MongoProjectionStore(await connectProjections(endpoints.mongoUrl, database), true);
  return {
    store,
    reopen: async () => {
      await store.close();
      store = new MongoProjectionStore(await connectProjections(endpoints.mongoUrl, database), true);
      return store;
    },
    stop: async () => {
      await store.close();
      const cleanup = await connectProjections(endpoints.mongoUrl, database);
      await cleanup.connection.dropDatabase().catch(() => undefined);
      await cleanup.connection.close();
    },
  };
});
