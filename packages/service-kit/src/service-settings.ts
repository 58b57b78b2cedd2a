//! A worker service's own environment, checked with zod: where its health and metrics endpoints listen.
import { z } from 'zod';
import { envSetting, environmentProblem, unsetWhenEmpty } from '@budget/application';
import type { WorkerKind } from './engine-workers';

const DEFAULT_PORTS: Record<WorkerKind, number> = { sequencer: 9101, ledger: 9102, allocator: 9103 };

const schema = z.object({
  SERVICE_PORT: z.preprocess(
    unsetWhenEmpty,
    z
      .string()
      .regex(/^\d{1,5}$/, 'must be a port number')
      .transform(Number)
      .pipe(z.number().int().min(0).max(65535, 'must be a port number'))
      .optional(),
  ),
  HOST: envSetting,
});

export interface ServiceSettings {
  port: number;
  host: string;
}

/** SERVICE_PORT (default 9101, 9102, 9103 by kind) and HOST (default 127.0.0.1); throws naming a bad value. */
export function readServiceSettings(env: NodeJS.ProcessEnv, kind: WorkerKind): ServiceSettings {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new Error(environmentProblem(parsed.error));
  }
  return { port: parsed.data.SERVICE_PORT ?? DEFAULT_PORTS[kind], host: parsed.data.HOST ?? '127.0.0.1' };
}
