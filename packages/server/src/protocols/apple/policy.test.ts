import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Ownership, Platform } from '../../core/devices/device-model.js';
import type { PolicySettings } from '../../core/policies/policy-model.js';
import { versionOf } from '../../core/policies/hashing.js';
import { APPLE_REFERENCE_DIR, type SchemaOS, validateProfile } from '../../test-support/apple-schema.js';
import { appleCommandsFor } from './commands.js';
import { APPLE_PAYLOAD_TYPES } from './payload-types.js';
import { parsePlistDict } from './plist.js';
import { createApplePolicyTranslator, validateRaw } from './policy.js';

const ROOT_PEM = `-----BEGIN CERTIFICATE-----
MIIBfzCCASWgAwIBAgIUQm9ndXMgcm9vdCBmb3IgdGVzdHMwCgYIKoZIzj0EAwIwFTETMBEGA1UEAwwKVGVzdCBSb290
-----END CERTIFICATE-----`;

/** Every setting Steward's model has, at once. */
const EVERYTHING: PolicySettings = {
  passcode: { required: true, minLength: 8, complexity: 'complex', maxInactivityMinutes: 30, maxFailedAttempts: 12, historyCount: 5, maxAgeDays: 90 },
  encryption: { required: true },
  restrictions: { camera: false, screenCapture: false, appInstalls: false, usbStorage: false, bluetooth: false, appStore: false, accountChanges: false },
  wifi: [
    { ssid: 'Corp', security: 'wpa2-enterprise', eap: { method: 'tls', identityCertificate: true, username: 'device' } },
    { ssid: 'Guest', security: 'wpa3-personal', password: 'guest-password', hidden: true, autoJoin: false },
    { ssid: 'Open', security: 'open' },
  ],
  vpn: [
    { name: 'HQ', type: 'ikev2', server: 'vpn.example.com', authentication: 'certificate', fullTunnel: true },
    { name: 'Legacy', type: 'l2tp', server: 'l2tp.example.com', authentication: 'password', username: 'u' },
    { name: 'WG', type: 'wireguard', server: 'wg.example.com', authentication: 'certificate' },
  ],
  certificates: { trustedRoots: [{ name: 'Corp Root', pem: ROOT_PEM }], identity: true },
  email: [
    { name: 'Mail', type: 'imap', address: '{{user}}@example.com', host: 'imap.example.com', smtpHost: 'smtp.example.com' },
    { name: 'Exchange', type: 'exchange', address: '{{user}}@example.com', host: 'eas.example.com' },
  ],
  webFilter: { allow: ['https://school.example.com/'], deny: ['https://games.example.com/'] },
  osUpdate: { minimumVersion: '18.2' },
  apps: [{ identifier: 'com.example.app', install: 'required', configuration: { server: 'x' } }],
  kiosk: { app: 'com.example.kiosk' },
};

const translator = createApplePolicyTranslator({ publicUrl: 'https://mdm.example.com' });
const KEY = 'policy.0190f5a2-0000-8000-8000-000000000001';
const profileOf = (platform: Platform, ownership: Ownership, settings: PolicySettings = EVERYTHING) => {
  const t = translator.translate(settings, { platform, ownership, assignedUser: 'alex', key: KEY });
  const payload = t.payload as { identifier: string; mobileconfig: string };
  return { ...t, payload, profile: parsePlistDict(Buffer.from(payload.mobileconfig, 'base64')) };
};
const OS: Record<Platform, SchemaOS | undefined> = { ios: 'iOS', ipados: 'iOS', macos: 'macOS', windows: undefined, android: undefined, linux: undefined };

