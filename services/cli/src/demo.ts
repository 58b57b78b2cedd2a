//! `pnpm demo`: imports the South Limburg example scenario and prints its 2024 allocation report.
import { join, resolve } from 'node:path';
import { readEnvironment } from './environment';
import { runCli } from './cli';

const SCENARIO = resolve(import.meta.dirname, '..', '..', '..', 'examples', 'zuid-limburg', 'events.ndjson');

const io = {
  out: (text: string) => {
    process.stdout.write(text);
  },
  err: (text: string) => {
    process.stderr.write(text);
  },
};
const environment = () => readEnvironment(process.env);

async function demo(): Promise<number> {
  const dataDir = environment().dataDir;
  io.out(
    `Importing ${SCENARIO}\n  into ${join(dataDir, 'budget.sqlite')} (set BUDGET_DATA_DIR to use another place)\n`,
  );
  const imported = await runCli(['import', SCENARIO], environment, io);
  if (imported !== 0) return imported;
  io.out('\n');
  const reported = await runCli(
    ['report', 'allocation', '--region', 'zuid-limburg', '--year', '2024'],
    environment,
    io,
  );
  if (reported !== 0) return reported;
  io.out(
    '\nMore: pnpm budget report allocation --region zuid-limburg --year 2024 --format json\n' +
      '      pnpm budget report trial-balance --region zuid-limburg --year 2024\n' +
      '      pnpm budget export --region zuid-limburg > history.ndjson && pnpm budget audit verify --file history.ndjson\n',
  );
  return 0;
}

process.exitCode = await demo();
