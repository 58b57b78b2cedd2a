import { KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { isRetriable, protocolErrorType } from './retry';

const unknownTopic = () =>
  new KafkaJSProtocolError(
    Object.assign(new Error('This server does not host this topic-partition'), {
      type: 'UNKNOWN_TOPIC_OR_PARTITION',
      code: 3,
      retriable: true,
    }),
  );

describe('protocolErrorType', () => {
  it('finds the protocol error however kafkajs wrapped it', () => {
    expect(protocolErrorType(unknownTopic())).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    const exceeded = new KafkaJSNumberOfRetriesExceeded(unknownTopic(), { retryCount: 8, retryTime: 100 });
    expect(protocolErrorType(exceeded)).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    // Its typings take one argument; kafkajs itself passes the cause as a second one.
    const Wrapping = KafkaJSNonRetriableError as unknown as new (
      message: string,
      options: { cause: unknown },
    ) => Error;
    expect(protocolErrorType(new Wrapping('gave up', { cause: exceeded }))).toBe(
      'UNKNOWN_TOPIC_OR_PARTITION',
    );
    expect(isRetriable(exceeded)).toBe(true);
  });

  it('is undefined for anything else', () => {
    expect(protocolErrorType(new Error('plain'))).toBeUndefined();
    expect(protocolErrorType('text')).toBeUndefined();
    expect(protocolErrorType(null)).toBeUndefined();
  });
});
