//! `pnpm start`: the whole system in one process, serving the HTTP API on PORT. Embedded store by default; with
//! KAFKA_BROKERS and MONGO_URL set, the sequencer, ledger and allocator run here too, over Kafka and MongoDB.
import { mkdirSync } from 'node:fs';
import { pino, type Logger } from 'pino';
import { ensureDevelopmentTokens, type BudgetStore } from '@budget/application';
import { EmbeddedStore } from '@budget/embedded-store';
import {
  KafkaStore,
  connectProjections,
  ensureTopics,
  kafkaClient,
  readEngineSettings,
  topicNames,
} from '@budget/engines';
import { engineWorker, type Worker } from '@budget/service-kit';
import { createServer } from './app';
import { readServerConfig, type ServerConfig } from './config';

const logger = pino({ name: 'budget-server' });

interface System {
  store: BudgetStore;
  stop: () => Promise<void>;
}

async function startEngines(log: Logger, config: ServerConfig): Promise<System | undefined> {
  const settings = readEngineSettings(process.env, 'budget-server');
  if (settings === undefined) return undefined;
  const admin = kafkaClient(settings).admin();
  await admin.connect();
  await ensureTopics(admin, topicNames(settings.namespace));
  await admin.disconnect();
  const kinds = config.workers === 'none' ? [] : (['sequencer', 'ledger', 'allocator'] as const);
  const workers: Worker[] = kinds.map((kind) => engineWorker(kind, settings, log.child({ worker: kind })));
  await Promise.all(workers.map((w) => w.start()));
  const projections = await connectProjections(settings.mongoUrl, settings.database);
  const store = await KafkaStore.open(settings, projections, settings.waitMs);
  log.info({ brokers: settings.brokers, database: settings.database }, 'engines mode: Kafka and MongoDB');
  return {
    store,
    stop: async () => {
      await store.close();
      await Promise.all(workers.map((w) => w.stop()));
      await projections.connection.close();
    },
  };
}

async function main(): Promise<void> {
  const config = readServerConfig(process.env);
  if (config.halfSetEngines !== undefined) logger.warn(config.halfSetEngines);
  const tokens = config.tokens;
  if (tokens === undefined) {
    logger.warn(
      "no BUDGET_TOKENS_FILE: every /api/v1 request gets 401 (development tokens are the embedded mode's); create tokens with budget token create and name their file in BUDGET_TOKENS_FILE",
    );
  } else if (tokens.development && !isLoopback(config.host)) {
    logger.warn(
      { host: config.host, tokensFile: tokens.file },
      'serving beyond this machine with development tokens (administrator for every region, printed at their first start): set BUDGET_TOKENS_FILE',
    );
  }
  const engines = await startEngines(logger, config);
  const embedded = engines === undefined ? EmbeddedStore.open(config.dataDir) : undefined;
  const system: System = engines ?? {
    store: embedded as EmbeddedStore,
    stop: () => (embedded as EmbeddedStore).close(),
  };
  if (tokens?.development === true) {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    const created = ensureDevelopmentTokens(tokens.file);
    if (created.length > 0) {
      // Shown once: only their hashes are kept, in the file named below.
      process.stdout.write(
        `Development tokens, one per role for every region, for trying the system on this machine (stored as SHA-256 hashes in ${tokens.file}; set BUDGET_TOKENS_FILE and use budget token create for real use):\n`,
      );
      for (const { role, token } of created) process.stdout.write(`  ${role.padEnd(16)} ${token}\n`);
    }
  }
  const app = await createServer({
    store: system.store,
    tokensFile: tokens?.file,
    maxBodyBytes: config.maxBodyBytes,
    logger,
  });
  await app.listen(config.port, config.host);
  // The real port, which differs from PORT when PORT=0 asked for any free one.
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  logger.info(
    {
      url: `http://${config.host}:${String(port)}`,
      dataDir: config.dataDir,
      tokensFile: tokens?.file ?? null,
    },
    'serving',
  );
  const stop = (): void => {
    void app.close().then(() => system.stop());
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'cannot start');
  // Workers may already hold Kafka connections that would keep a half-started process alive.
  process.exit(1);
});
