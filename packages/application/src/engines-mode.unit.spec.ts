import { describe, expect, it } from 'vitest';
import { halfSetEngines } from './engines-mode';

describe('halfSetEngines', () => {
  it('says nothing when both or neither are set (empty counts as unset)', () => {
    expect(halfSetEngines({}, '/d')).toBeUndefined();
    expect(halfSetEngines({ KAFKA_BROKERS: '', MONGO_URL: '' }, '/d')).toBeUndefined();
    expect(halfSetEngines({ KAFKA_BROKERS: 'k:9092', MONGO_URL: 'mongodb://m/' }, '/d')).toBeUndefined();
  });

  it('names the variable that is missing and where the data goes instead', () => {
    expect(halfSetEngines({ KAFKA_BROKERS: 'k:9092' }, '/srv/data')).toBe(
      'KAFKA_BROKERS is set but MONGO_URL is not, so the embedded store in /srv/data is used; set both to use Kafka and MongoDB, or neither',
    );
    expect(halfSetEngines({ KAFKA_BROKERS: '', MONGO_URL: 'mongodb://m/' }, '/d')).toMatch(
      /^MONGO_URL is set but KAFKA_BROKERS is not/,
    );
  });
});
