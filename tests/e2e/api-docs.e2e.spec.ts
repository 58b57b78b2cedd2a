// The OpenAPI document and the interactive documentation, against the real server (`pnpm start`'s entry point):
// both are served without a token with the right content types, the page's assets load from this server, every
// documented call exists (401 without a token), and real answers fit the documented response schemas.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allocationReportSchema,
  dryRunResultSchema,
  errorSchema,
  healthSchema,
  historyPageSchema,
  importCountsSchema,
  lineErrorsSchema,
  logRecordSchema,
  meSchema,
  provenanceSchema,
  provinceReportSchema,
  regionActionsSchema,
  regionSummariesSchema,
  spendingListSchema,
  trialBalanceSchema,
  verifyResultSchema,
} from '../../services/server/src/http/openapi-schemas';
import { Cli, tempDir } from '../support/cli';
import { EventBuilder, ndjson, smallScenario } from '../support/events';
import { startServer, type RunningServer } from '../support/server';

const ZL = 'zuid-limburg';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

let server: RunningServer;
let admin: string;

interface OpenApi {
  openapi: string;
  paths: Record<string, Partial<Record<(typeof METHODS)[number], { security?: unknown[] }>>>;
}

async function api(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token !== undefined) headers.set('Authorization', `Bearer ${init.token}`);
  return fetch(`${server.url}${path}`, { ...init, headers });
}

/** The JSON answer of a call, which must be 200 and fit the documented schema exactly (strict objects). */
/** What the test needs of a zod schema (zod itself is a dependency of the server, not of the tests). */
interface Schema {
  safeParse: (value: unknown) => { success: true } | { success: false; error: { issues: unknown[] } };
}

async function documented(schema: Schema, path: string, init: RequestInit = {}): Promise<void> {
  const response = await api(path, { ...init, token: admin });
  expect(response.status, path).toBe(200);
  expect(response.headers.get('content-type'), path).toMatch(/^application\/json/);
  const parsed = schema.safeParse(await response.json());
  expect(parsed.success ? [] : parsed.error.issues, path).toEqual([]);
}

beforeAll(async () => {
  const cli = Cli.fresh();
  const tokensFile = join(tempDir('tokens'), 'tokens.json');
  admin = cli.createToken(tokensFile, 'administrator', '*', 'admin');
  expect(cli.importText(ndjson(smallScenario())).code).toBe(0);
  server = await startServer({ BUDGET_DATA_DIR: cli.dataDir, BUDGET_TOKENS_FILE: tokensFile });
});

afterAll(async () => {
  await server.stop();
});

describe('GET /api/openapi.json', () => {
  it('answers the OpenAPI 3.1 document as JSON without a token', async () => {
    const response = await api('/api/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const document = (await response.json()) as OpenApi;
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toContain('/api/v1/events');
  });

  it('documents only calls the server has: each answers, and 401 without a token where one is needed', async () => {
    const document = (await (await api('/api/openapi.json')).json()) as OpenApi;
    let checked = 0;
    for (const [template, item] of Object.entries(document.paths)) {
      const path = template.replace('{region}', ZL);
      for (const method of METHODS) {
        const operation = item[method];
        if (operation === undefined) continue;
        const response = await api(path, { method: method.toUpperCase() });
        const expected = operation.security?.length === 0 ? 200 : 401;
        expect(response.status, `${method.toUpperCase()} ${template}`).toBe(expected);
        if (expected === 401) expect(errorSchema.safeParse(await response.json()).success).toBe(true);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(16);
  });
});

describe('GET /api/docs', () => {
  it('answers an HTML page whose scripts, styles and icon load from this server', async () => {
    const response = await api('/api/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await response.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(assets.length).toBeGreaterThanOrEqual(5);
    const types: string[] = [];
    for (const asset of assets) {
      expect(asset, 'nothing from another origin').toMatch(/^\/api\/docs\/assets\//);
      const loaded = await api(asset);
      expect(loaded.status, asset).toBe(200);
      expect((await loaded.arrayBuffer()).byteLength, asset).toBeGreaterThan(0);
      types.push(loaded.headers.get('content-type')?.split(';')[0] ?? '');
    }
    expect(new Set(types)).toEqual(new Set(['text/css', 'text/javascript', 'image/png']));
    const bundle = await (await api('/api/docs/assets/swagger-ui-bundle.js')).text();
    expect(bundle).toContain('SwaggerUIBundle');
    expect((await api('/api/docs/assets/index.html')).status).toBe(404);
    expect((await api('/api/docs/assets/package.json')).status).toBe(404);
  });
});

describe('real answers fit the documented response schemas', () => {
  it('reads', async () => {
    const region = `/api/v1/regions/${ZL}`;
    await documented(healthSchema, '/health');
    await documented(allocationReportSchema, `${region}/reports/allocation?year=2024`);
    await documented(allocationReportSchema, `${region}/reports/allocation?year=2024&asOfPosition=5`);
    await documented(trialBalanceSchema, `${region}/reports/trial-balance?year=2024`);
    await documented(regionActionsSchema, `${region}/actions?year=2024`);
    await documented(spendingListSchema, `${region}/spending?year=2024`);
    await documented(verifyResultSchema, `${region}/history/verify`);
    await documented(historyPageSchema, `${region}/history/page?limit=5`);
    await documented(provenanceSchema, `${region}/provenance?year=2024&actionId=A1`);
    await documented(meSchema, '/api/v1/me');
    await documented(regionSummariesSchema, '/api/v1/regions');
    await documented(provinceReportSchema, '/api/v1/province/allocation?year=2024');
  });

  it('the history as NDJSON of log records, and the report as CSV', async () => {
    const history = await api(`/api/v1/regions/${ZL}/history`, { token: admin });
    expect(history.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (await history.text()).split('\n').filter((line) => line !== '');
    expect(lines.length).toBe(smallScenario().length);
    for (const line of lines) {
      const parsed = logRecordSchema.safeParse(JSON.parse(line));
      expect(parsed.success ? [] : parsed.error.issues, line).toEqual([]);
    }
    const csv = await api(`/api/v1/regions/${ZL}/reports/allocation?year=2024`, {
      token: admin,
      headers: { Accept: 'text/csv' },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
  });

  it('writes: the counts, the dry run, and the 400 of malformed lines', async () => {
    const b = new EventBuilder(ZL, 'docs');
    const body = ndjson([b.budget('A2', 2024, '600.00')]);
    const headers = { 'Content-Type': 'application/x-ndjson' };
    await documented(dryRunResultSchema, '/api/v1/events/validate', { method: 'POST', body, headers });
    await documented(importCountsSchema, '/api/v1/events', { method: 'POST', body, headers });
    const malformed = await api('/api/v1/events', {
      method: 'POST',
      body: '{"id": "x"}\nnot json\n',
      headers,
      token: admin,
    });
    expect(malformed.status).toBe(400);
    const parsed = lineErrorsSchema.safeParse(await malformed.json());
    expect(
      parsed.success ? [...new Set(parsed.data.errors.map((e) => e.line))] : parsed.error.issues,
    ).toEqual([1, 2]);
  });
});
