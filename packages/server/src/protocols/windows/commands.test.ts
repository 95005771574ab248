import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { INTENT_NAMES, INTENTS, type IntentName } from '../../core/commands/intents.js';
import type { PolicySettings } from '../../core/policies/policy-model.js';
import { createTestCa, referenceNodes } from '../../test-support/windows-reference.js';
import { UnsupportedIntent, WindowsCommandError, observedFromResults, windowsPlanFor } from './commands.js';
import { translatePolicy, undoOps } from './policy.js';
import { cspCatalogue } from './csp-catalogue.js';
import type { CspOp } from './syncml.js';

/** Representative parameters for every intent. */
const PARAMS: Record<IntentName, Record<string, unknown>[]> = {
  lock: [{}, { message: 'Return to IT' }],
  wipe: [{}, { preserveDataPlan: true }],
  restart: [{}],
  shutdown: [{}],
  locate: [{}],
  enable_lost_mode: [{}],
  disable_lost_mode: [{}],
  play_lost_mode_sound: [{}],
  clear_passcode: [{}],
  refresh_inventory: [{}],
  install_profile: [{ profileId: '0190c2a4-7b1e-7c3a-9f00-000000000001' }],
  remove_profile: [{ identifier: 'x' }],
  install_app: [{ identifier: `msi:{0E1D2C3B-4A59-6877-8695-A4B3C2D1E0F9}:${'ab'.repeat(32)}:https://example.com/a.msi` }],
  remove_app: [{ identifier: '{0E1D2C3B-4A59-6877-8695-A4B3C2D1E0F9}' }],
  os_update: [{}, { action: 'download' }, { action: 'install' }, { action: 'default' }],
  run_script: [{ interpreter: 'powershell', script: 'Get-Date' }],
  apply_configuration: [],
  remove_configuration: [],
};

const WINDOWS_CAN = new Set<IntentName>([
  'lock',
  'wipe',
  'restart',
  'refresh_inventory',
  'install_app',
  'remove_app',
  'os_update',
  'apply_configuration',
  'remove_configuration',
]);

const rootPem = createTestCa();

/** Settings that exercise every branch of the translator. */
const POLICIES: PolicySettings[] = [
  { passcode: { required: true, minLength: 8, complexity: 'any' as never, maxInactivityMinutes: 5, maxFailedAttempts: 10, historyCount: 5, maxAgeDays: 90 } },
  { passcode: { required: false, complexity: 'numeric' as never } },
  { passcode: { complexity: 'alphanumeric' as never } },
  { passcode: { complexity: 'complex' as never } },
  { encryption: { required: true } },
  { encryption: { required: false } },
  { restrictions: { camera: false, screenCapture: false, appInstalls: false, usbStorage: false, bluetooth: false, appStore: false, accountChanges: false } },
  { restrictions: { camera: true, screenCapture: true, appInstalls: true, usbStorage: true, bluetooth: true, appStore: true, accountChanges: true } },
  {
    wifi: [
      { ssid: 'Office', security: 'wpa2-personal', password: 'correct horse' },
      { ssid: 'Guest', security: 'open', hidden: true, autoJoin: false },
      { ssid: 'Lab', security: 'wpa3-personal', password: 'battery staple' },
      { ssid: 'Corp', security: 'wpa2-enterprise', eap: { method: 'tls', identityCertificate: true } },
    ],
  },
  { certificates: { trustedRoots: [{ name: 'Test', pem: rootPem }], identity: true } },
  { osUpdate: { minimumVersion: '10.0.22631', deadline: '2030-01-01T00:00:00Z' } },
  {
    vpn: [{ name: 'v', type: 'ikev2', server: 'vpn.example.com', authentication: 'certificate' }],
    email: [],
    webFilter: {},
    kiosk: { app: 'x' },
    apps: [{ identifier: 'x', install: 'required' }],
  },
];

