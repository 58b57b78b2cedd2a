// The CLI in the engines mode when Kafka or MongoDB does not answer: it says which, exits 75 (try again), and ends
// (kafkajs retrying in the background once kept the process alive for good).
import { describe, expect, it } from 'vitest';
import { Cli } from '../support/cli';
import { engineEndpoints } from '../support/engines';

describe('the CLI in the engines mode with an engine that does not answer', () => {
  it('says MongoDB does not answer, with exit 75 and no stack trace', async () => {
    const { kafkaBrokers } = await engineEndpoints();
    const result = await Cli.fresh().runAsync(['report', 'allocation', '--region', 'r', '--year', '2024'], {
      KAFKA_BROKERS: kafkaBrokers,
      MONGO_URL: 'mongodb://127.0.0.1:1/',
    });
    expect(result.code).toBe(75);
    expect(result.stderr).toContain('connecting to MongoDB (MONGO_URL) failed');
    expect(result.stderr).toContain('is it running? Try again when it is.');
    expect(result.stderr).not.toContain('internal error');
  }, 60_000);

  it('says Kafka does not answer after the wait, with exit 75, and ends', async () => {
    const { mongoUrl } = await engineEndpoints();
    const result = await Cli.fresh().runAsync(['report', 'allocation', '--region', 'r', '--year', '2024'], {
      KAFKA_BROKERS: '127.0.0.1:1',
      MONGO_URL: mongoUrl,
      BUDGET_ENGINES_WAIT_SECONDS: '3',
    });
    expect(result.code).toBe(75);
    expect(result.stderr).toContain('connecting to Kafka failed: Kafka did not answer within 3 s');
    // kafkajs's own retries are logged once a minute at most, not hundreds of times.
    expect(
      result.stderr.split('\n').filter((line) => line.includes('"logger":"kafkajs"')).length,
    ).toBeLessThan(5);
  }, 60_000);

  it('refuses a wait that is not a whole number of seconds from 1 to 3600', async () => {
    const { kafkaBrokers, mongoUrl } = await engineEndpoints();
    const result = await Cli.fresh().runAsync(['report', 'allocation', '--region', 'r', '--year', '2024'], {
      KAFKA_BROKERS: kafkaBrokers,
      MONGO_URL: mongoUrl,
      BUDGET_ENGINES_WAIT_SECONDS: '0',
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      'BUDGET_ENGINES_WAIT_SECONDS must be a whole number of seconds from 1 to 3600',
    );
  }, 60_000);
});
