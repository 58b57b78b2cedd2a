//! A running server with the example scenario of South Limburg, a configured North Limburg and a token for each
//! role, for the web API tests and the browser journeys.
import { join } from 'node:path';
import { Cli, ROOT, tempDir } from '../support/cli';
import { EventBuilder, ndjson } from '../support/events';
import { startServer, type RunningServer } from '../support/server';

export const ZL = 'zuid-limburg';
export const NL = 'noord-limburg';
/** A region no event names: an administrator of it configures it first. */
export const FIRST = 'eerste-regio';
export const ROLES = ['finance-officer', 'controller', 'administrator', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export interface Fixture {
  server: RunningServer;
  cli: Cli;
  /** `role@region` (region `zuid-limburg`, `noord-limburg` or `*`; and `administrator@${FIRST}`) -> bearer token. */
  token: (role: Role, region: string) => string;
  api: (path: string, init?: RequestInit & { token?: string }) => Promise<Response>;
}

export async function startFixture(): Promise<Fixture> {
  const cli = Cli.fresh();
  const tokensFile = join(tempDir('tokens'), 'tokens.json');
  const tokens = new Map<string, string>();
  for (const role of ROLES) {
    for (const region of [ZL, NL, '*']) {
      tokens.set(`${role}@${region}`, cli.createToken(tokensFile, role, region, `${role} ${region}`));
    }
  }
  // An administrator of a region with no events yet: the first region of a new deployment.
  tokens.set(`administrator@${FIRST}`, cli.createToken(tokensFile, 'administrator', FIRST, 'first region'));
  const example = cli.run(['import', join(ROOT, 'examples', 'zuid-limburg', 'events.ndjson')]);
  if (example.code !== 0) throw new Error(`import failed: ${example.stderr}`);
  const north = new EventBuilder(NL, 'nl');
  const northImport = cli.importText(
    ndjson([
      north.configured(['venlo']),
      north.action('NL1', 'in-beeld', 2024, 2025),
      north.funding('venlo', 2024, '5000.00'),
      north.budget('NL1', 2024, '4000.00'),
      north.spending('nl-s1', 'NL1', 2024, '1500.25'),
    ]),
  );
  if (northImport.code !== 0) throw new Error(`import failed: ${northImport.stderr}`);
  const server = await startServer({ BUDGET_DATA_DIR: cli.dataDir, BUDGET_TOKENS_FILE: tokensFile });
  const token = (role: Role, region: string): string => {
    const value = tokens.get(`${role}@${region}`);
    if (value === undefined) throw new Error(`no token for ${role}@${region}`);
    return value;
  };
  const api = (path: string, init: RequestInit & { token?: string } = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    if (init.token !== undefined) headers.set('Authorization', `Bearer ${init.token}`);
    return fetch(`${server.url}${path}`, { ...init, headers });
  };
  return { server, cli, token, api };
}

export const SCREENSHOTS = join(ROOT, 'test-output', 'screenshots');