describe('every CSP operation Steward can emit exists in the reference table with that verb', () => {
  const reference = referenceNodes();
  /** The reference table's own lookup (dynamic `{…}` segments match anything), independent of the catalogue code. */
  const inTable = (op: CspOp) => {
    const segments = op.locUri.split('/');
    for (const [p, verbs] of reference) {
      const parts = p.split('/');
      if (parts.length !== segments.length) continue;
      if (parts.every((part, i) => part === segments[i] || /^\{.*\}$/.test(part)) && verbs.has(op.verb)) return true;
    }
    return false;
  };
  const emitted: CspOp[] = [];

  it('for every intent Windows can carry out, and refuses the others clearly', () => {
    for (const intent of INTENT_NAMES) {
      if (intent === 'apply_configuration' || intent === 'remove_configuration') continue;
      for (const params of PARAMS[intent]) {
        if (!WINDOWS_CAN.has(intent)) {
          expect(() => windowsPlanFor(intent, params as never, { ownership: 'corporate' }), intent).toThrow(UnsupportedIntent);
          continue;
        }
        const plan = windowsPlanFor(intent, params as never, { ownership: 'corporate' });
        expect(plan.steps.length, intent).toBeGreaterThan(0);
        for (const step of plan.steps) emitted.push(...step.ops);
      }
    }
    expect(INTENTS.refresh_inventory.platforms).toContain('windows');
  });

  it('for every policy translation, its removal, and raw profiles', () => {
    for (const settings of POLICIES) {
      const { payload } = translatePolicy(settings, { platform: 'windows', ownership: 'corporate' });
      const apply = windowsPlanFor(
        'apply_configuration',
        { key: `policy.${'0'.repeat(36)}`, name: 'p', version: '0'.repeat(16), source: 'policy', payload },
        { ownership: 'corporate' },
      );
      const ops = apply.steps.flatMap((s) => s.ops);
      emitted.push(...ops);
      const remove = windowsPlanFor('remove_configuration', { key: `policy.${'0'.repeat(36)}`, payload }, { ownership: 'corporate' });
      emitted.push(...remove.steps.flatMap((s) => s.ops));
      expect(undoOps(ops, cspCatalogue()).every((op) => op.verb === 'Delete')).toBe(true);
    }
    expect(emitted.length).toBeGreaterThan(80);
    const missing = emitted.filter((op) => !inTable(op)).map((op) => `${op.verb} ${op.locUri}`);
    expect(missing).toEqual([]);
    // Every LocURI is well-formed: never an absolute path, never a dot segment.
    for (const op of emitted) expect(op.locUri, op.locUri).toMatch(/^\.\/(Device|User|Vendor|DevDetail|DevInfo)(\/[^/.][^/]*)*$/);
  });

  it('refuses parameters Windows cannot take', () => {
    expect(() => windowsPlanFor('install_app', { identifier: 'com.example.app' }, { ownership: 'corporate' })).toThrow(WindowsCommandError);
    expect(() => windowsPlanFor('remove_app', { identifier: 'notepad' }, { ownership: 'corporate' })).toThrow(WindowsCommandError);
    expect(() =>
      windowsPlanFor(
        'apply_configuration',
        {
          key: `profile.${'0'.repeat(36)}`,
          name: 'p',
          version: '0'.repeat(16),
          source: 'raw',
          payload: '<Exec><Item><Target><LocURI>./Device/Vendor/MSFT/Reboot/Schedule/Single</LocURI></Target></Item></Exec>',
        },
        { ownership: 'corporate' },
      ),
    ).toThrow(/does not allow Exec/);
  });
});

describe('results into inventory', () => {
  it('maps the inventory nodes, the normalised security facts and MSI apps', () => {
    const observed = observedFromResults({
      './DevDetail/SwV': '10.0.22631.4460',
      './DevInfo/Mod': 'Surface Laptop 5',
      './DevDetail/Ext/Microsoft/DeviceName': 'DESKTOP-1',
      './DevDetail/Ext/Microsoft/SMBIOSSerialNumber': 'SN1',
      './DevDetail/Ext/Microsoft/TotalStorage': '1000',
      './DevDetail/Ext/Microsoft/FreeStorage': '400',
      './Vendor/MSFT/DeviceStatus/Firewall/Status': '1',
      './Vendor/MSFT/DeviceStatus/SecureBootState': '1',
      './Vendor/MSFT/DeviceStatus/Compliance/EncryptionCompliance': 'true',
      './Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI': '{0E1D2C3B-4A59-6877-8695-A4B3C2D1E0F9}/junk',
    });
    expect(observed).toMatchObject({ osVersion: '10.0.22631.4460', model: 'Surface Laptop 5', name: 'DESKTOP-1', serialNumber: 'SN1' });
    expect(observed?.facts).toMatchObject({
      security: { encrypted: true, firewall: { enabled: false }, secureBoot: true },
      storage: { totalMb: 1000, freeMb: 400 },
      apps: [{ identifier: '{0E1D2C3B-4A59-6877-8695-A4B3C2D1E0F9}' }],
    });
    expect(observedFromResults({ './Device/Vendor/MSFT/RemoteLock/Lock': '' })).toBeUndefined();
    expect(new X509Certificate(rootPem).ca).toBe(true);
  });
});
