// docker-compose.yml cannot run on these machines (no Docker engine), so its API service's settings are checked here
// against the server's own reading of the environment: a container's server must listen beyond the container's
// loopback, or the published port reaches nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readServiceSettings } from '@budget/service-kit';
import { readServerConfig } from './config';

const COMPOSE = join(fileURLToPath(import.meta.url), '..', '..', '..', '..', 'docker-compose.yml');

const composeSchema = z.object({
  services: z.record(
    z.string(),
    z.object({
      ports: z.array(z.string()).optional(),
      // Compose passes numbers and booleans to the container as their text.
      environment: z
        .record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String))
        .optional(),
    }),
  ),
});

const compose = composeSchema.parse(parse(readFileSync(COMPOSE, 'utf8'), { merge: true }));

describe('docker-compose.yml', () => {
  it('gives the API settings the server accepts, listening on every interface of its container', () => {
    const api = compose.services.api;
    expect(api).toBeDefined();
    const config = readServerConfig(api?.environment ?? {});
    expect(config.host).toBe('0.0.0.0');
    expect(config.port).toBe(3000);
    expect(config.workers).toBe('none');
    expect(config.tokens).toEqual({ file: '/data/tokens.json', development: false });
    expect(config.engines?.kafkaBrokers).toBe('kafka:19092');
    expect(config.engines?.mongoUrl).toMatch(/^mongodb:\/\/mongo:27017\//);
    expect(api?.ports).toEqual(['127.0.0.1:3000:3000']);
  });

  it("publishes every port on the host's loopback only: Kafka and MongoDB ask for no password", () => {
    const published = Object.values(compose.services).flatMap((service) => service.ports ?? []);
    expect(published.length).toBeGreaterThanOrEqual(3);
    for (const port of published) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
  });

  it('gives each worker settings it accepts, its health and metrics reachable from the network', () => {
    for (const kind of ['sequencer', 'ledger', 'allocator'] as const) {
      const settings = readServiceSettings(compose.services[kind]?.environment ?? {}, kind);
      expect(settings.host, kind).toBe('0.0.0.0');
    }
  });
});
