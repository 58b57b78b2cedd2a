// One full journey per user group in Debian's Chromium (playwright-core): finance officer, controller, administrator,
// auditor.
// Every page is checked with axe-core (no serious or critical violations); screenshots go to test-output/screenshots.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchChromium, type Browser, type Page } from '../../services/web/testing/browser';
import { EventBuilder } from '../support/events';
import { FIRST, NL, SCREENSHOTS, ZL, startFixture, type Fixture, type Role } from './support';

let f: Fixture;
let browser: Browser;
const downloads = join(SCREENSHOTS, '..', 'downloads');

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  mkdirSync(downloads, { recursive: true });
  [f, browser] = await Promise.all([startFixture(), launchChromium()]);
});

afterAll(async () => {
  await browser.close();
  await f.server.stop();
});

interface Journey {
  page: Page;
  /** Errors the page logged (a CSP violation, a failed request, an exception). */
  errors: string[];
  /** Checks the page with axe-core and saves a screenshot under `name`. */
  check: (name: string) => Promise<void>;
}

/** How many records the region's log holds, as the API's history says. */
async function logLength(region: string): Promise<number> {
  const response = await f.api(`/api/v1/regions/${region}/history`, { token: f.token('auditor', '*') });
  return (await response.text()).split('\n').filter((l) => l !== '').length;
}

async function signIn(role: Role, region: string, group: string): Promise<Journey> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(f.server.url);
  await page.getByLabel('Toegangstoken').fill(f.token(role, region));
  await page.getByRole('button', { name: 'Aanmelden' }).click();
  await page.getByText('Aangemeld als').waitFor();
  await page.locator('#region').selectOption(ZL);
  await page.locator('#year').fill('2024');
  const check = async (name: string): Promise<void> => {
    await page.screenshot({ path: join(SCREENSHOTS, `${group}-${name}.png`), fullPage: true });
    const violations = await axeViolations(page);
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious, `${group}/${name}: ${JSON.stringify(serious, null, 1)}`).toEqual([]);
  };
  return { page, errors, check };
}

/** A finance officer on the spending page with an item of zl-ib-01 typed in, not yet sent. */
async function spendingFormFilled(
  group: string,
  item: { spendingId: string; amount: string; bookedOn: string; payee: string },
): Promise<Journey> {
  const journey = await signIn('finance-officer', ZL, group);
  const { page } = journey;
  await page.getByRole('link', { name: 'Uitgaven' }).click();
  await page.locator('#spendingId').fill(item.spendingId);
  await page.locator('#actionId').selectOption('zl-ib-01');
  await page.locator('#amount').fill(item.amount);
  await page.locator('#bookedOn').fill(item.bookedOn);
  await page.locator('#payee').fill(item.payee);
  return journey;
}

/** The spending form filled and sent, its append answered 502 and never passed on: no answer, nothing recorded. */
async function lostAppend(
  group: string,
  item: { spendingId: string; amount: string; bookedOn: string; payee: string },
): Promise<Journey> {
  const journey = await spendingFormFilled(group, item);
  const { page } = journey;
  await page.route('**/api/v1/events', (route) => route.fulfill({ status: 502, body: 'Bad Gateway' }));
  await page.getByRole('button', { name: 'Vastleggen', exact: true }).click();
  await page.getByText('Er kwam geen antwoord').waitFor();
  await page.unroute('**/api/v1/events');
  return journey;
}

/** The sessionStorage keys of the attempts the page keeps. */
function keptAttempts(page: Page): Promise<string[]> {
  return page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('budget.unanswered.')));
}

/** Another client records spending item `spendingId` of zl-ib-01 in 2024 (a race with the page's own append). */
async function recordElsewhere(spendingId: string, amount: string): Promise<void> {
  const other = new EventBuilder(ZL, `elsewhere-${spendingId}`).spending(
    spendingId,
    'zl-ib-01',
    2024,
    amount,
  );
  const response = await f.api('/api/v1/events', {
    method: 'POST',
    token: f.token('finance-officer', ZL),
    headers: { 'Content-Type': 'application/x-ndjson' },
    body: `${JSON.stringify(other)}\n`,
  });
  expect(response.status).toBe(200);
}

