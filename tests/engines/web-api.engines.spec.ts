// The endpoints the web app uses (actions, spending, trial balance, history pages, chain check, provenance, the
// province view and the dry run), served over Kafka and MongoDB: the same server started in the engines mode must
// answer exactly as it does over the embedded store, for the example of South Limburg and for what is sent after it.
// Only `recordedAt` and the hashes (which cover `recordedAt`) may differ between the two stores.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaClient, readToEnd, topicNames } from '@budget/engines';
import { Cli, ROOT, tempDir } from '../support/cli';
import { engineEndpoints } from '../support/engines';
import { EventBuilder, ndjson, type EventLine } from '../support/events';
import { startServer, type RunningServer } from '../support/server';

const ZL = 'zuid-limburg';
const NL = 'noord-limburg';
const EXAMPLE = readFileSync(join(ROOT, 'examples', 'zuid-limburg', 'events.ndjson'), 'utf8');

let embedded: RunningServer;
let engines: RunningServer;
let namespace = '';
let brokers: string[] = [];
const tokens: Record<string, string> = {};

beforeAll(async () => {
  const endpoints = await engineEndpoints();
  const id = randomUUID().slice(0, 8);
  namespace = `web${id}.`;
  brokers = endpoints.kafkaBrokers.split(',');
  const tokensFile = join(tempDir('web-engines-tokens'), 'tokens.json');
  const cli = Cli.fresh();
  for (const [role, regions] of [
    ['administrator', '*'],
    ['auditor', '*'],
    ['finance-officer', ZL],
  ] as const) {
    tokens[role] = cli.createToken(tokensFile, role, regions);
  }
  [embedded, engines] = await Promise.all([
    startServer({ BUDGET_DATA_DIR: cli.dataDir, BUDGET_TOKENS_FILE: tokensFile }),
    startServer({
      KAFKA_BROKERS: endpoints.kafkaBrokers,
      MONGO_URL: endpoints.mongoUrl,
      BUDGET_NAMESPACE: namespace,
      BUDGET_MONGO_DB: `budget_web${id}`,
      BUDGET_TOKENS_FILE: tokensFile,
      BUDGET_DATA_DIR: Cli.fresh().dataDir,
    }),
  ]);
  const north = new EventBuilder(NL, 'nl');
  for (const server of [embedded, engines]) {
    for (const body of [
      EXAMPLE,
      ndjson([
        north.configured(['venlo']),
        north.action('NL1', 'in-beeld', 2024, 2025),
        north.funding('venlo', 2024, '5000.00'),
        north.budget('NL1', 2024, '4000.00'),
        north.spending('nl-s1', 'NL1', 2024, '1500.25'),
      ]),
    ]) {
      const response = await post(server, '/api/v1/events', body, tokens.administrator!);
      if (response.status !== 200) throw new Error(`import failed: ${await response.text()}`);
    }
  }
});

afterAll(async () => {
  await Promise.all([embedded.stop(), engines.stop()]);
});

function post(server: RunningServer, path: string, body: string, token: string): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-ndjson' },
    body,
  });
}

function get(server: RunningServer, path: string, token: string): Promise<Response> {
  return fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
}

/** A body without what legitimately differs between the stores: when a record was appended, and its hashes. */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'recordedAt' && key !== 'prevHash' && key !== 'hash')
      .map(([key, v]) => [key, comparable(v)]),
  );
}

/** The status and (comparable) body of one request to each server, which must be the same. */
async function both(path: string, token = tokens.auditor!): Promise<{ status: number; body: unknown }> {
  const answers = await Promise.all(
    [embedded, engines].map(async (server) => {
      const response = await get(server, path, token);
      const text = await response.text();
      const body = (response.headers.get('content-type') ?? '').includes('x-ndjson')
        ? text
            .split('\n')
            .filter((l) => l !== '')
            .map((l) => JSON.parse(l) as unknown)
        : (JSON.parse(text) as unknown);
      return { status: response.status, body: comparable(body) };
    }),
  );
  expect(answers[1], `${path} over the engines`).toEqual(answers[0]);
  return answers[0]!;
}

