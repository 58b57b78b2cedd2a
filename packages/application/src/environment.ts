//! Reading a process's environment with zod: what every program of the project (CLI, server, services) shares.
import { z } from 'zod';

/** An empty variable counts as unset, as shells and compose files often leave them. */
export function unsetWhenEmpty(value: unknown): unknown {
  return value === '' ? undefined : value;
}

/** A variable holding any text, or unset (also when empty). */
export const envSetting = z.preprocess(unsetWhenEmpty, z.string().min(1).optional());

/** What is wrong with the environment, each variable named: `bad environment: PORT: must be a port number; ...`. */
export function environmentProblem(error: z.ZodError): string {
  return `bad environment: ${error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
}
