/**
 * The console following a real device: an admin signs in with MFA, creates an Apple enrollment link,
 * a simulated iPhone enrolls through it (profile, SCEP, check-in over real HTTP) and appears on the open
 * devices page without reload (server-sent events); the admin locks it and watches the command complete,
 * wipes it after typing its name, and finds every step in the audit log. Every main page is checked
 * with axe-core (no serious or critical violations) and screenshotted into packages/web/test-artifacts/.
 *
 * Needs the console and the workspace built (`npm run build`) and Debian's Chromium.
 */
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AppleDevice } from '@steward/simulators';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppleLab, startAppleLab } from '../../simulators/dist/test-support/apple-lab.js';

const CHROMIUM = '/usr/bin/chromium';
const CONSOLE_INDEX = fileURLToPath(new URL('../dist/index.html', import.meta.url));
const AXE = fileURLToPath(new URL('../../../node_modules/axe-core/axe.min.js', import.meta.url));
export const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const ADMIN = { email: 'root@example.com', password: 'a long and careful password' };

const hasChromium = fs.existsSync(CHROMIUM);
const skip = !hasChromium && !process.env.CI;
if (skip) console.warn(`SKIPPED the live console browser test: ${CHROMIUM} is missing. Install it with: apt-get install -y chromium`);

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

