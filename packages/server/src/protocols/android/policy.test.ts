import { describe, expect, it } from 'vitest';
import type { PolicySettings } from '../../core/policies/policy-model.js';
import type { CommandRow } from '../../core/commands/command-queue.js';
import { planFor } from './android-service.js';
import { inventoryOf } from './inventory.js';
import { BASE_POLICY, canonicalJson, effectivePolicy, policyNameFor, translateAndroid, validateRawPolicy } from './policy.js';

const corporate = { platform: 'android', ownership: 'corporate' } as const;
const personal = { platform: 'android', ownership: 'personal' } as const;

describe('Android policy translation', () => {
  const settings = {
    passcode: { minLength: 8, complexity: 'alphanumeric' as const, maxInactivityMinutes: 5, maxFailedAttempts: 10, historyCount: 3, maxAgeDays: 90 },
    encryption: { required: true },
    restrictions: { camera: false, screenCapture: false, usbStorage: false, bluetooth: false, appInstalls: false, appStore: false, accountChanges: false },
    apps: [
      { identifier: 'com.example.z', install: 'available' as const },
      { identifier: 'com.example.a', install: 'required' as const, configuration: { url: 'https://a.example' } },
      { identifier: 'com.bad.game', install: 'blocked' as const, configuration: { ignored: true } },
    ],
    osUpdate: { minimumVersion: '14.0' },
    kiosk: { app: 'com.example.kiosk' },
    wifi: [{ ssid: 'Office', security: 'wpa2-personal' as const, password: 'correct horse' }],
    vpn: [{ name: 'VPN', type: 'ikev2' as const, server: 'vpn.example', authentication: 'certificate' as const }],
    // The schema's complexity union is built from a mapped array, which TypeScript widens: go through unknown.
  } as unknown as PolicySettings;

  it('fully managed devices get device-wide settings', () => {
    const { payload, unsupported } = translateAndroid(settings, corporate);
    expect(payload).toMatchObject({
      passwordPolicies: [
        {
          passwordScope: 'SCOPE_DEVICE',
          passwordQuality: 'ALPHANUMERIC',
          passwordMinimumLength: 8,
          maximumFailedPasswordsForWipe: 10,
          passwordHistoryLength: 3,
          passwordExpirationTimeout: '7776000s',
        },
      ],
      maximumTimeToLock: '300000',
      encryptionPolicy: 'ENABLED_WITHOUT_PASSWORD',
      cameraAccess: 'CAMERA_ACCESS_DISABLED',
      screenCaptureDisabled: true,
      usbFileTransferDisabled: true,
      bluetoothDisabled: true,
      installAppsDisabled: true,
      playStoreMode: 'WHITELIST',
      modifyAccountsDisabled: true,
      minimumApiLevel: 34,
      systemUpdate: { type: 'AUTOMATIC' },
    });
    expect((payload as { applications: unknown[] }).applications).toEqual([
      { packageName: 'com.bad.game', installType: 'BLOCKED' },
      { packageName: 'com.example.a', installType: 'FORCE_INSTALLED', managedConfiguration: { url: 'https://a.example' } },
      { packageName: 'com.example.kiosk', installType: 'KIOSK' },
      { packageName: 'com.example.z', installType: 'AVAILABLE' },
    ]);
    expect(JSON.stringify(payload)).toContain('"SSID":"Office"');
    expect(unsupported.map((u) => u.setting)).toEqual(['vpn']);
  });

  it('personal devices get the work-profile variants and list what a work profile cannot enforce', () => {
    const { payload, unsupported } = translateAndroid(settings, personal);
    const p = payload as Record<string, unknown>;
    expect(p.passwordPolicies).toEqual([expect.objectContaining({ passwordScope: 'SCOPE_PROFILE', passwordMinimumLength: 8 })]);
    for (const field of ['maximumTimeToLock', 'encryptionPolicy', 'usbFileTransferDisabled', 'bluetoothDisabled', 'systemUpdate'])
      expect(p[field], field).toBeUndefined();
    expect(JSON.stringify(p.applications)).not.toContain('KIOSK');
    expect(p.cameraAccess).toBe('CAMERA_ACCESS_DISABLED');
    expect(unsupported.map((u) => u.setting).sort()).toEqual(
      ['bluetooth', 'encryption', 'kiosk', 'osUpdate.deadline', 'passcode.maxInactivityMinutes', 'usbStorage', 'vpn']
        .map((s) => (['bluetooth', 'usbStorage'].includes(s) ? `restrictions.${s}` : s))
        .sort(),
    );
  });

  it('the same settings always give the same payload, and the effective policy is named by its content', () => {
    const a = translateAndroid(settings, corporate).payload;
    const b = translateAndroid(structuredClone(settings), corporate).payload;
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    const one = effectivePolicy([
      { key: 'policy.b', version: '1', payload: { applications: [{ packageName: 'x', installType: 'AVAILABLE' }], cameraAccess: 'CAMERA_ACCESS_DISABLED' } },
      { key: 'policy.a', version: '1', payload: { applications: [{ packageName: 'y', installType: 'FORCE_INSTALLED' }], statusReportingSettings: {} } },
    ]);
    const two = effectivePolicy([
      { key: 'policy.a', version: '1', payload: { applications: [{ packageName: 'y', installType: 'FORCE_INSTALLED' }] } },
      { key: 'policy.b', version: '1', payload: { cameraAccess: 'CAMERA_ACCESS_DISABLED', applications: [{ packageName: 'x', installType: 'AVAILABLE' }] } },
    ]);
    expect(one.applications?.map((x) => x.packageName)).toEqual(['x', 'y']);
    expect(one.statusReportingSettings).toEqual(BASE_POLICY.statusReportingSettings);
    expect(policyNameFor('enterprises/E', one)).toEqual(policyNameFor('enterprises/E', two));
    expect(policyNameFor('enterprises/E', one).name).toMatch(/^enterprises\/E\/policies\/steward-[0-9a-f]{20}$/);
    expect(policyNameFor('enterprises/E', effectivePolicy([])).name).not.toBe(policyNameFor('enterprises/E', one).name);
  });

  it('validates raw AMAPI policy JSON', () => {
    expect(validateRawPolicy('{"cameraAccess":"CAMERA_ACCESS_DISABLED"}')).toEqual([]);
    expect(validateRawPolicy('not json')).toEqual(['The content is not JSON.']);
    expect(validateRawPolicy('[1]')).toHaveLength(1);
    expect(validateRawPolicy('{"name":"x","statusReportingSettings":{},"Bad Key":1,"applications":[{}]}')).toHaveLength(4);
  });
});