function csvFile(name: string, text: string): { name: string; mimeType: string; buffer: Buffer } {
  return { name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') };
}

describe('browser journeys', () => {
  it('the sign-in page is accessible and refuses an unknown token', async () => {
    const page = await browser.newPage();
    await page.goto(f.server.url);
    await page.screenshot({ path: join(SCREENSHOTS, 'sign-in.png') });
    const serious = (await axeViolations(page)).filter(
      (v) => v.impact === 'serious' || v.impact === 'critical',
    );
    expect(serious).toEqual([]);
    await page.getByLabel('Toegangstoken').fill('wrong-token');
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await page.getByText('Dit token is onbekend of ongeldig.').waitFor();
    await page.close();
  });

  it('finance officer: records spending checked while typing, uploads a CSV, corrects and reverses', async () => {
    const { page, errors, check } = await signIn('finance-officer', ZL, 'finance-officer');
    await page.getByRole('heading', { name: 'Uitgave vastleggen' }).waitFor();
    // Only the forms of the types a finance officer may send (section 8): spending and funding.
    expect(await page.getByRole('navigation').getByRole('link').allTextContents()).toEqual([
      'Uitgaven',
      'Financiering',
      'Verdeelrapport',
      'Proefbalans',
      'Provincie',
    ]);
    await check('1-spending');

    // The form checks as one types: a bad amount, a closed year, an action outside its lead time.
    await page.locator('#amount').fill('12,3a');
    await expect.poll(() => page.locator('#amount-error').textContent()).toContain('Geen geldig bedrag');
    await page.locator('#amount').fill('1.234,56');
    await expect.poll(() => page.locator('#amount-hint').textContent()).toContain('€ 1.234,56');
    await page.locator('#year').fill('2023');
    await page.getByText('Dit jaar is afgesloten').first().waitFor();
    await page.locator('#year').fill('2024');
    await page.locator('#spendingId').fill('zl-sp-2024-001');
    await expect.poll(() => page.locator('#spendingId-error').textContent()).toContain('al gebruikt');
    await page.locator('#spendingId').fill('web-sp-2024-900');
    await page.locator('#actionId').selectOption('zl-ib-01');
    await page.locator('#bookedOn').fill('2024-05-02');
    await page.locator('#payee').fill('Stichting Voorbeeld');
    await page.locator('#invoiceRef').fill('F-2024-900');
    await check('2-form-filled');
    await page.getByRole('button', { name: 'Vastleggen', exact: true }).click();
    await page.getByText('Vastgelegd: 1 (1 geaccepteerd, 0 afgewezen)').waitFor();
    await page.getByRole('cell', { name: 'web-sp-2024-900', exact: true }).waitFor();

    // A CSV with errors: every error by line, nothing appended.
    const bad = [
      'Boekstuk;Actie;Bedrag;Boekdatum;Crediteur;Factuurnummer',
      'web-csv-1;zl-ib-02;2.500,00;15-05-2024;Partner A;A-1',
      'web-csv-2;zl-xx-99;100,00;16-05-2024;Partner B;B-1',
      'web-csv-3;zl-ib-03;twaalf;17-05-2024;Partner C;C-1',
      'web-csv-4;zl-ib-03;50,00;31-02-2024;Partner D;D-1',
    ].join('\r\n');
    await page.locator('#csv-file').setInputFiles(csvFile('bad.csv', bad));
    await expect.poll(() => page.locator('#map-amount').inputValue()).toBe('2');
    await page.getByRole('button', { name: 'Controleren' }).click();
    await page.getByText('3 regels met fouten; er is niets toegevoegd.').waitFor();
    const preview = page.locator('table.preview');
    await expect.poll(() => preview.locator('tr.bad').count()).toBe(3);
    // A rejection the dry run foresees is explained, not just named.
    expect(await preview.textContent()).toContain(
      'zou worden afgewezen: Deze actie bestaat niet in de regio.',
    );
    // The server's own findings in the app's words, with the field they concern.
    expect(await preview.textContent()).toContain('Geen geldig bedrag. (data.amount)');
    expect(await preview.textContent()).toContain('Geen geldige datum. (data.bookedOn)');
    expect(await page.getByRole('button', { name: /^Toevoegen/ }).isDisabled()).toBe(true);
    await check('3-csv-errors');

    // The fixed file appends; the same file again (whoever uploads it) is shown as already recorded, not appended.
    const good = bad
      .split('\r\n')
      .filter((line) => !line.startsWith('web-csv-2') && !line.startsWith('web-csv-3'))
      .join('\r\n')
      .replace('31-02-2024', '29-02-2024');
    await page.locator('#csv-file').setInputFiles(csvFile('good.csv', good));
    await page.getByRole('button', { name: 'Controleren' }).click();
    await page.getByText('Alle regels zijn in orde.').waitFor();
    await page.getByRole('button', { name: 'Toevoegen (2)' }).click();
    await page.getByText('Toegevoegd: 2 (2 geaccepteerd, 0 afgewezen, 0 al aanwezig)').waitFor();
    await page.locator('#csv-file').setInputFiles(csvFile('good-again.csv', good));
    await page.getByRole('button', { name: 'Controleren' }).click();
    await expect.poll(() => preview.getByText('al vastgelegd', { exact: true }).count()).toBe(2);
    expect(await page.getByRole('button', { name: 'Toevoegen (0)' }).isDisabled()).toBe(true);

    // What a bank or ERP export gets wrong is caught, by line: a quote never closed, a row with a cell too many.
    const broken = [
      'Boekstuk;Actie;Bedrag;Boekdatum;Crediteur;Factuurnummer',
      'web-csv-5;zl-ib-02;10,00;15-05-2024;Partner E;E-1',
      'web-csv-6;zl-ib-02;10,00;15-05-2024;Partner F; afdeling G;F-1',
      'web-csv-7;zl-ib-02;10,00;15-05-2024;"Partner H;H-1',
      'web-csv-8;zl-ib-02;10,00;15-05-2024;Partner I;I-1',
    ].join('\r\n');
    await page.locator('#csv-file').setInputFiles(csvFile('broken.csv', broken));
    await page.getByRole('button', { name: 'Controleren' }).click();
    await page.getByText('2 regels met fouten; er is niets toegevoegd.').waitFor();
    expect(await preview.textContent()).toContain('6 kolommen verwacht (zoals de kopregel), 7 gevonden');
    expect(await preview.textContent()).toContain('aanhalingsteken dat nergens wordt gesloten');
    expect(await page.getByRole('button', { name: /^Toevoegen/ }).isDisabled()).toBe(true);

    // A Windows-1252 export is read as such and said so; its names are shown as they are, never garbled.
    const cp1252 = Buffer.from(
      'Boekstuk;Actie;Bedrag;Boekdatum;Crediteur;Factuurnummer\r\nweb-csv-9;zl-ib-02;12,50;15-05-2024;Caf\xe9 R\xe9nov\xe9;J-1\r\n',
      'latin1',
    );
    await page.locator('#csv-file').setInputFiles({ name: 'ansi.csv', mimeType: 'text/csv', buffer: cp1252 });
    await page.getByText('niet in UTF-8 opgeslagen').waitFor();
    await page.getByRole('button', { name: 'Controleren' }).click();
    await page.getByText('Alle regels zijn in orde.').waitFor();
    await preview.getByRole('cell', { name: 'Café Rénové', exact: true }).waitFor();
    await check('4-csv-appended');

    // Correct one item, reverse another, each with a reason.
    await page.getByRole('button', { name: 'Corrigeren web-csv-1' }).click();
    await page.locator('#correct-web-csv-1-amount').fill('2.400,00');
    await page.locator('#correct-web-csv-1-reason').fill('Creditnota A-1c');
    await check('5-correct-form');
    await page.locator('form.inline-form').getByRole('button', { name: 'Corrigeren' }).click();
    await expect
      .poll(() => page.getByRole('row', { name: /web-csv-1/ }).textContent())
      .toContain('€ 2.400,00');
    // The focus is back on the button that opened the form, and what was recorded is said.
    await page.getByText('Vastgelegd: Corrigeren web-csv-1').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('correct-button-web-csv-1');
    await page.getByRole('button', { name: 'Terugdraaien web-csv-4' }).click();
    await page.locator('#reverse-web-csv-4-reason').fill('Dubbel geboekt');
    await page.locator('form.inline-form').getByRole('button', { name: 'Terugdraaien' }).click();
    await expect
      .poll(() => page.getByRole('row', { name: /web-csv-4/ }).textContent())
      .toContain('teruggedraaid');
    // A reversed item has no buttons left: the focus goes to the table's heading.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('items-heading');
    await check('6-corrected-reversed');

    // The report shows the new figures (finance officers read reports too).
    await page.getByRole('link', { name: 'Verdeelrapport' }).click();
    await page.getByRole('heading', { name: /Verdeelrapport zuid-limburg 2024/ }).waitFor();
    await page.locator('p.report-meta').waitFor();
    await check('7-report');
    expect(errors).toEqual([]);
  });

  it('controller: reads the report with charts and highlights, downloads CSV and XLSX, trial balance, budgets, province', async () => {
    const { page, errors, check } = await signIn('controller', '*', 'controller');
    await page.getByRole('heading', { name: /Verdeelrapport zuid-limburg 2024/ }).waitFor();
    await page.locator('p.report-meta').waitFor();
    // zl-sw-02 is overspent in the example; Maastricht's allocation exceeds its commitment.
    await page.getByRole('row', { name: /zl-sw-02.*overschreden/ }).waitFor();
    await page.getByRole('row', { name: /maastricht Tekort/ }).waitFor();
    expect(await page.locator('svg[role=img]').count()).toBe(2);
    expect(await page.getByRole('row', { name: /zl-sw-02/ }).textContent()).toContain('€ -2.250,00');
    await check('1-report');

    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const csvPath = join(downloads, csv.suggestedFilename());
    await csv.saveAs(csvPath);
    expect(readFileSync(csvPath, 'utf8').split('\n')[0]).toMatch(/^region,year,asOfPosition,closed,level/);
    const [xlsx] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download Excel (XLSX)' }).click(),
    ]);
    const xlsxPath = join(downloads, xlsx.suggestedFilename());
    await xlsx.saveAs(xlsxPath);
    expect(xlsx.suggestedFilename()).toBe('allocation-zuid-limburg-2024.xlsx');
    const bytes = readFileSync(xlsxPath);
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    expect(bytes.toString('latin1')).toContain('xl/worksheets/sheet1.xml');

    await page.getByRole('link', { name: 'Proefbalans' }).click();
    await page.getByText('In evenwicht').waitFor();
    await check('2-trial-balance');

    await page.getByRole('link', { name: 'Begrotingen en verdeelsleutels' }).click();
    await page.getByRole('heading', { name: 'Begroting vaststellen' }).waitFor();
    await page.locator('#year').fill('2026');
    await page.locator('#budget-action').selectOption('zl-ib-01');
    await expect
      .poll(() => page.locator('#budget-action-error').textContent())
      .toContain('buiten de doorlooptijd');
    await page.locator('#year').fill('2024');
    await page.locator('#budget-action').selectOption('zl-ib-01');
    await page.locator('#budget-amount').fill('70.000');
    await expect.poll(() => page.locator('#budget-amount-hint').textContent()).toContain('€ 70.000,00');
    const budgetButton = page
      .locator('form')
      .filter({ has: page.locator('#budget-action') })
      .getByRole('button', { name: 'Vastleggen' });
    await budgetButton.click();
    await page.getByText('Vastgelegd: 1 (1 geaccepteerd, 0 afgewezen)').waitFor();
    // The form keeps its values for the next budget; a second click does not record the same budget again.
    const afterBudget = await logLength(ZL);
    await budgetButton.click();
    await page
      .getByText('Dit is zojuist met deze waarden vastgelegd en is niet nog eens verstuurd.')
      .waitFor();
    expect(await logLength(ZL)).toBe(afterBudget);
    await page.locator('#budget-amount').fill('70.000,00');
    await budgetButton.click();
    await page.getByText('Vastgelegd: 1 (1 geaccepteerd, 0 afgewezen)').waitFor();
    expect(await logLength(ZL)).toBe(afterBudget + 1);
    await page.locator('#key-action').selectOption('zl-ib-02');
    await page.locator('#key-share-maastricht').fill('0,5');
    await page.locator('#key-share-heerlen').fill('40%');
    await page.getByText('De aandelen moeten samen precies 1 zijn.').waitFor();
    await check('3-budgets-errors');
    await page.locator('#key-share-heerlen').fill('50%');
    await page
      .locator('form')
      .filter({ has: page.locator('#key-action') })
      .getByRole('button', { name: 'Vastleggen' })
      .click();
    await page
      .getByRole('region', { name: 'Verdeelsleutel vaststellen' })
      .getByText('Vastgelegd: 1 (1 geaccepteerd, 0 afgewezen)')
      .waitFor();
    await check('4-budgets-recorded');

    // A new action, checked as it is typed: a bad id, the last year before the first.
    await page.getByRole('link', { name: 'Acties', exact: true }).click();
    await page.getByRole('heading', { name: 'Actie vastleggen of wijzigen' }).waitFor();
    await page.locator('#action-actionId').fill('web act');
    await expect
      .poll(() => page.locator('#action-actionId-error').textContent())
      .toContain('1 tot 64 tekens');
    await page.locator('#action-actionId').fill('web-act-01');
    await expect.poll(() => page.locator('#action-actionId-hint').textContent()).toBe('Nieuwe actie.');
    await page.locator('#action-startYear').fill('2025');
    await page.locator('#action-endYear').fill('2024');
    await expect
      .poll(() => page.locator('#action-endYear-error').textContent())
      .toContain('niet voor het eerste jaar');
    expect(await page.locator('#action-endYear').getAttribute('aria-describedby')).toBe(
      'action-endYear-error',
    );
    await page.getByRole('button', { name: 'Vastleggen' }).click();
    await page.getByText('Herstel eerst de fouten hierboven.').waitFor();
    await expect.poll(() => page.locator('#action-title-error').textContent()).toBe('Verplicht.');
    await check('5-action-errors');
    // Keyboard only: type into the fields and submit with Enter.
    await page.locator('#action-startYear').fill('2024');
    await page.locator('#action-endYear').fill('2025');
    await page.locator('#action-theme').selectOption('samenwerking');
    await page.locator('#action-title').fill('Gezamenlijke controles met de AVIM');
    await page.locator('#action-intendedResult').fill('Meer signalen van arbeidsuitbuiting opgevolgd.');
    await page.locator('#action-partners').fill('AVIM\nArbeidsinspectie\n\nGemeente Heerlen');
    await page.locator('#action-title').press('Enter');
    await page.getByText('Vastgelegd: 1 (1 geaccepteerd, 0 afgewezen)').waitFor();
    await expect
      .poll(() => page.getByRole('row', { name: /web-act-01/ }).textContent())
      .toContain('AVIM, Arbeidsinspectie, Gemeente Heerlen');
    // Changing an action's lead time may not leave out a year with a budget or spending.
    await page.getByRole('button', { name: 'Wijzigen zl-ib-01' }).click();
    await expect.poll(() => page.locator('#action-title').inputValue()).toContain('bewustwordingscampagne');
    await page.locator('#action-startYear').fill('2025');
    await expect.poll(() => page.locator('#action-startYear-error').textContent()).toContain('2023, 2024');
    await check('6-action-recorded');

    // A funding commitment: the funder must be the region's, the year open, the amount valid.
    await page.getByRole('link', { name: 'Financiering' }).click();
    await page.getByRole('heading', { name: 'Financiering toezeggen' }).waitFor();
    await page.locator('#funding-year').fill('2023');
    await expect
      .poll(() => page.locator('#funding-year-error').textContent())
      .toBe('Dit jaar is afgesloten.');
    await page.locator('#funding-year').fill('2024');
    await page.locator('#funding-amount').fill('12,3a');
    await expect
      .poll(() => page.locator('#funding-amount-error').textContent())
      .toContain('Geen geldig bedrag');
    await page.locator('#funding-amount').fill('25.000');
    await expect.poll(() => page.locator('#funding-amount-hint').textContent()).toContain('€ 25.000,00');
    // Another year in the header: the form's year follows, what was typed stays.
    await page.locator('#year').fill('2025');
    await expect.poll(() => page.locator('#funding-year').inputValue()).toBe('2025');
    expect(await page.locator('#funding-amount').inputValue()).toBe('25.000');
    await page.locator('#year').fill('2024');
    await expect.poll(() => page.locator('#funding-year').inputValue()).toBe('2024');
    await page.getByRole('button', { name: 'Vastleggen' }).click();
    await expect.poll(() => page.locator('#funding-funder-error').textContent()).toBe('Verplicht.');
    await expect.poll(() => page.locator('#funding-reference-error').textContent()).toBe('Verplicht.');
    await check('7-funding-errors');
    const before = await page.getByRole('row', { name: /heerlen/ }).textContent();
    await page.locator('#funding-funder').selectOption('heerlen');
    await page.locator('#funding-reference').fill('Raadsbesluit 2024-117');
    await page.getByRole('button', { name: 'Vastleggen' }).click();
    await page.getByText('Vastgelegd: 1 (1 geaccepteerd, 0 afgewezen)').waitFor();
    await expect.poll(() => page.getByRole('row', { name: /heerlen/ }).textContent()).not.toBe(before);
    expect(await page.locator('#funding-reference').inputValue()).toBe('');
    await check('8-funding-recorded');

    await page.getByRole('link', { name: 'Provincie' }).click();
    await page.getByRole('heading', { name: /Provincie: de regio’s die u mag zien/ }).waitFor();
    await page
      .getByRole('row', { name: /noord-limburg/ })
      .first()
      .waitFor();
    await check('9-province');

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('link', { name: 'Allocation report' }).click();
    await page.getByRole('heading', { name: /Allocation report zuid-limburg 2024/ }).waitFor();
    expect(await page.getByRole('row', { name: /zl-ib-01/ }).textContent()).toContain('€ 70,000.00');
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    await check('10-report-english');
    expect(errors).toEqual([]);
  });

  it('administrator: configures a region with its funders and closes a year after confirming', async () => {
    const { page, errors, check } = await signIn('administrator', '*', 'administrator');
    await page.getByRole('link', { name: 'Regio en jaarafsluiting' }).click();
    await page.getByRole('heading', { name: 'Regio instellen' }).waitFor();
    // The form starts from the region's configuration; a configured region keeps its funder ids.
    await expect.poll(() => page.locator('#region-name').inputValue()).toBe('Zuid-Limburg');
    expect(await page.locator('#region-f1-id').inputValue()).toBe('heerlen');
    expect(await page.locator('#region-f0-municipalities').inputValue()).toContain('Eijsden-Margraten\n');
    await page.getByRole('button', { name: 'Financier verwijderen 2' }).click();
    await page.getByText('De financiers van een ingestelde regio kunnen niet veranderen').waitFor();
    await check('1-region-funders-changed');

    // A new region: Central Limburg with two funders, checked as they are typed.
    await page.locator('#region-region').fill('midden-limburg');
    // Spaces around typed text are not stored.
    await page.locator('#region-name').fill('  Midden-Limburg ');
    await page.locator('#region-f0-id').fill('roermond');
    await page.locator('#region-f0-name').fill('Gemeente Roermond');
    await page.locator('#region-f0-municipalities').fill('Roermond\nLeudal\nMaasgouw');
    await page.getByRole('button', { name: 'Financier toevoegen' }).click();
    await page.locator('#region-f1-id').fill('roermond');
    await expect
      .poll(() => page.locator('#region-f1-id-error').textContent())
      .toBe('Deze financier-id staat er al.');
    await page.locator('#region-f1-id').fill('venlo');
    await page.getByRole('button', { name: 'Vastleggen' }).click();
    await expect.poll(() => page.locator('#region-f1-name-error').textContent()).toBe('Verplicht.');
    await check('2-region-errors');
    await page.locator('#region-f1-name').fill('Gemeente Venlo');
    await page.locator('#region-f1-municipalities').fill('Venlo');
    await page.getByRole('button', { name: 'Vastleggen' }).click();
    await page.getByText('Vastgelegd: 1 (1 geaccepteerd, 0 afgewezen)').waitFor();
    await expect
      .poll(() => page.locator('#region option').allTextContents())
      .toContain('Midden-Limburg (midden-limburg)');
    await check('3-region-configured');

    // Closing a year: a closed year is refused as typed; the dry run comes first, then a confirmation.
    await page.locator('#region').selectOption(ZL);
    await page.getByRole('heading', { name: 'Jaar afsluiten' }).waitFor();
    await page.locator('#close-year').fill('2023');
    await expect
      .poll(() => page.locator('#close-year-error').textContent())
      .toBe('Dit jaar is al afgesloten.');
    await page.locator('#close-year').fill('2025');
    const before = await logLength(ZL);
    await page.getByRole('button', { name: 'Jaar afsluiten' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Jaar 2025 van zuid-limburg wordt afgesloten');
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('close-confirm');
    await check('4-close-year-confirm');
    // Typing in the year while the question is open closes it, and the focus stays where the user types.
    await page.locator('#close-year').press('End');
    await page.locator('#close-year').press('Backspace');
    await dialog.waitFor({ state: 'detached' });
    // Past the effects that follow the dialog's going (they run after a frame), then type on.
    await page.evaluate(
      () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50))),
    );
    await page.keyboard.type('5');
    expect(await page.locator('#close-year').inputValue()).toBe('2025');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('close-year');
    await page.getByRole('button', { name: 'Jaar afsluiten' }).click();
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await logLength(ZL)).toBe(before);
    // The focus comes back to the button that asked, after a cancel and after the append alike.
    const closeButton = page.getByRole('region', { name: 'Jaar afsluiten' }).getByRole('button', {
      name: 'Jaar afsluiten',
    });
    await expect.poll(() => closeButton.evaluate((b) => b === document.activeElement)).toBe(true);
    await closeButton.click();
    await page.getByRole('button', { name: 'Ja, jaar afsluiten' }).click();
    await page
      .getByRole('region', { name: 'Jaar afsluiten' })
      .getByText('Vastgelegd: 1 (1 geaccepteerd, 0 afgewezen)')
      .waitFor();
    await expect.poll(() => closeButton.evaluate((b) => b === document.activeElement)).toBe(true);
    await page.getByText('Afgesloten jaren: 2023, 2025').waitFor();
    expect(await logLength(ZL)).toBe(before + 1);
    await check('5-year-closed');

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Configure the region' }).waitFor();
    await page.getByRole('heading', { name: 'Close a year' }).waitFor();
    await check('6-settings-english');
    expect(errors).toEqual([]);
  });

  it('auditor: filters the history, checks the chain, downloads the export, sees a report as of a position and the events behind a figure', async () => {
    const { page, errors, check } = await signIn('auditor', ZL, 'auditor');
    await page.getByRole('link', { name: 'Geschiedenis' }).click();
    await page.getByRole('heading', { name: 'Geschiedenis zuid-limburg' }).waitFor();
    await page.getByRole('button', { name: 'Hash-keten controleren' }).click();
    await page.getByText(/De hash-keten is intact: \d+ gebeurtenissen/).waitFor();
    await check('1-history');

    await page.locator('#f-outcome').selectOption('rejected');
    await page.getByRole('button', { name: 'Filter toepassen' }).click();
    await expect
      .poll(() => page.locator('#history-count').textContent())
      .toBe('9 gebeurtenissen op deze pagina (Pagina 1; dit is de laatste pagina)');
    expect(await page.getByRole('button', { name: 'Volgende pagina' }).isDisabled()).toBe(true);
    await page.locator('#f-outcome').selectOption('');

    // One page at a time, filtered and paged by the server.
    await page.locator('#f-limit').selectOption('25');
    await page.getByRole('button', { name: 'Filter toepassen' }).click();
    await expect
      .poll(() => page.locator('#history-count').textContent())
      .toBe('25 gebeurtenissen op deze pagina (Pagina 1)');
    const firstPositions = async (): Promise<string[]> =>
      (await page.locator('table.records tbody tr td:first-child').allTextContents()).slice(0, 2);
    expect(await firstPositions()).toEqual(['1', '2']);
    await page.getByRole('button', { name: 'Volgende pagina' }).click();
    await expect.poll(firstPositions).toEqual(['26', '27']);
    await page.locator('#history-count').getByText('Pagina 2').waitFor();
    await check('2-history-page-2');
    await page.getByRole('button', { name: 'Vorige pagina' }).click();
    await expect.poll(firstPositions).toEqual(['1', '2']);
    await page.locator('#f-from').fill('x');
    await expect.poll(() => page.locator('#f-from-error').textContent()).toContain('heel getal');
    // The filters the server would refuse are said on their field, in the app's words.
    await page.locator('#f-from').fill('50');
    await page.locator('#f-to').fill('40');
    await expect
      .poll(() => page.locator('#f-to-error').textContent())
      .toBe('De tot-positie ligt vóór de van-positie.');
    await page.locator('#f-action').fill('zl ib');
    await expect.poll(() => page.locator('#f-action-error').textContent()).toContain('1 tot 64 tekens');
    await page.locator('#f-action').fill('');
    await page.locator('#f-to').fill('');
    // On the last page the focus moves from the disabled next button to the previous one.
    const nearEnd = (await logLength(ZL)) - 30;
    await page.locator('#f-from').fill(String(nearEnd));
    await page.locator('#f-limit').selectOption('25');
    await page.getByRole('button', { name: 'Filter toepassen' }).click();
    await expect.poll(firstPositions).toEqual([String(nearEnd), String(nearEnd + 1)]);
    await page.getByRole('button', { name: 'Volgende pagina' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('#history-count').getByText('Pagina 2; dit is de laatste pagina').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Vorige pagina');
    await page.getByRole('button', { name: 'Vorige pagina' }).click();
    await page.locator('#f-from').fill('');
    await page.locator('#f-limit').selectOption('50');
    await page.locator('#f-type').selectOption('SpendingRecorded');
    await page.locator('#f-action').fill('zl-sw-02');
    await page.locator('#f-actor').fill('fo-');
    await page.locator('#f-from').fill('1');
    await page.locator('#f-to').fill('100');
    await page.getByRole('button', { name: 'Filter toepassen' }).click();
    // The unfiltered page stays on screen until the filtered one arrives: wait for rows that all match.
    await expect
      .poll(async () => {
        const rows = await page.locator('table.records tbody tr').allTextContents();
        return (
          rows.length > 0 &&
          rows.every((r) => r.includes('SpendingRecorded') && r.includes('actionId=zl-sw-02'))
        );
      })
      .toBe(true);
    await page.locator('#f-type').selectOption('FundingCommitted');
    await page.locator('#f-action').fill('');
    await page.locator('#f-actor').fill('');
    await page.locator('#f-funder').fill('heerlen');
    await page.getByRole('button', { name: 'Filter toepassen' }).click();
    await expect
      .poll(async () => {
        const rows = await page.locator('table.records tbody tr').allTextContents();
        return rows.length > 0 && rows.every((r) => r.includes('funder=heerlen'));
      })
      .toBe(true);
    await check('3-history-filtered');

    const [exported] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download export (NDJSON)' }).click(),
    ]);
    const exportPath = join(downloads, exported.suggestedFilename());
    await exported.saveAs(exportPath);
    const lines = readFileSync(exportPath, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    expect((JSON.parse(lines[0]!) as { position: number; prevHash: string }).prevHash).toBe('0'.repeat(64));

    // A report as it stood at position 40, from the history.
    await page.locator('#f-type').selectOption('');
    await page.locator('#f-funder').fill('');
    await page.locator('#f-from').fill('40');
    await page.locator('#f-to').fill('40');
    await page.getByRole('button', { name: 'Filter toepassen' }).click();
    await page.getByRole('link', { name: 'Rapport op deze stand 40' }).click();
    await page.getByText('stand na positie 40;').waitFor();
    await check('4-report-as-of-40');

    // From a figure to the events behind it.
    await page.getByRole('link', { name: 'Gebeurtenissen zl-ib-01' }).click();
    await page.getByRole('heading', { name: /Herkomst: Actie zl-ib-01, 2024/ }).waitFor();
    await expect.poll(() => page.locator('table.records tbody tr').count()).toBeGreaterThan(1);
    const positions = (await page.locator('table.records tbody tr td:first-child').allTextContents()).map(
      Number,
    );
    expect(positions.every((p) => p <= 40)).toBe(true);
    await check('5-provenance');
    await page.goBack();
    await page.getByRole('link', { name: 'Gebeurtenissen heerlen' }).click();
    await page.getByRole('heading', { name: /Herkomst: Financier heerlen, 2024/ }).waitFor();
    await check('6-provenance-funder');

    // The report follows the address: the menu shows the latest, a typed position applies, a bad one is said.
    await page.getByRole('navigation').getByRole('link', { name: 'Verdeelrapport' }).click();
    const latest = await logLength(ZL);
    await page.getByText(`stand na positie ${String(latest)};`).waitFor();
    expect(await page.locator('#asOf').inputValue()).toBe('');
    await page.evaluate(() => {
      window.location.hash = '#/report?asOf=60';
    });
    await page.getByText('stand na positie 60;').waitFor();
    await expect.poll(() => page.locator('#asOf').inputValue()).toBe('60');
    await page.locator('#asOf').fill('6O');
    await page.getByRole('button', { name: 'Tonen' }).click();
    await page.locator('#asOf-error').getByText('Geen geldige positie').waitFor();
    // Nothing was asked of the server: the address and the figures stay at 60, the typed text stays to correct.
    expect(await page.evaluate(() => window.location.hash)).toBe('#/report?asOf=60');
    expect(await page.locator('#asOf').inputValue()).toBe('6O');
    await page.getByText('stand na positie 60;').waitFor();
    await page.locator('#asOf').fill(' 12 ');
    await page.getByRole('button', { name: 'Tonen' }).click();
    await page.getByText('stand na positie 12;').waitFor();
    expect(await page.locator('#asOf-error').count()).toBe(0);
    await page.goBack();
    await page.getByText('stand na positie 60;').waitFor();
    // A position past the end of the log: the server's refusal in the app's words, with the range there is.
    await page.evaluate(() => {
      window.location.hash = '#/report?asOf=99999';
    });
    await page
      .getByText(`Fout: Deze positie ligt buiten het logboek van de regio (0–${String(latest)})`)
      .waitFor();

    // Pages of other roles, typed into the address, say so instead of showing a form; a provenance without a
    // figure says where the figures are.
    await page.evaluate(() => {
      window.location.hash = '#/funding';
    });
    await page.getByRole('heading', { name: 'Niet voor uw rol' }).waitFor();
    expect(await page.locator('form').count()).toBe(0);
    await page.evaluate(() => {
      window.location.hash = '#/provenance';
    });
    await page.getByText('Kies een cijfer van een actie of financier in het verdeelrapport').waitFor();
    // An action the region does not have is said, rather than its configuration listed as if behind a figure.
    await page.evaluate(() => {
      window.location.hash = '#/provenance?actionId=nope';
    });
    await page.getByText('Deze actie bestaat niet in deze regio (tot deze positie).').waitFor();
    await page.evaluate(() => {
      window.location.hash = '#/provenance?actionId=zl-ib-01';
    });
    // Rows only that action's events have (the list of another figure is never shown under its heading).
    await expect
      .poll(async () =>
        (await page.locator('table.records tbody tr').allTextContents()).some((r) =>
          r.includes('actionId=zl-ib-01'),
        ),
      )
      .toBe(true);
    expect(await page.getByText('Deze actie bestaat niet').count()).toBe(0);
    // The browser logs the refused request of the position past the end (HTTP 400), and nothing else.
    expect(errors).toEqual([expect.stringContaining('status of 400')]);
  });

  it('a switch of region leaves nothing of the other region on the page: a chain check, an as-of position, a CSV', async () => {
    const { page, errors } = await signIn('administrator', '*', 'region-switch');
    await page.getByRole('link', { name: 'Geschiedenis' }).click();
    await page.getByRole('button', { name: 'Hash-keten controleren' }).click();
    await page.getByText(/De hash-keten is intact: \d+ gebeurtenissen/).waitFor();
    await page.locator('#region').selectOption(NL);
    await page.getByRole('heading', { name: `Geschiedenis ${NL}` }).waitFor();
    expect(await page.getByText(/De hash-keten is intact/).count()).toBe(0);

    await page.locator('#region').selectOption(ZL);
    await page.getByRole('link', { name: 'Verdeelrapport' }).click();
    // Position 60 is past the end of noord-limburg's log: its page must never be asked for it (a 400 would show).
    await page.locator('#asOf').fill('60');
    await page.getByRole('button', { name: 'Tonen' }).click();
    await page.getByText('stand na positie 60;').waitFor();
    await page.locator('#region').selectOption(NL);
    await expect.poll(() => page.locator('#asOf').inputValue()).toBe('');
    await page.getByText(/stand na positie \d+;/).waitFor();
    expect(await page.getByText('stand na positie 60;').count()).toBe(0);

    // The selector names each region with its id; the region chosen stays after a reload (zuid-limburg, which is
    // never the first of the list, where a reload without it would land).
    expect(await page.locator('#region option:checked').textContent()).toContain(`(${NL})`);
    await page.locator('#region').selectOption(ZL);
    await page.reload();
    await page.getByRole('heading', { name: /Verdeelrapport zuid-limburg/ }).waitFor();
    expect(await page.locator('#region').inputValue()).toBe(ZL);
    // A reload of the region page starts its form from that region's configuration.
    await page.getByRole('link', { name: 'Regio en jaarafsluiting' }).click();
    await page.reload();
    await expect.poll(() => page.locator('#region-region').inputValue()).toBe(ZL);
    expect(await page.locator('#region-f0-id').inputValue()).toBe('maastricht');

    await page.getByRole('link', { name: 'Uitgaven' }).click();
    const csv = ['Boekstuk;Actie;Bedrag;Boekdatum;Crediteur', 'switch-1;zl-ib-01;5,00;01-06-2024;Partner X'];
    await page.locator('#csv-file').setInputFiles(csvFile('switch.csv', csv.join('\r\n')));
    await page.getByRole('button', { name: 'Controleren' }).click();
    await page.getByText(`Controle per regel (${ZL})`).waitFor();
    await page.locator('#region').selectOption(NL);
    await expect.poll(() => page.locator('table.preview').count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Toevoegen/ }).count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('keeps a form while a year is typed, and offers no corrections in a closed year', async () => {
    const { page, errors } = await signIn('finance-officer', ZL, 'year-typing');
    await page.getByRole('link', { name: 'Uitgaven' }).click();
    await page.locator('#spendingId').fill('typing-1');
    await page.locator('#year').fill('2');
    await page.getByText('Een jaar van 2000 tot en met 2100. Getoond wordt 2024.').waitFor();
    expect(await page.locator('#spendingId').inputValue()).toBe('typing-1');
    await page.locator('#year').fill('2023');
    await page.getByRole('heading', { name: 'Uitgaven in dit jaar 2023' }).waitFor();
    await page.getByText('Dit jaar is afgesloten: er kan niets meer worden vastgelegd.').first().waitFor();
    expect(await page.getByRole('button', { name: /^Corrigeren / }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Terugdraaien / }).count()).toBe(0);
    // A link with a year out of range shows it in the year field with the error; the page keeps its year.
    await page.evaluate(() => {
      window.location.hash = '#/spending?year=1999';
    });
    await page.getByText('Een jaar van 2000 tot en met 2100. Getoond wordt 2023.').waitFor();
    expect(await page.locator('#year').inputValue()).toBe('1999');
    await page.getByRole('heading', { name: 'Uitgaven in dit jaar 2023' }).waitFor();
    expect(errors).toEqual([]);
  });

  it('configures the first region of a token that has none yet, and says what was recorded', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${f.server.url}/#/settings`);
    await page.getByLabel('Toegangstoken').fill(f.token('administrator', FIRST));
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await page.getByRole('heading', { name: 'Regio instellen' }).waitFor();
    await page.locator('#region-region').fill(FIRST);
    await page.locator('#region-name').fill('Eerste regio');
    await page.locator('#region-f0-id').fill('gemeente-a');
    await page.locator('#region-f0-name').fill('Gemeente A');
    await page.locator('#region-f0-municipalities').fill('A\nB');
    const submit = page.getByRole('button', { name: 'Vastleggen' });
    await submit.click();
    // The region appears in the header; the page is not rebuilt, so what was recorded stays on screen.
    await expect.poll(() => page.locator('#region').inputValue()).toBe(FIRST);
    await page.getByText('Vastgelegd: 1 (1 geaccepteerd, 0 afgewezen)').waitFor();
    expect(await logLength(FIRST)).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says so when an append is rejected after a clean check, and keeps what was typed', async () => {
    const { page, errors } = await spendingFormFilled('rejected-append', {
      spendingId: 'race-1',
      amount: '10,00',
      bookedOn: '2024-05-02',
      payee: 'Stichting Race',
    });
    // Between the dry run and the append, another client records the same spending id.
    await page.route('**/api/v1/events', async (route) => {
      await recordElsewhere('race-1', '11.00');
      await route.continue();
    });
    await page.getByRole('button', { name: 'Vastleggen', exact: true }).click();
    await page.getByText('Vastgelegd: 1 (0 geaccepteerd, 1 afgewezen). Vastgelegd, maar afgewezen').waitFor();
    expect(await page.locator('#spendingId').inputValue()).toBe('race-1');
    expect(await page.locator('#payee').inputValue()).toBe('Stichting Race');
    expect(errors).toEqual([]);
  });

  it('after a 202 says not to enter it again, and a form sent again unchanged sends the very same event', async () => {
    const { page, errors } = await spendingFormFilled('not-yet-processed-2', {
      spendingId: 'late-2',
      amount: '13,00',
      bookedOn: '2024-05-04',
      payee: 'Stichting Later',
    });
    const before = await logLength(ZL);
    const sent: string[] = [];
    // The first append is answered 202 and not passed on (not processed yet, as in the engines mode with the
    // services down); the second goes through.
    await page.route('**/api/v1/events', async (route) => {
      sent.push(route.request().postData() ?? '');
      if (sent.length === 1)
        await route.fulfill({
          status: 202,
          contentType: 'application/json',
          body: JSON.stringify({ error: 'not-yet-processed', message: 'the events were received: ...' }),
        });
      else await route.continue();
    });
    const record = page.getByRole('button', { name: 'Vastleggen', exact: true });
    await record.click();
    await page.getByText('Ontvangen, maar nog niet verwerkt').waitFor();
    await page.getByText('Voer haar niet opnieuw in').waitFor();
    await record.click();
    await page.getByText('Vastgelegd: 1 (1 geaccepteerd, 0 afgewezen)').waitFor();
    const ids = sent.map((body) => (JSON.parse(body.split('\n')[0] ?? '') as { id: string }).id);
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(ids[0]);
    expect(await logLength(ZL)).toBe(before + 1);
    expect(errors).toEqual([]);
  });

  it('a form sent again after a lost answer says when the earlier attempt arrived but was rejected', async () => {
    const { page, errors } = await spendingFormFilled('lost-rejected', {
      spendingId: 'lost-1',
      amount: '14,00',
      bookedOn: '2024-05-05',
      payee: 'Stichting Kwijt',
    });
    // Between the dry run and the append another client records the same spending id; the append is then
    // rejected (duplicate-spending), and its answer is lost on the way back.
    await page.route('**/api/v1/events', async (route) => {
      await recordElsewhere('lost-1', '15.00');
      const real = await route.fetch();
      expect(((await real.json()) as { rejected: number }).rejected).toBe(1);
      await route.fulfill({ status: 502, body: 'Bad Gateway' });
    });
    const record = page.getByRole('button', { name: 'Vastleggen', exact: true });
    await record.click();
    await page.getByText('Er kwam geen antwoord').waitFor();
    await page.unroute('**/api/v1/events');
    await record.click();
    await page.getByText('Dit was al verstuurd: een eerdere poging is aangekomen, maar afgewezen.').waitFor();
    await page.getByText('Deze uitgave-id is al gebruikt.').waitFor();
    expect(await page.locator('#spendingId').inputValue()).toBe('lost-1');
    expect(errors.filter((e) => !e.includes('status of 502'))).toEqual([]);
  });

  it('after a reload finds out by itself whether a lost attempt arrived, and never sends it under new ids', async () => {
    const { page, errors } = await spendingFormFilled('lost-reload', {
      spendingId: 'reload-1',
      amount: '16,00',
      bookedOn: '2024-05-06',
      payee: 'Stichting Herladen',
    });
    const before = await logLength(ZL);
    const record = page.getByRole('button', { name: 'Vastleggen', exact: true });
    // The append arrives, but its answer is lost; the user then reloads the page.
    await page.route('**/api/v1/events', async (route) => {
      await route.fetch();
      await route.fulfill({ status: 502, body: 'Bad Gateway' });
    });
    await record.click();
    await page.getByText('Er kwam geen antwoord').waitFor();
    await page.unroute('**/api/v1/events');
    expect(await logLength(ZL)).toBe(before + 1);
    await page.reload();
    await page.getByText('Dit was al vastgelegd: een eerdere poging is toch aangekomen.').waitFor();
    expect(await page.locator('#spendingId').inputValue()).toBe('');
    expect(await logLength(ZL)).toBe(before + 1);
    // Once answered, nothing is kept: another reload shows an empty form and no message.
    await page.reload();
    await page.locator('#spendingId').waitFor();
    await page.getByText('Uitgaven in dit jaar 2024').waitFor();
    expect(await page.getByText('een eerdere poging').count()).toBe(0);

    // An attempt that does not arrive: after a reload its values are back, and sending them sends the same event.
    await page.locator('#spendingId').fill('reload-2');
    await page.locator('#actionId').selectOption('zl-ib-01');
    await page.locator('#amount').fill('18,00');
    await page.locator('#bookedOn').fill('2024-05-08');
    await page.locator('#payee').fill('Stichting Nogmaals');
    const sent: string[] = [];
    await page.route('**/api/v1/events', async (route) => {
      sent.push(route.request().postData() ?? '');
      await route.fulfill({ status: 502, body: 'Bad Gateway' });
    });
    await record.click();
    await page.getByText('Er kwam geen antwoord').waitFor();
    await page.unroute('**/api/v1/events');
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/v1/events') sent.push(request.postData() ?? '');
    });
    await page.reload();
    await page.getByText('Op een eerdere poging met deze waarden kwam geen antwoord').waitFor();
    expect(await page.locator('#spendingId').inputValue()).toBe('reload-2');
    expect(await page.locator('#payee').inputValue()).toBe('Stichting Nogmaals');
    await record.click();
    await page.getByText('Vastgelegd: 1 (1 geaccepteerd, 0 afgewezen)').waitFor();
    const ids = sent.map((body) => (JSON.parse(body.split('\n')[0] ?? '') as { id: string }).id);
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(ids[0]);
    expect(await logLength(ZL)).toBe(before + 2);
    expect(errors.filter((e) => !e.includes('status of 502'))).toEqual([]);
  });

  it('brings a lost attempt back only to its own user, region and year', async () => {
    const { page } = await lostAppend('lost-other', {
      spendingId: 'other-1',
      amount: '19,00',
      bookedOn: '2024-05-09',
      payee: 'Stichting Ander',
    });
    const restored = page.getByText('Op een eerdere poging met deze waarden kwam geen antwoord');
    // Another year in the header: the values are not brought back for it.
    await page.locator('#year').fill('2025');
    await page.getByText('Uitgaven in dit jaar 2025').waitFor();
    await page.reload();
    await page.getByText('Uitgaven in dit jaar 2025').waitFor();
    expect(await restored.count()).toBe(0);
    expect(await page.locator('#spendingId').inputValue()).toBe('');
    // Back in 2024 they are.
    await page.locator('#year').fill('2024');
    await page.getByText('Uitgaven in dit jaar 2024').waitFor();
    await page.reload();
    await restored.waitFor();
    expect(await page.locator('#spendingId').inputValue()).toBe('other-1');
    // An attempt with another user's name on it (kept in this tab before a token was refused) is dropped.
    await page.evaluate(() => {
      for (const key of Object.keys(sessionStorage).filter((k) => k.startsWith('budget.unanswered.'))) {
        const kept = JSON.parse(sessionStorage.getItem(key) ?? '') as { events: { actor: string }[] };
        for (const event of kept.events) event.actor = 'someone else';
        sessionStorage.setItem(key, JSON.stringify(kept));
      }
    });
    await page.reload();
    await page.getByText('Uitgaven in dit jaar 2024').waitFor();
    expect(await restored.count()).toBe(0);
    expect(await page.locator('#spendingId').inputValue()).toBe('');
    expect(await keptAttempts(page)).toEqual([]);
  });

  it('forgets a lost attempt on signing out: the next user does not get its values', async () => {
    const { page } = await lostAppend('lost-sign-out', {
      spendingId: 'signout-1',
      amount: '17,00',
      bookedOn: '2024-05-07',
      payee: 'Stichting Afgemeld',
    });
    expect(await keptAttempts(page)).toHaveLength(1);
    await page.getByRole('button', { name: 'Afmelden' }).click();
    expect(await keptAttempts(page)).toEqual([]);
  });

  it('says what failed when the store cannot answer, and recovers: regions, the chain check, a CSV race', async () => {
    const busy = {
      status: 503,
      contentType: 'application/json',
      body: JSON.stringify({
        error: 'store-busy',
        message: 'the ledger service did not catch up within 120 s',
      }),
    };
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    // The regions cannot be read at sign-in (the services behind): said, with a way to try again.
    await page.route('**/api/v1/regions', (route) => route.fulfill(busy));
    await page.goto(f.server.url);
    await page.getByLabel('Toegangstoken').fill(f.token('administrator', ZL));
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await page
      .getByText(
        'De regio’s konden niet worden gelezen: Het systeem kan dit nu niet beantwoorden; probeer het zo opnieuw.',
      )
      .waitFor();
    await page.unroute('**/api/v1/regions');
    await page.getByRole('button', { name: 'Opnieuw proberen' }).click();
    await expect.poll(() => page.locator('#region').inputValue()).toBe(ZL);

    // A chain check that cannot read the log says so, and leaves no earlier "intact" on screen.
    await page.getByRole('link', { name: 'Geschiedenis' }).click();
    await page.getByRole('button', { name: 'Hash-keten controleren' }).click();
    await page.getByText(/De hash-keten is intact/).waitFor();
    await page.route(`**/api/v1/regions/${ZL}/history`, (route) => route.fulfill(busy));
    await page.getByRole('button', { name: 'Hash-keten controleren' }).click();
    await page
      .getByText('De hash-keten kon niet worden gecontroleerd: Het systeem kan dit nu niet')
      .waitFor();
    expect(await page.getByText(/De hash-keten is intact/).count()).toBe(0);
    await page.getByRole('button', { name: 'Download export (NDJSON)' }).click();
    await page.getByText('De export kon niet worden gedownload: Het systeem kan dit nu niet').waitFor();
    await page.unroute(`**/api/v1/regions/${ZL}/history`);

    // An upload that loses a race with the same file from someone else (409 in the engines mode): checked again,
    // the rows show as recorded, and the app says why.
    await page.getByRole('link', { name: 'Uitgaven' }).click();
    const rows = [
      'Boekstuk;Actie;Bedrag;Boekdatum;Crediteur',
      'race-csv-1;zl-ib-01;3,00;03-06-2024;Partner R',
    ];
    await page.locator('#csv-file').setInputFiles(csvFile('race.csv', rows.join('\r\n')));
    await page.getByRole('button', { name: 'Controleren' }).click();
    await page.getByText('Alle regels zijn in orde.').waitFor();
    await page.route('**/api/v1/events', async (route) => {
      await route.fetch();
      await route.fulfill({
        status: 409,
        contentType: 'application/json',
        body: JSON.stringify({ error: 'conflicting-id-race', message: 'import incomplete: line 1 ...' }),
      });
    });
    await page.getByRole('button', { name: 'Toevoegen (1)' }).click();
    await page.getByText('Iemand anders legde intussen regels van dit bestand vast').waitFor();
    await expect
      .poll(() => page.locator('table.preview').getByText('al vastgelegd', { exact: true }).count())
      .toBe(1);
    expect(await page.getByRole('button', { name: 'Toevoegen (0)' }).isDisabled()).toBe(true);
    await context.close();
  });

  it('finds out whether a lost attempt arrived before sending changed values, so a commitment counts once', async () => {
    const { page, errors } = await signIn('finance-officer', ZL, 'lost-changed');
    await page.getByRole('link', { name: 'Financiering' }).click();
    await page.locator('#funding-funder').selectOption('heerlen');
    await page.locator('#funding-amount').fill('1.000');
    await page.locator('#funding-reference').fill('Besluit 2024/99');
    const before = await logLength(ZL);
    // The append arrives, but its answer is lost.
    await page.route('**/api/v1/events', async (route) => {
      await route.fetch();
      await route.fulfill({ status: 502, body: 'Bad Gateway' });
    });
    const record = page.getByRole('button', { name: 'Vastleggen', exact: true });
    await record.click();
    await page.getByText('Er kwam geen antwoord').waitFor();
    await page.unroute('**/api/v1/events');
    expect(await logLength(ZL)).toBe(before + 1);
    // A typo corrected in the reference: the earlier attempt is looked up first, and nothing new is sent.
    await page.locator('#funding-reference').fill('Besluit 2024/98');
    await record.click();
    await page
      .getByText('Een eerdere poging, met de vorige waarden, is toch aangekomen en vastgelegd')
      .waitFor();
    expect(await logLength(ZL)).toBe(before + 1);
    // Sent again on purpose, it is recorded.
    await record.click();
    await page.getByText('Vastgelegd: 1 (1 geaccepteerd, 0 afgewezen)').waitFor();
    expect(await logLength(ZL)).toBe(before + 2);
    expect(errors.filter((e) => !e.includes('status of 502'))).toEqual([]);
  });

  it('sends the same event again after an answer that says it is not processed yet, so it counts once', async () => {
    const { page, errors } = await spendingFormFilled('not-yet-processed', {
      spendingId: 'late-1',
      amount: '12,00',
      bookedOn: '2024-05-03',
      payee: 'Stichting Laat',
    });
    const before = await logLength(ZL);
    // The append reaches the store, but the answer is the engines mode's 202: received, not processed yet.
    await page.route('**/api/v1/events', async (route) => {
      const real = await route.fetch();
      expect(real.status()).toBe(200);
      await route.fulfill({
        status: 202,
        contentType: 'application/json',
        body: JSON.stringify({ error: 'not-yet-processed', message: 'the events were received: ...' }),
      });
    });
    const record = page.getByRole('button', { name: 'Vastleggen', exact: true });
    await record.click();
    await page.getByText('Ontvangen, maar nog niet verwerkt').waitFor();
    expect(await page.locator('#spendingId').inputValue()).toBe('late-1');
    await page.unroute('**/api/v1/events');
    // Sent again with the same values: the same event (the same id), which is already there, so nothing is doubled.
    await record.click();
    await page.getByText('Dit was al vastgelegd: een eerdere poging is toch aangekomen.').waitFor();
    expect(await logLength(ZL)).toBe(before + 1);
    expect(await page.locator('#spendingId').inputValue()).toBe('');
    expect(errors).toEqual([]);
  });
});
