// The interactive API documentation at /api/docs in Debian's Chromium (playwright-core): it loads with nothing
// from another origin and no CSP violation, passes axe-core (no serious or critical violations), and a user can
// paste a bearer token and try a call. Screenshots go to test-output/screenshots.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchChromium, type Browser, type Page } from '../../services/web/testing/browser';
import { SCREENSHOTS, ZL, startFixture, type Fixture } from './support';

let f: Fixture;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  [f, browser] = await Promise.all([startFixture(), launchChromium()]);
});

afterAll(async () => {
  await browser.close();
  await f.server.stop();
});

interface DocsPage {
  page: Page;
  /** Errors the page logged (a CSP violation, a failed request, an exception). */
  errors: string[];
  /** Every URL the page requested. */
  requests: string[];
}

async function openDocs(): Promise<DocsPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(`${f.server.url}/api/docs`);
  await page.getByRole('heading', { name: /Limburg budget API/ }).waitFor();
  return { page, errors, requests };
}

async function expectAccessible(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `api-docs-${name}.png`), fullPage: true });
  const serious = (await axeViolations(page)).filter(
    (v) => v.impact === 'serious' || v.impact === 'critical',
  );
  expect(serious, `${name}: ${JSON.stringify(serious, null, 1)}`).toEqual([]);
}

describe('API documentation page', () => {
  it('loads every asset from this server, with no errors, and lists every path of the document', async () => {
    const { page, errors, requests } = await openDocs();
    const document = (await (await f.api('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    for (const path of Object.keys(document.paths)) {
      await page.locator(`[data-path="${path}"]`).first().waitFor();
    }
    const origin = new URL(f.server.url).origin;
    expect(requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'))).toEqual([]);
    expect(requests).toContain(`${origin}/api/openapi.json`);
    expect(errors).toEqual([]);
    await expectAccessible(page, '1-overview');
    await page.close();
  });

  it('takes a bearer token and tries a call with it', async () => {
    const { page, errors } = await openDocs();
    await page.getByRole('button', { name: 'Authorize' }).first().click();
    const dialog = page.locator('.dialog-ux');
    await dialog.getByLabel('Value:').waitFor();
    await expectAccessible(page, '2-authorize');
    await dialog.getByLabel('Value:').fill(f.token('controller', ZL));
    await dialog.getByRole('button', { name: 'Authorize', exact: true }).click();
    await dialog.getByRole('button', { name: 'Logout' }).waitFor();
    await dialog.locator('button.btn-done').click();
    await dialog.waitFor({ state: 'detached' });

    // GET /api/v1/regions/{region}/reports/allocation, in Swagger UI's own words.
    const operation = page.locator('#operations-reports-allocationReport');
    await operation.locator('.opblock-summary-control').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.locator('tr[data-param-name="region"] input').fill(ZL);
    await operation.locator('tr[data-param-name="year"] input').fill('2024');
    await operation.getByRole('button', { name: 'Execute' }).click();
    const status = operation.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor();
    expect((await status.textContent())?.trim()).toBe('200');
    const body = await operation
      .locator('.live-responses-table .response-col_description pre')
      .first()
      .textContent();
    expect(JSON.parse(body ?? '') as unknown).toMatchObject({ region: ZL, year: 2024 });
    await expectAccessible(page, '3-try-it-out');

    // The schemas, expanded.
    await page.getByRole('button', { name: 'Schemas' }).click();
    for (const name of ['AllocationReport', 'FundingKeySetEvent', 'LineErrors']) {
      await page
        .locator('section.models article[data-json-schema-level="0"]')
        .filter({ has: page.getByText(name, { exact: true }) })
        .getByRole('button', { name: 'Expand all' })
        .click();
    }
    await expectAccessible(page, '4-schemas');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('answers 401 to a call tried without a token', async () => {
    const { page } = await openDocs();
    const operation = page.locator('#operations-session-me');
    await operation.locator('.opblock-summary-control').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.getByRole('button', { name: 'Execute' }).click();
    const status = operation.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor();
    expect((await status.textContent())?.trim()).toBe('401');
    await page.close();
  });
});
