//! The engines' settings from the environment, checked with zod.
import { z } from 'zod';
import { envSetting as setting, unsetWhenEmpty } from '@budget/application';
import type { EngineSettings } from './topics';

const WAIT_RANGE = 'BUDGET_ENGINES_WAIT_SECONDS must be a whole number of seconds from 1 to 3600';

const schema = z.object({
  KAFKA_BROKERS: setting,
  MONGO_URL: setting,
  BUDGET_NAMESPACE: setting,
  BUDGET_MONGO_DB: setting,
  BUDGET_ENGINES_WAIT_SECONDS: z.preprocess(
    unsetWhenEmpty,
    z
      .string()
      .regex(/^\d{1,4}$/, WAIT_RANGE)
      .transform(Number)
      .refine((seconds) => seconds >= 1 && seconds <= 3600, WAIT_RANGE)
      .optional(),
  ),
});

/** How long a command waits for Kafka to answer and the services to catch up, unless BUDGET_ENGINES_WAIT_SECONDS. */
export const DEFAULT_WAIT_SECONDS = 120;

/** Undefined unless both KAFKA_BROKERS and MONGO_URL are set (CONTRACT section 6). */
export function readEngineSettings(
  env: NodeJS.ProcessEnv,
  clientId: string,
): (EngineSettings & { database: string; waitMs: number }) | undefined {
  const parsed = schema.parse(env);
  if (parsed.KAFKA_BROKERS === undefined || parsed.MONGO_URL === undefined) return undefined;
  const brokers = parsed.KAFKA_BROKERS.split(',').map((b) => b.trim());
  if (brokers.some((b) => !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(b)))
    throw new Error(`KAFKA_BROKERS must be host:port[,host:port...], got ${parsed.KAFKA_BROKERS}`);
  return {
    brokers,
    mongoUrl: parsed.MONGO_URL,
    namespace: parsed.BUDGET_NAMESPACE ?? '',
    clientId,
    database: parsed.BUDGET_MONGO_DB ?? 'budget',
    waitMs: (parsed.BUDGET_ENGINES_WAIT_SECONDS ?? DEFAULT_WAIT_SECONDS) * 1000,
  };
}
