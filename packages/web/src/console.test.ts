/**
 * The console in a real browser against a real server: first-run setup, the empty fleet, searching
 * devices, signing out and back in. Drives Debian's Chromium (`apt-get install -y chromium`) with
 * playwright-core; Playwright's own browser downloads are never used.
 *
 * Needs the console built (`npm run build`). Set STEWARD_UPDATE_SCREENSHOTS=1 to refresh
 * docs/images/console-devices.png and console-device.png; otherwise the screenshots go to a temporary directory.
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
const DEVICE_SCREENSHOT = fileURLToPath(new URL('../../../docs/images/console-device.png', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const DASHBOARD_SCREENSHOT = fileURLToPath(new URL('../../../docs/images/console-dashboard.png', import.meta.url));

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

    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices' }).click();
    await page.getByRole('heading', { name: 'Devices', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'No devices enrolled yet' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/devices');
    expect(await page.getByTestId('signed-in-user').textContent()).toBe(ADMIN.name);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).toEqual([
      'Dashboard',
      'Devices',
      'Enrollment',
      'Groups',
      'Policies',
      'Profiles',
      'Apps',
      'OS updates',
      'Compliance rules',
      'Reports',
      'Commands',
      'Audit log',
      'Webhooks',
      'Settings',
      'Users & tokens',
    ]);
    expect(await server.ctx.setup.required()).toBe(false);
  });

  it('lists devices and finds one by searching', async () => {
    await server.ctx.devices.create({ platform: 'ios', ownership: 'corporate', name: 'Alice iPhone', osVersion: '18.1' });
    await server.ctx.devices.create({ platform: 'android', ownership: 'personal', name: 'Bob Pixel', osVersion: '15' });

    await page.getByRole('link', { name: 'Bob Pixel', exact: true }).waitFor();
    expect(await deviceRows().count()).toBe(2);
    expect(await page.getByTestId('device-total').textContent()).toBe('2 devices');

    await page.getByLabel('Search').fill('Alice');
    await page.getByRole('link', { name: 'Bob Pixel', exact: true }).waitFor({ state: 'detached' });
    expect(await deviceRows().count()).toBe(1);
    expect(await deviceRows().first().getByRole('cell').nth(1).textContent()).toBe('Alice iPhone');
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
    await page.getByRole('link', { name: 'Alice iPhone', exact: true }).waitFor();
  });

  it('shows the fleet for the README screenshot', async () => {
    await seedFleet(server);
    await page.goto(`${server.url}/devices`);
    await page.getByRole('link', { name: 'Finance MacBook Pro', exact: true }).waitFor();
    expect(await deviceRows().count()).toBe(9);
    await page.mouse.move(0, 0);
    const target = process.env.STEWARD_UPDATE_SCREENSHOTS ? README_SCREENSHOT : path.join(dataDir, 'console-devices.png');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    await page.screenshot({ path: target, fullPage: false });
    expect(fs.statSync(target).size).toBeGreaterThan(10_000);
    expect(pageErrors).toEqual([]);
  });

  it('sums the fleet up on the dashboard, each figure a link into the filtered device list', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    const platforms = page.getByRole('region', { name: 'Devices by platform' });
    await platforms.getByRole('link', { name: 'macOS: 2 devices' }).waitFor();
    await page.getByRole('region', { name: 'Compliance' }).getByRole('link', { name: 'Not compliant: 3 devices' }).waitFor();
    await page.getByRole('region', { name: 'OS versions' }).getByRole('link', { name: 'iOS 18.2: 1 device' }).waitFor();
    await page
      .getByRole('region', { name: 'Enrollments, last 30 days' })
      .getByRole('link', { name: /enrolled in 30 days/ })
      .waitFor();
    // The charts themselves are drawn (recharts loaded with the page, not with the console's first script).
    expect(await page.locator('.recharts-surface').count()).toBeGreaterThanOrEqual(3);
    await page.mouse.move(0, 0);
    const target = process.env.STEWARD_UPDATE_SCREENSHOTS ? DASHBOARD_SCREENSHOT : path.join(dataDir, 'console-dashboard.png');
    await page.screenshot({ path: target, fullPage: false });
    expect(fs.statSync(target).size).toBeGreaterThan(10_000);

    await page.getByRole('link', { name: /^Not compliant\s*3/ }).click();
    await page.getByRole('heading', { name: 'Devices', level: 1 }).waitFor();
    expect(new URL(page.url()).searchParams.get('complianceState')).toBe('noncompliant');
    await page.getByRole('link', { name: 'Reception desk PC', exact: true }).waitFor();
    expect(await deviceRows().count()).toBe(3);

    await page.goBack();
    await page.getByRole('region', { name: 'Devices by platform' }).getByRole('link', { name: 'macOS: 2 devices' }).click();
    await page.getByRole('link', { name: 'Design iMac', exact: true }).waitFor();
    expect(new URL(page.url()).searchParams.get('platform')).toBe('macos');
    expect(await deviceRows().count()).toBe(2);
    expect(pageErrors).toEqual([]);
  });

  it('saves a view, exports the filtered list, and sends one command to a selection with live progress', async () => {
    await page.goto(`${server.url}/devices?platform=macos`);
    await page.getByRole('link', { name: 'Design iMac', exact: true }).waitFor();
    const exportLink = page.getByRole('link', { name: 'Export CSV' });
    expect(await exportLink.getAttribute('href')).toBe('/api/v1/devices/export.csv?platform=macos');
    const csv = await page.evaluate(async (href) => (await fetch(href ?? '')).text(), await exportLink.getAttribute('href'));
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(3);

    await page.getByRole('button', { name: 'Saved views' }).click();
    await page.getByRole('menuitem', { name: 'Save current view…' }).click();
    await page
      .getByRole('dialog', { name: 'Save this view' })
      .getByLabel(/View name/)
      .fill('Macs');
    await page.getByRole('button', { name: 'Save view' }).click();
    await page.getByRole('dialog', { name: 'Save this view' }).waitFor({ state: 'detached' });
    await page.goto(`${server.url}/devices`);
    await page.getByRole('link', { name: 'Alice iPhone', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Saved views' }).click();
    await page.getByRole('menuitem', { name: 'Macs', exact: true }).click();
    await page.getByRole('link', { name: 'Alice iPhone', exact: true }).waitFor({ state: 'detached' });
    expect(new URL(page.url()).searchParams.get('platform')).toBe('macos');

    // Select both Macs with the keyboard: tab to the header checkbox and press space.
    await page.getByRole('checkbox', { name: 'Select every device on this page' }).focus();
    await page.keyboard.press('Space');
    await page.getByTestId('selection-count').getByText('2 devices selected').waitFor();
    await page.getByRole('button', { name: 'Actions for selected' }).click();
    await page.getByRole('menuitem', { name: 'Refresh inventory…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Refresh inventory 2 devices' }).click();
    const progress = page.getByRole('region', { name: 'Bulk action progress' });
    await progress.getByText('refresh inventory: 0 of 2 devices answered').waitFor();
    const [command] = await server.ctx.commands.list({ type: 'refresh_inventory', limit: 1 });
    expect(command?.device_count).toBe(2);
    // The Macs answer (as the MDM endpoint would record it): the progress follows without reload.
    await server.ctx.database.db
      .updateTable('command_deliveries')
      .set({ state: 'acknowledged', sent_at: Date.now(), completed_at: Date.now(), updated_at: Date.now() })
      .where('command_id', '=', command?.id ?? '')
      .execute();
    await progress.getByText('refresh inventory: 2 of 2 devices answered').waitFor();
    await progress.getByTestId('bulk-counts').getByText('2 done').waitFor();
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
      await auditor.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
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

  /** A fresh browser context signed in as a new user of this role; closed by the caller. */
  async function signInAs(role: 'operator' | 'helpdesk', email: string, displayName: string): Promise<{ context: BrowserContext; page: Page }> {
    const password = `${role}-password-for-tests`;
    if (!(await server.ctx.users.findByEmail(email))) await server.ctx.auth.createUser({ email, password, role, displayName });
    const userContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', locale: 'en-US', timezoneId: 'UTC' });
    userContext.setDefaultTimeout(10_000);
    const userPage = await userContext.newPage();
    userPage.on('pageerror', (error) => pageErrors.push(error.message));
    await userPage.goto(`${server.url}/login`);
    await userPage.getByLabel(/^E-mail/).fill(email);
    await userPage.getByLabel(/^Password/).fill(password);
    await userPage.getByRole('button', { name: 'Sign in' }).click();
    await userPage.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await userPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices' }).click();
    await userPage.getByRole('heading', { name: 'Devices', level: 1 }).waitFor();
    return { context: userContext, page: userPage };
  }

  const actions = (p: Page) => p.getByRole('region', { name: 'Actions' });

  it('lets an operator open a device, lock it with a message and follow the command in the timeline', async () => {
    const device = await server.ctx.devices.create({
      platform: 'ios',
      ownership: 'corporate',
      name: 'Courier iPhone 12',
      model: 'iPhone 15',
      serialNumber: 'G7QX1LOCK01',
      osVersion: '18.2',
      assignedUser: 'olga@example.com',
    });
    const operator = await signInAs('operator', 'otto@example.com', 'Otto Operator');
    try {
      const p = operator.page;
      await p.getByLabel('Search').fill('Courier');
      await p.getByRole('link', { name: 'Courier iPhone 12' }).click();
      await p.getByRole('heading', { name: 'Courier iPhone 12', level: 1 }).waitFor();
      expect(new URL(p.url()).pathname).toBe(`/devices/${device.id}`);
      expect(await p.getByTestId('assigned-user').textContent()).toBe('olga@example.com');

      // Sending from another tab brings the timeline forward.
      await p.getByRole('tab', { name: 'Inventory' }).click();
      await p.getByText('The device has not reported its inventory yet.', { exact: false }).waitFor();
      await actions(p).getByRole('button', { name: 'Lock', exact: true }).click();
      const dialog = p.getByRole('dialog');
      await dialog.getByLabel('Message on the screen').fill('Locked by IT: please call the help desk.');
      await dialog.getByLabel('Phone number').fill('+33 1 23 45 67 89');
      expect(await dialog.getByLabel('PIN').count()).toBe(0);
      await dialog.getByRole('button', { name: 'Lock device' }).click();
      await p.getByRole('status').getByText('Lock sent').waitFor();
      await p.getByRole('status').getByRole('button', { name: 'Dismiss' }).click();
      await p.getByRole('status').getByText('Lock sent').waitFor({ state: 'detached' });

      const timeline = p.getByRole('table', { name: 'Command timeline' });
      await timeline.getByRole('row', { name: /Lock.*Queued.*otto@example\.com/ }).waitFor();
      const [command] = await server.ctx.commands.list({ deviceId: device.id, limit: 10 });
      expect(command?.type).toBe('lock');
      expect(JSON.parse(command?.payload ?? '{}')).toEqual({ message: 'Locked by IT: please call the help desk.', phoneNumber: '+33 1 23 45 67 89' });

      // The device answers: the timeline, which polls while a command is pending, shows it done.
      await server.ctx.database.db
        .updateTable('command_deliveries')
        .set({ state: 'acknowledged', sent_at: Date.now() - 2000, completed_at: Date.now(), result: JSON.stringify({ Status: 'Acknowledged' }) })
        .where('device_id', '=', device.id)
        .execute();
      await timeline.getByRole('row', { name: /Lock.*Done/ }).waitFor();
      await timeline.getByRole('button', { name: 'Result' }).click();
      await timeline.getByText('"Status": "Acknowledged"').waitFor();

      // Rename inline; the audit trail records it.
      await p.getByRole('button', { name: 'Rename' }).click();
      await p.getByLabel('Device name').fill('Courier iPhone 12 (spare)');
      await p.getByRole('button', { name: 'Save' }).click();
      await p.getByRole('heading', { name: 'Courier iPhone 12 (spare)', level: 1 }).waitFor();
      expect((await server.ctx.devices.get(device.id))?.name).toBe('Courier iPhone 12 (spare)');
      expect(await p.getByRole('tab', { name: 'Audit trail' }).count()).toBe(0);

      await p.getByRole('button', { name: 'Change the assigned user' }).click();
      await p.getByRole('textbox', { name: 'Assigned user' }).fill('  ');
      await p.getByRole('button', { name: 'Save' }).click();
      await p.getByTestId('assigned-user').getByText('Unassigned').waitFor();
      expect((await server.ctx.devices.get(device.id))?.assigned_user).toBeNull();
    } finally {
      await operator.context.close();
    }
  });

  it('keeps the wipe button disabled until the device name is typed exactly, then queues the wipe', async () => {
    const device = await server.ctx.devices.create({ platform: 'macos', ownership: 'corporate', name: 'Lab Mac mini', osVersion: '15.1' });
    const operator = await signInAs('operator', 'otto@example.com', 'Otto Operator');
    try {
      const p = operator.page;
      await p.goto(`${server.url}/devices/${device.id}`);
      await p.getByRole('heading', { name: 'Lab Mac mini', level: 1 }).waitFor();
      expect(await actions(p).getByRole('button', { name: 'Retire…' }).count()).toBe(0);
      await actions(p).getByRole('button', { name: 'Wipe…' }).click();
      const dialog = p.getByRole('dialog', { name: 'Wipe Lab Mac mini?' });
      await dialog.getByText('returns to factory settings').waitFor();
      const confirm = dialog.getByRole('button', { name: 'Wipe device' });
      expect(await confirm.isDisabled()).toBe(true);
      const nameBox = dialog.getByRole('textbox', { name: /Type Lab Mac mini to confirm/ });
      await nameBox.fill('lab mac mini');
      expect(await confirm.isDisabled()).toBe(true);
      await nameBox.fill('Lab Mac min');
      expect(await confirm.isDisabled()).toBe(true);
      expect(await server.ctx.commands.list({ deviceId: device.id, limit: 10 })).toEqual([]);
      await nameBox.fill('Lab Mac mini');
      expect(await confirm.isEnabled()).toBe(true);
      await confirm.click();
      await p.getByRole('status').getByText('Wipe sent').waitFor();
      await p
        .getByRole('table', { name: 'Command timeline' })
        .getByRole('row', { name: /Wipe.*Queued/ })
        .waitFor();
      const commands = await server.ctx.commands.list({ deviceId: device.id, limit: 10 });
      expect(commands.map((c) => c.type)).toEqual(['wipe']);
    } finally {
      await operator.context.close();
    }
  });

  it('offers helpdesk the support actions only, and personal devices Retire instead of Wipe', async () => {
    const corporate = await server.ctx.devices.create({ platform: 'ios', ownership: 'corporate', name: 'Front desk iPhone', osVersion: '18.1' });
    const personal = await server.ctx.devices.create({ platform: 'android', ownership: 'personal', name: 'Priya personal Pixel', osVersion: '15' });

    const helpdesk = await signInAs('helpdesk', 'hugo@example.com', 'Hugo Helpdesk');
    try {
      const p = helpdesk.page;
      await p.goto(`${server.url}/devices/${corporate.id}`);
      await p.getByRole('heading', { name: 'Front desk iPhone', level: 1 }).waitFor();
      await actions(p).getByRole('button', { name: 'Lock', exact: true }).waitFor();
      const labels = await actions(p).getByRole('button').allTextContents();
      expect(labels).toEqual(['Lock', 'Refresh inventory', 'Locate', 'Play sound', 'Clear passcode']);
      expect(await p.getByRole('button', { name: /Wipe/ }).count()).toBe(0);
      expect(await p.getByRole('button', { name: 'Restart' }).count()).toBe(0);
      expect(await p.getByRole('button', { name: 'Rename' }).count()).toBe(0);
      expect(await p.getByRole('button', { name: 'Change the assigned user' }).count()).toBe(0);
      expect(await p.getByRole('tab', { name: 'Audit trail' }).count()).toBe(0);
    } finally {
      await helpdesk.context.close();
    }

    const operator = await signInAs('operator', 'otto@example.com', 'Otto Operator');
    try {
      const p = operator.page;
      await p.goto(`${server.url}/devices/${personal.id}`);
      await p.getByRole('heading', { name: 'Priya personal Pixel', level: 1 }).waitFor();
      await actions(p).getByRole('button', { name: 'Retire…' }).waitFor();
      expect(await p.getByRole('button', { name: /Wipe/ }).count()).toBe(0);
      expect(await actions(p).getByRole('button', { name: 'Enable lost mode' }).count()).toBe(0);
      await actions(p).getByRole('button', { name: 'Retire…' }).click();
      await p.getByRole('dialog').getByRole('button', { name: 'Retire device' }).click();
      await p.getByRole('status').getByText('Device retired').waitFor();
      await actions(p).getByText('This device is retired').waitFor();
      expect((await server.ctx.devices.get(personal.id))?.enrollment_state).toBe('retired');
    } finally {
      await operator.context.close();
    }
  });

  it('creates an Apple enrollment with a QR code and a profile link, and shows the push certificate', async () => {
    await server.ctx.groups.create({ name: 'Sales iPhones', kind: 'static' });
    await server.ctx.database.db
      .insertInto('apns_certificates')
      .values({
        topic: 'com.apple.mgmt.External.5e1c0f3a-77aa-4b4e-9d51-1d3b2b7e4c11',
        certificate_pem: 'not read by this test',
        private_key_sealed: 'not read by this test',
        not_after: Date.now() + 12 * 86_400_000,
        uploaded_by: 'ada@example.com',
        uploaded_at: Date.now() - 353 * 86_400_000,
      })
      .execute();
    const operator = await signInAs('operator', 'otto@example.com', 'Otto Operator');
    try {
      const p = operator.page;
      await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Enrollment' }).click();
      await p.getByRole('heading', { name: 'Enrollment', level: 1 }).waitFor();
      const apns = p.getByTestId('apns-certificate');
      await apns.getByText('com.apple.mgmt.External.5e1c0f3a-77aa-4b4e-9d51-1d3b2b7e4c11').waitFor();
      await apns.getByText('Expires soon').waitFor();
      // Uploading a push certificate is for admins.
      expect(await p.getByRole('button', { name: 'Renew' }).count()).toBe(0);

      await p.getByRole('button', { name: 'New enrollment' }).click();
      const dialog = p.getByRole('dialog', { name: 'New enrollment' });
      await dialog.getByRole('textbox', { name: 'Name' }).fill('Sales team iPhones');
      await dialog.getByRole('textbox', { name: 'Group' }).click();
      await p.getByRole('option', { name: 'Sales iPhones' }).click();
      await dialog.getByRole('textbox', { name: 'Maximum uses' }).fill('25');
      await dialog.getByRole('button', { name: 'Create enrollment' }).click();

      const link = p.getByRole('dialog', { name: 'Sales team iPhones' });
      const qr = link.getByRole('img', { name: /QR code of the enrollment link/ });
      await qr.waitFor();
      expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
      expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
      const [created] = (await server.ctx.enrollments.list()).filter((e) => e.name === 'Sales team iPhones');
      expect(created?.platform).toBe('apple');
      expect(created?.max_uses).toBe(25);
      const url = await link.getByRole('textbox', { name: 'Enrollment link' }).inputValue();
      expect(url).toMatch(/\/enroll\/[A-Za-z0-9_-]+$/);
      expect(await link.getByRole('link', { name: 'Download profile' }).getAttribute('href')).toBe(`${url}/apple.mobileconfig`);
      await p.keyboard.press('Escape');

      const row = p.getByRole('table', { name: 'Enrollments' }).getByRole('row', { name: /Sales team iPhones/ });
      await row.getByRole('cell', { name: 'Sales iPhones' }).waitFor();
      await row.getByRole('cell', { name: '0 / 25' }).waitFor();
      await row.getByRole('button', { name: 'Revoke Sales team iPhones' }).click();
      await p.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
      await row.getByText('Revoked').waitFor();
    } finally {
      await operator.context.close();
    }
  });

  it('lets an admin upload the push certificate as PEM text or a .p12 file, and shows why one is refused', async () => {
    await page.goto(`${server.url}/enrollment`);
    await page.getByRole('heading', { name: 'Enrollment', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Renew' }).click();
    let dialog = page.getByRole('dialog', { name: 'Upload the APNs push certificate' });
    await dialog.getByRole('button', { name: 'Upload' }).click();
    await dialog.getByText('Choose the .p12 file.').waitFor();
    await dialog.locator('input[type="file"]').setInputFiles({ name: 'push.p12', mimeType: 'application/x-pkcs12', buffer: Buffer.from('not a PKCS#12 file') });
    await dialog.getByLabel('Password').fill('secret');
    await dialog.getByRole('button', { name: 'Upload' }).click();
    await dialog.getByRole('alert').getByText('Could not save the certificate').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('button', { name: 'Renew' }).click();
    dialog = page.getByRole('dialog', { name: 'Upload the APNs push certificate' });
    await dialog.getByText('PEM text').click();
    await dialog.getByLabel('Certificate (PEM)').fill('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----');
    await dialog.getByLabel('Private key (PEM)').fill('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----');
    await dialog.getByRole('button', { name: 'Upload' }).click();
    await dialog.getByRole('alert').getByText('Could not save the certificate').waitFor();
    await page.keyboard.press('Escape');
    // Nothing was replaced.
    await page.getByTestId('apns-certificate').getByText('com.apple.mgmt.External.5e1c0f3a-77aa-4b4e-9d51-1d3b2b7e4c11').waitFor();
  });

  it('shows a device with its inventory, location and timeline for the documentation screenshot', async () => {
    const device = await seedDeviceForScreenshot(server);
    await page.goto(`${server.url}/devices/${device}`);
    await page.getByRole('heading', { name: 'Grace’s iPhone', level: 1 }).waitFor();
    await page
      .getByRole('table', { name: 'Command timeline' })
      .getByRole('row', { name: /Refresh inventory.*Done/ })
      .waitFor();
    await page.getByRole('link', { name: /OpenStreetMap/ }).waitFor();
    expect(await page.getByRole('link', { name: /OpenStreetMap/ }).getAttribute('href')).toBe(
      'https://www.openstreetmap.org/?mlat=48.856613&mlon=2.352222#map=16/48.856613/2.352222',
    );
    await page.getByRole('tab', { name: 'Audit trail' }).waitFor();
    await page.getByRole('tab', { name: 'Apps (6)' }).waitFor();
    await page.mouse.move(0, 0);
    const target = process.env.STEWARD_UPDATE_SCREENSHOTS ? DEVICE_SCREENSHOT : path.join(dataDir, 'console-device.png');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    await page.screenshot({ path: target, fullPage: false });
    expect(fs.statSync(target).size).toBeGreaterThan(10_000);

    await page.getByRole('tab', { name: 'Inventory' }).click();
    await page.getByRole('region', { name: 'Security' }).getByText('Passcode set: on').waitFor();
    await page.getByRole('tab', { name: 'Apps (6)' }).click();
    await page.getByRole('table', { name: 'Installed apps' }).getByText('com.tinyspeck.chatlyio').waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('creates a compliance rule for a group and shows the unencrypted device as not compliant, with its reason', async () => {
    const { ctx } = server;
    const group = await ctx.groups.create({ name: 'Laptops', kind: 'static' });
    const laptop = await ctx.devices.create({ platform: 'windows', ownership: 'corporate', name: 'Unencrypted laptop', osVersion: '10.0.22631' });
    await ctx.devices.applyInventory(laptop.id, { facts: { security: { encrypted: false, passcodePresent: true } } });
    await ctx.database.db.updateTable('devices').set({ enrollment_state: 'enrolled' }).where('id', '=', laptop.id).execute();
    await ctx.groups.addMembers(group.id, [laptop.id]);

    await page.goto(`${server.url}/compliance`);
    await page.getByRole('heading', { name: 'Compliance rules', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'New rule' }).click();
    const dialog = page.getByRole('dialog', { name: 'New compliance rule' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Disks encrypted');
    await dialog.getByRole('textbox', { name: 'Grace period (days)' }).fill('3');
    await dialog.getByRole('checkbox', { name: 'Lock the device' }).check();
    await dialog.getByRole('textbox', { name: 'E-mail' }).fill('not an address');
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    await dialog.getByText('Addresses separated by commas').waitFor();
    await dialog.getByRole('textbox', { name: 'E-mail' }).fill('it@example.com');
    await dialog.getByLabel('Assigned to groups').click();
    await page.getByRole('option', { name: 'Laptops' }).click();
    await page.keyboard.press('Escape');
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByRole('table', { name: 'Compliance rules' }).getByRole('row', { name: /Disks encrypted/ });
    await row.getByText('3 days').waitFor();
    expect(await row.textContent()).toMatch(/Storage is encrypted.*3 days.*e-mail it@example\.com, lock.*Laptops/);

    // The evaluator runs every few seconds; run it now rather than wait for it.
    await ctx.compliance.evaluateDirty();
    await page.goto(`${server.url}/devices/${laptop.id}`);
    await page.getByRole('heading', { name: 'Unencrypted laptop', level: 1 }).waitFor();
    await page.getByRole('tab', { name: 'Compliance' }).click();
    await page
      .getByRole('region', { name: /Compliance now/ })
      .getByText('not compliant')
      .waitFor();
    expect(await page.getByTestId('compliance-reasons').textContent()).toMatch(/Disks encrypted: Storage is not encrypted\..*actions due/);
    await page
      .getByRole('table', { name: 'Compliance history' })
      .getByRole('row', { name: /not compliant.*Storage is not encrypted/ })
      .waitFor();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'device-compliance.png') });

    // The dashboard draws the rate over time from the daily snapshots.
    for (const [ago, compliant] of [
      [2, 9],
      [1, 8],
    ] as const) {
      await ctx.compliance.repo.snapshot(
        new Date(Date.now() - ago * 86_400_000).toISOString().slice(0, 10),
        { compliant, noncompliant: 10 - compliant, unknown: 0 },
        Date.now(),
      );
    }
    await ctx.compliance.takeSnapshot();
    const today = new Date().toISOString().slice(0, 10);
    await page.goto(`${server.url}/`);
    await page
      .getByRole('region', { name: 'Compliance rate, last 30 days' })
      .getByRole('link', { name: new RegExp(`% compliant on ${today}`) })
      .waitFor();
    expect(await page.getByRole('region', { name: 'Compliance rate, last 30 days' }).locator('.recharts-line').count()).toBe(1);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-compliance-rate.png') });
    expect(pageErrors).toEqual([]);
  });

  it('refuses a broken profile with its problems listed inline, runs a report with export links, and logs webhook deliveries', async () => {
    await page.goto(`${server.url}/profiles`);
    await page.getByRole('heading', { name: 'Profiles', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Upload profile' }).click();
    const dialog = page.getByRole('dialog', { name: 'Upload profile' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Broken Wi-Fi');
    await dialog
      .getByRole('textbox', { name: 'Content' })
      .fill('<?xml version="1.0"?><plist version="1.0"><dict><key>PayloadType</key><string>Nope</string></dict></plist>');
    await dialog.getByRole('button', { name: 'Upload profile' }).click();
    await dialog.getByTestId('profile-problems').waitFor();
    expect(await dialog.getByTestId('profile-problems').locator('li').count()).toBeGreaterThan(0);
    await page.keyboard.press('Escape');
    expect(await server.ctx.policies.listProfiles()).toHaveLength(0);

    await page.goto(`${server.url}/reports`);
    await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
    await page
      .getByTestId('report-count')
      .getByText(/rows? ·/)
      .waitFor();
    await page.getByRole('textbox', { name: 'Platform' }).click();
    await page.getByRole('option', { name: 'macOS' }).click();
    const csvHref = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
    expect(csvHref).toBe('/api/v1/reports/inventory?platform=macos&format=csv');
    expect(await page.getByRole('link', { name: 'Export PDF' }).getAttribute('href')).toBe('/api/v1/reports/inventory?platform=macos&format=pdf');
    await page.waitForLoadState('networkidle');
    const shown = Number((await page.getByTestId('report-count').textContent())?.match(/^(\d+) rows?/)?.[1]);
    const table = page.getByRole('table', { name: /inventory/i });
    expect(await table.locator('tbody tr').count()).toBe(shown);
    expect(await table.locator('tbody').textContent()).not.toMatch(/\bwindows\b|\bandroid\b/i);
    const csv = await page.evaluate(async (href) => (await fetch(href ?? '')).text(), csvHref);
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(shown + 1);

    await page.goto(`${server.url}/webhooks`);
    await page.getByRole('button', { name: 'New webhook' }).click();
    const create = page.getByRole('dialog', { name: 'New webhook' });
    await create.getByRole('textbox', { name: 'Name' }).fill('SIEM');
    await create.getByRole('textbox', { name: 'URL' }).fill('https://127.0.0.1:9/steward');
    await create.getByRole('button', { name: 'Create webhook' }).click();
    expect((await create.getByRole('textbox', { name: 'Signing secret' }).inputValue()).length).toBeGreaterThan(16);
    await create.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'Deliveries of SIEM' }).click();
    const log = page.getByRole('dialog', { name: 'Deliveries of SIEM' });
    await log.getByRole('button', { name: 'Send a test event' }).click();
    await log
      .getByRole('table', { name: 'Deliveries' })
      .getByRole('row', { name: /webhook\.test/ })
      .waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'webhook-deliveries.png') });
    await page.keyboard.press('Escape');
    expect(pageErrors).toEqual([]);
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
  // The states above are the picture to show; with no rule assigned, the compliance evaluator (every 5 s)
  // would otherwise re-evaluate these new devices and overwrite them.
  await db.deleteFrom('compliance_dirty').execute();
}

/** One iPhone as it looks after a few weeks of management: inventory, lost mode with a location, commands. */
async function seedDeviceForScreenshot(server: RunningServer): Promise<string> {
  const now = Date.now();
  const minutes = (n: number) => now - n * 60_000;
  const ctx = server.ctx;
  const device = await ctx.devices.create({
    platform: 'ios',
    ownership: 'corporate',
    name: 'Grace’s iPhone',
    model: 'iPhone 16 Pro',
    serialNumber: 'HX7DQ2M4P1',
    udid: '00008140-001A2C3E0E88801C',
    imei: '356789123456789',
    osVersion: '18.2.1',
    assignedUser: 'grace@example.com',
    inventory: {
      device: {
        name: 'Grace’s iPhone',
        osVersion: '18.2.1',
        buildVersion: '22C161',
        productName: 'iPhone17,1',
        modelName: 'iPhone',
        serialNumber: 'HX7DQ2M4P1',
        capacityGb: 256,
        availableCapacityGb: 141.6,
        batteryLevel: 0.82,
        supervised: true,
        findMyEnabled: true,
        lostModeEnabled: true,
        activationLockEnabled: true,
        phoneNumber: '+33 6 12 34 56 78',
        carrierNetwork: 'Orange F',
        wifiMac: 'a4:c3:37:1e:52:9b',
      },
      security: {
        passcodePresent: true,
        passcodeCompliant: true,
        passcodeCompliantWithProfiles: true,
        hardwareEncryptionCaps: 3,
        blockLevelEncryption: true,
        fileLevelEncryption: true,
        encrypted: true,
        autoLockTime: 60,
        managementStatus: { enrolledViaDep: true, userApprovedEnrollment: true, userEnrollment: false },
      },
      apps: [
        { name: 'Slack', identifier: 'com.tinyspeck.chatlyio', shortVersion: '25.01.10', bundleSize: 318_767_104 },
        { name: 'Microsoft Outlook', identifier: 'com.microsoft.Office.Outlook', shortVersion: '4.2450.0', bundleSize: 402_653_184 },
        { name: 'Authenticator', identifier: 'com.microsoft.azureauthenticator', shortVersion: '6.8.21', bundleSize: 150_994_944 },
        { name: 'Salesforce', identifier: 'com.salesforce.chatter', shortVersion: '252.020', bundleSize: 210_763_776 },
        { name: 'Zoom', identifier: 'us.zoom.videomeetings', shortVersion: '6.3.5', bundleSize: 175_112_192 },
        { name: '1Password', identifier: 'com.1password.1password', shortVersion: '8.10.52', bundleSize: 98_566_144 },
      ],
      profiles: [
        { displayName: 'Steward enrollment', identifier: 'com.example.steward.enrollment', organization: 'Example Ltd', managed: true, signed: true },
        { displayName: 'Corporate Wi-Fi', identifier: 'com.example.wifi.corp', organization: 'Example Ltd', managed: true, removalDisallowed: true },
      ],
      certificates: [
        { commonName: 'Steward device identity', issuer: 'CN=Steward CA', notAfter: new Date(now + 300 * 86_400_000).toISOString(), isIdentity: true },
        { commonName: 'Steward CA', issuer: 'CN=Steward CA', notAfter: new Date(now + 3600 * 86_400_000).toISOString(), isIdentity: false },
      ],
      location: { latitude: 48.856613, longitude: 2.352222, horizontalAccuracy: 35, timestamp: new Date(minutes(4)).toISOString() },
    },
  });
  await ctx.database.db
    .updateTable('devices')
    .set({ compliance_state: 'compliant', last_seen_at: minutes(4), enrolled_at: now - 38 * 86_400_000 })
    .where('id', '=', device.id)
    .execute();
  for (const name of ['Sales', 'Paris office']) {
    const group = await ctx.groups.create({ name, kind: 'static' });
    await ctx.groups.addMembers(group.id, [device.id]);
  }

  const history: { type: string; payload: Record<string, unknown>; by: string; at: number; state: string; result?: unknown; error?: string }[] = [
    { type: 'refresh_inventory', payload: {}, by: 'ada@example.com', at: minutes(5), state: 'acknowledged', result: { Status: 'Acknowledged' } },
    { type: 'locate', payload: {}, by: 'hugo@example.com', at: minutes(6), state: 'acknowledged', result: { Status: 'Acknowledged', Latitude: 48.856613 } },
    {
      type: 'enable_lost_mode',
      payload: { message: 'This iPhone belongs to Example Ltd. Please call us.', phoneNumber: '+33 1 23 45 67 89' },
      by: 'ada@example.com',
      at: minutes(9),
      state: 'acknowledged',
      result: { Status: 'Acknowledged' },
    },
    { type: 'clear_passcode', payload: {}, by: 'hugo@example.com', at: minutes(60 * 26), state: 'error', error: 'The device has no unlock token.' },
    {
      type: 'lock',
      payload: { message: 'Locked by IT' },
      by: 'hugo@example.com',
      at: minutes(60 * 27),
      state: 'acknowledged',
      result: { Status: 'Acknowledged' },
    },
  ];
  for (const entry of history.reverse()) {
    const { command } = await ctx.commands.enqueue({
      kind: 'intent',
      type: entry.type,
      platform: null,
      payload: entry.payload,
      target: { deviceIds: [device.id] },
      platforms: ['ios'],
      createdBy: { type: 'user', id: null, label: entry.by },
      ttlMs: 7 * 86_400_000,
    });
    await ctx.database.db.updateTable('commands').set({ created_at: entry.at }).where('id', '=', command.id).execute();
    await ctx.database.db
      .updateTable('command_deliveries')
      .set({
        state: entry.state,
        sent_at: entry.at + 2_000,
        completed_at: entry.at + 6_000,
        result: entry.result === undefined ? null : JSON.stringify(entry.result),
        error: entry.error ?? null,
      })
      .where('command_id', '=', command.id)
      .execute();
  }
  return device.id;
}
