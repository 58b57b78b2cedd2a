// CONTRACT section 8 over the embedded store: tokens, roles, region scoping, and nothing appended when refused.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LISTED_ERRORS, findToken, readTokenFile } from '@budget/application';
import { Cli, tempDir } from '../support/cli';
import { EventBuilder, ndjson, smallScenario, type EventLine } from '../support/events';
import { startServer, type RunningServer } from '../support/server';
import {
  MAX_DRY_RUN_LINES,
  MAX_DRY_RUN_REGIONS,
  MAX_REQUEST_REGIONS,
  maxRequestLines,
} from '../../services/server/src/http/body-lines';

const ZL = 'zuid-limburg';
const NL = 'noord-limburg';
const ROLES = ['finance-officer', 'controller', 'administrator', 'auditor'] as const;
type Role = (typeof ROLES)[number];

const BODY_LIMIT = 4 * 1024 * 1024;

let server: RunningServer;
let cli: Cli;
const tokens = new Map<string, string>();
const tokensFile = join(tempDir('tokens'), 'tokens.json');

function token(role: Role, region: string): string {
  const value = tokens.get(`${role}@${region}`);
  if (value === undefined) throw new Error(`no token for ${role}@${region}`);
  return value;
}

async function api(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token !== undefined) headers.set('Authorization', `Bearer ${init.token}`);
  return fetch(`${server.url}${path}`, { ...init, headers });
}

/** A POST with the request target exactly as given (fetch would resolve dot segments); returns the status. */
function rawPost(target: string, body: Buffer, headers: Record<string, string>): Promise<number> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const sent = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: target,
        headers: { ...headers, 'Content-Type': 'application/x-ndjson' },
      },
      (response) => {
        response.resume();
        response.on('end', () => {
          resolve(response.statusCode ?? 0);
        });
      },
    );
    sent.on('error', reject);
    sent.end(body);
  });
}

async function postEvents(events: EventLine[], bearer?: string): Promise<Response> {
  return api('/api/v1/events', {
    method: 'POST',
    body: ndjson(events),
    headers: { 'Content-Type': 'application/x-ndjson' },
    ...(bearer === undefined ? {} : { token: bearer }),
  });
}

async function historyLength(region: string): Promise<number> {
  const response = await api(`/api/v1/regions/${region}/history`, { token: token('administrator', '*') });
  if (response.status === 404) return 0;
  return (await response.text()).split('\n').filter((l) => l !== '').length;
}

beforeAll(async () => {
  cli = Cli.fresh();
  for (const role of ROLES) {
    for (const region of [ZL, NL, '*']) {
      tokens.set(`${role}@${region}`, cli.createToken(tokensFile, role, region, `${role} ${region}`));
    }
  }
  server = await startServer({
    BUDGET_DATA_DIR: cli.dataDir,
    BUDGET_TOKENS_FILE: tokensFile,
    // Small enough for a test to send more (every other body here is far smaller).
    BUDGET_MAX_BODY_BYTES: String(BODY_LIMIT),
  });
  expect((await postEvents(smallScenario(), token('administrator', '*'))).status).toBe(200);
  expect(
    (await postEvents([new EventBuilder(NL, 'nl').configured(['venlo'])], token('administrator', '*')))
      .status,
  ).toBe(200);
});

afterAll(async () => {
  await server.stop();
});

