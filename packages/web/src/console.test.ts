/**
 * The console in a real browser against a real server: first-run setup, the empty fleet, searching
 * devices, signing out and back in. Drives Debian's Chromium (`apt-get install -y chromium`) with
 * playwright-core; Playwright's own browser downloads are never used.
 *
 * Needs the console built (`npm run build`). Set STEWARD_UPDATE_SCREENSHOTS=1 to refresh
 * docs/images/console-devices.png; otherwise the screenshot goes to a temporary directory.
 */
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningServer, loadConfig, startServer } from '@steward/server';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const CONSOLE_INDEX = fileURLToPath(new URL('../dist/index.html', import.meta.url));
const README_SCREENSHOT = fileURLToPath(new URL('../../../docs/images/console-devices.png', import.meta.url));

const ADMIN = { email: 'ada@example.com', name: 'Ada Lovelace', password: 'analytical-engine-1843' };
const hasChromium = fs.existsSync(CHROMIUM);
// A developer without Chromium gets a skip and a hint; CI must never silently skip the browser tests.
const skip = !hasChromium && !process.env.CI;
if (skip) console.warn(`SKIPPED the console browser test: ${CHROMIUM} is missing. Install it with: apt-get install -y chromium`);

describe.skipIf(skip)('web console in Chromium', () => {
  let dataDir: string;
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`${CHROMIUM} is missing (CI is set, so this fails instead of skipping). Install it with: apt-get install -y chromium`);
    if (!fs.existsSync(CONSOLE_INDEX)) throw new Error(`${CONSOLE_INDEX} is missing: build the console first with \`npm run build\`.`);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-console-'));
    server = await startServer(loadConfig({ listen: '127.0.0.1:0', noTls: true, dataDir, logLevel: 'silent' }), { logger: false });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', locale: 'en-US', timezoneId: 'UTC' });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const deviceRows = () => page.getByRole('table', { name: 'Devices' }).locator('tbody tr');

  it('creates the first admin from the printed setup link and shows the empty fleet', async () => {
    expect(server.setupUrl).toBeDefined();
    // The printed link names the public URL; the test server listens on a port picked at random.
    const printed = new URL(server.setupUrl ?? '');
    await page.goto(`${server.url}${printed.pathname}${printed.search}`);

    await page.getByRole('heading', { name: 'Create the first admin' }).waitFor();
    await page.getByLabel(/^E-mail/).fill(ADMIN.email);
    await page.getByLabel(/^Display name/).fill(ADMIN.name);
    await page.getByLabel(/^Password/).fill('too-short');
    await page.getByLabel(/^Confirm password/).fill('too-short');
    await page.getByRole('button', { name: 'Create admin and sign in' }).click();
    await page.getByText('Use at least 12 characters.').waitFor();

    await page.getByLabel(/^Password/).fill(ADMIN.password);
    await page.getByLabel(/^Confirm password/).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create admin and sign in' }).click();

    await page.getByRole('heading', { name: 'Devices', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'No devices enrolled yet' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.getByTestId('signed-in-user').textContent()).toBe(ADMIN.name);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).toEqual([
      'Devices',
      'Groups',
      'Commands',
      'Audit log',
      'Users & tokens',
    ]);
    expect(await server.ctx.setup.required()).toBe(false);
  });

  it('lists devices and finds one by searching', async () => {
    await server.ctx.devices.create({ platform: 'ios', ownership: 'corporate', name: 'Alice iPhone', osVersion: '18.1' });
    await server.ctx.devices.create({ platform: 'android', ownership: 'personal', name: 'Bob Pixel', osVersion: '15' });
    await page.reload();

    await page.getByRole('cell', { name: 'Bob Pixel' }).waitFor();
    expect(await deviceRows().count()).toBe(2);
    expect(await page.getByTestId('device-total').textContent()).toBe('2 devices');

    await page.getByLabel('Search').fill('Alice');
    await page.getByRole('cell', { name: 'Bob Pixel' }).waitFor({ state: 'detached' });
    expect(await deviceRows().count()).toBe(1);
    expect(await deviceRows().first().getByRole('cell').first().textContent()).toBe('Alice iPhone');
    expect(await page.getByTestId('device-total').textContent()).toBe('1 device match');
    expect(new URL(page.url()).searchParams.get('q')).toBe('Alice');
  });

  it('signs out, sends a signed-out visitor to the sign-in page, and signs back in where they were going', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');

    await page.goto(`${server.url}/groups`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).searchParams.get('redirect')).toBe('/groups');

    await page.getByLabel(/^E-mail/).fill(ADMIN.email);
    await page.getByLabel(/^Password/).fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('E-mail or password is wrong.').waitFor();

    await page.getByLabel(/^Password/).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/groups');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices' }).click();
    await page.getByRole('cell', { name: 'Alice iPhone' }).waitFor();
  });

  it('shows the fleet for the README screenshot', async () => {
    await seedFleet(server);
    await page.goto(`${server.url}/`);
    await page.getByRole('cell', { name: 'Finance MacBook Pro' }).waitFor();
    expect(await deviceRows().count()).toBe(9);
    await page.mouse.move(0, 0);
    const target = process.env.STEWARD_UPDATE_SCREENSHOTS ? README_SCREENSHOT : path.join(dataDir, 'console-devices.png');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    await page.screenshot({ path: target, fullPage: false });
    expect(fs.statSync(target).size).toBeGreaterThan(10_000);
    expect(pageErrors).toEqual([]);
  });

  it('asks for the one-time code of an account with MFA, and hides what an auditor may not change', async () => {
    const password = 'audit-trail-password';
    const created = await server.ctx.auth.createUser({ email: 'audrey@example.com', password, role: 'auditor', displayName: 'Audrey Auditor' });
    const { secret } = await server.ctx.auth.beginTotp(created);
    const user = await server.ctx.users.findById(created.id);
    if (!user) throw new Error('the user just created is gone');
    await server.ctx.auth.confirmTotp(user, totp(secret));

    const auditorContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const auditor = await auditorContext.newPage();
      await auditor.goto(`${server.url}/login`);
      await auditor.getByLabel(/^E-mail/).fill('audrey@example.com');
      await auditor.getByLabel(/^Password/).fill(password);
      await auditor.getByRole('button', { name: 'Sign in' }).click();
      const code = auditor.getByLabel(/^One-time code/);
      await code.waitFor();
      expect(await auditor.getByRole('alert').count()).toBe(0);

      await code.fill('000000');
      await auditor.getByRole('button', { name: 'Verify and sign in' }).click();
      await auditor.getByRole('alert').getByText('The one-time code is wrong.').waitFor();
      await code.fill(totp(secret));
      await auditor.getByRole('button', { name: 'Verify and sign in' }).click();
      await auditor.getByRole('heading', { name: 'Devices', level: 1 }).waitFor();
      expect(await auditor.getByTestId('signed-in-user').textContent()).toBe('Audrey Auditor');

      await auditor.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users & tokens' }).click();
      await auditor.getByRole('cell', { name: /Ada Lovelace/ }).waitFor();
      expect(await auditor.getByRole('button', { name: 'Add user' }).count()).toBe(0);
      expect(await auditor.getByRole('button', { name: 'Create token' }).count()).toBe(0);
      await auditor.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Groups' }).click();
      await auditor.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
      expect(await auditor.getByRole('button', { name: 'New group' }).count()).toBe(0);
    } finally {
      await auditorContext.close();
    }
  });
});

