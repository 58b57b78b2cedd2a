// The budget CLI end to end: real processes, real SQLite files in temporary directories.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { CLI_MAIN, Cli, report2024Args, tempDir } from '../support/cli';
import { whileAnotherWrites } from '../support/write-lock';
import { EventBuilder, ndjson, smallScenario } from '../support/events';

function json<T>(text: string): T {
  return JSON.parse(text) as T;
}

describe('budget import', () => {
  it('appends a file, and importing it again changes nothing', () => {
    const cli = Cli.fresh();
    const file = ndjson(smallScenario());
    const first = cli.importText(file);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('appended 20, already present 0, accepted 18, rejected 2\n');
    const exported = cli.run(['export', '--region', 'zuid-limburg']).stdout;
    const second = cli.importText(file);
    expect(second.stdout).toBe('appended 0, already present 20, accepted 0, rejected 0\n');
    expect(cli.run(['export', '--region', 'zuid-limburg']).stdout).toBe(exported);
  });

  it('reads a file saved by a spreadsheet program: byte-order mark, CRLF line ends, no last line end', () => {
    const crlf = Cli.fresh();
    const file = ndjson(smallScenario());
    const windows = `\uFEFF${file.trimEnd().split('\n').join('\r\n\r\n')}`;
    expect(crlf.importText(windows).stdout).toBe('appended 20, already present 0, accepted 18, rejected 2\n');
    expect(crlf.importText(file).stdout).toBe('appended 0, already present 20, accepted 0, rejected 0\n');
    const bad = crlf.importText(`\uFEFF{"broken\r\n${file.split('\n')[0] ?? ''}\r\n{"also broken`);
    expect(bad.stderr).toContain('line 1: not-json');
    expect(bad.stderr).toContain('line 3: not-json');
  });

  it('refuses a line that is not UTF-8 rather than take in replacement characters', () => {
    const cli = Cli.fresh();
    const b = new EventBuilder();
    const lines = [b.configured(), { ...b.action('A1'), actor: 'Caf\u00e9' }, b.action('A2')];
    // The second line as Latin-1 (E9 is not UTF-8), the others as UTF-8: a file a finance system may well write.
    const bytes = Buffer.concat(
      lines.map((event, i) => Buffer.from(`${JSON.stringify(event)}\n`, i === 1 ? 'latin1' : 'utf8')),
    );
    const result = cli.importText(bytes);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('line 2: bad-encoding: is not UTF-8');
    expect(result.stderr).not.toMatch(/line [13]:/);
    expect(result.stderr).toContain('nothing was appended');
    // The same line as UTF-8 is taken, with its text as sent.
    expect(cli.importText(ndjson(lines)).code).toBe(0);
    const exported = cli.run(['export', '--region', 'zuid-limburg']).stdout.split('\n');
    expect(json<{ actor: string }>(exported[1] ?? '').actor).toBe('Caf\u00e9');
  });

  it('refuses a file with malformed lines as a whole, listing each bad line with its reason', () => {
    const cli = Cli.fresh();
    const b = new EventBuilder();
    const good = ndjson([b.configured(), b.action('A1')]);
    const bad = [
      '{"id":"x1"',
      JSON.stringify(b.event('Nonsense', {})),
      '',
      JSON.stringify(b.budget('A1', 2024, '-1.00')),
      JSON.stringify(b.key(2024, { maastricht: '0.5', heerlen: '0.4' })),
      JSON.stringify({ ...b.budget('A1', 2024, '1.00'), data: { actionId: 'A1', year: 2024, amount: 1 } }),
    ].join('\n');
    const result = cli.importText(good + bad + '\n');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('line 3: not-json');
    expect(result.stderr).toContain('line 4: unknown-type');
    expect(result.stderr).toContain('line 6: bad-amount: data.amount');
    expect(result.stderr).toContain('line 7: shares-not-one: data.shares');
    expect(result.stderr).toContain('line 8: bad-amount: data.amount');
    expect(result.stderr).toContain('nothing was appended');
    expect(cli.run(['export', '--region', 'zuid-limburg']).code).not.toBe(0);
  });

  it('lists every bad line, however many, and counts them all', () => {
    const cli = Cli.fresh();
    const result = cli.importText(`${Array.from({ length: 1500 }, () => 'not json').join('\n')}\n`);
    expect(result.code).toBe(1);
    const listed = result.stderr.split('\n').filter((line) => /^line \d+: not-json/.test(line));
    expect(listed).toHaveLength(1500);
    expect(listed.at(-1)).toMatch(/^line 1500: not-json/);
    expect(result.stderr).toContain('import refused: 1500 bad lines; nothing was appended');
  });

  it('gives the errors as JSON with --format json, one entry a bad line as the HTTP API does', () => {
    const cli = Cli.fresh();
    const file = join(tempDir('json-errors'), 'events.ndjson');
    writeFileSync(file, `not json\n${JSON.stringify(new EventBuilder().event('Nonsense', {}))}\n`);
    const result = cli.run(['import', file, '--format', 'json']);
    expect(result.code).toBe(1);
    const body = json<{
      errorCount: number;
      errors: { line: number; reason: string; field: string; detail: string }[];
    }>(result.stdout);
    expect(body.errorCount).toBe(2);
    expect(body.errors.map((e) => [e.line, e.reason])).toEqual([
      [1, 'not-json'],
      [2, 'unknown-type'],
    ]);
    expect(body.errors.every((e) => typeof e.detail === 'string' && typeof e.field === 'string')).toBe(true);
  });

  it('gives a refusal of the whole import as the HTTP API body too with --format json', async () => {
    const cli = Cli.fresh();
    expect(cli.importText(ndjson(smallScenario())).code).toBe(0);
    await whileAnotherWrites(cli.dataDir, async () => {
      const file = join(tempDir('json-busy'), 'events.ndjson');
      writeFileSync(file, ndjson([new EventBuilder('zuid-limburg', 'busy').action('B1')]));
      const result = await cli.runAsync(['import', file, '--format', 'json']);
      expect(result.code).toBe(75);
      expect(json(result.stdout)).toEqual({
        error: 'store-busy',
        message: 'another import is writing to the store; wait for it to finish and try again',
      });
      expect(result.stderr).toContain(`budget: another process is writing to ${cli.dataDir}`);
    });
  });

  it('stops quietly when its reader goes away (export | head), and says what is wrong with a path', () => {
    const cli = Cli.fresh();
    const b = new EventBuilder();
    const events = [b.configured(), b.action('A1'), b.key(2024, { maastricht: '0.5', heerlen: '0.5' })];
    for (let i = 0; i < 3000; i++) events.push(b.spending(`s${i}`, 'A1', 2024, '1.00'));
    expect(cli.importText(ndjson(events)).code).toBe(0);
    // About 1.5 MB of export into a reader that takes 100 bytes: the CLI writes on into a closed pipe.
    const piped = spawnSync(
      'bash',
      [
        '-c',
        `"${process.execPath}" --import tsx "${CLI_MAIN}" export --region zuid-limburg | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`,
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, BUDGET_DATA_DIR: cli.dataDir, KAFKA_BROKERS: '', MONGO_URL: '' },
      },
    );
    expect(piped.stderr).toBe('');
    expect(piped.stdout.trim()).toBe('0');
    const directory = cli.run(['import', tempDir('a-directory')]);
    expect([directory.code, directory.stderr]).toEqual([
      2,
      expect.stringMatching(/it is a directory, not a file/),
    ]);
    // A tokens file that does not parse: named, with what to do, and no stack trace.
    const tokensFile = join(tempDir('tokens'), 'tokens.json');
    writeFileSync(tokensFile, '{not json');
    const token = cli.run(
      ['token', 'create', '--role', 'auditor', '--regions', '*', '--name', 'x'],
      undefined,
      {
        BUDGET_TOKENS_FILE: tokensFile,
      },
    );
    expect(token.code).toBe(2);
    expect(token.stderr).toContain(`cannot read the tokens file ${tokensFile}`);
    expect(token.stderr).toContain('repair or move the file');
    expect(token.stderr).not.toContain('internal error');
  });

  it('says a store file it cannot read is damaged or not its own, and changes nothing', () => {
    const cli = Cli.fresh();
    mkdirSync(cli.dataDir, { recursive: true });
    const file = join(cli.dataDir, 'budget.sqlite');
    const garbage = 'this is not a database, it is a spreadsheet saved under the wrong name\n'.repeat(200);
    writeFileSync(file, garbage);
    const b = new EventBuilder();
    for (const result of [
      cli.importText(ndjson([b.configured()])),
      cli.run(report2024Args()),
      cli.run(['export', '--region', 'zuid-limburg']),
    ]) {
      expect(result.code).toBe(70);
      expect(result.stderr).toContain(`${file} cannot be read as a budget store`);
      expect(result.stderr).toContain('budget backup');
      expect(result.stderr).not.toContain('internal error');
      expect(result.stderr).not.toContain('    at ');
    }
    const asJson = cli.run(['import', '--format', 'json', join(cli.dataDir, 'budget.sqlite')]);
    expect(asJson.code).toBe(70);
    expect(json(asJson.stdout)).toEqual({
      error: 'store-unreadable',
      message:
        "the store's file cannot be read: it is damaged or not this program's, and must be restored from a backup",
    });
    expect(readFileSync(file, 'utf8')).toBe(garbage);
  });

  it('uses the embedded store when only one of KAFKA_BROKERS and MONGO_URL is set, and says so', () => {
    const cli = Cli.fresh();
    const b = new EventBuilder();
    const file = join(tempDir('input'), 'events.ndjson');
    writeFileSync(file, ndjson([b.configured()]));
    for (const [set, unset] of [
      ['KAFKA_BROKERS', 'MONGO_URL'],
      ['MONGO_URL', 'KAFKA_BROKERS'],
    ] as const) {
      // Addresses nothing answers: were they used, the command would fail.
      const value = set === 'KAFKA_BROKERS' ? '127.0.0.1:9' : 'mongodb://127.0.0.1:9/';
      const result = cli.run(['import', file], undefined, { [set]: value });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(
        `budget: warning: ${set} is set but ${unset} is not, so the embedded store in ${cli.dataDir} is used; set both to use Kafka and MongoDB, or neither\n`,
      );
    }
    const neither = cli.run(['import', file]);
    expect(neither.stdout).toBe('appended 0, already present 1, accepted 0, rejected 0\n');
    expect(neither.stderr).not.toContain('warning');
  });

  it('says lines were decided, not appended, before a bad line further on refuses the whole file', () => {
    const cli = Cli.fresh();
    const b = new EventBuilder();
    const events = [b.configured(), b.action('A1'), b.key(2024, { maastricht: '0.5', heerlen: '0.5' })];
    for (let i = 0; i < 100_000; i++) events.push(b.spending(`s${i}`, 'A1', 2024, '1.00'));
    const result = cli.importText(`${ndjson(events)}not json\n`);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('validated 100000 lines\ndecided 100000 lines\n');
    expect(result.stderr).not.toMatch(/appended \d+ lines/);
    expect(result.stderr).toContain('line 100004: not-json');
    expect(result.stderr).toContain('nothing was appended');
  });

  it('treats a known id with different content as malformed', () => {
    const cli = Cli.fresh();
    const b = new EventBuilder();
    const configured = b.configured();
    expect(cli.importText(ndjson([configured])).code).toBe(0);
    const changed = { ...configured, actor: 'someone-else' };
    const result = cli.importText(ndjson([b.action('A1'), changed]));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('line 2: conflicting-id: id');
    const sameTwice = cli.importText(ndjson([b.action('A2'), b.action('A3')].flatMap((e) => [e, e])));
    expect(sameTwice.stdout).toBe('appended 2, already present 2, accepted 2, rejected 0\n');
  });

  it('prints help for every command', () => {
    const cli = Cli.fresh();
    for (const args of [
      [],
      ['import'],
      ['report'],
      ['report', 'allocation'],
      ['report', 'trial-balance'],
      ['export'],
      ['audit', 'verify'],
      ['replay'],
      ['backup'],
      ['token', 'create'],
    ]) {
      const result = cli.run([...args, '--help']);
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout).toContain('Usage: budget');
    }
  });
});

