//! `pnpm start`: the whole system in one process, serving the HTTP API on PORT (embedded store by default).
import { pino } from 'pino';
import { ensureDevelopmentTokens } from '@budget/application';
import { EmbeddedStore } from '@budget/embedded-store';
import { createServer } from './app';
import { readServerConfig } from './config';

const logger = pino({ name: 'budget-server' });

async function main(): Promise<void> {
  const config = readServerConfig(process.env);
  if (config.engines !== undefined) {
    throw new Error(
      'KAFKA_BROKERS and MONGO_URL are set, but this build serves from the embedded store only: the Kafka and MongoDB mode is not built yet.',
    );
  }
  const store = EmbeddedStore.open(config.dataDir);
  if (config.tokens.development) {
    const created = ensureDevelopmentTokens(config.tokens.file);
    if (created.length > 0) {
      // Shown once: only their hashes are kept, in the file named below.
      process.stdout.write(`Development tokens (stored as SHA-256 hashes in ${config.tokens.file}):\n`);
      for (const { role, token } of created) process.stdout.write(`  ${role.padEnd(16)} ${token}\n`);
    }
  }
  const app = await createServer({
    store,
    tokensFile: config.tokens.file,
    maxBodyBytes: config.maxBodyBytes,
    logger,
  });
  await app.listen(config.port, config.host);
  // The real port, which differs from PORT when PORT=0 asked for any free one.
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  logger.info(
    { url: `http://${config.host}:${String(port)}`, dataDir: config.dataDir, tokensFile: config.tokens.file },
    'serving',
  );
  const stop = (): void => {
    void app.close().then(() => store.close());
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'cannot start');
  process.exitCode = 1;
});
