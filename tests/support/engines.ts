//! Finds a real Kafka broker and MongoDB-wire server for the engines tests: from the environment, else
//! testcontainers when a container runtime answers, else infra/local/up.sh, else a failure saying what to do.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { ensureTopics, kafkaClient, topicNames, type EngineSettings } from '@budget/engines';
import { ROOT } from './cli';

const run = promisify(execFile);

export interface EngineEndpoints {
  kafkaBrokers: string;
  mongoUrl: string;
  /** Stops what this harness started (containers); engines from the environment or up.sh are left running. */
  stop: () => Promise<void>;
}

let resolved: Promise<EngineEndpoints> | undefined;

/**
 * Settings on the engines found, in a namespace of their own (`<prefix><8 hex>.`), so that tests never share topics,
 * consumer groups or databases; `id` names the database as well.
 */
export async function freshSettings(prefix: string): Promise<{ settings: EngineSettings; id: string }> {
  const endpoints = await engineEndpoints();
  const id = randomUUID().slice(0, 8);
  return {
    id,
    settings: {
      brokers: endpoints.kafkaBrokers.split(','),
      mongoUrl: endpoints.mongoUrl,
      namespace: `${prefix}${id}.`,
      clientId: `test-${prefix}-${id}`,
    },
  };
}

/**
 * Fresh settings (`freshSettings`) whose topics exist, with a Kafka client on them, for a test that runs workers
 * in-process: a worker's fatal error (`onFatal`) is left to the test's own assertions rather than ending the process.
 */
export async function freshTopics(
  prefix: string,
): Promise<{ settings: EngineSettings; kafka: ReturnType<typeof kafkaClient> }> {
  const settings: EngineSettings = { ...(await freshSettings(prefix)).settings, onFatal: () => undefined };
  const kafka = kafkaClient(settings);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, topicNames(settings.namespace));
  } finally {
    await admin.disconnect();
  }
  return { settings, kafka };
}

export function engineEndpoints(): Promise<EngineEndpoints> {
  resolved ??= locate();
  return resolved;
}

async function locate(): Promise<EngineEndpoints> {
  const { KAFKA_BROKERS, MONGO_URL } = process.env;
  if (KAFKA_BROKERS !== undefined && KAFKA_BROKERS !== '' && MONGO_URL !== undefined && MONGO_URL !== '') {
    return { kafkaBrokers: KAFKA_BROKERS, mongoUrl: MONGO_URL, stop: () => Promise.resolve() };
  }
  if (await containerRuntimeAnswers()) return startContainers();
  if (await localToolsPresent()) return startLocalEngines();
  throw new Error(
    'The engines tests need a Kafka broker and a MongoDB-wire server. Set KAFKA_BROKERS and MONGO_URL, ' +
      'or run a Docker engine (testcontainers starts them), or install Java 17, Maven and Go so that ' +
      'infra/local/up.sh can start them (eval "$(infra/local/up.sh)").',
  );
}

async function containerRuntimeAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    // `docker --version` answers without an engine; asking testcontainers for its runtime client does not.
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise((_, reject) =>
        setTimeout(() => {
          reject(new Error('timeout'));
        }, 5000),
      ),
    ]);
    return true;
  } catch {
    return false;
  }
}

async function startContainers(): Promise<EngineEndpoints> {
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const { MongoDBContainer } = await import('@testcontainers/mongodb');
  const [kafka, mongo] = await Promise.all([
    new KafkaContainer('confluentinc/cp-kafka:7.9.1').withKraft().start(),
    new MongoDBContainer('mongo:7.0').start(),
  ]);
  return {
    kafkaBrokers: `${kafka.getHost()}:${String(kafka.getMappedPort(9093))}`,
    mongoUrl: `${mongo.getConnectionString()}?directConnection=true`,
    stop: async () => {
      await Promise.all([kafka.stop(), mongo.stop()]);
    },
  };
}

async function localToolsPresent(): Promise<boolean> {
  if (!existsSync(join(ROOT, 'infra', 'local', 'up.sh'))) return false;
  try {
    await Promise.all([run('java', ['-version']), run('mvn', ['-v']), run('go', ['version'])]);
    return true;
  } catch {
    return false;
  }
}

async function startLocalEngines(): Promise<EngineEndpoints> {
  const { stdout } = await run('bash', [join(ROOT, 'infra', 'local', 'up.sh')], {
    maxBuffer: 1 << 24,
    timeout: 15 * 60_000,
  });
  const kafka = /export KAFKA_BROKERS=(\S+)/.exec(stdout)?.[1];
  const mongo = /export MONGO_URL=(\S+)/.exec(stdout)?.[1];
  if (kafka === undefined || mongo === undefined)
    throw new Error(`infra/local/up.sh printed no endpoints:\n${stdout}`);
  return { kafkaBrokers: kafka, mongoUrl: mongo, stop: () => Promise.resolve() };
}