const READS = [
  '/api/v1/regions',
  '/api/v1/province/allocation?year=2024',
  '/api/v1/province/allocation?year=2023',
  ...[2023, 2024, 2025].flatMap((y) => [
    `/api/v1/regions/${ZL}/actions?year=${String(y)}`,
    `/api/v1/regions/${ZL}/spending?year=${String(y)}`,
    `/api/v1/regions/${ZL}/reports/trial-balance?year=${String(y)}`,
    `/api/v1/regions/${ZL}/reports/allocation?year=${String(y)}`,
  ]),
  `/api/v1/regions/${NL}/actions?year=2024`,
  `/api/v1/regions/${NL}/spending?year=2024`,
  `/api/v1/regions/${ZL}/history/verify`,
  `/api/v1/regions/${ZL}/history`,
  `/api/v1/regions/${ZL}/history/page?limit=500`,
  `/api/v1/regions/${ZL}/history/page?limit=10&type=SpendingRecorded`,
  `/api/v1/regions/${ZL}/history/page?limit=5&fromPosition=20&actionId=zl-sw-02`,
  `/api/v1/regions/${ZL}/history/page?funder=heerlen&outcome=accepted&toPosition=90`,
  `/api/v1/regions/${ZL}/history/page?outcome=rejected&actor=fo-`,
  `/api/v1/regions/${ZL}/provenance?year=2024&actionId=zl-ib-01`,
  `/api/v1/regions/${ZL}/provenance?year=2024&funder=maastricht`,
  `/api/v1/regions/${ZL}/provenance?year=2024&actionId=zl-sw-02&asOfPosition=40`,
];