describe.skipIf(skip)('web console following a simulated iPhone live', () => {
  let lab: AppleLab;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let totpSecret: string;
  let device: AppleDevice;
  let deviceId: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(CONSOLE_INDEX)) throw new Error(`${CONSOLE_INDEX} is missing: build the console first with \`npm run build\`.`);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    lab = await startAppleLab();
    const user = await lab.server.ctx.auth.createUser({ email: ADMIN.email, password: ADMIN.password, role: 'admin', displayName: 'Root Admin' });
    totpSecret = (await lab.server.ctx.auth.beginTotp(user)).secret;
    const row = await lab.server.ctx.users.findById(user.id);
    if (!row) throw new Error('the admin just created is gone');
    await lab.server.ctx.auth.confirmTotp(row, totp(totpSecret));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    // axe is injected as a script tag, which the console's Content-Security-Policy would refuse.
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', locale: 'en-US', timezoneId: 'UTC', bypassCSP: true });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await lab?.close();
  });

  /** Runs axe-core on the page as it is and returns the serious and critical violations. */
  async function axe(name: string): Promise<string[]> {
    await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async () => {
      const run = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> } }).axe.run;
      const result = await run(document, { resultTypes: ['violations'] });
      return result.violations;
    });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${name}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }

  async function shoot(name: string): Promise<void> {
    await page.mouse.move(0, 0);
    await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: false });
  }

  it('signs in with a password and a one-time code', async () => {
    await page.goto(`${lab.url}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel(/^E-mail/).fill(ADMIN.email);
    await page.getByLabel(/^Password/).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel(/^One-time code/).fill(totp(totpSecret));
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await page.getByTestId('live-status').getByText('Live').waitFor();
  });

  it('shows an iPhone enrolling through a link on the open devices page, without reload', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Enrollment' }).click();
    await page.getByRole('button', { name: 'New enrollment' }).click();
    const dialog = page.getByRole('dialog', { name: 'New enrollment' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Field iPhones');
    await dialog.getByRole('button', { name: 'Create enrollment' }).click();
    const link = await page.getByRole('dialog', { name: 'Field iPhones' }).getByRole('textbox', { name: 'Enrollment link' }).inputValue();
    await page.keyboard.press('Escape');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices' }).click();
    await page.getByRole('heading', { name: 'No devices enrolled yet' }).waitFor();
    // A mark on the window: a reload would wipe it.
    await page.evaluate(() => {
      (window as unknown as { stewardMark: number }).stewardMark = 42;
    });

    device = new AppleDevice({ model: 'iPhone' });
    lab.apns.onPush((push) => {
      if (push.token === device.pushTokenHex) void device.wake();
    });
    await device.enroll(`${link}/apple.mobileconfig`);
    await page.getByRole('link', { name: device.name, exact: true }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { stewardMark?: number }).stewardMark)).toBe(42);
    expect(await page.getByTestId('device-total').textContent()).toBe('1 device');
    const [row] = (await lab.server.ctx.devices.list({ filter: {}, sort: 'name', order: 'asc', offset: 0, limit: 5 })).items;
    deviceId = row?.id ?? '';
    expect(row?.udid).toBe(device.udid);
  });

  it('locks the iPhone and watches the command complete', async () => {
    await page.getByRole('link', { name: device.name, exact: true }).click();
    await page.getByRole('heading', { name: device.name, level: 1 }).waitFor();
    await page.getByRole('region', { name: 'Actions' }).getByRole('button', { name: 'Lock', exact: true }).click();
    await page.getByRole('dialog').getByLabel('Message on the screen').fill('Locked by IT');
    await page.getByRole('dialog').getByRole('button', { name: 'Lock device' }).click();
    const timeline = page.getByRole('table', { name: 'Command timeline' });
    // The push wakes the simulated iPhone, which fetches the lock and acknowledges it.
    await timeline.getByRole('row', { name: /Lock.*Done/ }).waitFor();
    expect(device.state.locked).toEqual({ message: 'Locked by IT' });
    expect(await page.evaluate(() => (window as unknown as { stewardMark?: number }).stewardMark)).toBe(42);
    await shoot('device');
  });

  it('creates a policy in the form, assigns it to the device’s group, and shows it installed on the device page', async () => {
    const group = await lab.server.ctx.groups.create({ name: 'Field workers', kind: 'static' });
    await lab.server.ctx.groups.addMembers(group.id, [deviceId]);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Policies' }).click();
    await page.getByRole('heading', { name: 'Policies', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'New policy' }).click();
    const dialog = page.getByRole('dialog', { name: 'New policy' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Field security');
    await dialog.getByRole('checkbox', { name: 'Require a passcode' }).check();
    await dialog.getByRole('textbox', { name: 'Minimum length' }).fill('6');
    await dialog.getByRole('checkbox', { name: 'Camera' }).check();
    // A section edited as JSON is checked before it is sent.
    await dialog.getByRole('textbox', { name: 'Other settings (JSON)' }).fill('{ "wifi": [ }');
    await dialog.getByRole('button', { name: 'Create policy' }).click();
    await dialog.getByText(/^Not valid JSON/).waitFor();
    await dialog.getByRole('textbox', { name: 'Other settings (JSON)' }).fill('');
    await dialog.getByLabel('Assigned to groups').click();
    await page.getByRole('option', { name: 'Field workers' }).click();
    await page.keyboard.press('Escape');
    await dialog.getByRole('button', { name: 'Create policy' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByRole('table', { name: 'Policies' }).getByRole('row', { name: /Field security/ });
    await row.getByText('Field workers').waitFor();
    const [policy] = await lab.server.ctx.policies.listPolicies();
    expect(JSON.parse(policy?.settings ?? '{}')).toEqual({ passcode: { required: true, minLength: 6 }, restrictions: { camera: false } });

    // The per-platform preview: Android's translation and what it can't enforce.
    await row.getByRole('button', { name: 'Preview Field security' }).click();
    const preview = page.getByRole('dialog', { name: 'Preview Field security' });
    await preview.getByRole('heading', { name: 'Not enforced on iOS' }).waitFor();
    await preview.getByLabel('Translation for iOS', { exact: true }).waitFor();
    // The Apple payload's profile is shown decoded, as the XML the iPhone installs.
    expect(await preview.getByLabel('Translation for iOS: the profile (XML)').textContent()).toMatch(/<key>PayloadContent<\/key>[\s\S]*<integer>6<\/integer>/);
    await shoot('policy-preview');
    await page.keyboard.press('Escape');

    await page.goto(`${lab.url}/devices/${deviceId}`);
    await page.getByRole('tab', { name: 'Policies and profiles' }).click();
    await page
      .getByRole('table', { name: 'Effective settings' })
      .getByRole('row', { name: /passcode\.minLength\s*6\s*Field security/ })
      .waitFor();
    // The device's results are read back by a periodic job; wake it instead of waiting for its period.
    const states = page.getByRole('table', { name: 'Configuration states' });
    for (let i = 0; i < 40 && !(await states.getByRole('row', { name: /Field security.*installed/ }).count()); i++) {
      await lab.server.ctx.jobs.wake('periodic:policies.outcomes');
      await page.waitForTimeout(500);
    }
    await states.getByRole('row', { name: /Field security.*installed/ }).waitFor();
    await shoot('device-policies');
  }, 45_000);

  it('wipes only after the device name is typed, and the iPhone is wiped', async () => {
    await page.getByRole('region', { name: 'Actions' }).getByRole('button', { name: 'Wipe…' }).click();
    const dialog = page.getByRole('dialog', { name: `Wipe ${device.name}?` });
    const confirm = dialog.getByRole('button', { name: 'Wipe device' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByRole('textbox', { name: new RegExp(`Type ${device.name} to confirm`) }).fill(device.name.toLowerCase());
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByRole('textbox', { name: new RegExp(`Type ${device.name} to confirm`) }).fill(device.name);
    await confirm.click();
    await page
      .getByRole('table', { name: 'Command timeline' })
      .getByRole('row', { name: /Wipe.*Done/ })
      .waitFor();
    expect(device.state.wiped).toBe(true);
  });

  it('shows each step in the audit log', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
    const table = page.getByRole('table', { name: 'Audit events' });
    await table.getByRole('row').nth(1).waitFor();
    const rows = await table.locator('tbody tr').allTextContents();
    const has = (action: string, extra?: RegExp) => rows.some((r) => r.includes(action) && (!extra || extra.test(r)));
    expect(has('auth.login', /root@example\.com/)).toBe(true);
    expect(has('enrollments.create')).toBe(true);
    expect(rows.filter((r) => r.includes('commands.create')).length).toBe(2);
    const details = await lab.server.ctx.database.db.selectFrom('audit_events').select(['action', 'details']).where('action', '=', 'commands.create').execute();
    expect(details.map((d) => JSON.parse(d.details ?? '{}').type).sort()).toEqual(['lock', 'wipe']);
  });

  it('has no serious or critical accessibility violations on the main pages, in light and dark', async () => {
    const pages: [string, string, RegExp | string][] = [
      ['dashboard', '/', 'Dashboard'],
      ['devices', '/devices', 'Devices'],
      ['device-page', `/devices/${deviceId}`, device.name],
      ['enrollment', '/enrollment', 'Enrollment'],
      ['groups', '/groups', 'Groups'],
      ['commands', '/commands', 'Commands'],
      ['audit', '/audit', 'Audit log'],
      ['users', '/users', 'Users & tokens'],
      ['policies', '/policies', 'Policies'],
      ['profiles', '/profiles', 'Profiles'],
      ['compliance-rules', '/compliance', 'Compliance rules'],
      ['reports', '/reports', 'Reports'],
      ['apps', '/apps', 'Apps'],
      ['os-updates', '/os-updates', 'OS updates'],
      ['webhooks', '/webhooks', 'Webhooks'],
      ['settings', '/settings', 'Settings'],
    ];
    const problems: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      // Every page in the light theme; the dark theme's colours are shared, so three pages cover them.
      for (const [name, path, heading] of scheme === 'light' ? pages : pages.slice(0, 3)) {
        await page.goto(`${lab.url}${path}`);
        await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
        await page.waitForLoadState('networkidle').catch(() => undefined);
        // Skeletons and spinners out of the way before judging contrast and names.
        await page
          .waitForFunction(() => document.querySelectorAll('.mantine-Skeleton-root').length === 0, undefined, { timeout: 10_000 })
          .catch(() => undefined);
        problems.push(...(await axe(`${name} (${scheme})`)));
        await shoot(`${name}-${scheme}`);
      }
    }
    expect(problems).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('lays the devices page out at tablet width, with the navigation in a drawer on narrower ones', async () => {
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.goto(`${lab.url}/devices`);
    await page.getByRole('link', { name: device.name, exact: true }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
    await shoot('devices-tablet');
    await page.setViewportSize({ width: 640, height: 960 });
    const burger = page.getByRole('button', { name: 'Open navigation' });
    await burger.waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
    await burger.click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Commands' }).click();
    await page.getByRole('heading', { name: 'Commands', level: 1 }).waitFor();
    await shoot('commands-tablet');
    // The skip link is the first thing the keyboard reaches on a page, and it lands in the main content.
    await page.goto(`${lab.url}/commands`);
    await page.getByRole('heading', { name: 'Commands', level: 1 }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
  });
});

/** The current RFC 6238 code (SHA-1, 30 s, 6 digits) for a base32 secret. */
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
