import { KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { isRetriable, protocolErrorType, retrying } from './retry';
import { protocolError } from './testing/protocol-error';

const unknownTopic = () =>
  protocolError('UNKNOWN_TOPIC_OR_PARTITION', 3, 'This server does not host this topic-partition');

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

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:19092'), { name: 'KafkaJSConnectionError' });

describe('retrying', () => {
  it('names the real error when the deadline cuts the last try short, and keeps to its deadline', async () => {
    let calls = 0;
    const started = Date.now();
    const error = await retrying({
      what: 'asking',
      deadline: Date.now() + 400,
      attemptMs: 10_000,
      call: () => {
        calls += 1;
        // The first try fails at once; later ones hang until the deadline cuts them short.
        return calls === 1 ? Promise.reject(refused()) : new Promise<never>(() => undefined);
      },
      onGiveUp: (last) => new Error(`gave up: ${(last as Error).message}`),
      // A slow hook (as a metadata refresh can be) eats into the time left.
      onRetry: (_error, leftMs) => new Promise((resolve) => setTimeout(resolve, Math.min(150, leftMs))),
    }).catch((e: unknown) => e as Error);
    expect(error.message).toBe('gave up: connect ECONNREFUSED 127.0.0.1:19092');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('stops when the hook throws, without another try', async () => {
    let calls = 0;
    const stopped = retrying({
      what: 'asking',
      deadline: Date.now() + 60_000,
      attemptMs: 1_000,
      call: () => {
        calls += 1;
        return Promise.reject(refused());
      },
      onGiveUp: () => new Error('gave up'),
      onRetry: (_error, leftMs) => {
        expect(leftMs).toBeGreaterThan(50_000);
        throw new Error('no such topic');
      },
    });
    await expect(stopped).rejects.toThrow('no such topic');
    expect(calls).toBe(1);
  });
});