describe('Android commands and inventory', () => {
  const command = (type: string, payload: unknown, kind: 'intent' | 'raw' = 'intent') =>
    ({ id: 'c', kind, type, payload: JSON.stringify(payload) }) as CommandRow;

  it('maps intents to AMAPI commands; a work profile is deleted without wipe flags', () => {
    expect(planFor(command('lock', {}), false)).toEqual({ kind: 'command', command: { type: 'LOCK' } });
    expect(planFor(command('restart', {}), true).kind).toBe('refuse');
    expect(planFor(command('wipe', {}), false)).toMatchObject({ kind: 'delete', wipeDataFlags: ['WIPE_ESIMS'] });
    expect(planFor(command('wipe', { preserveDataPlan: true }), false)).toMatchObject({ kind: 'delete', wipeDataFlags: [] });
    expect(planFor(command('wipe', {}), true)).toMatchObject({ kind: 'delete', wipeDataFlags: [] });
    expect(planFor(command('raw', { type: 'DELETE' }, 'raw'), true)).toEqual({ kind: 'delete', wipeDataFlags: [] });
    expect(planFor(command('apply_configuration', { key: 'profile.x', version: 'v', source: 'raw', payload: '{"name":"x"}' }), false).kind).toBe('refuse');
    expect(planFor(command('apply_configuration', { key: 'profile.x', version: 'v', source: 'raw', payload: '{"cameraDisabled":true}' }), false)).toMatchObject(
      {
        kind: 'configure',
        apply: { payload: { cameraDisabled: true } },
      },
    );
    expect(planFor(command('install_app', { identifier: 'x' }), false).kind).toBe('refuse');
  });

  it('maps a device report onto normalised facts', () => {
    const update = inventoryOf({
      name: 'enterprises/E/devices/D',
      hardwareInfo: { model: 'Pixel', serialNumber: 'S1' },
      softwareInfo: { androidVersion: '15' },
      deviceSettings: { isEncrypted: false, isDeviceSecure: false },
      securityPosture: { devicePosture: 'AT_RISK', postureDetails: [{ securityRisk: 'COMPROMISED_OS' }] },
      applicationReports: [
        { packageName: 'a', versionName: '1', state: 'INSTALLED' },
        { packageName: 'gone', state: 'REMOVED' },
      ],
      nonComplianceDetails: [{ settingName: 'cameraAccess', nonComplianceReason: 'API_LEVEL' }],
    });
    expect(update).toMatchObject({ osVersion: '15', model: 'Pixel', serialNumber: 'S1' });
    expect(update.facts?.security).toMatchObject({ compromised: true, encrypted: false, passcodePresent: false });
    expect(update.facts?.apps).toEqual([{ identifier: 'a', version: '1' }]);
    expect((update.facts as { android: { nonComplianceDetails: unknown[] } }).android.nonComplianceDetails).toEqual([
      { settingName: 'cameraAccess', reason: 'API_LEVEL' },
    ]);
    expect(inventoryOf({ securityPosture: { devicePosture: 'SECURE' } }).facts?.security).toMatchObject({ compromised: false });
  });
});
