//! A private single-node Kafka (KRaft) for a test that stops, kills and restarts its broker, so that the shared
//! broker other tests and people use is never disturbed. Runs infra/local/kafka-node.sh on the jars that
//! infra/local/up.sh caches, on two free ports and a temporary data directory.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, tempDir } from './cli';

const run = promisify(execFile);
const SCRIPT = join(ROOT, 'infra', 'local', 'kafka-node.sh');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

export class PrivateKafka {
  /** How many times the broker was started (the first start included). */
  starts = 0;

  private constructor(
    readonly port: number,
    readonly controllerPort: number,
    readonly dir: string,
  ) {}

  /** Formats a fresh data directory and starts the broker; resolves once it answers a Metadata request. */
  static async start(): Promise<PrivateKafka> {
    const [port, controllerPort] = [await freePort(), await freePort()];
    const kafka = new PrivateKafka(port, controllerPort, tempDir('kafka-node'));
    await kafka.start();
    return kafka;
  }

  get brokers(): string {
    return `127.0.0.1:${String(this.port)}`;
  }

  private async script(args: string[]): Promise<void> {
    try {
      await run('bash', [SCRIPT, ...args], { timeout: 180_000, maxBuffer: 1 << 24 });
    } catch (error) {
      const { stderr } = error as { stderr?: string };
      throw new Error(`kafka-node.sh ${args.join(' ')} failed: ${stderr ?? String(error)}`);
    }
  }

  /** Starts the broker on its data directory and port (again); resolves once it answers. */
  async start(): Promise<void> {
    await this.script(['start', String(this.port), this.dir, String(this.controllerPort)]);
    this.starts += 1;
  }

  /** SIGKILL: no clean shutdown, so the next start recovers its logs. */
  kill(): Promise<void> {
    return this.script(['stop', this.dir, '--kill']);
  }

  /** SIGTERM: a clean shutdown. */
  stop(): Promise<void> {
    return this.script(['stop', this.dir]);
  }

  /** Stops the broker and deletes its data. */
  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
