// The endpoints the web app adds to CONTRACT section 8: who am I, regions, actions, spending, trial balance, chain
// check, history pages, provenance, the province view and the dry run; every role and region, and nothing ever
// appended by them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBuilder } from '../support/events';
import { NL, ROLES, ZL, startFixture, type Fixture } from './support';

let f: Fixture;

beforeAll(async () => {
  f = await startFixture();
});

afterAll(async () => {
  await f.server.stop();
});

async function json<T>(path: string, token: string): Promise<T> {
  const response = await f.api(path, { token });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

async function logLength(region: string): Promise<number> {
  const response = await f.api(`/api/v1/regions/${region}/history`, { token: f.token('administrator', '*') });
  return (await response.text()).split('\n').filter((l) => l !== '').length;
}

function dryRun(events: unknown[], token: string): Promise<Response> {
  return f.api('/api/v1/events/validate', {
    method: 'POST',
    token,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(events),
  });
}

const READS = [
  `/api/v1/regions/${ZL}/actions?year=2024`,
  `/api/v1/regions/${ZL}/spending?year=2024`,
  `/api/v1/regions/${ZL}/reports/trial-balance?year=2024`,
];
const HISTORY_READS = [
  `/api/v1/regions/${ZL}/history/verify`,
  `/api/v1/regions/${ZL}/history/page?limit=5&type=BudgetSet`,
  `/api/v1/regions/${ZL}/provenance?year=2024&actionId=zl-ib-01`,
];

describe('the web app itself', () => {
  it('serves the page and its bundle at / without a token, under a strict CSP', async () => {
    const page = await f.api('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('/assets/app.js');
    const script = await f.api('/assets/app.js');
    expect(script.headers.get('content-type')).toContain('javascript');
    expect((await script.arrayBuffer()).byteLength).toBeLessThan(200_000);
    expect((await f.api('/assets/nothing.js')).status).toBe(404);
  });
});

describe('GET /api/v1/me and /api/v1/regions', () => {
  it.each(ROLES)('tells a %s who it is, never the hash', async (role) => {
    const me = await json<Record<string, unknown>>('/api/v1/me', f.token(role, ZL));
    expect(me).toMatchObject({ role, regions: [ZL], name: `${role} ${ZL}` });
    expect(JSON.stringify(me)).not.toContain('tokenSha256');
    expect(me.readsHistory).toBe(role !== 'finance-officer');
    expect((me.writes as string[]).includes('SpendingRecorded')).toBe(
      role === 'finance-officer' || role === 'administrator',
    );
  });

  it('lists only the regions a token may see', async () => {
    const all = await json<{ region: string; funders: unknown[] }[]>(
      '/api/v1/regions',
      f.token('auditor', '*'),
    );
    expect(all.map((r) => r.region)).toEqual([NL, ZL]);
    const north = await json<{ region: string }[]>('/api/v1/regions', f.token('auditor', NL));
    expect(north.map((r) => r.region)).toEqual([NL]);
  });

  it('refuses every new endpoint without a known token', async () => {
    for (const path of [
      '/api/v1/me',
      '/api/v1/regions',
      '/api/v1/province/allocation?year=2024',
      ...READS,
      ...HISTORY_READS,
    ]) {
      expect((await f.api(path)).status, path).toBe(401);
      expect((await f.api(path, { token: 'not-a-token' })).status, path).toBe(401);
    }
    expect((await dryRun([], 'not-a-token')).status).toBe(401);
  });
});

describe('region reads', () => {
  it.each(ROLES)(
    'lets a %s read actions, spending and the trial balance of its region only',
    async (role) => {
      for (const path of READS) {
        expect((await f.api(path, { token: f.token(role, ZL) })).status, path).toBe(200);
        expect((await f.api(path, { token: f.token(role, NL) })).status, path).toBe(403);
      }
    },
  );

  it.each(ROLES)('lets a %s check the chain and see provenance only if it may read history', async (role) => {
    for (const path of HISTORY_READS) {
      expect((await f.api(path, { token: f.token(role, ZL) })).status, path).toBe(
        role === 'finance-officer' ? 403 : 200,
      );
      expect((await f.api(path, { token: f.token(role, NL) })).status, path).toBe(403);
    }
  });

  it('gives the actions with their lead time, budget and key for a year, and the closed years', async () => {
    const body = await json<{
      closed: boolean;
      closedYears: number[];
      actions: { actionId: string; inLeadTime: boolean; budget: string; hasFundingKey: boolean }[];
    }>(`/api/v1/regions/${ZL}/actions?year=2023`, f.token('finance-officer', ZL));
    expect(body.closed).toBe(true);
    expect(body.closedYears).toContain(2023);
    expect(body.actions.length).toBe(12);
    expect(body.actions.every((a) => /^\d+\.\d{2}$/.test(a.budget))).toBe(true);
    expect(
      (await f.api(`/api/v1/regions/${ZL}/actions?year=1999`, { token: f.token('controller', ZL) })).status,
    ).toBe(400);
  });

  it('gives the spending items of a year with their current amounts', async () => {
    const body = await json<{
      items: { spendingId: string; year: number; amount: string; active: boolean }[];
    }>(`/api/v1/regions/${NL}/spending?year=2024`, f.token('finance-officer', NL));
    expect(body.items).toEqual([
      expect.objectContaining({
        spendingId: 'nl-s1',
        year: 2024,
        amount: '1500.25',
        active: true,
        payee: 'Partner',
      }),
    ]);
  });

  it('gives spending amounts with two decimals, as typed or not', async () => {
    // North Limburg's 2025, which no other test reads.
    const e = new EventBuilder(NL, 'amt');
    const post = async (events: unknown[]) => {
      const response = await f.api('/api/v1/events', {
        method: 'POST',
        token: f.token('administrator', '*'),
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(events),
      });
      expect(response.status).toBe(200);
    };
    const amounts = async () =>
      (
        await json<{ items: { amount: string }[] }>(
          `/api/v1/regions/${NL}/spending?year=2025`,
          f.token('administrator', '*'),
        )
      ).items.map((item) => item.amount);
    await post([e.funding('venlo', 2025, '10'), e.spending('s-3', 'NL1', 2025, '3')]);
    expect(await amounts()).toEqual(['3.00']);
    await post([e.corrected('s-3', '4.5')]);
    expect(await amounts()).toEqual(['4.50']);
  });

  it('gives a balanced trial balance', async () => {
    const trial = await json<{ balanced: boolean; totals: { debit: string; credit: string } }>(
      `/api/v1/regions/${ZL}/reports/trial-balance?year=2024`,
      f.token('controller', ZL),
    );
    expect(trial.balanced).toBe(true);
    expect(trial.totals.debit).toBe(trial.totals.credit);
  });

  it('checks the hash chain over the whole history', async () => {
    const result = await json<{ ok: boolean; records: number }>(
      `/api/v1/regions/${ZL}/history/verify`,
      f.token('auditor', ZL),
    );
    expect(result).toEqual({ ok: true, records: await logLength(ZL) });
  });

  it('names the events behind an action figure and a funder figure, as of a position', async () => {
    const token = f.token('auditor', ZL);
    const action = await json<{
      records: { type: string; position: number; data: Record<string, unknown> }[];
    }>(`/api/v1/regions/${ZL}/provenance?year=2024&actionId=zl-ib-01`, token);
    const types = new Set(action.records.map((r) => r.type));
    expect(types).toEqual(
      expect.objectContaining(
        new Set(['RegionConfigured', 'ActionDefined', 'BudgetSet', 'SpendingRecorded']),
      ),
    );
    for (const r of action.records) {
      if (r.type === 'SpendingRecorded' || r.type === 'BudgetSet')
        expect(r.data).toMatchObject({ actionId: 'zl-ib-01', year: 2024 });
    }
    const early = await json<{ records: { position: number }[] }>(
      `/api/v1/regions/${ZL}/provenance?year=2024&actionId=zl-ib-01&asOfPosition=20`,
      token,
    );
    expect(early.records.every((r) => r.position <= 20)).toBe(true);
    // Past the end of the log: refused as the report refuses it, not answered as the latest.
    const past = await f.api(
      `/api/v1/regions/${ZL}/provenance?year=2024&actionId=zl-ib-01&asOfPosition=99999`,
      {
        token,
      },
    );
    expect(past.status).toBe(400);
    expect(await past.text()).toContain('asOfPosition 99999 is outside the log of zuid-limburg');
    const funder = await json<{
      records: { type: string; outcome: string; data: Record<string, unknown> }[];
    }>(`/api/v1/regions/${ZL}/provenance?year=2024&funder=heerlen`, token);
    const commitments = funder.records.filter((r) => r.type === 'FundingCommitted');
    // Every funder's commitments of the year: under a pro-rata key heerlen's share of a budget is its commitment
    // over all of them, so the figure cannot be rebuilt from heerlen's alone.
    const accepted = commitments.filter((r) => r.outcome === 'accepted');
    expect(new Set(accepted.map((r) => r.data.funder))).toEqual(new Set(['maastricht', 'heerlen']));
    expect(commitments.every((r) => r.data.year === 2024)).toBe(true);
    const both = await f.api(`/api/v1/regions/${ZL}/provenance?year=2024&funder=heerlen&actionId=x`, {
      token,
    });
    expect(both.status).toBe(400);
  });
});

describe('GET /api/v1/regions/{region}/history/page', () => {
  interface Rec {
    id: string;
    type: string;
    actor: string;
    position: number;
    outcome: string;
    data: Record<string, unknown>;
  }
  interface Page {
    records: Rec[];
    nextPosition: number | null;
  }

  async function wholeLog(): Promise<Rec[]> {
    const response = await f.api(`/api/v1/regions/${ZL}/history`, { token: f.token('auditor', ZL) });
    expect(response.headers.get('content-type')).toContain('application/x-ndjson');
    return (await response.text())
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Rec);
  }

  /** Every page of a query, following nextPosition from the first. */
  async function allPages(query: string): Promise<{ records: Rec[]; pages: number }> {
    const records: Rec[] = [];
    let from: number | null = 1;
    let pages = 0;
    while (from !== null) {
      const page: Page = await json<Page>(
        `/api/v1/regions/${ZL}/history/page?${query}&fromPosition=${String(from)}`,
        f.token('controller', ZL),
      );
      expect(page.records.length).toBeLessThanOrEqual(7);
      if (page.nextPosition !== null) {
        expect(page.records).toHaveLength(7);
        expect(page.nextPosition).toBeGreaterThan(page.records[page.records.length - 1]!.position);
      }
      records.push(...page.records);
      from = page.nextPosition;
      pages += 1;
    }
    return { records, pages };
  }

  it('pages through the whole log exactly as the NDJSON history has it', async () => {
    const log = await wholeLog();
    const { records, pages } = await allPages('limit=7');
    expect(records).toEqual(log);
    expect(pages).toBe(Math.ceil(log.length / 7));
  });

  it('filters by type, outcome, actor, funder, action and position range on the server', async () => {
    const log = await wholeLog();
    const items = new Map<string, unknown>();
    for (const r of log)
      if (r.type === 'SpendingRecorded' && r.outcome === 'accepted')
        items.set(r.data.spendingId as string, r.data.actionId);
    const funders = (r: Rec): unknown[] =>
      r.type === 'FundingCommitted'
        ? [r.data.funder]
        : r.type === 'FundingKeySet'
          ? Object.keys(r.data.shares as object)
          : r.type === 'RegionConfigured'
            ? (r.data.funders as { id: string }[]).map((x) => x.id)
            : [];
    const actionOf = (r: Rec): unknown =>
      typeof r.data.actionId === 'string' ? r.data.actionId : items.get(r.data.spendingId as string);
    const cases: [string, (r: Rec) => boolean][] = [
      ['type=SpendingCorrected', (r) => r.type === 'SpendingCorrected'],
      ['outcome=rejected', (r) => r.outcome === 'rejected'],
      ['actor=FO-', (r) => r.actor.toLowerCase().includes('fo-')],
      ['funder=heerlen', (r) => funders(r).includes('heerlen')],
      ['actionId=zl-sw-02', (r) => actionOf(r) === 'zl-sw-02'],
      [
        'type=SpendingRecorded&outcome=accepted&toPosition=60',
        (r) => r.type === 'SpendingRecorded' && r.outcome === 'accepted' && r.position <= 60,
      ],
    ];
    for (const [query, keep] of cases) {
      const expected = log.filter(keep);
      expect(expected.length, query).toBeGreaterThan(0);
      expect((await allPages(`limit=7&${query}`)).records, query).toEqual(expected);
    }
    // Corrections and reversals count for the action of their spending item.
    expect(
      (await allPages('limit=7&actionId=zl-sw-02')).records.some((r) => r.type === 'SpendingCorrected'),
    ).toBe(true);
    // A page can start anywhere: from position 100, the next matches after it.
    const later = await json<Page>(
      `/api/v1/regions/${ZL}/history/page?fromPosition=100&toPosition=104&limit=500`,
      f.token('administrator', '*'),
    );
    expect(later.records.map((r) => r.position)).toEqual([100, 101, 102, 103, 104]);
    expect(later.nextPosition).toBeNull();
  });

  it('refuses bad queries and unknown regions, and leaves the contract history as it was', async () => {
    const token = f.token('administrator', '*');
    for (const query of [
      'limit=0',
      'limit=501',
      'type=Nope',
      'fromPosition=0',
      'outcome=maybe',
      'funder=a b',
    ]) {
      const response = await f.api(`/api/v1/regions/${ZL}/history/page?${query}`, { token });
      expect(response.status, query).toBe(400);
    }
    expect((await f.api('/api/v1/regions/nowhere/history/page', { token })).status).toBe(404);
    const tail = await f.api(`/api/v1/regions/${ZL}/history?fromPosition=3`, { token });
    const positions = (await tail.text())
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => (JSON.parse(l) as Rec).position);
    expect(positions[0]).toBe(3);
    expect(positions.length).toBe((await logLength(ZL)) - 2);
  });
});

