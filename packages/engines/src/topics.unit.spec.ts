import fc from 'fast-check';
import kafkajs, { Partitioners, type Admin, type PartitionerArgs } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { protocolError } from './testing/protocol-error';
import {
  RegionPartitioner,
  endOffsets,
  ensureTopics,
  rememberingPartitioner,
  topicNames,
  topicOffsets,
} from './topics';

const notLeader = () =>
  protocolError('NOT_LEADER_FOR_PARTITION', 6, 'This server is not the leader for that topic-partition');

/** An admin whose fetchTopicOffsets fails with `failures` in turn, then answers; it counts metadata refreshes. */
function flakyAdmin(failures: Error[]) {
  const calls = { offsets: 0, metadata: 0 };
  const admin = {
    fetchTopicOffsets: (topic: string) => {
      calls.offsets += 1;
      const failure = failures.shift();
      if (failure !== undefined) return Promise.reject(failure);
      expect(topic).toBe('t');
      return Promise.resolve([
        { partition: 0, offset: '5', high: '5', low: '0' },
        { partition: 1, offset: '7', high: '7', low: '2' },
      ]);
    },
    // The call that refreshes kafkajs's cached metadata (see topicOffsets); it must be about this topic.
    describeConfigs: ({ resources }: { resources: { type: number; name: string }[] }) => {
      expect(resources).toEqual([{ type: kafkajs.ConfigResourceTypes.TOPIC, name: 't' }]);
      calls.metadata += 1;
      return Promise.resolve({ resources: [], throttleTime: 0 });
    },
  } as unknown as Admin;
  return { admin, calls };
}

describe('topic offsets', () => {
  it('ride out a partition whose leader is not known yet, refreshing metadata before each new try', async () => {
    const { admin, calls } = flakyAdmin([notLeader(), notLeader()]);
    expect(await endOffsets(admin, 't')).toEqual(
      new Map([
        [0, '5'],
        [1, '7'],
      ]),
    );
    expect(calls).toEqual({ offsets: 3, metadata: 2 });
  });

  it('fail at once on an error that another try cannot get past', async () => {
    const { admin, calls } = flakyAdmin([new Error('not authorized')]);
    await expect(topicOffsets(admin, 't')).rejects.toThrow('not authorized');
    expect(calls.offsets).toBe(1);
  });

  it("stop, without refreshing, when the caller's hook says so", async () => {
    const { admin, calls } = flakyAdmin([notLeader(), notLeader()]);
    await expect(
      topicOffsets(admin, 't', {
        onRetry: () => Promise.reject(new Error('no such topic')),
      }),
    ).rejects.toThrow('no such topic');
    expect(calls).toEqual({ offsets: 1, metadata: 0 });
  });

  it('bound each request, and say what the caller asks for when they give up', async () => {
    const admin = {
      fetchTopicOffsets: () => new Promise(() => undefined),
      describeConfigs: () => new Promise(() => undefined),
    } as unknown as Admin;
    await expect(
      topicOffsets(admin, 't', {
        deadlineMs: 400,
        attemptMs: 50,
        onGiveUp: (error) => new Error(`gave up: ${(error as Error).message}`),
      }),
    ).rejects.toThrow(/gave up: reading the offsets of t did not answer within/);
  });

  it('give up at the deadline and say which topic and why', async () => {
    const { admin } = flakyAdmin(Array.from({ length: 100 }, notLeader));
    await expect(topicOffsets(admin, 't', { deadlineMs: 300 })).rejects.toThrow(
      /reading the offsets of t failed for 0.3 s: This server is not the leader/,
    );
  });
});

