import { describe, expect, it } from 'vitest';
import { readServerConfig } from './config';

describe('readServerConfig', () => {
  it('resolves relative paths against where the user ran pnpm (INIT_CWD), as the CLI does', () => {
    const config = readServerConfig({
      INIT_CWD: '/home/officer/budget',
      BUDGET_DATA_DIR: 'store',
      BUDGET_TOKENS_FILE: 'tokens.json',
    });
    expect(config.dataDir).toBe('/home/officer/budget/store');
    expect(config.tokens).toEqual({ file: '/home/officer/budget/tokens.json', development: false });
  });

  it('keeps the development tokens in the data directory when no tokens file is named', () => {
    const config = readServerConfig({ INIT_CWD: '/srv', BUDGET_TOKENS_FILE: '' });
    expect(config.tokens).toEqual({ file: '/srv/data/tokens.json', development: true });
  });

  it('runs embedded, with a warning, when only one of KAFKA_BROKERS and MONGO_URL is set', () => {
    const config = readServerConfig({ INIT_CWD: '/srv', KAFKA_BROKERS: 'kafka:9092' });
    expect(config.engines).toBeUndefined();
    expect(config.halfSetEngines).toBe(
      'KAFKA_BROKERS is set but MONGO_URL is not, so the embedded store in /srv/data is used; set both to use Kafka and MongoDB, or neither',
    );
    expect(
      readServerConfig({
        KAFKA_BROKERS: 'kafka:9092',
        MONGO_URL: 'mongodb://m/',
        BUDGET_TOKENS_FILE: '/t.json',
      }).halfSetEngines,
    ).toBeUndefined();
  });

  it('runs the workers in this process unless BUDGET_WORKERS is none, and refuses any other value', () => {
    expect(readServerConfig({}).workers).toBe('all');
    expect(readServerConfig({ BUDGET_WORKERS: '' }).workers).toBe('all');
    expect(readServerConfig({ BUDGET_WORKERS: 'none' }).workers).toBe('none');
    expect(() => readServerConfig({ BUDGET_WORKERS: 'no' })).toThrow(
      'bad environment: BUDGET_WORKERS: must be all (the default) or none',
    );
  });

  it('makes development tokens in the embedded mode only: on the engines without a tokens file, none', () => {
    expect(
      readServerConfig({ KAFKA_BROKERS: 'kafka:9092', MONGO_URL: 'mongodb://m/' }).tokens,
    ).toBeUndefined();
    const config = readServerConfig({
      KAFKA_BROKERS: 'kafka:9092',
      MONGO_URL: 'mongodb://m/',
      BUDGET_TOKENS_FILE: '/etc/budget/tokens.json',
    });
    expect(config.tokens).toEqual({ file: '/etc/budget/tokens.json', development: false });
  });
});