describe('authentication', () => {
  it('takes the scheme name in any case', async () => {
    const read = (authorization: string) =>
      fetch(`${server.url}/api/v1/regions/${ZL}/reports/allocation?year=2024`, {
        headers: { Authorization: authorization },
      });
    expect((await read(`bearer ${token('auditor', ZL)}`)).status).toBe(200);
    expect((await read(`BEARER ${token('auditor', ZL)}`)).status).toBe(200);
    expect((await read(`Basic ${token('auditor', ZL)}`)).status).toBe(401);
  });

  it('token create refuses a name the tokens file cannot hold, naming the option and leaving the file as it was', () => {
    const file = join(tempDir('tokens-name'), 'tokens.json');
    const cli = Cli.fresh();
    cli.createToken(file, 'auditor', ZL, 'first');
    const before = readFileSync(file, 'utf8');
    const refused = cli.run(
      ['token', 'create', '--role', 'auditor', '--regions', ZL, '--name', 'x'.repeat(201)],
      undefined,
      { BUDGET_TOKENS_FILE: file },
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("option '--name <name>' argument");
    expect(refused.stderr).toContain('a name is 1 to 200 characters (this one has 201)');
    expect(refused.stderr).not.toContain('repair or move the file');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('token create warns of a region the store has no events of (a misspelt id), and still makes the token', () => {
    const file = join(tempDir('tokens-region'), 'tokens.json');
    const made = cli.run(
      ['token', 'create', '--role', 'auditor', '--regions', `${ZL},zuid-limbrug`, '--name', 'typo'],
      undefined,
      { BUDGET_TOKENS_FILE: file },
    );
    expect(made.code).toBe(0);
    expect(made.stderr).toContain(
      `warning: region "zuid-limbrug" has no events in ${cli.dataDir} (regions there: "${NL}", "${ZL}")`,
    );
    expect(made.stderr).toContain(`added an auditor token for ${ZL},zuid-limbrug to ${file}`);
    expect(findToken(readTokenFile(file), made.stdout.trim())?.regions).toEqual([ZL, 'zuid-limbrug']);
    const known = cli.run(
      ['token', 'create', '--role', 'controller', '--regions', `${ZL},*`, '--name', 'ok'],
      undefined,
      {
        BUDGET_TOKENS_FILE: file,
      },
    );
    expect([known.code, known.stderr]).toEqual([0, `added a controller token for ${ZL},* to ${file}\n`]);
  });

  it('token list shows the tokens without them, and token revoke removes one: refused from the next request', async () => {
    const env = { BUDGET_TOKENS_FILE: tokensFile };
    const held = cli.createToken(tokensFile, 'auditor', ZL, 'lost laptop');
    const read = () => api(`/api/v1/regions/${ZL}/reports/allocation?year=2024`, { token: held });
    expect((await read()).status).toBe(200);

    const table = cli.run(['token', 'list'], undefined, env);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^name +role +regions +sha256\n/);
    expect(table.stdout).toMatch(new RegExp(`\\nlost laptop +auditor +${ZL} +[0-9a-f]{12}\\.\\.\\.\\n`));
    expect(table.stdout).not.toContain(held);
    const listed = JSON.parse(cli.run(['token', 'list', '--format', 'json'], undefined, env).stdout) as {
      name: string;
      tokenSha256: string;
    }[];
    expect(listed.filter((e) => e.name === 'lost laptop')).toHaveLength(1);
    expect(listed).toHaveLength(tokens.size + 1);

    const revoked = cli.run(['token', 'revoke', '--name', 'lost laptop'], undefined, env);
    expect([revoked.code, revoked.stderr]).toEqual([
      0,
      `revoked 1 token named lost laptop in ${tokensFile}\n`,
    ]);
    expect((await read()).status).toBe(401);
    // The other tokens of the file still work.
    expect(
      (await api(`/api/v1/regions/${ZL}/reports/allocation?year=2024`, { token: token('auditor', ZL) }))
        .status,
    ).toBe(200);
    const again = cli.run(['token', 'revoke', '--name', 'lost laptop'], undefined, env);
    expect([again.code, again.stderr]).toEqual([
      2,
      `budget: no token named lost laptop in ${tokensFile} (budget token list shows them)\n`,
    ]);
  });

  it('serves /health without a token, also under the base path', async () => {
    expect((await api('/health')).status).toBe(200);
    expect((await api('/api/v1/health')).status).toBe(200);
  });

  it.each([
    ['no token', undefined],
    ['an unknown token', 'not-a-real-token'],
  ])('refuses %s with 401 and appends nothing', async (_name, bearer) => {
    const before = await historyLength(ZL);
    const response = await postEvents([new EventBuilder(ZL, 'x').action('X1')], bearer);
    expect(response.status).toBe(401);
    expect(
      (
        await api(
          `/api/v1/regions/${ZL}/reports/allocation?year=2024`,
          bearer === undefined ? {} : { token: bearer },
        )
      ).status,
    ).toBe(401);
    expect(await historyLength(ZL)).toBe(before);
  });
});

describe('writing events: every role and region', () => {
  const b = new EventBuilder(ZL, 'w');
  const samples: Record<string, (region: string, n: number) => EventLine> = {
    FundingCommitted: (region, n) => ({
      ...b.funding(region === ZL ? 'heerlen' : 'venlo', 2025, '1.00'),
      region,
      id: `w-fc-${region}-${n}`,
    }),
    SpendingRecorded: (region, n) => ({
      ...b.spending(`sp-${region}-${n}`, 'A1', 2024, '1.00'),
      region,
      id: `w-sr-${region}-${n}`,
    }),
    BudgetSet: (region, n) => ({ ...b.budget('A1', 2025, '5.00'), region, id: `w-bs-${region}-${n}` }),
    ActionDefined: (region, n) => ({ ...b.action(`N${String(n)}`), region, id: `w-ad-${region}-${n}` }),
  };
  const allowed: Record<Role, string[]> = {
    'finance-officer': ['FundingCommitted', 'SpendingRecorded'],
    controller: ['FundingCommitted', 'BudgetSet', 'ActionDefined'],
    administrator: ['FundingCommitted', 'SpendingRecorded', 'BudgetSet', 'ActionDefined'],
    auditor: [],
  };
  let n = 0;
  for (const role of ROLES) {
    for (const tokenRegion of [ZL, '*']) {
      for (const target of [ZL, NL]) {
        for (const type of Object.keys(samples)) {
          const ok = allowed[role].includes(type) && (tokenRegion === '*' || tokenRegion === target);
          it(`${role} with a ${tokenRegion} token sending ${type} to ${target}: ${ok ? 200 : 403}`, async () => {
            n += 1;
            const before = await historyLength(target);
            const response = await postEvents([samples[type]!(target, n)], token(role, tokenRegion));
            expect(response.status).toBe(ok ? 200 : 403);
            expect(await historyLength(target)).toBe(ok ? before + 1 : before);
          });
        }
      }
    }
  }

  it('refuses a whole batch when one line is not allowed', async () => {
    const before = await historyLength(ZL);
    const batch = [b.funding('heerlen', 2025, '2.00'), b.budget('A1', 2025, '9.00')];
    expect((await postEvents(batch, token('finance-officer', ZL))).status).toBe(403);
    expect(await historyLength(ZL)).toBe(before);
  });

  it('answers 400 for malformed lines before it judges the rights of the others', async () => {
    const before = await historyLength(ZL);
    const send = (lines: unknown[]) =>
      api('/api/v1/events', {
        method: 'POST',
        token: token('finance-officer', ZL),
        headers: { 'Content-Type': 'application/x-ndjson' },
        body: lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n'),
      });
    // A BudgetSet this token may not send, and a line that is not JSON: the malformed line is named.
    const denied = await send([b.budget('A1', 2025, '9.00'), '{bad']);
    expect(denied.status).toBe(400);
    expect(((await denied.json()) as { errors: { line: number }[] }).errors.map((e) => e.line)).toEqual([2]);
    // A malformed BudgetSet is malformed, not denied: the import judges the body and also names the id that
    // conflicts with the log (a FundingCommitted, which this token may send), as `budget import` would.
    const conflicting = { ...smallScenario()[6]!, occurredAt: '2020-01-01T00:00:00Z' };
    const malformed = await send([
      { ...b.budget('A1', 2025, '1.00'), data: { actionId: 'A1', year: 2025, amount: '1.001' } },
      conflicting,
    ]);
    expect(malformed.status).toBe(400);
    const body = (await malformed.json()) as { errors: { line: number; reason: string }[] };
    expect(body.errors.map((e) => [e.line, e.reason])).toEqual([
      [1, 'bad-amount'],
      [2, 'conflicting-id'],
    ]);
    expect(await historyLength(ZL)).toBe(before);
  });

  it('answers malformed input with 400 and the line of each error, appending nothing', async () => {
    const before = await historyLength(ZL);
    const response = await api('/api/v1/events', {
      method: 'POST',
      token: token('administrator', '*'),
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([
        b.action('OK1'),
        { ...b.budget('A1', 2025, '1.00'), data: { actionId: 'A1', year: 2025, amount: '1.001' } },
      ]),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { line: number; reason: string }[] };
    expect(body.errors).toEqual([expect.objectContaining({ line: 2, reason: 'bad-amount' })]);
    expect(await historyLength(ZL)).toBe(before);
  });

  it('lists every bad line as `budget import` does: an id that conflicts with the log as well as a malformed line', async () => {
    const before = await historyLength(ZL);
    const first = smallScenario()[0]!;
    const conflicting = { ...first, occurredAt: '2020-01-01T00:00:00Z' };
    const response = await api('/api/v1/events', {
      method: 'POST',
      token: token('administrator', '*'),
      headers: { 'Content-Type': 'application/x-ndjson' },
      body: `${JSON.stringify(conflicting)}\n{bad\n`,
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { line: number; reason: string }[] };
    expect(body.errors.map((e) => [e.line, e.reason])).toEqual([
      [1, 'conflicting-id'],
      [2, 'not-json'],
    ]);
    expect(await historyLength(ZL)).toBe(before);
  });

  it('lists at most MAX_LISTED_ERRORS bad lines, and counts them all', async () => {
    const before = await historyLength(ZL);
    const response = await api('/api/v1/events', {
      method: 'POST',
      token: token('administrator', '*'),
      headers: { 'Content-Type': 'application/x-ndjson' },
      body: 'x\n'.repeat(MAX_LISTED_ERRORS + 2),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      errorCount: number;
      errors: { line: number; reason: string }[];
    };
    expect(body.errorCount).toBe(MAX_LISTED_ERRORS + 2);
    expect(body.errors).toHaveLength(MAX_LISTED_ERRORS);
    expect(body.errors.at(-1)).toMatchObject({ line: MAX_LISTED_ERRORS, reason: 'not-json' });
    // The same when a line the token may not send is there too (its rights are then judged line by line).
    const withDenied = await api('/api/v1/events', {
      method: 'POST',
      token: token('finance-officer', ZL),
      headers: { 'Content-Type': 'application/x-ndjson' },
      body: `${JSON.stringify(b.budget('A1', 2025, '9.00'))}\n${'x\n'.repeat(MAX_LISTED_ERRORS + 2)}`,
    });
    expect(withDenied.status).toBe(400);
    const denied = (await withDenied.json()) as { errorCount: number; errors: { line: number }[] };
    expect(denied.errorCount).toBe(MAX_LISTED_ERRORS + 2);
    expect(denied.errors).toHaveLength(MAX_LISTED_ERRORS);
    expect(denied.errors[0]?.line).toBe(2);
    expect(await historyLength(ZL)).toBe(before);
  });

  it('gives one error entry a bad line, however many problems the line has', async () => {
    const twoProblems = {
      ...b.budget('A1', 2025, '1.00'),
      data: { actionId: 'A1', year: 1999, amount: '1.001' },
    };
    const response = await api('/api/v1/events', {
      method: 'POST',
      token: token('administrator', '*'),
      headers: { 'Content-Type': 'application/x-ndjson' },
      body: `${JSON.stringify(twoProblems)}\nnot json\n`,
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { line: number; reason: string; detail: string }[] };
    expect(body.errors.map((e) => e.line)).toEqual([1, 2]);
    expect(body.errors[0]?.detail).toMatch(/bad-year.*bad-amount|bad-amount.*bad-year/);
    expect(body.errors[1]?.reason).toBe('not-json');
  });

  it('answers a JSON body that is neither an event nor an array of events with 400 and the errors by line', async () => {
    const before = await historyLength(ZL);
    const send = (body: string, type = 'application/json') =>
      api('/api/v1/events', {
        method: 'POST',
        token: token('administrator', '*'),
        headers: { 'Content-Type': type },
        body,
      });
    const reasons = async (response: Response) => {
      expect(response.status).toBe(400);
      const body = (await response.json()) as { errors: { line: number; reason: string }[] };
      return body.errors.map((e) => [e.line, e.reason]);
    };
    // Not JSON at all: read as NDJSON, so each bad line is named.
    expect(await reasons(await send(`[${JSON.stringify(b.action('UNCLOSED'))}`))).toEqual([[1, 'not-json']]);
    // JSON, but neither an array nor an object: refused as a whole.
    expect(await reasons(await send('null'))).toEqual([[1, 'wrong-type']]);
    expect(await reasons(await send('"an event"'))).toEqual([[1, 'wrong-type']]);
    // Bytes that are not UTF-8: each such NDJSON line refused as bad-encoding; a JSON body as a whole.
    const latin1 = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
    const mixed = Buffer.concat([
      Buffer.from(`${JSON.stringify(b.action('UTF8'))}\n`),
      latin1(`${JSON.stringify({ ...b.action('LATIN1'), actor: 'Caf\u00e9' })}\n`),
    ]);
    for (const [body, type, expected] of [
      [new Uint8Array(mixed), 'application/x-ndjson', [[2, 'bad-encoding']]],
      [
        latin1(JSON.stringify([{ ...b.action('LATIN1'), actor: 'Caf\u00e9' }])),
        'application/json',
        [[1, 'bad-encoding']],
      ],
    ] as const) {
      const response = await api('/api/v1/events', {
        method: 'POST',
        token: token('administrator', '*'),
        headers: { 'Content-Type': type },
        body,
      });
      expect(await reasons(response)).toEqual(expected);
    }
    // Its detail reads as any malformed line's does: the reason first.
    const whole = (await (await send('42')).json()) as { errors: { detail: string }[]; errorCount: number };
    expect(whole.errorCount).toBe(1);
    expect(whole.errors[0]?.detail).toMatch(/^wrong-type: a JSON body must be an event record or an array/);
    expect(await reasons(await send('[1]', 'application/vnd.api+json'))).toEqual([[1, 'wrong-type']]);
    expect(await historyLength(ZL)).toBe(before);
    // NDJSON sent as JSON is read as NDJSON; no body at all is an empty input, as an empty file is.
    const lines = [b.action('NDJ1'), b.action('NDJ2')].map((e) => JSON.stringify(e)).join('\n');
    expect(await (await send(lines)).json()).toEqual({
      appended: 2,
      alreadyPresent: 0,
      accepted: 2,
      rejected: 0,
    });
    expect(await (await send('')).json()).toEqual({
      appended: 0,
      alreadyPresent: 0,
      accepted: 0,
      rejected: 0,
    });
  });

  it('accepts a JSON array and is idempotent', async () => {
    const events = [b.action('ARR1'), b.action('ARR2')];
    const post = () =>
      api('/api/v1/events', {
        method: 'POST',
        token: token('controller', ZL),
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(events),
      });
    expect(await (await post()).json()).toEqual({ appended: 2, alreadyPresent: 0, accepted: 2, rejected: 0 });
    expect(await (await post()).json()).toEqual({ appended: 0, alreadyPresent: 2, accepted: 0, rejected: 0 });
  });

  it('reads a JSON array whatever the Content-Type, and one event record sent as JSON', async () => {
    const before = await historyLength(ZL);
    const send = (body: string, type?: string) =>
      api('/api/v1/events', {
        method: 'POST',
        token: token('controller', ZL),
        headers: type === undefined ? {} : { 'Content-Type': type },
        body,
      });
    const counts = (appended: number, alreadyPresent: number) => ({
      appended,
      alreadyPresent,
      accepted: appended,
      rejected: 0,
    });
    const array = JSON.stringify([b.action('ANY1'), b.action('ANY2')]);
    for (const type of ['text/plain', 'application/octet-stream', 'application/x-www-form-urlencoded']) {
      const response = await send(array, type);
      expect(response.status, type).toBe(200);
      expect(await response.json(), type).toEqual(type === 'text/plain' ? counts(2, 0) : counts(0, 2));
    }
    expect(await (await send(`  ${array}\n`)).json()).toEqual(counts(0, 2));
    // Sent as NDJSON it is read as `budget import` reads a file: an array is not an event line.
    const asNdjson = await send(array, 'application/x-ndjson');
    expect(asNdjson.status).toBe(400);
    expect(
      ((await asNdjson.json()) as { errors: { line: number; reason: string }[] }).errors.map((e) => [
        e.line,
        e.reason,
      ]),
    ).toEqual([[1, 'wrong-type']]);
    // One event record as JSON, also pretty-printed over several lines.
    const one = await send(JSON.stringify(b.action('ONE'), null, 2), 'application/json');
    expect(await one.json()).toEqual(counts(1, 0));
    expect(await historyLength(ZL)).toBe(before + 3);
  });
});

describe('bodies the server cannot take', () => {
  it('answers 401 to a client without a known token before it reads the body', async () => {
    const tooLarge = 'x'.repeat(BODY_LIMIT + 1);
    for (const [body, headers] of [
      [tooLarge, { 'Content-Type': 'application/x-ndjson' }],
      ['not gzip', { 'Content-Type': 'application/x-ndjson', 'Content-Encoding': 'gzip' }],
      ['{bad', { 'Content-Type': 'application/json' }],
    ] as const) {
      const response = await api('/api/v1/events', { method: 'POST', headers, body });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: 'unauthorized' });
    }
    // Routes match in any case, and so does the early answer.
    const upper = await api('/API/V1/EVENTS', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-ndjson' },
      body: tooLarge,
    });
    expect(upper.status).toBe(401);
  });

  it('names a body too large, in an encoding it cannot read, or that does not decode, and appends nothing', async () => {
    const before = await historyLength(ZL);
    const send = (body: string, headers: Record<string, string>) =>
      api('/api/v1/events', {
        method: 'POST',
        token: token('administrator', '*'),
        headers: { 'Content-Type': 'application/x-ndjson', ...headers },
        body,
      });
    const line = JSON.stringify(new EventBuilder(ZL, 'big').action('BIG'));
    const tooLarge = await send(`${line}\n`.repeat(Math.ceil((BODY_LIMIT + 1) / line.length)), {});
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toEqual({
      error: 'body-too-large',
      message: `the request body is larger than ${String(BODY_LIMIT)} bytes: send the events in smaller parts`,
    });
    const unknownEncoding = await send('{}', { 'Content-Encoding': 'x-unknown' });
    expect(unknownEncoding.status).toBe(415);
    expect(await unknownEncoding.json()).toMatchObject({ error: 'unsupported-encoding' });
    const notGzip = await send('not gzip', { 'Content-Encoding': 'gzip' });
    expect(notGzip.status).toBe(400);
    expect(await notGzip.json()).toMatchObject({ error: 'bad-body' });
    expect(await historyLength(ZL)).toBe(before);
  });
});

describe('requests that ask too much of the server', () => {
  const admin = (): string => token('administrator', '*');
  const post = (path: string, body: string, type = 'application/x-ndjson') =>
    api(path, { method: 'POST', token: admin(), headers: { 'Content-Type': type }, body });

  it('refuses a body of more lines or elements than one request takes, before it reads them', async () => {
    const maxLines = maxRequestLines(BODY_LIMIT);
    const before = await historyLength(ZL);
    const message = (count: number, max: number) =>
      `the request holds ${String(count)} lines; one request takes at most ${String(max)}: send the events in parts, or use budget import`;
    // maxLines newlines: maxLines + 1 lines (the last one empty), as `budget import` would count them.
    const many = await post('/api/v1/events', 'x\n'.repeat(maxLines));
    expect(many.status).toBe(413);
    expect(await many.json()).toEqual({ error: 'too-many-lines', message: message(maxLines + 1, maxLines) });
    const empty = await post('/api/v1/events', '\n'.repeat(maxLines));
    expect(empty.status).toBe(413);
    const array = await post('/api/v1/events', `[${'0,'.repeat(maxLines)}0]`, 'application/json');
    expect(array.status).toBe(413);
    expect(await array.json()).toEqual({ error: 'too-many-lines', message: message(maxLines + 1, maxLines) });
    const dryRun = await post('/api/v1/events/validate', 'x\n'.repeat(MAX_DRY_RUN_LINES));
    expect(dryRun.status).toBe(413);
    expect(await dryRun.json()).toMatchObject({ error: 'too-many-lines' });
    // As many lines as it takes: read as ever (the one event is already in the log).
    const first = JSON.stringify(smallScenario()[0]);
    const full = await post('/api/v1/events', `${'\n'.repeat(maxLines - 1)}${first}`);
    expect(full.status).toBe(200);
    expect(await full.json()).toMatchObject({ appended: 0, alreadyPresent: 1 });
    expect(await historyLength(ZL)).toBe(before);
  });

  it('refuses events for more regions than one request may send for, after judging lines and rights', async () => {
    const events = Array.from({ length: MAX_REQUEST_REGIONS + 1 }, (_, i) =>
      new EventBuilder(`many-${String(i)}`, 'm').closed(2024),
    );
    const lines = events.map((e) => JSON.stringify(e)).join('\n');
    const response = await post('/api/v1/events', lines);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'too-many-regions',
      message: `one request may send events for at most ${String(MAX_REQUEST_REGIONS)} regions: send the events in parts`,
    });
    // A dry run builds a view of each region: it takes fewer (the web app's are of one region).
    const dryRun = await post(
      '/api/v1/events/validate',
      events
        .slice(0, MAX_DRY_RUN_REGIONS + 1)
        .map((e) => JSON.stringify(e))
        .join('\n'),
    );
    expect(dryRun.status).toBe(400);
    expect(await dryRun.json()).toEqual({
      error: 'too-many-regions',
      message: `one dry run may send events for at most ${String(MAX_DRY_RUN_REGIONS)} regions: send the events in parts`,
    });
    expect(
      (
        await post(
          '/api/v1/events/validate',
          events
            .slice(0, MAX_DRY_RUN_REGIONS)
            .map((e) => JSON.stringify(e))
            .join('\n'),
        )
      ).status,
    ).toBe(200);
    // Regions the token may not use: 403, as for any line it may not send.
    const notOurs = await api('/api/v1/events', {
      method: 'POST',
      token: token('administrator', ZL),
      headers: { 'Content-Type': 'application/x-ndjson' },
      body: lines,
    });
    expect(notOurs.status).toBe(403);
    // Malformed lines (no id) for as many regions: the errors by line, as the import lists them.
    const malformed = await post(
      '/api/v1/events',
      events.map(({ id: _id, ...rest }) => JSON.stringify(rest)).join('\n'),
    );
    expect(malformed.status).toBe(400);
    const listed = (await malformed.json()) as {
      errorCount: number;
      errors: { line: number; reason: string }[];
    };
    expect(listed.errorCount).toBe(MAX_REQUEST_REGIONS + 1);
    expect(listed.errors[0]).toMatchObject({ line: 1, reason: 'missing-field' });
    expect(await historyLength('many-0')).toBe(0);
  });

  it('answers JSON nested too deeply to be read with 400, not a failure of its own', async () => {
    const depth = 200_000;
    const response = await post(
      '/api/v1/events',
      `${'['.repeat(depth)}${']'.repeat(depth)}`,
      'application/json',
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'bad-body' });
  });

  it("reads no body but the events endpoints' (none is decompressed or parsed for another path)", async () => {
    // Before, every path's JSON body was parsed (and a gzip one inflated), with or without a token.
    const response = await fetch(`${server.url}/api/docs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      body: 'not gzip',
    });
    expect(response.status).toBe(404);
    // Request targets that a URL parser resolves to the events path, but that the router and the token check see
    // as another path: their body is not read either (it was, inflated, without a token).
    const inflatesBeyondTheLimit = gzipSync(Buffer.alloc(BODY_LIMIT + 1, 0x0a));
    for (const target of ['/x/../api/v1/events', '/health/../api/v1/events', '/api\\v1\\events']) {
      const status = await rawPost(target, inflatesBeyondTheLimit, { 'Content-Encoding': 'gzip' });
      expect(status, target).toBe(404);
    }
    // The events path itself, without a token: 401 before the body is read (not 413).
    expect(await rawPost('/api/v1/events', inflatesBeyondTheLimit, { 'Content-Encoding': 'gzip' })).toBe(401);
  });

  it('says on every response that its type is what it says', async () => {
    for (const path of [
      '/health',
      '/api/v1/me',
      `/api/v1/regions/${ZL}/reports/allocation?year=2024`,
      '/nope',
    ]) {
      const response = await api(path, { token: admin() });
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });
});

describe('NDJSON bodies', () => {
  it('read a byte-order mark and CRLF line ends as `budget import` does, in the dry run and for real', async () => {
    const nb = new EventBuilder(ZL, 'bom');
    const text = `\uFEFF${[nb.action('BOM1'), nb.action('BOM2')].map((e) => JSON.stringify(e)).join('\r\n')}\r\n`;
    const send = (path: string) =>
      api(path, {
        method: 'POST',
        token: token('administrator', '*'),
        headers: { 'Content-Type': 'application/x-ndjson' },
        body: text,
      });
    const dry = (await (await send('/api/v1/events/validate')).json()) as { ok: boolean; lines: unknown[] };
    expect([dry.ok, dry.lines.length]).toEqual([true, 2]);
    expect(await (await send('/api/v1/events')).json()).toEqual({
      appended: 2,
      alreadyPresent: 0,
      accepted: 2,
      rejected: 0,
    });
  });
});

describe('reading', () => {
  for (const role of ROLES) {
    it(`${role} reads reports of its own region only`, async () => {
      const own = await api(`/api/v1/regions/${ZL}/reports/allocation?year=2024`, { token: token(role, ZL) });
      expect(own.status).toBe(200);
      expect(((await own.json()) as { region: string }).region).toBe(ZL);
      expect(
        (await api(`/api/v1/regions/${NL}/reports/allocation?year=2024`, { token: token(role, ZL) })).status,
      ).toBe(403);
    });

    const mayReadHistory = role !== 'finance-officer';
    it(`${role} ${mayReadHistory ? 'reads' : 'may not read'} history`, async () => {
      const response = await api(`/api/v1/regions/${ZL}/history?fromPosition=2`, { token: token(role, ZL) });
      expect(response.status).toBe(mayReadHistory ? 200 : 403);
      if (mayReadHistory) {
        expect(response.headers.get('content-type')).toContain('application/x-ndjson');
        const first = JSON.parse((await response.text()).split('\n')[0]!) as { position: number };
        expect(first.position).toBe(2);
      }
    });
  }

  it('serves the same report as the CLI, as CSV on request, and as of an earlier position', async () => {
    const json = (await (
      await api(`/api/v1/regions/${ZL}/reports/allocation?year=2024&asOfPosition=20`, {
        token: token('auditor', ZL),
      })
    ).json()) as {
      asOfPosition: number;
      totals: { spent: string };
    };
    expect(json.asOfPosition).toBe(20);
    expect(json.totals.spent).toBe('800.02');
    const csv = await api(`/api/v1/regions/${ZL}/reports/allocation?year=2024`, {
      token: token('auditor', ZL),
      headers: { Accept: 'text/csv' },
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(await csv.text()).toContain('asOfPosition,closed,level,theme,actionId');
    // Content negotiation: quality values and the media type's case count; JSON unless CSV is preferred.
    const typeFor = async (accept: string) =>
      (
        await api(`/api/v1/regions/${ZL}/reports/allocation?year=2024`, {
          token: token('auditor', ZL),
          headers: { Accept: accept },
        })
      ).headers.get('content-type');
    expect(await typeFor('TEXT/CSV')).toContain('text/csv');
    expect(await typeFor('text/csv;q=0.5, application/json')).toContain('application/json');
    expect(await typeFor('application/json;q=0.2, text/csv')).toContain('text/csv');
    expect(await typeFor('*/*')).toContain('application/json');
    // A media range's parameters do not stop CSV from being served (as UTF-8, with a header row).
    expect(await typeFor('text/csv; charset=utf-8')).toContain('text/csv');
    expect(await typeFor('text/csv; header=present')).toContain('text/csv');
    expect(await typeFor('text/csv;charset=UTF-8, application/json;q=0.1')).toContain('text/csv');
  });

  it('says what is wrong with a bad query or an unknown region', async () => {
    expect(
      (await api(`/api/v1/regions/${ZL}/reports/allocation?year=24`, { token: token('auditor', ZL) })).status,
    ).toBe(400);
    expect(
      (
        await api(`/api/v1/regions/${ZL}/reports/allocation?year=2024&asOfPosition=99999`, {
          token: token('auditor', ZL),
        })
      ).status,
    ).toBe(400);
    const unknown = await api(`/api/v1/regions/elders/reports/allocation?year=2024`, {
      token: token('auditor', '*'),
    });
    expect(unknown.status).toBe(404);
    // Messages for API clients name no local path and no CLI flag.
    expect(await unknown.json()).toEqual({ error: 'unknown-region', message: 'region elders has no events' });
    const beyond = await api(`/api/v1/regions/${ZL}/reports/allocation?year=2024&asOfPosition=99999`, {
      token: token('auditor', ZL),
    });
    expect(((await beyond.json()) as { message: string }).message).toMatch(/^asOfPosition 99999 is outside/);
  });

  it('starts the history at position 1 and refuses fromPosition=0, as `budget export --from-position` does', async () => {
    const history = (query: string) =>
      api(`/api/v1/regions/${ZL}/history${query}`, { token: token('auditor', ZL) });
    const whole = await (await history('')).text();
    expect(await (await history('?fromPosition=1')).text()).toBe(whole);
    const zero = await history('?fromPosition=0');
    expect(zero.status).toBe(400);
    expect(await zero.json()).toEqual({
      error: 'bad-request',
      message:
        'fromPosition: must be a whole number from 1 (the first position; leave it out for the whole log)',
    });
  });

  it('names the query parameter that is missing or bad, and what it must be, on every endpoint', async () => {
    const badRequest = async (path: string) => {
      const response = await api(path, { token: token('administrator', '*') });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: string; message: string };
      expect(body.error).toBe('bad-request');
      return body.message;
    };
    const regions = `/api/v1/regions/${ZL}`;
    const yearRequired = 'year: is required (a year from 2000 to 2100)';
    for (const path of [
      `${regions}/reports/allocation`,
      `${regions}/reports/allocation?asOfPosition=3`,
      `${regions}/reports/trial-balance`,
      `${regions}/actions`,
      `${regions}/spending`,
      `${regions}/provenance?funder=heerlen`,
      '/api/v1/province/allocation',
    ]) {
      expect(await badRequest(path)).toBe(yearRequired);
    }
    const badYear = 'year: must be a year from 2000 to 2100';
    expect(await badRequest(`${regions}/reports/allocation?year=24`)).toBe(badYear);
    expect(await badRequest(`${regions}/reports/allocation?year=1999`)).toBe(badYear);
    expect(await badRequest(`${regions}/reports/allocation?year=2024&year=2025`)).toBe(
      'year: must be given once (a year from 2000 to 2100)',
    );
    expect(await badRequest(`${regions}/reports/allocation?year=2024&asOfPosition=-1`)).toBe(
      'asOfPosition: must be a whole number from 0',
    );
    expect(await badRequest(`${regions}/reports/allocation?asOfPosition=x`)).toBe(
      `${yearRequired}; asOfPosition: must be a whole number from 0`,
    );
    expect(await badRequest(`${regions}/history?fromPosition=x`)).toBe(
      'fromPosition: must be a whole number from 1 (the first position; leave it out for the whole log)',
    );
    expect(
      await badRequest(`${regions}/history/page?toPosition=x&limit=0&type=Spent&outcome=maybe&funder=a%20b`),
    ).toBe(
      'toPosition: must be a whole number from 0; limit: must be a whole number from 1 to 500; type: must be ' +
        'one of RegionConfigured, ActionDefined, FundingCommitted, BudgetSet, FundingKeySet, SpendingRecorded, ' +
        'SpendingCorrected, SpendingReversed, YearClosed; funder: must be an identifier of 1-64 [A-Za-z0-9._:-]; ' +
        'outcome: must be one of accepted, rejected',
    );
    expect(await badRequest(`${regions}/history/page?actor=${'a'.repeat(257)}`)).toBe(
      'actor: must be part of an actor, 1 to 256 characters',
    );
    expect(await badRequest(`${regions}/provenance?year=2024`)).toBe('query: give either actionId or funder');
    expect(await badRequest('/api/v1/regions/a%20b/reports/allocation?year=2024')).toBe(
      'region: must be an identifier of 1-64 [A-Za-z0-9._:-]',
    );
    // A parameter the request does not take is refused, not ignored: a misspelt asOfPosition would otherwise get the
    // current report, and the province has no single position to report as of.
    expect(await badRequest(`${regions}/reports/allocation?year=2024&asOfPositon=3`)).toBe(
      'asOfPositon: not a parameter of this request (it takes year, asOfPosition)',
    );
    expect(await badRequest('/api/v1/province/allocation?year=2024&asOfPosition=3')).toBe(
      'asOfPosition: not a parameter of this request (it takes year)',
    );
    expect(await badRequest(`${regions}/history?from=3`)).toBe(
      'from: not a parameter of this request (it takes fromPosition)',
    );
    expect(await badRequest(`${regions}/spending?yaer=2024`)).toBe(
      `yaer: not a parameter of this request (it takes year); ${yearRequired}`,
    );
  });
});

describe('a tokens file that cannot be read while the server runs', () => {
  it('lets no request in (503 tokens-unavailable) until it is restored, and the API answers again', async () => {
    const own = Cli.fresh();
    const file = join(tempDir('tokens-broken'), 'tokens.json');
    const held = own.createToken(file, 'auditor', '*', 'auditor');
    const running = await startServer({ BUDGET_DATA_DIR: own.dataDir, BUDGET_TOKENS_FILE: file });
    try {
      const me = () => fetch(`${running.url}/api/v1/me`, { headers: { Authorization: `Bearer ${held}` } });
      expect((await me()).status).toBe(200);
      const good = readFileSync(file, 'utf8');
      writeFileSync(file, '{broken');
      const broken = await me();
      expect(broken.status).toBe(503);
      expect(await broken.json()).toEqual({
        error: 'tokens-unavailable',
        message:
          'the server cannot read its tokens file now; no request is let in until an administrator restores it',
      });
      rmSync(file);
      expect((await me()).status).toBe(503);
      expect((await fetch(`${running.url}/health`)).status).toBe(200);
      writeFileSync(file, good);
      expect((await me()).status).toBe(200);
    } finally {
      await running.stop();
    }
  });
});
