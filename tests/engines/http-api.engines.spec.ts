// CONTRACT section 8 over Kafka and MongoDB: the same server, started in the engines mode, answers as it does on
// the embedded store (401/403 append nothing, imports are decided before the answer, reads see them).
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaClient, readToEnd, topicNames } from '@budget/engines';
import { Cli, tempDir } from '../support/cli';
import { engineEndpoints } from '../support/engines';
import { EventBuilder, ndjson, smallScenario } from '../support/events';
import { startServer, type RunningServer } from '../support/server';

let server: RunningServer;
let namespace = '';
let brokers: string[] = [];
const tokens: Record<string, string> = {};

beforeAll(async () => {
  const endpoints = await engineEndpoints();
  const id = randomUUID().slice(0, 8);
  namespace = `http${id}.`;
  brokers = endpoints.kafkaBrokers.split(',');
  const tokensFile = join(tempDir('engines-tokens'), 'tokens.json');
  const cli = Cli.fresh();
  for (const [role, regions] of [
    ['administrator', '*'],
    ['finance-officer', 'zuid-limburg'],
    ['auditor', 'noord-limburg'],
  ] as const) {
    tokens[role] = cli.createToken(tokensFile, role, regions);
  }
  server = await startServer({
    KAFKA_BROKERS: endpoints.kafkaBrokers,
    MONGO_URL: endpoints.mongoUrl,
    BUDGET_NAMESPACE: namespace,
    BUDGET_MONGO_DB: `budget_http${id}`,
    BUDGET_TOKENS_FILE: tokensFile,
    BUDGET_DATA_DIR: cli.dataDir,
  });
});

afterAll(async () => {
  await server.stop();
});

function post(body: string, token?: string): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-ndjson' };
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  return fetch(`${server.url}/api/v1/events`, { method: 'POST', headers, body });
}

function get(path: string, token: string, accept = 'application/json'): Promise<Response> {
  return fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${token}`, Accept: accept } });
}

describe('the HTTP API on Kafka and MongoDB', () => {
  it('appends, decides and reads back, with the same figures as the embedded store', async () => {
    const response = await post(ndjson(smallScenario()), tokens.administrator);
    expect(await response.json()).toEqual({ appended: 20, alreadyPresent: 0, accepted: 18, rejected: 2 });
    const again = await post(ndjson(smallScenario()), tokens.administrator);
    expect(await again.json()).toEqual({ appended: 0, alreadyPresent: 20, accepted: 0, rejected: 0 });
    const report = (await (
      await get('/api/v1/regions/zuid-limburg/reports/allocation?year=2024', tokens.administrator!)
    ).json()) as {
      asOfPosition: number;
      totals: unknown;
    };
    expect(report.asOfPosition).toBe(20);
    expect(report.totals).toEqual({
      committed: '1700.00',
      budget: '1800.00',
      allocated: '1800.00',
      unfunded: '0.00',
      spent: '800.02',
      remaining: '999.98',
    });
    const history = await (
      await get('/api/v1/regions/zuid-limburg/history?fromPosition=19', tokens.administrator!)
    ).text();
    expect(
      history
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as { position: number }).position),
    ).toEqual([19, 20]);
  });

  it('refuses without appending: no token 401, a role or region not allowed 403', async () => {
    const b = new EventBuilder('zuid-limburg', 'refused');
    expect((await post(ndjson([b.action('R1')]))).status).toBe(401);
    expect((await post(ndjson([b.action('R1')]), tokens['finance-officer'])).status).toBe(403);
    expect((await post(ndjson([b.funding('heerlen', 2025, '1.00')]), tokens.auditor)).status).toBe(403);
    expect(
      (await get('/api/v1/regions/zuid-limburg/reports/allocation?year=2024', tokens.auditor!)).status,
    ).toBe(403);
    const history = await (await get('/api/v1/regions/zuid-limburg/history', tokens.administrator!)).text();
    expect(history.trimEnd().split('\n')).toHaveLength(20);
  });
});

describe('projection updates for reporting', () => {
  it('publishes the latest report of each region and year on budget.projections.v1', async () => {
    const kafka = kafkaClient({ brokers, mongoUrl: '', namespace, clientId: 'projections-reader' });
    const latest = new Map<string, { asOfPosition: number; totals: unknown }>();
    await readToEnd(kafka, topicNames(namespace).projections, (messages) => {
      for (const m of messages)
        latest.set(
          m.key?.toString() ?? '',
          JSON.parse(m.value?.toString() ?? 'null') as { asOfPosition: number; totals: unknown },
        );
    });
    const report = latest.get('zuid-limburg/2024');
    expect(report?.asOfPosition).toBe(20);
    expect(report?.totals).toMatchObject({ spent: '800.02' });
  });
});

describe('the engines-mode server without BUDGET_TOKENS_FILE', () => {
  it("serves /health and refuses the API, making no development tokens (they are the embedded mode's)", async () => {
    const endpoints = await engineEndpoints();
    const dataDir = join(tempDir('engines-no-tokens'), 'data');
    const bare = await startServer({
      KAFKA_BROKERS: endpoints.kafkaBrokers,
      MONGO_URL: endpoints.mongoUrl,
      BUDGET_NAMESPACE: namespace,
      BUDGET_MONGO_DB: `budget_${namespace.replace(/\W/g, '')}`,
      BUDGET_WORKERS: 'none',
      BUDGET_TOKENS_FILE: '',
      BUDGET_DATA_DIR: dataDir,
    });
    try {
      expect((await fetch(`${bare.url}/health`)).status).toBe(200);
      const me = await fetch(`${bare.url}/api/v1/me`, {
        headers: { Authorization: `Bearer ${tokens.administrator ?? ''}` },
      });
      expect(me.status).toBe(401);
      expect(existsSync(join(dataDir, 'tokens.json'))).toBe(false);
    } finally {
      await bare.stop();
    }
  });
});