describe("Apple's policy translator", () => {
  for (const platform of ['ios', 'ipados', 'macos'] as const) {
    for (const ownership of ['corporate', 'personal'] as const) {
      it(`${platform}/${ownership}: every payload's keys and types conform to Apple's schema and exist on the OS`, () => {
        const { profile } = profileOf(platform, ownership);
        expect(validateProfile(profile, { os: OS[platform] })).toEqual([]);
      });
    }
  }

  it('the schema check is not a rubber stamp', () => {
    const { profile } = profileOf('ios', 'corporate');
    const content = profile.PayloadContent as Array<Record<string, unknown>>;
    const broken = { ...profile, PayloadContent: [...content, { ...content[0], minLength: 'eight', madeUpKey: true }] };
    const problems = validateProfile(broken, { os: 'iOS' });
    expect(problems.some((p) => p.includes('minLength: expected <integer>'))).toBe(true);
    expect(problems.some((p) => p.includes('madeUpKey'))).toBe(true);
    expect(validateProfile(profileOf('macos', 'corporate').profile, { os: 'iOS' })).toContainEqual(expect.stringContaining('com.apple.MCX.FileVault2'));
  });

  it('iOS: encryption through the passcode, USB storage as Files access, kiosk as app lock', () => {
    const { profile, unsupported } = profileOf('ios', 'corporate');
    const types = (profile.PayloadContent as Array<{ PayloadType: string }>).map((p) => p.PayloadType);
    expect(types).toEqual(
      expect.arrayContaining([
        'com.apple.mobiledevice.passwordpolicy',
        'com.apple.applicationaccess',
        'com.apple.wifi.managed',
        'com.apple.vpn.managed',
        'com.apple.security.root',
        'com.apple.security.scep',
        'com.apple.mail.managed',
        'com.apple.eas.account',
        'com.apple.webcontent-filter',
        'com.apple.app.lock',
      ]),
    );
    expect(types).not.toContain('com.apple.MCX.FileVault2');
    const passcode = (profile.PayloadContent as Array<Record<string, unknown>>).find((p) => p.PayloadType === 'com.apple.mobiledevice.passwordpolicy');
    expect(passcode).toMatchObject({
      forcePIN: true,
      minLength: 8,
      requireAlphanumeric: true,
      minComplexChars: 1,
      maxInactivity: 15,
      maxFailedAttempts: 11,
      pinHistory: 5,
      maxPINAgeInDays: 90,
    });
    const settings = unsupported.map((u) => u.setting);
    expect(settings).toEqual(
      expect.arrayContaining(['passcode.maxInactivityMinutes', 'passcode.maxFailedAttempts', 'vpn[WG]', 'apps[com.example.app].configuration']),
    );
    const mail = (profile.PayloadContent as Array<Record<string, unknown>>).find((p) => p.PayloadType === 'com.apple.mail.managed');
    expect(mail?.EmailAddress).toBe('alex@example.com');
  });

  it('macOS: FileVault for encryption; says plainly what Apple cannot do there', () => {
    const { profile, unsupported } = profileOf('macos', 'corporate');
    const types = (profile.PayloadContent as Array<{ PayloadType: string }>).map((p) => p.PayloadType);
    expect(types).toContain('com.apple.MCX.FileVault2');
    expect(types).not.toContain('com.apple.app.lock');
    expect(unsupported.map((u) => u.setting)).toEqual(
      expect.arrayContaining(['restrictions.usbStorage', 'restrictions.appInstalls', 'kiosk', 'email[Exchange]', 'webFilter']),
    );
  });

  it('personal devices: no device-wide restrictions, no FileVault, no wipe after failed attempts', () => {
    const { profile, unsupported } = profileOf('macos', 'personal');
    const types = (profile.PayloadContent as Array<{ PayloadType: string }>).map((p) => p.PayloadType);
    expect(types).not.toContain('com.apple.applicationaccess');
    expect(types).not.toContain('com.apple.MCX.FileVault2');
    expect(unsupported.map((u) => u.setting)).toEqual(expect.arrayContaining(['encryption.required', 'passcode.maxFailedAttempts', 'restrictions.camera']));
  });

  it('the same settings give byte-identical profiles; the identifier follows the key, not the version', () => {
    const a = profileOf('ios', 'corporate');
    const b = profileOf('ios', 'corporate');
    expect(a.payload).toEqual(b.payload);
    const c = profileOf('ios', 'corporate', { ...EVERYTHING, passcode: { minLength: 10 } });
    expect(versionOf(c.payload)).not.toBe(versionOf(a.payload));
    expect(c.payload.identifier).toBe(a.payload.identifier);
    expect(c.payload.identifier).toBe(`steward.${KEY}`);
    expect(translator.removal?.(a.payload)).toEqual({ identifier: `steward.${KEY}` });
  });

  it('raw profiles: refuses what Apple would, accepts a real one', () => {
    expect(validateRaw('not xml')[0]).toContain('Not an XML property list');
    expect(validateRaw('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]><plist><dict/></plist>')).toHaveLength(1);
    expect(validateRaw('<plist version="1.0"><dict><key>PayloadType</key><string>Other</string></dict></plist>')).toEqual([
      'PayloadType: must be "Configuration"',
      'PayloadIdentifier: required string',
      'PayloadUUID: required string',
      'PayloadContent: required, a non-empty array of payloads',
    ]);
    const generated = Buffer.from(profileOf('ios', 'corporate').payload.mobileconfig, 'base64').toString('utf8');
    expect(validateRaw(generated)).toEqual([]);
    expect(translator.rawIdentifier?.(generated)).toBe(`steward.${KEY}`);
  });

  it('knows exactly the payload types Apple documents', () => {
    const dir = join(APPLE_REFERENCE_DIR, 'mdm', 'profiles');
    const types = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      const type = (parse(readFileSync(join(dir, file), 'utf8')) as { payload?: { payloadtype?: string } }).payload?.payloadtype;
      if (type && type !== 'TopLevel' && type !== 'CommonPayloadKeys') types.add(type);
    }
    expect([...APPLE_PAYLOAD_TYPES].sort()).toEqual([...types].sort());
  });

  it('BYOD: a personal device is asked only for its managed apps; removal needs only the identifier', () => {
    const types = (ownership: 'corporate' | 'personal') => appleCommandsFor('refresh_inventory', {}, { platform: 'ios', ownership }).map((c) => c.RequestType);
    expect(types('corporate')).toContain('InstalledApplicationList');
    expect(types('personal')).toContain('ManagedApplicationList');
    expect(types('personal')).not.toContain('InstalledApplicationList');
    expect(appleCommandsFor('remove_configuration', { key: KEY, payload: { identifier: `steward.${KEY}` } }, { platform: 'ios' })).toEqual([
      { RequestType: 'RemoveProfile', Identifier: `steward.${KEY}` },
    ]);
  });
});