describe('ensureTopics', () => {
  const unknownTopic = () =>
    protocolError('UNKNOWN_TOPIC_OR_PARTITION', 3, 'This server does not host this topic-partition');

  /**
   * A broker that has some topics. Each topic it creates is unknown to its next metadata or offsets request, as a
   * KRaft broker may answer right after creating it; kafkajs's wait for leaders then throws (`waitFails`).
   */
  function newBroker(existing: string[], waitFails: Error | undefined) {
    const topics = new Set(existing);
    const calls: { topics: string[]; waitForLeaders: boolean | undefined }[] = [];
    const unknownOnce = new Set<string>();
    const answered: string[] = [];
    const admin = {
      listTopics: () => Promise.resolve([...topics]),
      createTopics: ({
        topics: asked,
        waitForLeaders,
      }: {
        topics: { topic: string }[];
        waitForLeaders?: boolean;
      }) => {
        calls.push({ topics: asked.map((t) => t.topic), waitForLeaders });
        let created = false;
        for (const { topic } of asked) {
          if (topics.has(topic)) continue;
          topics.add(topic);
          unknownOnce.add(topic);
          created = true;
        }
        // kafkajs: false when every topic already existed.
        if (waitForLeaders === true && created && waitFails !== undefined) return Promise.reject(waitFails);
        return Promise.resolve(created);
      },
      fetchTopicOffsets: (topic: string) => {
        if (!topics.has(topic) || unknownOnce.delete(topic)) return Promise.reject(unknownTopic());
        answered.push(topic);
        return Promise.resolve([{ partition: 0, offset: '0', high: '0', low: '0' }]);
      },
      describeConfigs: () => Promise.resolve({ resources: [], throttleTime: 0 }),
    } as unknown as Admin;
    return { admin, calls, answered, topics };
  }

  it('creates the missing topics and returns once each answers offset requests', async () => {
    const names = topicNames('t.');
    const { admin, calls, answered } = newBroker([names.inbox, 'other'], undefined);
    await ensureTopics(admin, names);
    const missing = Object.values(names).filter((topic) => topic !== names.inbox);
    expect(calls).toEqual([{ topics: missing, waitForLeaders: true }]);
    expect(answered).toEqual(missing);
  });

  it("rides out kafkajs's wait for leaders failing on a topic just created (UNKNOWN_TOPIC_OR_PARTITION)", async () => {
    const names = topicNames('t.');
    const { admin, calls, answered, topics } = newBroker([], unknownTopic());
    await ensureTopics(admin, names);
    const all = Object.values(names);
    expect(calls).toEqual([
      { topics: all, waitForLeaders: true },
      { topics: all, waitForLeaders: false },
    ]);
    expect([...topics]).toEqual(all);
    expect(answered).toEqual(all);
  });

  it('fails at once on an error that another try cannot get past', async () => {
    const names = topicNames('t.');
    const { admin, calls } = newBroker([], new Error('not authorized'));
    await expect(ensureTopics(admin, names)).rejects.toThrow('not authorized');
    expect(calls).toHaveLength(1);
  });

  it('creates nothing when every topic is there', async () => {
    const names = topicNames('');
    const { admin, calls, answered } = newBroker(Object.values(names), undefined);
    await ensureTopics(admin, names);
    expect(calls).toEqual([]);
    expect(answered).toEqual([]);
  });
});

describe('RegionPartitioner', () => {
  const metadata = (partitions: number): PartitionerArgs['partitionMetadata'] =>
    Array.from({ length: partitions }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
      partitionErrorCode: 0,
    }));
  const args = (topic: string, partitions: number, key: string | Buffer | null, partition?: number) => ({
    topic,
    partitionMetadata: metadata(partitions),
    message: { key, value: 'v', ...(partition === undefined ? {} : { partition }) },
  });

  it("picks the default partitioner's partition for any string key and partition count, asked once or again", () => {
    const ours = RegionPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('a', 'b'),
            fc.integer({ min: 1, max: 12 }),
            fc.string({ unit: 'grapheme' }),
          ),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
        (asks) => {
          for (const [topic, partitions, key] of asks) {
            expect(ours(args(topic, partitions, key))).toBe(theirs(args(topic, partitions, key)));
            // Asked again, from what it remembers.
            expect(ours(args(topic, partitions, key))).toBe(theirs(args(topic, partitions, key)));
          }
        },
      ),
    );
  });

  it("keeps a message's own partition, and hashes a Buffer key as the default partitioner does", () => {
    const ours = RegionPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    expect(ours(args('t', 3, 'zuid-limburg', 2))).toBe(2);
    expect(ours(args('t', 3, 'zuid-limburg', 0))).toBe(0);
    const key = Buffer.from('noord-limburg');
    expect(ours(args('t', 7, key))).toBe(theirs(args('t', 7, key)));
  });

  it('forgets what it remembered when a topic gains partitions', () => {
    const ours = RegionPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    const keys = Array.from({ length: 500 }, (_, i) => `region-${String(i)}`);
    for (const key of keys) expect(ours(args('t', 3, key))).toBe(theirs(args('t', 3, key)));
    for (const key of keys) expect(ours(args('t', 5, key))).toBe(theirs(args('t', 5, key)));
  });

  it('remembers at most its bound of keys a topic, and asks again for one it forgot', () => {
    const asked: string[] = [];
    const counting = () => {
      const inner = Partitioners.DefaultPartitioner();
      return (a: PartitionerArgs) => {
        asked.push(String(a.message.key));
        return inner(a);
      };
    };
    const ours = rememberingPartitioner(counting, 2)();
    for (const key of ['a', 'b', 'a', 'b', 'c', 'a']) ours(args('t', 3, key));
    // a and b are remembered; c finds the bound reached, so the topic's answers are forgotten and a is asked again.
    expect(asked).toEqual(['a', 'b', 'c', 'a']);
  });

  it("leaves a message's own partition to the default partitioner, whatever its type, and remembers nothing of it", () => {
    const ours = RegionPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    // A partition from untyped code: kafkajs honours it as it is.
    const odd = {
      ...args('t', 6, 'noord-limburg'),
      message: { key: 'noord-limburg', value: 'v', partition: '5' },
    };
    expect(ours(odd as unknown as PartitionerArgs)).toBe(theirs(odd as unknown as PartitionerArgs));
    expect(ours(args('t', 6, 'noord-limburg'))).toBe(theirs(args('t', 6, 'noord-limburg')));
    expect(ours(args('t', 6, 'noord-limburg', 1))).toBe(1);
  });
});
