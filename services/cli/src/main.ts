//! Entry point of `pnpm budget`: wires the process's environment and streams to the CLI.
import { readEnvironment } from './environment';
import { runCli } from './cli';

const write = (stream: NodeJS.WriteStream) => (text: string) => {
  stream.write(text);
};

// A reader that has gone away (`budget export | head`) is no error: stop quietly, as other command-line tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

let code: number;
try {
  const io = { out: write(process.stdout), err: write(process.stderr) };
  code = await runCli(process.argv.slice(2), () => readEnvironment(process.env), io);
} catch (error) {
  process.stderr.write(
    `budget: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  code = 70;
}
// Done: a client library still retrying in the background (kafkajs, after Kafka did not answer) must not keep the
// command from ending. First everything written goes out (a write's callback runs after those before it).
const flushed = (stream: NodeJS.WriteStream): Promise<void> =>
  new Promise((resolve) => {
    stream.write('', () => {
      resolve();
    });
  });
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
