// The OpenAPI document: valid OpenAPI 3.1, and its paths and methods are exactly the routes the Nest app registers
// (so a route added without documenting it fails here), with security, roles and error shapes on every call.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Validator } from '@seriousme/openapi-schema-validator';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BudgetStore } from '@budget/application';
import { validateLine } from '@budget/domain';
import { createServer } from '../app';
import { openApiDocument } from './openapi';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const PUBLIC = new Set(['GET /health', 'GET /api/v1/health', 'GET /api/openapi.json', 'GET /api/docs']);

interface Operation {
  operationId?: string;
  description?: string;
  security?: unknown[];
  'x-roles'?: string[];
  parameters?: { in: string; name: string }[];
  requestBody?: { content: Record<string, { example?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> };
}

const document = openApiDocument() as unknown as {
  openapi: string;
  security: unknown[];
  paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
};

function operations(): [string, Operation][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = item[method];
      return operation === undefined
        ? []
        : [[`${method.toUpperCase()} ${path}`, operation] as [string, Operation]];
    }),
  );
}

let app: NestExpressApplication;
const dir = mkdtempSync(join(tmpdir(), 'openapi-'));

beforeAll(async () => {
  const tokensFile = join(dir, 'tokens.json');
  writeFileSync(tokensFile, '[]');
  // No request is made: the store is never called.
  const store = {} as BudgetStore;
  app = await createServer({
    store,
    tokensFile,
    maxBodyBytes: 1024,
    logger: pino({ level: 'silent' }),
    web: new Map(),
  });
  await app.init();
});

afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The routes of the running app, as `METHOD /path/{param}`, from Express's router (where Nest registers them). */
function registeredRoutes(): string[] {
  // Express 5's types leave out a route's `methods`, which its router keeps.
  const express = app.getHttpAdapter().getInstance() as unknown as { router: { stack: Layer[] } };
  return express.router.stack.flatMap((layer) => {
    const route = layer.route;
    if (route === undefined) return [];
    if (typeof route.path !== 'string')
      throw new Error(`a route with a path that is not a string: ${String(route.path)}`);
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    return Object.keys(route.methods)
      .filter((method) => method !== '_all')
      .map((method) => `${method.toUpperCase()} ${path}`);
  });
}

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1', async () => {
    expect(document.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(JSON.stringify(document)) as Record<string, unknown>);
    expect(result.errors, JSON.stringify(result.errors, null, 1)).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('documents exactly the routes the server registers', () => {
    const routes = registeredRoutes();
    // The app has the contract's routes and the docs' own, at least.
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /api/v1/events',
        'GET /health',
        'GET /api/openapi.json',
        'GET /api/docs',
      ]),
    );
    expect(new Set(routes).size).toBe(routes.length);
    expect(
      operations()
        .map(([route]) => route)
        .sort(),
    ).toEqual([...routes].sort());
  });

  it('gives every operation a unique id, and every path parameter a parameter', () => {
    const ids = operations().map(([, operation]) => operation.operationId);
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [route, operation] of operations()) {
      const inPath = [...route.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const declared = (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      expect(declared, route).toEqual(inPath);
    }
  });

  it('asks for a bearer token everywhere but /health and the documentation, and names the roles', () => {
    expect(document.components.securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }) as unknown,
    });
    expect(document.security).toEqual([{ bearer: [] }]);
    for (const [route, operation] of operations()) {
      if (PUBLIC.has(route)) {
        expect(operation.security, route).toEqual([]);
        continue;
      }
      expect(operation.security, route).toBeUndefined();
      expect(Object.keys(operation.responses), route).toEqual(expect.arrayContaining(['200', '401', '500']));
      expect(operation['x-roles']?.length, route).toBeGreaterThan(0);
      expect(operation.description, route).toMatch(/\*\*Roles/);
      for (const role of operation['x-roles'] ?? []) expect(operation.description, route).toContain(role);
      if (route.includes('{region}')) expect(Object.keys(operation.responses), route).toContain('403');
    }
  });

  it("documents the contract's error body, content types and event records", () => {
    const append = document.paths['/api/v1/events']?.post;
    const report = document.paths['/api/v1/regions/{region}/reports/allocation']?.get;
    const history = document.paths['/api/v1/regions/{region}/history']?.get;
    expect(Object.keys(append?.requestBody?.content ?? {})).toEqual([
      'application/x-ndjson',
      'application/json',
    ]);
    expect(JSON.stringify(append?.responses['400'])).toContain('#/components/schemas/LineErrors');
    expect(document.components.schemas.LineErrors).toMatchObject({
      properties: { errors: { items: { required: ['line', 'reason', 'field', 'detail'] } } },
    });
    expect(Object.keys(report?.responses['200']?.content ?? {})).toEqual(['application/json', 'text/csv']);
    expect(Object.keys(history?.responses['200']?.content ?? {})).toEqual(['application/x-ndjson']);
    expect(report?.parameters?.map((p) => `${p.in} ${p.name}`)).toEqual([
      'path region',
      'query year',
      'query asOfPosition',
    ]);
    const variants = (document.components.schemas.EventRecord as { oneOf: unknown[] }).oneOf;
    expect(variants).toHaveLength(9);
  });

  it('shows examples the server accepts', () => {
    const content = document.paths['/api/v1/events']?.post?.requestBody?.content;
    const ndjson = content?.['application/x-ndjson']?.example;
    const array = content?.['application/json']?.example;
    expect(typeof ndjson).toBe('string');
    for (const line of String(ndjson)
      .split('\n')
      .filter((l) => l !== ''))
      expect(validateLine(line).ok).toBe(true);
    expect(Array.isArray(array)).toBe(true);
    for (const event of array as unknown[]) expect(validateLine(JSON.stringify(event)).ok).toBe(true);
  });
});
