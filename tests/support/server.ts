//! Starts the real server (`pnpm start`'s entry point) as a child process on a free port.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './cli';

export interface RunningServer {
  url: string;
  process: ChildProcess;
  stop: () => Promise<void>;
}

export function startServer(env: Record<string, string>): Promise<RunningServer> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'services', 'server', 'src', 'main.ts')],
    {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', KAFKA_BROKERS: '', MONGO_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in 30 s:\n${output}`));
    }, 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)".*"msg":"serving"/.exec(output);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      resolve({
        url: match[1],
        process: child,
        stop: async () => {
          if (child.exitCode !== null) return;
          child.kill('SIGTERM');
          await new Promise((done) => child.once('exit', done));
        },
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${String(code)}):\n${output}`));
    });
  });
}