describe('GET /api/v1/province/allocation', () => {
  it('sums the regions a token may see', async () => {
    const province = await json<{
      regions: { region: string; totals: { spent: string } }[];
      totals: { spent: string; committed: string };
    }>('/api/v1/province/allocation?year=2024', f.token('controller', '*'));
    expect(province.regions.map((r) => r.region)).toEqual([NL, ZL]);
    const south = await json<{ totals: { spent: string; committed: string } }>(
      `/api/v1/regions/${ZL}/reports/allocation?year=2024`,
      f.token('controller', '*'),
    );
    const cents = (a: string): bigint => BigInt(a.replace('.', ''));
    expect(cents(province.totals.spent)).toBe(cents(south.totals.spent) + 150_025n);
    expect(cents(province.totals.committed)).toBe(cents(south.totals.committed) + 500_000n);
    const north = await json<{ regions: { region: string }[] }>(
      '/api/v1/province/allocation?year=2024',
      f.token('controller', NL),
    );
    expect(north.regions.map((r) => r.region)).toEqual([NL]);
  });
});

describe('POST /api/v1/events/validate (dry run)', () => {
  const b = new EventBuilder(ZL, 'dry');

  it('predicts every line without appending anything', async () => {
    const before = await logLength(ZL);
    const good = b.spending('dry-1', 'zl-ib-01', 2024, '10.00');
    const events = [
      good,
      { ...b.spending('dry-2', 'zl-ib-01', 2024, '10.00'), data: { amount: '1,00' } },
      b.spending('dry-3', 'nope', 2024, '5.00'),
      b.spending('dry-4', 'zl-ib-01', 2023, '5.00'),
      good,
      { ...good, actor: 'someone else' },
      b.budget('zl-ib-01', 2024, '1.00'),
    ];
    const response = await dryRun(events, f.token('finance-officer', ZL));
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      ok: boolean;
      lines: { line: number; outcome: string; issues: { reason: string }[] }[];
    };
    expect(body.ok).toBe(false);
    expect(body.lines.map((l) => [l.line, l.outcome, l.issues[0]?.reason])).toEqual([
      [1, 'accepted', undefined],
      [2, 'malformed', 'missing-field'],
      [3, 'rejected', 'unknown-action'],
      [4, 'rejected', 'year-closed'],
      [5, 'already-present', undefined],
      [6, 'malformed', 'conflicting-id'],
      [7, 'forbidden', 'forbidden'],
    ]);
    expect(await logLength(ZL)).toBe(before);
  });

  it('compares ids with the log: a re-sent event is already present, a changed one conflicts', async () => {
    const history = await f.api(`/api/v1/regions/${ZL}/history`, { token: f.token('auditor', ZL) });
    const first = JSON.parse((await history.text()).split('\n')[0]!) as Record<string, unknown>;
    const { id, region, type, occurredAt, actor, data } = first;
    const same = { id, region, type, occurredAt, actor, data };
    const token = f.token('administrator', '*');
    const body = (await (await dryRun([same, { ...same, actor: 'x' }], token)).json()) as {
      lines: { outcome: string; issues: { reason: string }[] }[];
    };
    expect(body.lines.map((l) => l.outcome)).toEqual(['already-present', 'malformed']);
    expect(body.lines[1]!.issues[0]!.reason).toBe('conflicting-id');
  });

  it('says ok when everything would be accepted, and refuses roles that write nothing', async () => {
    const ok = await dryRun([b.spending('dry-9', 'zl-ib-01', 2024, '1.00')], f.token('finance-officer', ZL));
    expect(((await ok.json()) as { ok: boolean }).ok).toBe(true);
    expect((await dryRun([b.closed(2024)], f.token('auditor', ZL))).status).toBe(403);
    const otherRegion = await dryRun(
      [b.spending('dry-10', 'zl-ib-01', 2024, '1.00')],
      f.token('finance-officer', NL),
    );
    expect(((await otherRegion.json()) as { lines: { outcome: string }[] }).lines[0]!.outcome).toBe(
      'forbidden',
    );
    const asJson = (body: string) =>
      f.api('/api/v1/events/validate', {
        method: 'POST',
        token: f.token('controller', ZL),
        headers: { 'Content-Type': 'application/json' },
        body,
      });
    expect((await asJson('"not events"')).status).toBe(400);
    // One object sent as JSON is one record, checked as such.
    const oneObject = await asJson('{"not":"an event"}');
    expect(oneObject.status).toBe(200);
    const checked = (await oneObject.json()) as { ok: boolean; lines: { line: number; outcome: string }[] };
    expect(checked.ok).toBe(false);
    expect(checked.lines.map((l) => [l.line, l.outcome])).toEqual([[1, 'malformed']]);
  });

  it('follows appends: after POST /events the same line is already present', async () => {
    const event = b.spending('dry-20', 'zl-ib-02', 2024, '2.50');
    const token = f.token('finance-officer', ZL);
    const appended = await f.api('/api/v1/events', {
      method: 'POST',
      token,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([event]),
    });
    expect(appended.status).toBe(200);
    const body = (await (await dryRun([event], token)).json()) as {
      lines: { outcome: string; issues: unknown[] }[];
    };
    expect(body.lines[0]).toMatchObject({ outcome: 'already-present', issues: [] });
    // One that was recorded as rejected says so: a re-send after a lost answer must not read as accepted.
    const late = b.spending('dry-21', 'zl-ib-02', 2023, '2.50');
    const rejected = await f.api('/api/v1/events', {
      method: 'POST',
      token,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([late]),
    });
    expect(((await rejected.json()) as { rejected: number }).rejected).toBe(1);
    const again = (await (await dryRun([late], token)).json()) as {
      lines: { outcome: string; issues: { reason: string; detail: string }[] }[];
    };
    expect(again.lines[0]).toEqual(
      expect.objectContaining({
        outcome: 'already-present',
        issues: [
          {
            reason: 'year-closed',
            field: '',
            detail: 'already in the log, recorded as rejected: year-closed',
          },
        ],
      }),
    );
    const items = await json<{ items: { spendingId: string }[] }>(
      `/api/v1/regions/${ZL}/spending?year=2024`,
      token,
    );
    expect(items.items.some((i) => i.spendingId === 'dry-20')).toBe(true);
  });
});
