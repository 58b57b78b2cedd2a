// Exactly once, tested: the worker services are SIGKILLed at random moments during an import of 20,000 events and
// restarted, a batch is delivered twice, and afterwards every report, the trial balance and the history equal the
// embedded store's for the same file: nothing lost, nothing doubled.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kafkaClient, topicNames } from '@budget/engines';
import { Cli, ROOT, tempDir } from '../support/cli';
import { engineEndpoints } from '../support/engines';
import { writeScenarioFile } from '../support/scenario-file';

const EVENTS = 20_000;
const SERVICES = ['sequencer', 'ledger', 'allocator'] as const;

/** Keeps one service process running: restarts it whenever it exits, until stopped. */
class Supervised {
  private child: ChildProcess | undefined;
  private stopping = false;
  restarts = 0;
  constructor(
    readonly name: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  start(): void {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'services', this.name, 'src', 'main.ts')],
      {
        cwd: ROOT,
        env: { ...this.env, TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json'), SERVICE_PORT: '0' },
        stdio: ['ignore', 'ignore', 'ignore'],
      },
    );
    child.once('exit', () => {
      if (this.stopping) return;
      this.restarts += 1;
      setTimeout(() => {
        this.start();
      }, 300);
    });
    this.child = child;
  }

  kill(): void {
    this.child?.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child === undefined || child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

/** A deterministic generator, so a failing run can be repeated. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const running: Supervised[] = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.stop()));
});

describe('exactly once on Kafka and MongoDB', () => {
  it('loses and doubles nothing when services are killed mid-import and a batch arrives twice', async () => {
    const endpoints = await engineEndpoints();
    const id = randomUUID().slice(0, 8);
    const env = {
      ...process.env,
      KAFKA_BROKERS: endpoints.kafkaBrokers,
      MONGO_URL: endpoints.mongoUrl,
      BUDGET_NAMESPACE: `chaos${id}.`,
      BUDGET_MONGO_DB: `budget_chaos${id}`,
    };
    const file = join(tempDir('chaos'), 'events.ndjson');
    await writeScenarioFile(file, EVENTS);

    for (const name of SERVICES) {
      const service = new Supervised(name, env);
      running.push(service);
      service.start();
    }
    const engines = new Cli(join(tempDir('chaos-cli'), 'data'));
    const runEngines = (args: string[]) => engines.run(args, undefined, env);

    // The import runs in its own process; meanwhile services are killed at random moments.
    const random = lcg(Number.parseInt(id.slice(0, 6), 16));
    const importer = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'services', 'cli', 'src', 'main.ts'), 'import', file],
      {
        cwd: ROOT,
        env: { ...env, TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let importOut = '';
    importer.stdout.on('data', (chunk: Buffer) => {
      importOut += chunk.toString();
    });
    importer.stderr.on('data', (chunk: Buffer) => {
      importOut += chunk.toString();
    });
    const done = new Promise<number>((resolve) =>
      importer.once('exit', (code) => {
        resolve(code ?? -1);
      }),
    );
    let kills = 0;
    const progress = { finished: false };
    void done.then(() => {
      progress.finished = true;
    });
    // A function, so the type checker does not narrow what the callback above changes.
    const finished = (): boolean => progress.finished;
    while (!finished() && kills < 12) {
      await new Promise((resolve) => setTimeout(resolve, 1000 + random() * 3000));
      if (finished()) break;
      running[Math.floor(random() * running.length)]?.kill();
      kills += 1;
    }
    expect(await done, importOut).toBe(0);
    expect(importOut).toContain(`appended ${String(EVENTS)}, already present 0`);
    expect(kills).toBeGreaterThan(2);
    // The kills hit running processes: each was restarted by the supervisor.
    expect(running.reduce((sum, s) => sum + s.restarts, 0)).toBeGreaterThan(2);

    // The same records delivered twice, straight into the inbox, as another system might.
    const kafka = kafkaClient({
      brokers: endpoints.kafkaBrokers.split(','),
      mongoUrl: endpoints.mongoUrl,
      namespace: env.BUDGET_NAMESPACE,
      clientId: 'chaos-twice',
    });
    const producer = kafka.producer();
    await producer.connect();
    const lines = readFileSync(file, 'utf8').split('\n').slice(100, 1100);
    await producer.send({
      topic: topicNames(env.BUDGET_NAMESPACE).inbox,
      messages: lines.map((value) => ({ key: 'zuid-limburg', value })),
    });
    await producer.disconnect();

    // The same file on the embedded store is the reference.
    const embedded = Cli.fresh();
    expect(embedded.run(['import', file]).code).toBe(0);
    for (const year of ['2023', '2024', '2025']) {
      const args = ['report', 'allocation', '--region', 'zuid-limburg', '--year', year, '--format', 'json'];
      expect(runEngines(args).stdout, `report ${year}`).toBe(embedded.run(args).stdout);
      const trial = [
        'report',
        'trial-balance',
        '--region',
        'zuid-limburg',
        '--year',
        year,
        '--format',
        'json',
      ];
      expect(runEngines(trial).stdout, `trial balance ${year}`).toBe(embedded.run(trial).stdout);
    }
    const comparable = (text: string) =>
      text
        .trimEnd()
        .split('\n')
        .map((line) => {
          const {
            recordedAt: _r,
            prevHash: _p,
            hash: _h,
            ...rest
          } = JSON.parse(line) as Record<string, unknown>;
          return JSON.stringify(rest);
        });
    const history = runEngines(['export', '--region', 'zuid-limburg']).stdout;
    expect(comparable(history)).toEqual(
      comparable(embedded.run(['export', '--region', 'zuid-limburg']).stdout),
    );
    const verify = engines.run(['audit', 'verify', '--file', '-'], history, env);
    expect(verify.stdout).toBe(`hash chain intact: ${String(EVENTS)} records verified\n`);
  });
});