/** The current RFC 6238 code (SHA-1, 30 s, 6 digits) for a base32 secret, as an authenticator app shows it. */
function totp(base32: string, now = Date.now()): string {
  let bits = '';
  for (const char of base32.replace(/=+$/, '').toUpperCase()) bits += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.indexOf(char).toString(2).padStart(5, '0');
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((byte) => Number.parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(now / 30_000)));
  const hmac = createHmac('sha1', key).update(counter).digest();
  const offset = (hmac.at(-1) ?? 0) & 0xf;
  return String((hmac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** A small, plausible fleet: a mix of platforms, owners, compliance and check-in times. */
async function seedFleet(server: RunningServer): Promise<void> {
  const minutes = (n: number) => Date.now() - n * 60_000;
  const days = (n: number) => Date.now() - n * 86_400_000;
  const fleet = [
    {
      platform: 'macos',
      name: 'Finance MacBook Pro',
      model: 'MacBook Pro (14-inch, M3)',
      serialNumber: 'C02FK3XJQ6L4',
      osVersion: '15.2',
      assignedUser: 'grace@example.com',
      compliance: 'compliant',
      seen: minutes(3),
      enrolled: days(41),
    },
    {
      platform: 'windows',
      name: 'Reception desk PC',
      model: 'OptiPlex 7010',
      serialNumber: '5CD3214XYZ',
      osVersion: '10.0.22631',
      assignedUser: null,
      compliance: 'noncompliant',
      seen: minutes(95),
      enrolled: days(120),
    },
    {
      platform: 'ipados',
      name: 'Warehouse iPad 03',
      model: 'iPad (10th generation)',
      serialNumber: 'DMPX81Q2KD',
      osVersion: '17.6.1',
      assignedUser: null,
      compliance: 'compliant',
      seen: minutes(12),
      enrolled: days(64),
    },
    {
      platform: 'linux',
      name: 'build-runner-07',
      model: 'ThinkStation P360',
      serialNumber: 'MJ0H4K2L',
      osVersion: '24.04',
      assignedUser: 'ci@example.com',
      compliance: 'compliant',
      seen: minutes(1),
      enrolled: days(9),
    },
    {
      platform: 'android',
      name: 'Field tablet — Lyon',
      model: 'Galaxy Tab Active5',
      serialNumber: 'R52W80ABCDE',
      osVersion: '14',
      assignedUser: 'marc@example.com',
      compliance: 'unknown',
      seen: days(3),
      enrolled: days(30),
    },
    {
      platform: 'macos',
      name: 'Design iMac',
      model: 'iMac (24-inch, M4)',
      serialNumber: 'C02GL9PQMD6T',
      osVersion: '14.7',
      assignedUser: 'linus@example.com',
      compliance: 'noncompliant',
      seen: minutes(300),
      enrolled: days(200),
    },
    {
      platform: 'ios',
      name: 'Sales iPhone 15',
      model: 'iPhone 15',
      serialNumber: 'F4HZK1P2N7',
      osVersion: '18.2',
      assignedUser: 'joan@example.com',
      compliance: 'compliant',
      seen: minutes(25),
      enrolled: days(14),
    },
  ] as const;
  const db = server.ctx.database.db;
  for (const d of fleet) {
    const row = await server.ctx.devices.create({
      platform: d.platform,
      ownership: 'corporate',
      name: d.name,
      model: d.model,
      serialNumber: d.serialNumber,
      osVersion: d.osVersion,
      assignedUser: d.assignedUser ?? undefined,
    });
    await db.updateTable('devices').set({ compliance_state: d.compliance, last_seen_at: d.seen, enrolled_at: d.enrolled }).where('id', '=', row.id).execute();
  }
  await db
    .updateTable('devices')
    .set({ assigned_user: 'alice@example.com', model: 'iPhone 16', compliance_state: 'compliant', last_seen_at: minutes(8), enrolled_at: days(22) })
    .where('name', '=', 'Alice iPhone')
    .execute();
  await db
    .updateTable('devices')
    .set({ assigned_user: 'bob@example.com', model: 'Pixel 9', compliance_state: 'noncompliant', last_seen_at: minutes(70), enrolled_at: days(5) })
    .where('name', '=', 'Bob Pixel')
    .execute();
}
