//! Riding out a broker restart: which kafkajs errors are worth another try, and waits that always end.

/**
 * Protocol errors that a broker restart or a leadership/coordinator move produces and that the next attempt can
 * get past. kafkajs marks most of them `retriable`, but some reach us wrapped or re-thrown as non-retriable.
 */
const TRANSIENT_PROTOCOL_ERRORS = new Set([
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'NOT_LEADER_OR_FOLLOWER',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'REQUEST_TIMED_OUT',
  'NETWORK_EXCEPTION',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR_FOR_GROUP',
  'GROUP_LOAD_IN_PROGRESS',
  'CONCURRENT_TRANSACTIONS',
  'NOT_ENOUGH_REPLICAS',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'KAFKA_STORAGE_ERROR',
  'NOT_CONTROLLER',
  'REBALANCE_IN_PROGRESS',
  'UNSTABLE_OFFSET_COMMIT',
]);

/** Error classes of kafkajs that mean "the broker (or the way to it) is not there right now". */
const TRANSIENT_ERROR_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSStaleTopicMetadataAssignment',
  'KafkaJSLockTimeout',
  // Our own per-call bound (below): the call may succeed when tried again.
  'CallTimeoutError',
]);

/**
 * Whether an error from kafkajs is transient: `retriable`, a transient class or protocol error, or kafkajs giving
 * up its own retries (KafkaJSNumberOfRetriesExceeded) on such a cause. Anything else (a bad request, an
 * authorization failure, our own checks) is not retried.
 */
export function isRetriable(error: unknown, depth = 0): boolean {
  if (depth > 5 || typeof error !== 'object' || error === null) return false;
  const e = error as {
    name?: unknown;
    type?: unknown;
    retriable?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof e.type === 'string' && TRANSIENT_PROTOCOL_ERRORS.has(e.type)) return true;
  if (typeof e.name === 'string' && TRANSIENT_ERROR_NAMES.has(e.name)) return true;
  if (e.name === 'KafkaJSNumberOfRetriesExceeded' || e.name === 'KafkaJSNonRetriableError')
    return isRetriable(e.cause, depth + 1);
  if (Array.isArray(e.errors) && e.errors.length > 0)
    return e.errors.every((inner: unknown) => isRetriable(inner, depth + 1));
  if (e.retriable === true) return true;
  return e.cause !== undefined && isRetriable(e.cause, depth + 1);
}

/**
 * The Kafka protocol error type (e.g. UNKNOWN_TOPIC_OR_PARTITION) of an error or of what it wraps: kafkajs hands
 * out its own errors wrapped (KafkaJSNumberOfRetriesExceeded, KafkaJSNonRetriableError) with the cause inside.
 */
export function protocolErrorType(error: unknown, depth = 0): string | undefined {
  if (depth > 5 || typeof error !== 'object' || error === null) return undefined;
  const e = error as { type?: unknown; cause?: unknown; originalError?: unknown };
  if (typeof e.type === 'string') return e.type;
  return protocolErrorType(e.cause ?? e.originalError, depth + 1);
}

/** A single call that took longer than its bound (the call itself may still settle later; it is ignored). */
export class CallTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${String(Math.round(ms / 1000))} s`);
    this.name = 'CallTimeoutError';
  }
}

/** The call's result, or a CallTimeoutError after `ms`. A late failure of the call is swallowed. */
export async function withTimeout<T>(what: string, ms: number, call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const running = call();
  running.catch(() => undefined);
  try {
    return await Promise.race([
      running,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => {
            reject(new CallTimeoutError(what, ms));
          },
          Math.max(1, ms),
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

/** Exponential backoff with jitter: 100 ms, 200 ms, ... at most 2 s. */
export function backoff(attempt: number): number {
  const base = Math.min(2_000, 100 * 2 ** Math.min(attempt, 10));
  return base / 2 + Math.random() * (base / 2);
}

/** One-line description of an error for messages (kafkajs errors carry their cause). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error && cause.message !== error.message
    ? `${error.message} (${cause.message})`
    : error.message;
}

/**
 * Runs `call` until it succeeds, a non-retriable error is thrown (thrown on), or the deadline passes (then
 * `onGiveUp` turns the last error into what is thrown). Each attempt is bounded by `attemptMs` and the deadline.
 * `onRetry` runs before each pause, given the time left, and may throw to stop. A try cut short by the deadline
 * (not by `attemptMs`) says less than the error before it, so giving up names that one.
 */
export async function retrying<T>(options: {
  what: string;
  deadline: number;
  attemptMs: number;
  call: () => Promise<T>;
  onGiveUp: (lastError: unknown) => Error;
  onRetry?: (error: unknown, leftMs: number) => Promise<void> | void;
}): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; ; attempt++) {
    const bound = Math.min(options.attemptMs, Math.max(options.deadline - Date.now(), 1));
    try {
      return await withTimeout(options.what, bound, options.call);
    } catch (error) {
      if (!isRetriable(error)) throw error;
      const cutShort = error instanceof CallTimeoutError && bound < options.attemptMs;
      lastError = cutShort && lastError !== undefined ? lastError : error;
      const pause = backoff(attempt);
      if (Date.now() + pause >= options.deadline) throw options.onGiveUp(lastError);
      await options.onRetry?.(error, options.deadline - Date.now());
      if (Date.now() + pause >= options.deadline) throw options.onGiveUp(lastError);
      await sleep(pause);
    }
  }
}
