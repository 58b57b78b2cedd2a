import kafkajs, { type Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { protocolError } from './testing/protocol-error';
import { endOffsets, topicOffsets } from './topics';

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
