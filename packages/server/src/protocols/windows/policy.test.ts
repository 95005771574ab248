import { describe, expect, it } from 'vitest';
import { locUriProblem, translatePolicy, windowsPolicyTranslator } from './policy.js';

const validate = (content: string) => windowsPolicyTranslator.validateRaw?.(content) ?? [];
const replace = (locUri: string, data = '1') =>
  `<Replace><CmdID>1</CmdID><Item><Target><LocURI>${locUri}</LocURI></Target><Meta><Format xmlns="syncml:metinf">int</Format></Meta><Data>${data}</Data></Item></Replace>`;

describe('the Windows policy translator', () => {
  const target = { platform: 'windows' as const, ownership: 'corporate' as const };

  it('translates passcode rules into DeviceLock with Microsoft’s polarity', () => {
    const { payload, unsupported } = translatePolicy(
      { passcode: { required: true, minLength: 10, complexity: 'complex' as never, maxFailedAttempts: 6 } },
      target,
    );
    const ops = (payload as { ops: { verb: string; locUri: string; data?: string }[] }).ops;
    const value = (name: string) => ops.find((o) => o.locUri.endsWith(`/DeviceLock/${name}`))?.data;
    expect(value('DevicePasswordEnabled')).toBe('0');
    expect(value('MinDevicePasswordLength')).toBe('10');
    expect(value('AlphanumericDevicePasswordRequired')).toBe('0');
    expect(value('MinDevicePasswordComplexCharacters')).toBe('3');
    expect(value('MaxDevicePasswordFailedAttempts')).toBe('6');
    expect(unsupported).toEqual([]);
  });

  it('blocks the camera, requires BitLocker with a fresh recovery password, and says what it cannot enforce', () => {
    const { payload, unsupported } = translatePolicy(
      {
        restrictions: { camera: false },
        encryption: { required: true },
        webFilter: { deny: ['https://example.com'] },
        wifi: [{ ssid: 'Corp', security: 'wpa2-enterprise' }],
      },
      target,
    );
    const ops = (payload as { ops: { verb: string; locUri: string; data?: string }[] }).ops;
    expect(ops).toContainEqual(expect.objectContaining({ verb: 'Replace', locUri: './Device/Vendor/MSFT/Policy/Config/Camera/AllowCamera', data: '0' }));
    expect(ops).toContainEqual(expect.objectContaining({ verb: 'Replace', locUri: './Device/Vendor/MSFT/BitLocker/RequireDeviceEncryption', data: '1' }));
    expect(ops).toContainEqual(expect.objectContaining({ verb: 'Exec', locUri: './Device/Vendor/MSFT/BitLocker/RotateRecoveryPasswords' }));
    expect(unsupported.map((u) => u.setting)).toEqual(['wifi[0]', 'webFilter']);
  });

  it('gives the same payload for the same settings (its hash is the version)', () => {
    const settings = { passcode: { minLength: 8 }, osUpdate: { minimumVersion: '10.0', deadline: '2030-01-01T00:00:00Z' } };
    expect(JSON.stringify(translatePolicy(settings, target).payload)).toBe(JSON.stringify(translatePolicy(settings, target).payload));
  });
});

describe('raw SyncML profiles, checked at upload', () => {
  it('accepts known nodes with allowed verbs, standalone or inside SyncBody/Atomic', () => {
    expect(validate(replace('./Device/Vendor/MSFT/Policy/Config/Camera/AllowCamera'))).toEqual([]);
    expect(validate(`<Atomic><CmdID>1</CmdID>${replace('./Vendor/MSFT/Policy/Config/Camera/AllowCamera')}</Atomic>`)).toEqual([]);
    expect(
      validate(`<?xml version="1.0"?><SyncBody>${replace('./Device/Vendor/MSFT/Policy/Config/DeviceLock/MinDevicePasswordLength', '8')}<Final/></SyncBody>`),
    ).toEqual([]);
  });

  it('says clearly what is wrong', () => {
    expect(validate('<!DOCTYPE x [<!ENTITY e "e">]><Replace/>')).toEqual(['DOCTYPE and ENTITY declarations are not accepted']);
    expect(validate('<Replace><Item>')[0]).toMatch(/not well-formed|unclosed/);
    expect(validate('')).toEqual(['the profile has no SyncML commands']);
    expect(validate(replace('./Device/Vendor/MSFT/NoSuchCsp/Thing'))).toEqual([
      'command 1 (Replace): ./Device/Vendor/MSFT/NoSuchCsp/Thing is not a known CSP node',
    ]);
    expect(validate('<Exec><CmdID>1</CmdID><Item><Target><LocURI>./Device/Vendor/MSFT/Reboot/Schedule/Single</LocURI></Target></Item></Exec>')).toEqual([
      'command 1 (Exec): ./Device/Vendor/MSFT/Reboot/Schedule/Single does not allow Exec (allows Add, Delete, Get, Replace)',
    ]);
    expect(validate('<Copy><CmdID>1</CmdID></Copy>')).toEqual(['command 1 (Copy): only Add, Replace, Delete, Exec and Get are allowed']);
    expect(validate('<Replace><CmdID>1</CmdID><Item><Data>1</Data></Item></Replace>')).toEqual(['command 1 (Replace): an Item has no Target LocURI']);
  });

  it('refuses ./ slips: absolute paths, dot segments, doubled slashes, other scopes', () => {
    for (const bad of [
      '/Device/Vendor/MSFT/RemoteLock/Lock',
      'Device/Vendor/MSFT/RemoteLock/Lock',
      './Device/Vendor/MSFT/../MSFT/RemoteLock/Lock',
      './Device/Vendor/MSFT/./RemoteLock/Lock',
      './Device/Vendor/MSFT//RemoteLock/Lock',
      './Device/Vendor/MSFT/RemoteLock/',
      './SyncML/DMAcc',
    ]) {
      expect(locUriProblem(bad), bad).toBeDefined();
      expect(validate(replace(bad)).length, bad).toBe(1);
    }
    expect(locUriProblem('./Device/Vendor/MSFT/RemoteLock/Lock')).toBeUndefined();
  });
});
