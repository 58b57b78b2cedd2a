//! The server's environment, checked with zod: port, tokens file, and where the data lives.
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { envSetting as setting, environmentProblem, halfSetEngines } from '@budget/application';

const schema = z.object({
  PORT: z.preprocess(
    (value) => (value === '' || value === undefined ? '3000' : value),
    z
      .string()
      .regex(/^\d{1,5}$/, 'must be a port number')
      .transform(Number)
      .pipe(z.number().int().min(0).max(65535)),
  ),
  HOST: setting,
  BUDGET_DATA_DIR: setting,
  BUDGET_TOKENS_FILE: setting,
  KAFKA_BROKERS: setting,
  MONGO_URL: setting,
  BUDGET_WORKERS: z.preprocess(
    (value) => (value === '' || value === undefined ? 'all' : value),
    z.enum(['all', 'none'], { error: 'must be all (the default) or none' }),
  ),
  BUDGET_MAX_BODY_BYTES: z.preprocess(
    (value) => (value === '' || value === undefined ? String(32 * 1024 * 1024) : value),
    z.string().regex(/^\d+$/).transform(Number),
  ),
});

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  /**
   * The tokens file; `development` when it was not configured and the server made its own (the embedded mode only);
   * undefined in the engines mode without BUDGET_TOKENS_FILE: no tokens, every /api/v1 request gets 401.
   */
  tokens: { file: string; development: boolean } | undefined;
  engines: { kafkaBrokers: string; mongoUrl: string } | undefined;
  maxBodyBytes: number;
  /**
   * In the engines mode, whether this process also runs the sequencer, ledger and allocator workers (`all`), or
   * leaves them to services of their own (`none`, as docker-compose.yml does).
   */
  workers: 'all' | 'none';
  /** A warning when only one of KAFKA_BROKERS and MONGO_URL is set (the embedded store is used then). */
  halfSetEngines: string | undefined;
}

export function readServerConfig(env: NodeJS.ProcessEnv): ServerConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new Error(environmentProblem(parsed.error));
  }
  const e = parsed.data;
  const engines =
    e.KAFKA_BROKERS !== undefined && e.MONGO_URL !== undefined
      ? { kafkaBrokers: e.KAFKA_BROKERS, mongoUrl: e.MONGO_URL }
      : undefined;

  // Relative paths are the user's: pnpm runs scripts from the package's directory, and says where the user was in
  // INIT_CWD (the CLI resolves them the same way, so `budget token create` and `pnpm start` mean the same file).
  const userCwd = env.INIT_CWD ?? process.cwd();
  const dataDir = resolve(userCwd, e.BUDGET_DATA_DIR ?? 'data');
  return {
    port: e.PORT,
    host: e.HOST ?? '127.0.0.1',
    dataDir,
    // CONTRACT section 8: development tokens are the embedded mode's, for trying the system on one machine. A server
    // on Kafka and MongoDB is a deployment, which does not make administrator tokens and print them to its log: it
    // serves /health and refuses the API until a tokens file is named.
    tokens:
      e.BUDGET_TOKENS_FILE !== undefined
        ? { file: resolve(userCwd, e.BUDGET_TOKENS_FILE), development: false }
        : engines === undefined
          ? { file: join(dataDir, 'tokens.json'), development: true }
          : undefined,
    engines,
    maxBodyBytes: e.BUDGET_MAX_BODY_BYTES,
    workers: e.BUDGET_WORKERS,
    halfSetEngines: halfSetEngines(e, dataDir),
  };
}