describe('budget report allocation', () => {
  const cli = Cli.fresh();
  cli.importText(ndjson(smallScenario()));

  it('prints the contract report with exact apportionment', () => {
    const result = cli.run(report2024Args());
    expect(result.code).toBe(0);
    const report = json<{
      asOfPosition: number;
      funders: unknown[];
      themes: { theme: string; actions: Record<string, unknown>[] }[];
      totals: unknown;
    }>(result.stdout);
    expect(Object.keys(report)).toEqual([
      'region',
      'year',
      'closed',
      'asOfPosition',
      'funders',
      'themes',
      'totals',
    ]);
    expect(report.asOfPosition).toBe(20);
    expect(report.funders).toEqual([
      {
        funder: 'heerlen',
        committed: '700.00',
        allocated: '640.50',
        spent: '341.61',
        unallocated: '59.50',
        shortfall: '0.00',
        remaining: '298.89',
      },
      {
        funder: 'maastricht',
        committed: '1000.00',
        allocated: '1159.50',
        spent: '458.41',
        unallocated: '0.00',
        shortfall: '159.50',
        remaining: '701.09',
      },
    ]);
    expect(report.themes.map((t) => t.theme)).toEqual(['in-beeld', 'samenwerking', 'opvang-hulpverlening']);
    expect(report.themes[0]?.actions[0]).toEqual({
      actionId: 'A1',
      title: 'Action A1',
      budget: '1000.00',
      allocated: { heerlen: '427.00', maastricht: '573.00' },
      unfunded: '0.00',
      spent: { heerlen: '85.41', maastricht: '114.61' },
      spentTotal: '200.02',
      remaining: '799.98',
      utilisation: '0.2000',
      overspent: false,
      spendingCount: 1,
    });
    expect(report.themes[1]?.actions[0]).toMatchObject({
      remaining: '-100.00',
      utilisation: '1.2000',
      overspent: true,
    });
    expect(report.themes[2]?.actions[0]).toMatchObject({
      spendingCount: 0,
      spentTotal: '0.00',
      allocated: { heerlen: '0.00', maastricht: '300.00' },
    });
    expect(report.totals).toEqual({
      committed: '1700.00',
      budget: '1800.00',
      allocated: '1800.00',
      unfunded: '0.00',
      spent: '800.02',
      remaining: '999.98',
    });
  });

  it('shows the report as it stood at an earlier position', () => {
    const result = cli.run(report2024Args('--as-of-position', '12'));
    const report = json<{ asOfPosition: number; totals: { spent: string; committed: string } }>(
      result.stdout,
    );
    expect(report.asOfPosition).toBe(12);
    expect(report.totals.spent).toBe('100.01');
    const zero = json<{ funders: unknown[] }>(cli.run(report2024Args('--as-of-position', '0')).stdout);
    expect(zero.funders).toEqual([]);
    const beyond = cli.run([
      'report',
      'allocation',
      '--region',
      'zuid-limburg',
      '--year',
      '2024',
      '--as-of-position',
      '21',
    ]);
    expect(beyond.code).toBe(2);
    expect(beyond.stderr).toContain('outside the log of zuid-limburg, which has positions 0 to 20');
  });

  it('reports a closed year and an unfunded budget', () => {
    const report = json<{ closed: boolean; totals: { unfunded: string } }>(
      cli.run(['report', 'allocation', '--region', 'zuid-limburg', '--year', '2023', '--format', 'json'])
        .stdout,
    );
    expect(report.closed).toBe(true);
    expect(report.totals.unfunded).toBe('10.00');
  });

  it('prints CSV and a table, and says so clearly for an unknown region', () => {
    const csv = cli.run([
      'report',
      'allocation',
      '--region',
      'zuid-limburg',
      '--year',
      '2024',
      '--format',
      'csv',
    ]).stdout;
    expect(csv.split('\n')[0]).toContain('level,theme,actionId');
    expect(csv).toContain('action,in-beeld,A1,Action A1');
    const table = cli.run(['report', 'allocation', '--region', 'zuid-limburg', '--year', '2024']).stdout;
    expect(table).toContain('OVERSPENT');
    expect(table).toContain('SHORTFALL');
    const unknown = cli.run(['report', 'allocation', '--region', 'noord-limburg', '--year', '2024']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('region noord-limburg has no events');
  });

  it('keeps a balanced trial balance', () => {
    const result = cli.run([
      'report',
      'trial-balance',
      '--region',
      'zuid-limburg',
      '--year',
      '2024',
      '--format',
      'json',
    ]);
    expect(result.code).toBe(0);
    const trial = json<{ balanced: boolean; totals: { debit: string; credit: string } }>(result.stdout);
    expect(trial.balanced).toBe(true);
    expect(trial.totals.debit).toBe(trial.totals.credit);
  });
});

describe('export, audit verify and replay', () => {
  const cli = Cli.fresh();
  cli.importText(ndjson(smallScenario()));
  const dir = tempDir('export');
  const exportFile = join(dir, 'history.ndjson');
  writeFileSync(exportFile, cli.run(['export', '--region', 'zuid-limburg']).stdout);
  const lines = readFileSync(exportFile, 'utf8').trimEnd().split('\n');

  it('exports every record with position, outcome, reason and chained hashes', () => {
    expect(lines).toHaveLength(20);
    const first = json<Record<string, unknown>>(lines[0]!);
    expect(Object.keys(first)).toEqual([
      'id',
      'region',
      'type',
      'occurredAt',
      'actor',
      'data',
      'position',
      'recordedAt',
      'outcome',
      'reason',
      'prevHash',
      'hash',
    ]);
    expect(first.prevHash).toBe('0'.repeat(64));
    const rejected = lines
      .map((l) => json<{ position: number; outcome: string; reason: string | null }>(l))
      .filter((r) => r.outcome === 'rejected');
    expect(rejected.map((r) => [r.position, r.reason])).toEqual([
      [17, 'unknown-action'],
      [20, 'year-closed'],
    ]);
  });

  it('exports from a position on, from 1, and refuses --from-position 0 as the HTTP API refuses fromPosition=0', () => {
    const from = (n: string) => cli.run(['export', '--region', 'zuid-limburg', '--from-position', n]);
    expect(from('1')).toMatchObject({ code: 0, stdout: `${lines.join('\n')}\n` });
    expect(from('15').stdout).toBe(`${lines.slice(14).join('\n')}\n`);
    const zero = from('0');
    expect(zero.code).toBe(2);
    expect(zero.stdout).toBe('');
    expect(zero.stderr).toContain(
      'a position to start from is a whole number from 1 (the first position; leave the option out for the whole log)',
    );
  });

  it('verifies an intact chain and names the first position that fails', () => {
    expect(cli.run(['audit', 'verify', '--file', exportFile])).toMatchObject({
      code: 0,
      stdout: 'hash chain intact: 20 records verified\n',
    });
    const tampered = [...lines];
    tampered[6] = tampered[6]!.replace('"1000.00"', '"1001.00"');
    const tamperedFile = join(dir, 'tampered.ndjson');
    writeFileSync(tamperedFile, tampered.join('\n') + '\n');
    const result = cli.run(['audit', 'verify', '--file', tamperedFile]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('hash chain broken at position 7');
  });

  it('refuses to replay a partial export, naming the position it starts at, as audit verify refuses it', () => {
    const partialFile = join(dir, 'from-15.ndjson');
    writeFileSync(
      partialFile,
      cli.run(['export', '--region', 'zuid-limburg', '--from-position', '15']).stdout,
    );
    // The chain breaks at position 1, and why is said in replay's words.
    const verified = cli.run(['audit', 'verify', '--file', partialFile]);
    expect(verified).toEqual({
      code: 1,
      stdout:
        'hash chain broken at position 1 (line 1): the file starts at position 15, not at position 1: verifying ' +
        'needs the whole history (an export without --from-position)\n',
      stderr: '',
    });
    // Standard input goes through the sequential check: the same answer.
    expect(cli.run(['audit', 'verify', '--file', '-'], readFileSync(partialFile, 'utf8'))).toEqual(verified);
    const replayed = cli.run(['replay', '--file', partialFile, '--report', 'allocation', '--year', '2024']);
    expect(replayed).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'cannot replay: position 1 (line 1): the file starts at position 15, not at position 1: a replay needs ' +
        'the whole history (an export without --from-position)\n',
    });
    // Standard input goes through the sequential replay alone: the same answer.
    const fromStdin = cli.run(
      ['replay', '--file', '-', '--report', 'allocation', '--year', '2024'],
      readFileSync(partialFile, 'utf8'),
    );
    expect(fromStdin).toEqual(replayed);
  });

  it('refuses to verify or replay a file with no records, in the same words', () => {
    for (const [name, content] of [
      ['empty.ndjson', ''],
      ['blank.ndjson', '\n  \n\r\n'],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, content);
      expect(cli.run(['audit', 'verify', '--file', file]), name).toEqual({
        code: 1,
        stdout: '',
        stderr: 'cannot verify: the file holds no records (it is empty or has only blank lines)\n',
      });
      const replay = ['replay', '--report', 'allocation', '--year', '2024', '--file'];
      const refused = {
        code: 1,
        stdout: '',
        stderr: 'cannot replay: the file holds no records (it is empty or has only blank lines)\n',
      };
      expect(cli.run([...replay, file]), name).toEqual(refused);
      expect(cli.run([...replay, '-'], content), name).toEqual(refused);
    }
  });

  it('replays the history into the same report, and reports a recorded outcome that does not hold', () => {
    const live = cli.run(report2024Args()).stdout;
    const replayed = cli.run([
      'replay',
      '--file',
      exportFile,
      '--report',
      'allocation',
      '--year',
      '2024',
      '--format',
      'json',
    ]);
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toBe(live);
    const forged = lines.map((l) => json<Record<string, unknown>>(l));
    forged[16] = { ...forged[16], outcome: 'accepted', reason: null };
    const forgedFile = join(dir, 'forged.ndjson');
    writeFileSync(forgedFile, forged.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const result = cli.run([
      'replay',
      '--file',
      forgedFile,
      '--report',
      'allocation',
      '--year',
      '2024',
      '--format',
      'json',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('discrepancy at position 17');
    expect(result.stderr).toContain('recorded accepted, recomputed rejected (unknown-action)');
  });
});
