//! The environment the CLI reads, checked with zod: where the events and projections live.
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { UserError, envSetting as setting, environmentProblem, halfSetEngines } from '@budget/application';

const environmentSchema = z.object({
  BUDGET_DATA_DIR: setting,
  KAFKA_BROKERS: setting,
  MONGO_URL: setting,
  INIT_CWD: setting,
  BUDGET_TIMING: setting,
  BUDGET_TOKENS_FILE: setting,
});

export interface Environment {
  dataDir: string;
  /** Set when both KAFKA_BROKERS and MONGO_URL are: the engines mode of CONTRACT section 6. */
  engines: { kafkaBrokers: string; mongoUrl: string } | undefined;
  /** Where the user ran the command (pnpm runs scripts from the repository root). */
  userCwd: string;
  /** BUDGET_TIMING=1: print how long the store took to answer, on stderr, for the benchmark. */
  timing: boolean;
  /** BUDGET_TOKENS_FILE, else the development tokens file in the data directory (as `pnpm start` uses). */
  tokensFile: string;
  /** A warning when only one of KAFKA_BROKERS and MONGO_URL is set (the embedded store is used then). */
  halfSetEngines: string | undefined;
}

export function readEnvironment(env: NodeJS.ProcessEnv): Environment {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new UserError(environmentProblem(parsed.error), 'bad-argument');
  }
  const { BUDGET_DATA_DIR, KAFKA_BROKERS, MONGO_URL, INIT_CWD, BUDGET_TIMING, BUDGET_TOKENS_FILE } =
    parsed.data;
  const userCwd = INIT_CWD ?? process.cwd();
  const dataDir = resolve(userCwd, BUDGET_DATA_DIR ?? 'data');
  return {
    dataDir,
    engines:
      KAFKA_BROKERS !== undefined && MONGO_URL !== undefined
        ? { kafkaBrokers: KAFKA_BROKERS, mongoUrl: MONGO_URL }
        : undefined,
    userCwd,
    timing: BUDGET_TIMING === '1',
    tokensFile:
      BUDGET_TOKENS_FILE !== undefined ? resolve(userCwd, BUDGET_TOKENS_FILE) : join(dataDir, 'tokens.json'),
    halfSetEngines: halfSetEngines({ KAFKA_BROKERS, MONGO_URL }, dataDir),
  };
}