describe('the web endpoints over Kafka and MongoDB answer as over the embedded store', () => {
  it('runs the second server on the engines: the example is in its Kafka log', async () => {
    const kafka = kafkaClient({ brokers, mongoUrl: '', namespace, clientId: 'web-log-reader' });
    const perRegion = new Map<string, number>();
    await readToEnd(kafka, topicNames(namespace).log, (messages) => {
      for (const m of messages) {
        const key = m.key?.toString() ?? '';
        perRegion.set(key, (perRegion.get(key) ?? 0) + 1);
      }
    });
    expect(perRegion.get(ZL)).toBeGreaterThanOrEqual(130);
    expect(perRegion.get(NL)).toBeGreaterThanOrEqual(5);
  });

  it('for every read the web app makes of the example', async () => {
    for (const path of READS) expect((await both(path)).status, path).toBe(200);
    // The answers are the example's, not two empty ones.
    const actions = (await both(`/api/v1/regions/${ZL}/actions?year=2024`)).body as { actions: unknown[] };
    expect(actions.actions).toHaveLength(12);
    const page = (await both(`/api/v1/regions/${ZL}/history/page?limit=500`)).body as {
      records: unknown[];
      nextPosition: number | null;
    };
    expect(page.records).toHaveLength(130);
    expect(page.nextPosition).toBeNull();
    expect((await both(`/api/v1/regions/${ZL}/history/verify`)).body).toEqual({ ok: true, records: 130 });
    const rejected = (await both(`/api/v1/regions/${ZL}/history/page?outcome=rejected&actor=fo-`)).body as {
      records: { outcome: string }[];
    };
    expect(rejected.records.length).toBeGreaterThan(0);
  });

  it('for refusals: no token, a role that may not read history, an unknown region, a bad query', async () => {
    expect((await both(`/api/v1/regions/${ZL}/history/page`, 'not-a-token')).status).toBe(401);
    expect((await both(`/api/v1/regions/${ZL}/history/page`, tokens['finance-officer'])).status).toBe(403);
    expect((await both(`/api/v1/regions/${NL}/actions?year=2024`, tokens['finance-officer'])).status).toBe(
      403,
    );
    expect((await both('/api/v1/regions/nowhere/history/page')).status).toBe(404);
    expect((await both(`/api/v1/regions/${ZL}/history/page?limit=0`)).status).toBe(400);
  });

  it('for the dry run of what the forms send', async () => {
    const b = new EventBuilder(ZL, 'web-dry');
    const first = EXAMPLE.split('\n')[0]!;
    const lines = [
      first,
      JSON.stringify(b.action('web-A1', 'samenwerking', 2024, 2025)),
      JSON.stringify(b.funding('heerlen', 2024, '100.00')),
      JSON.stringify(b.funding('venlo', 2024, '100.00')),
      JSON.stringify(b.closed(2023)),
      JSON.stringify(b.budget('zl-ib-01', 2026, '1.00')),
      JSON.stringify({ ...b.spending('web-s1', 'zl-ib-01', 2024, '1,00') }),
      JSON.stringify({ ...(JSON.parse(first) as EventLine), actor: 'someone else' }),
    ].join('\n');
    const answers = await Promise.all(
      [embedded, engines].map(async (server) => {
        const response = await post(server, '/api/v1/events/validate', lines, tokens.administrator!);
        return { status: response.status, body: (await response.json()) as unknown };
      }),
    );
    expect(answers[1]).toEqual(answers[0]);
    const body = answers[0]!.body as { lines: { outcome: string; issues: { reason: string }[] }[] };
    expect(body.lines.map((l) => [l.outcome, l.issues[0]?.reason])).toEqual([
      ['already-present', undefined],
      ['accepted', undefined],
      ['accepted', undefined],
      ['rejected', 'unknown-funder'],
      ['rejected', 'year-closed'],
      ['rejected', 'outside-lead-time'],
      ['malformed', 'bad-amount'],
      ['malformed', 'conflicting-id'],
    ]);
    expect((await both(`/api/v1/regions/${ZL}/history/verify`)).body).toEqual({ ok: true, records: 130 });
  });

  it('after what the new forms append: an action, a commitment, a region and a closed year', async () => {
    const b = new EventBuilder(ZL, 'web-forms');
    const midden = new EventBuilder('midden-limburg', 'ml');
    const events = [
      b.action('web-A2', 'opvang-hulpverlening', 2024, 2025),
      b.funding('maastricht', 2025, '2500.00'),
      b.budget('web-A2', 2025, '1000.00'),
      b.closed(2025),
      b.budget('web-A2', 2025, '2000.00'),
      midden.configured(['roermond', 'venlo']),
    ];
    const counts = await Promise.all(
      [embedded, engines].map(async (server) => {
        const response = await post(server, '/api/v1/events', ndjson(events), tokens.administrator!);
        return (await response.json()) as unknown;
      }),
    );
    expect(counts[0]).toEqual({ appended: 6, alreadyPresent: 0, accepted: 5, rejected: 1 });
    expect(counts[1]).toEqual(counts[0]);
    for (const path of READS) await both(path);
    const y2025 = (await both(`/api/v1/regions/${ZL}/actions?year=2025`)).body as {
      closed: boolean;
      actions: { actionId: string; budget: string }[];
    };
    expect(y2025.closed).toBe(true);
    expect(y2025.actions.find((a) => a.actionId === 'web-A2')?.budget).toBe('1000.00');
    const regions = (await both('/api/v1/regions')).body as { region: string }[];
    expect(regions.map((r) => r.region)).toContain('midden-limburg');
    const tail = (await both(`/api/v1/regions/${ZL}/history/page?fromPosition=131`)).body as {
      records: { type: string; outcome: string; reason: string | null }[];
    };
    expect(tail.records.map((r) => [r.type, r.outcome, r.reason])).toEqual([
      ['ActionDefined', 'accepted', null],
      ['FundingCommitted', 'accepted', null],
      ['BudgetSet', 'accepted', null],
      ['YearClosed', 'accepted', null],
      ['BudgetSet', 'rejected', 'year-closed'],
    ]);
  });
});
