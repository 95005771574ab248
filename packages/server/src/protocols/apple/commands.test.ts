import { webcrypto } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as x509 from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import { INTENT_NAMES, INTENTS, type IntentName, type IntentParams } from '../../core/commands/intents.js';
import {
  APPLE_REFERENCE_DIR,
  commandSupportedOn,
  keySupportedOn,
  type SchemaOS,
  sampleResponse,
  validateCheckin,
  validateCommand,
  validateCommandResponse,
} from '../../test-support/apple-schema.js';
import {
  type AppleCommand,
  AppleCommandError,
  type ApplePlatform,
  appleCommandsFor,
  availableOSUpdatesCommand,
  certificateListCommand,
  commandEnvelope,
  DEVICE_INFORMATION_QUERIES,
  declarativeManagementCommand,
  deviceInformationCommand,
  installedApplicationListCommand,
  MissingProfilePayload,
  MissingUnlockToken,
  managedApplicationListCommand,
  observedFromResult,
  osUpdateStatusCommand,
  profileListCommand,
  securityInfoCommand,
  settingsCommand,
  UnsupportedIntent,
} from './commands.js';
import { buildPlist, type PlistDict, PlistReal, type PlistValue, type PlistWritableDict, parsePlistDict } from './plist.js';

const PLATFORMS: readonly ApplePlatform[] = ['ios', 'ipados', 'macos'];
const OS_OF: Record<ApplePlatform, SchemaOS> = { ios: 'iOS', ipados: 'iOS', macos: 'macOS' };
const CONTEXT = { unlockToken: Buffer.from('escrowed-unlock-token'), profilePayload: buildPlist({ PayloadType: 'Configuration', PayloadContent: [] }) };

it('finds Apple schema beside the repository (CI clones shared/ next to it)', () => {
  const fromTest = fileURLToPath(new URL('../../../../../../shared/reference/apple-device-management/', import.meta.url));
  expect(fromTest).toBe(APPLE_REFERENCE_DIR);
  expect(existsSync(`${APPLE_REFERENCE_DIR}mdm/commands/device.lock.yaml`)).toBe(true);
});

/** A command as the device reads it: written, parsed, and checked against Apple's schema. */
function expectValid(command: AppleCommand, os: SchemaOS): void {
  expect(validateCommand(command as Record<string, unknown>, { os }), `${command.RequestType} on ${os}`).toEqual([]);
  const envelope = parsePlistDict(commandEnvelope('0b6c1c44-5c83-4f2f-8d4f-1f6f3f0b9a10', command));
  expect(envelope.CommandUUID).toBe('0b6c1c44-5c83-4f2f-8d4f-1f6f3f0b9a10');
  expect(validateCommand(envelope.Command as Record<string, unknown>, { os }), `${command.RequestType} on ${os}, after the wire`).toEqual([]);
}

describe('the schema validator is strict', () => {
  it('accepts a conforming command', () => {
    expect(validateCommand({ RequestType: 'DeviceLock', Message: 'Call IT', PhoneNumber: '+1 555 0100' })).toEqual([]);
  });

  it('catches a wrong type', () => {
    expect(validateCommand({ RequestType: 'DeviceLock', Message: 5 })).toEqual(['DeviceLock.Message: expected <string>, got the integer 5']);
    expect(validateCommand({ RequestType: 'InstallProfile', Payload: 'not data' })[0]).toMatch(/Payload: expected <data>/);
    expect(validateCommand({ RequestType: 'InstallApplication', iTunesStoreID: 1.5 })[0]).toMatch(/iTunesStoreID: expected <integer>, got the real 1.5/);
    expect(validateCommand({ RequestType: 'EraseDevice', PreserveDataPlan: 'yes' })[0]).toMatch(/expected <boolean>/);
    expect(validateCommand({ RequestType: 'DeviceInformation', Queries: 'DeviceName' })[0]).toMatch(/Queries: expected <array>/);
    expect(validateCommand({ RequestType: 'ScheduleOSUpdate', Updates: ['Default'] })[0]).toMatch(
      /Updates\[0\]: expected <dictionary>, got the string "Default"/,
    );
  });

  it('catches a missing required key, also inside arrays of dictionaries', () => {
    expect(validateCommand({ RequestType: 'RemoveProfile' })).toEqual(['RemoveProfile.Identifier: required but missing']);
    expect(validateCommand({ RequestType: 'ScheduleOSUpdate', Updates: [{ ProductVersion: '18.1' }] })).toEqual([
      'ScheduleOSUpdate.Updates[0].InstallAction: required but missing',
    ]);
  });

  it('catches an unknown key, at the top and nested', () => {
    expect(validateCommand({ RequestType: 'RestartDevice', Force: true })).toEqual(["RestartDevice.Force: not a key Apple's schema declares here"]);
    expect(validateCommand({ RequestType: 'ScheduleOSUpdate', Updates: [{ InstallAction: 'Default', When: 'now' }] })[0]).toMatch(
      /Updates\[0\]\.When: not a key/,
    );
  });

  it('catches an out-of-range value', () => {
    expect(validateCommand({ RequestType: 'EraseDevice', ObliterationBehavior: 'Sometimes' })[0]).toMatch(/ObliterationBehavior: .* not in the rangelist/);
    expect(validateCommand({ RequestType: 'InstallApplication', Identifier: 'com.example', ManagementFlags: 2 })[0]).toMatch(
      /ManagementFlags: the integer 2 is not in the rangelist/,
    );
    expect(validateCommand({ RequestType: 'ScheduleOSUpdate', Updates: [{ InstallAction: 'RightNow' }] })[0]).toMatch(/InstallAction: .* not in the rangelist/);
    expect(validateCommand({ RequestType: 'DeviceInformation', Queries: ['DeviceName', 'FavouriteColour'] })[0]).toMatch(
      /Queries\[1\]: .* not one of the values/,
    );
    const caching = validateCommandResponse('ContentCachingInformation', { StatusResponse: { DataMigrationProgress: 1.5 } });
    expect(caching.join('\n')).toMatch(/DataMigrationProgress: 1.5 is above the maximum 1/);
  });

  it('catches a value that matches none of an array’s variants (Settings items)', () => {
    expect(validateCommand({ RequestType: 'Settings', Settings: [{ Item: 'DeviceName', DeviceName: 'Lab iPad' }] })).toEqual([]);
    expect(validateCommand({ RequestType: 'Settings', Settings: [{ Item: 'DeviceName' }] })[0]).toMatch(
      /matches none of .*closest is DeviceName: .*DeviceName: required but missing/,
    );
    expect(validateCommand({ RequestType: 'Settings', Settings: [{ Item: 'Volume', Level: 11 }] })[0]).toMatch(/matches none of/);
  });

  it('catches keys and commands an OS does not have', () => {
    expect(validateCommand({ RequestType: 'DeviceLock', PIN: '123456' }, { os: 'iOS' })).toEqual(['DeviceLock.PIN: not available on iOS']);
    expect(validateCommand({ RequestType: 'DeviceLock', PIN: '123456' }, { os: 'macOS' })).toEqual([]);
    expect(validateCommand({ RequestType: 'DeviceLocation' }, { os: 'macOS' })).toEqual(['DeviceLocation: not available on macOS']);
    expect(validateCommand({ RequestType: 'DeviceInformation', Queries: ['IMEI'] }, { os: 'macOS' })).toEqual([
      'DeviceInformation.Queries[0]: not available on macOS',
    ]);
  });

  it('catches an unknown RequestType and undefined values', () => {
    expect(validateCommand({ RequestType: 'SelfDestruct' })).toEqual(['RequestType: Apple defines no command SelfDestruct']);
    expect(validateCommand({ Message: 'x' })).toEqual(['RequestType: missing or not a string']);
    expect(validateCommand({ RequestType: 'DeviceLock', Message: undefined })[0]).toMatch(/undefined/);
  });

  it('validates check-in messages, allowing for the channel', () => {
    const authenticate = {
      MessageType: 'Authenticate',
      Topic: 'com.apple.mgmt.External.2c1a9f3e-1111-2222-3333-444455556666',
      UDID: '00008110-000A1B2C3D4E801E',
      DeviceName: 'iPhone',
      Model: 'iPhone16,1',
      ModelName: 'iPhone',
      OSVersion: '18.1',
      BuildVersion: '22B83',
      ProductName: 'iPhone16,1',
      SerialNumber: 'F2LXK0AAHG7J',
      IMEI: '35 123456 789012 3',
    };
    expect(validateCheckin('Authenticate', authenticate)).toEqual([]);
    const { Topic: _topic, ...withoutTopic } = authenticate;
    expect(validateCheckin('Authenticate', withoutTopic)).toEqual(['Authenticate.Topic: required but missing']);
    expect(validateCheckin('Authenticate', { ...authenticate, MessageType: 'TokenUpdate' })[0]).toMatch(/MessageType: expected Authenticate/);
    expect(validateCheckin('Authenticate', { ...authenticate, Colour: 'red' })[0]).toMatch(/Colour: not a key/);

    const tokenUpdate = {
      MessageType: 'TokenUpdate',
      Topic: authenticate.Topic,
      UDID: authenticate.UDID,
      Token: Buffer.alloc(32, 1),
      PushMagic: '9E3F1C52-3C9B-4B5E-9F31-2B6A7C4D5E6F',
      UnlockToken: Buffer.alloc(64, 2),
      AwaitingConfiguration: false,
    };
    expect(validateCheckin('TokenUpdate', tokenUpdate, { channel: 'device' })).toEqual([]);
    expect(validateCheckin('TokenUpdate', { ...tokenUpdate, Token: 'abc' })[0]).toMatch(/Token: expected <data>/);
    const { UDID: _udid, ...anonymous } = tokenUpdate;
    expect(validateCheckin('TokenUpdate', anonymous)).toEqual(['TokenUpdate: neither UDID nor EnrollmentID']);
    expect(validateCheckin('TokenUpdate', tokenUpdate, { channel: 'user' })).toEqual(['TokenUpdate: user channel without UserID or EnrollmentUserID']);
    expect(
      validateCheckin('TokenUpdate', { ...tokenUpdate, UserID: 'F1E2D3C4-0000-0000-0000-000000000001', UserLongName: 'Zoë' }, { channel: 'user' }),
    ).toEqual([]);
    expect(validateCheckin('CheckOut', { MessageType: 'CheckOut', Topic: authenticate.Topic, UDID: authenticate.UDID })).toEqual([]);
  });

  it('knows which platforms have a command or a query', () => {
    expect(commandSupportedOn('DeviceLocation', 'iOS')).toBe(true);
    expect(commandSupportedOn('DeviceLocation', 'macOS')).toBe(false);
    expect(keySupportedOn('DeviceInformation', ['Queries', 'QueriesItem', 'HostName'], 'macOS')).toBe(true);
    expect(keySupportedOn('DeviceInformation', ['Queries', 'QueriesItem', 'HostName'], 'iOS')).toBe(false);
  });
});

// --- every command Steward can generate --------------------------------------------------------------

/** Parameters for each intent: the bare minimum and everything set. */
const PARAMS: { [N in IntentName]: IntentParams<N>[] } = {
  lock: [{}, { message: 'Found it? Please call IT.', phoneNumber: '+1 555 0100', pin: '123456' }],
  wipe: [{}, { pin: '654321', preserveDataPlan: true }],
  restart: [{}],
  shutdown: [{}],
  locate: [{}],
  enable_lost_mode: [{}, { message: 'Lost', phoneNumber: '+1 555 0100', footnote: 'Reward offered' }, { phoneNumber: '+1 555 0100' }],
  disable_lost_mode: [{}],
  play_lost_mode_sound: [{}],
  clear_passcode: [{}],
  refresh_inventory: [{}],
  install_profile: [{ profileId: '5f0e8a9b-1c2d-4e3f-8a9b-0c1d2e3f4a5b' }],
  remove_profile: [{ identifier: 'com.example.wifi' }],
  install_app: [{ identifier: 'com.example.app' }, { identifier: '361309726', version: '3.1' }, { identifier: 'https://apps.example.com/app/manifest.plist' }],
  remove_app: [{ identifier: 'com.example.app' }],
  os_update: [{}, { action: 'download' }, { action: 'install', version: '18.1' }, { action: 'default', version: '15.1' }],
  run_script: [{ interpreter: 'zsh', script: 'echo hi' }],
  apply_configuration: [
    {
      key: 'profile.5f0e8a9b-1c2d-4e3f-8a9b-0c1d2e3f4a5b',
      name: 'Wi-Fi',
      version: '0123456789abcdef',
      source: 'raw',
      payload: { identifier: 'com.example.wifi', mobileconfig: Buffer.from('<plist version="1.0"><dict/></plist>').toString('base64') },
    },
  ],
  remove_configuration: [{ key: 'profile.5f0e8a9b-1c2d-4e3f-8a9b-0c1d2e3f4a5b', payload: { identifier: 'com.example.wifi', mobileconfig: 'AA==' } }],
};

const commandsFor = <N extends IntentName>(intent: N, params: IntentParams<N>, platform: ApplePlatform) =>
  appleCommandsFor(intent, params, { ...CONTEXT, platform });

describe('every intent on every Apple platform', () => {
  for (const intent of INTENT_NAMES) {
    for (const platform of PLATFORMS) {
      const applies = INTENTS[intent].platforms.includes(platform) && intent !== 'run_script';
      it(`${intent} on ${platform}: ${applies ? 'conforms to Apple’s schema' : 'is refused as unsupported'}`, () => {
        for (const params of PARAMS[intent] as IntentParams<typeof intent>[]) {
          if (!applies) {
            expect(() => commandsFor(intent, params, platform)).toThrow(UnsupportedIntent);
            continue;
          }
          const commands = commandsFor(intent, params, platform);
          expect(commands.length).toBeGreaterThan(0);
          for (const command of commands) expectValid(command, OS_OF[platform]);
        }
      });
    }
  }
});

describe('what each intent becomes', () => {
  it('lock: a message and phone number everywhere, the PIN only on a Mac', () => {
    const params = { message: 'Call IT', phoneNumber: '+1 555 0100', pin: '123456' };
    expect(commandsFor('lock', params, 'ios')).toEqual([{ RequestType: 'DeviceLock', Message: 'Call IT', PhoneNumber: '+1 555 0100' }]);
    expect(commandsFor('lock', params, 'macos')).toEqual([{ RequestType: 'DeviceLock', Message: 'Call IT', PhoneNumber: '+1 555 0100', PIN: '123456' }]);
    expect(() => commandsFor('lock', { pin: '12ab56' }, 'macos')).toThrow(expect.objectContaining({ code: 'invalid_params' }));
  });

  it('wipe: the PIN on a Mac, PreserveDataPlan on iPhone and iPad', () => {
    expect(commandsFor('wipe', { pin: '123456', preserveDataPlan: true }, 'macos')).toEqual([{ RequestType: 'EraseDevice', PIN: '123456' }]);
    expect(commandsFor('wipe', { pin: '123456', preserveDataPlan: true }, 'ipados')).toEqual([{ RequestType: 'EraseDevice', PreserveDataPlan: true }]);
    expect(commandsFor('wipe', {}, 'ios')).toEqual([{ RequestType: 'EraseDevice' }]);
  });

  it('enable_lost_mode always carries a message or a phone number', () => {
    expect(commandsFor('enable_lost_mode', {}, 'ios')[0]?.Message).toEqual(expect.any(String));
    expect(commandsFor('enable_lost_mode', { phoneNumber: '+1 555 0100' }, 'ios')).toEqual([{ RequestType: 'EnableLostMode', PhoneNumber: '+1 555 0100' }]);
    expect(commandsFor('enable_lost_mode', { message: 'Lost', footnote: 'Thanks' }, 'ipados')).toEqual([
      { RequestType: 'EnableLostMode', Message: 'Lost', Footnote: 'Thanks' },
    ]);
  });

  it('lost mode, locate and clear_passcode are not Mac commands; run_script is never an Apple command', () => {
    for (const intent of ['locate', 'enable_lost_mode', 'disable_lost_mode', 'play_lost_mode_sound', 'clear_passcode'] as const) {
      expect(() => commandsFor(intent, {}, 'macos')).toThrow(UnsupportedIntent);
    }
    for (const platform of PLATFORMS) {
      const error = (() => {
        try {
          commandsFor('run_script', { interpreter: 'sh', script: 'id' }, platform);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(UnsupportedIntent);
      expect(error).toMatchObject({ code: 'unsupported_intent', intent: 'run_script', platform });
    }
  });

  it('clear_passcode sends the escrowed UnlockToken, and refuses without one', () => {
    expect(commandsFor('clear_passcode', {}, 'ios')).toEqual([{ RequestType: 'ClearPasscode', UnlockToken: CONTEXT.unlockToken }]);
    expect(() => appleCommandsFor('clear_passcode', {}, { platform: 'ios' })).toThrow(MissingUnlockToken);
    expect(() => appleCommandsFor('clear_passcode', {}, { platform: 'ios' })).toThrow(AppleCommandError);
  });

  it('install_profile sends the profile bytes, and refuses without them', () => {
    expect(commandsFor('install_profile', { profileId: '5f0e8a9b-1c2d-4e3f-8a9b-0c1d2e3f4a5b' }, 'macos')).toEqual([
      { RequestType: 'InstallProfile', Payload: CONTEXT.profilePayload },
    ]);
    expect(() => appleCommandsFor('install_profile', { profileId: '5f0e8a9b-1c2d-4e3f-8a9b-0c1d2e3f4a5b' }, { platform: 'ios' })).toThrow(
      MissingProfilePayload,
    );
  });

  it('refresh_inventory asks for device information, security, apps, profiles and certificates', () => {
    for (const platform of PLATFORMS) {
      const commands = commandsFor('refresh_inventory', {}, platform);
      expect(commands.map((c) => c.RequestType)).toEqual(['DeviceInformation', 'SecurityInfo', 'InstalledApplicationList', 'ProfileList', 'CertificateList']);
      expect(commands[0]?.Queries).toEqual(DEVICE_INFORMATION_QUERIES[platform]);
    }
  });

  it('the DeviceInformation queries exist on the platforms they are asked of', () => {
    for (const platform of PLATFORMS) {
      const queries = DEVICE_INFORMATION_QUERIES[platform];
      expect(new Set(queries).size).toBe(queries.length);
      for (const query of queries)
        expect(keySupportedOn('DeviceInformation', ['Queries', 'QueriesItem', query], OS_OF[platform]), `${query} on ${platform}`).toBe(true);
    }
  });

  it('install_app: bundle id, App Store id or manifest URL; managed, removed with the MDM profile', () => {
    expect(commandsFor('install_app', { identifier: 'com.example.app' }, 'ios')).toEqual([
      { RequestType: 'InstallApplication', Identifier: 'com.example.app', ManagementFlags: 1 },
    ]);
    expect(commandsFor('install_app', { identifier: '361309726' }, 'macos')).toEqual([
      { RequestType: 'InstallApplication', iTunesStoreID: 361309726, ManagementFlags: 1, InstallAsManaged: true },
    ]);
    expect(commandsFor('install_app', { identifier: 'https://apps.example.com/m.plist' }, 'ipados')[0]).toMatchObject({
      ManifestURL: 'https://apps.example.com/m.plist',
    });
  });

  it('remove_profile and remove_app name what they remove', () => {
    expect(commandsFor('remove_profile', { identifier: 'com.example.wifi' }, 'ios')).toEqual([
      { RequestType: 'RemoveProfile', Identifier: 'com.example.wifi' },
    ]);
    expect(commandsFor('remove_app', { identifier: 'com.example.app' }, 'macos')).toEqual([
      { RequestType: 'RemoveApplication', Identifier: 'com.example.app' },
    ]);
    expect(() => appleCommandsFor('remove_app', { identifier: '' }, { platform: 'ios' })).toThrow(expect.objectContaining({ code: 'invalid_params' }));
  });

  it('os_update maps download / install / default onto InstallAction, with the version when given', () => {
    const updates = (params: IntentParams<'os_update'>) => commandsFor('os_update', params, 'ios')[0]?.Updates;
    expect(updates({})).toEqual([{ InstallAction: 'Default' }]);
    expect(updates({ action: 'download' })).toEqual([{ InstallAction: 'DownloadOnly' }]);
    expect(updates({ action: 'install', version: '18.1' })).toEqual([{ InstallAction: 'InstallASAP', ProductVersion: '18.1' }]);
    expect(() => commandsFor('os_update', { action: 'explode' } as never, 'ios')).toThrow(expect.objectContaining({ code: 'invalid_params' }));
  });

  it('restart, shutdown and the lost-mode commands carry no keys', () => {
    expect(commandsFor('restart', {}, 'macos')).toEqual([{ RequestType: 'RestartDevice' }]);
    expect(commandsFor('shutdown', {}, 'ios')).toEqual([{ RequestType: 'ShutDownDevice' }]);
    expect(commandsFor('locate', {}, 'ios')).toEqual([{ RequestType: 'DeviceLocation' }]);
    expect(commandsFor('disable_lost_mode', {}, 'ipados')).toEqual([{ RequestType: 'DisableLostMode' }]);
    expect(commandsFor('play_lost_mode_sound', {}, 'ios')).toEqual([{ RequestType: 'PlayLostModeSound' }]);
  });
});

describe('commands Steward sends on its own', () => {
  const BUILT: Record<string, { command: AppleCommand; platforms: readonly ApplePlatform[] }> = {
    'DeviceInformation (iOS queries)': { command: deviceInformationCommand('ios'), platforms: ['ios', 'ipados'] },
    'DeviceInformation (macOS queries)': { command: deviceInformationCommand('macos'), platforms: ['macos'] },
    'DeviceInformation (chosen queries)': { command: deviceInformationCommand('ios', ['DeviceName', 'OSVersion']), platforms: PLATFORMS },
    SecurityInfo: { command: securityInfoCommand(), platforms: PLATFORMS },
    InstalledApplicationList: { command: installedApplicationListCommand(), platforms: PLATFORMS },
    'InstalledApplicationList (filtered)': {
      command: installedApplicationListCommand({ identifiers: ['com.example.app'], managedAppsOnly: true }),
      platforms: PLATFORMS,
    },
    ManagedApplicationList: { command: managedApplicationListCommand(), platforms: PLATFORMS },
    'ManagedApplicationList (filtered)': { command: managedApplicationListCommand({ identifiers: ['com.example.app'] }), platforms: PLATFORMS },
    ProfileList: { command: profileListCommand(), platforms: PLATFORMS },
    'ProfileList (managed only)': { command: profileListCommand({ managedOnly: true }), platforms: PLATFORMS },
    CertificateList: { command: certificateListCommand(), platforms: PLATFORMS },
    'CertificateList (managed only)': { command: certificateListCommand({ managedOnly: true }), platforms: PLATFORMS },
    AvailableOSUpdates: { command: availableOSUpdatesCommand(), platforms: PLATFORMS },
    OSUpdateStatus: { command: osUpdateStatusCommand(), platforms: PLATFORMS },
    DeclarativeManagement: { command: declarativeManagementCommand(), platforms: PLATFORMS },
    'DeclarativeManagement (tokens)': {
      command: declarativeManagementCommand(Buffer.from(JSON.stringify({ SyncTokens: { DeclarationsToken: 'abc', Timestamp: '2024-06-01T12:00:00Z' } }))),
      platforms: PLATFORMS,
    },
    'Settings (shared)': {
      command: settingsCommand([
        { Item: 'DeviceName', DeviceName: 'Front desk' },
        { Item: 'Bluetooth', Enabled: false },
        { Item: 'OrganizationInfo', OrganizationInfo: { OrganizationName: 'Example Ltd', OrganizationEmail: 'it@example.com' } },
      ]),
      platforms: PLATFORMS,
    },
    'Settings (iPhone and iPad)': {
      command: settingsCommand([
        { Item: 'DataRoaming', Enabled: false },
        { Item: 'PersonalHotspot', Enabled: true },
        { Item: 'TimeZone', TimeZone: 'Europe/Paris' },
        { Item: 'Wallpaper', Image: Buffer.from('png bytes'), Where: 3 },
        { Item: 'ApplicationConfiguration', Identifier: 'com.example.app', Configuration: { ServerURL: 'https://example.com', Retries: 3 } },
      ]),
      platforms: ['ios', 'ipados'],
    },
    'Settings (Mac)': { command: settingsCommand([{ Item: 'HostName', HostName: 'lab-mac-01' }]), platforms: ['macos'] },
  };

  for (const [name, { command, platforms }] of Object.entries(BUILT)) {
    it(`${name} conforms to Apple’s schema on ${platforms.join(', ')}`, () => {
      for (const platform of platforms) expectValid(command, OS_OF[platform]);
    });
  }

  it('a Settings command needs an item', () => {
    expect(() => settingsCommand([])).toThrow(expect.objectContaining({ code: 'invalid_params' }));
  });
});

describe('commandEnvelope', () => {
  it('round-trips through parsePlist with every value type intact', () => {
    const command = settingsCommand([
      { Item: 'Wallpaper', Image: Buffer.from([0x89, 0x50, 0x4e, 0x47]), Where: 1 },
      { Item: 'DeviceName', DeviceName: 'Zoë’s <iPad> & co' },
    ]);
    const parsed = parsePlistDict(commandEnvelope('C0FFEE00-0000-4000-8000-000000000001', command));
    expect(parsed).toEqual({ CommandUUID: 'C0FFEE00-0000-4000-8000-000000000001', Command: command });
    expect(Buffer.from(commandEnvelope('id', command)).toString()).toContain('<key>CommandUUID</key>');
  });

  it('refuses an empty CommandUUID', () => {
    expect(() => commandEnvelope('', securityInfoCommand())).toThrow(AppleCommandError);
  });
});

// --- results → observed state --------------------------------------------------------------------------

/** A result as Steward receives it: through the plist codec. */
const received = (result: PlistWritableDict): PlistDict => parsePlistDict(buildPlist(result));
const COMMON = { UDID: '00008110-000A1B2C3D4E801E', CommandUUID: 'C0FFEE00-0000-4000-8000-000000000002', Status: 'Acknowledged' };

function expectJsonSafe(value: unknown): void {
  expect(JSON.parse(JSON.stringify(value))).toEqual(value);
}

describe('observedFromResult', () => {
  it('DeviceInformation from an iPhone: typed fields and device facts', () => {
    const result = {
      ...COMMON,
      QueryResponses: {
        DeviceName: 'Zoë’s iPhone',
        OSVersion: '18.1',
        BuildVersion: '22B83',
        ProductName: 'iPhone16,1',
        ModelName: 'iPhone',
        Model: 'MTLX3LL/A',
        ModelNumber: 'MTLX3',
        SerialNumber: 'F2LXK0AAHG7J',
        UDID: COMMON.UDID,
        IMEI: '35 123456 789012 3',
        MEID: '35123456789012',
        DeviceCapacity: new PlistReal(128),
        AvailableDeviceCapacity: 87.25,
        BatteryLevel: 0.81,
        WiFiMAC: 'a4:83:e7:11:22:33',
        BluetoothMAC: 'a4:83:e7:11:22:34',
        IsSupervised: true,
        IsActivationLockEnabled: false,
        IsDeviceLocatorServiceEnabled: true,
        IsMDMLostModeEnabled: false,
        IsCloudBackupEnabled: true,
        LastCloudBackupDate: new Date('2024-06-01T03:00:00Z'),
        CellularTechnology: 3,
        IsRoaming: false,
        CurrentCarrierNetwork: 'Example Mobile',
        ServiceSubscriptions: [{ IsDataPreferred: true, ICCID: '8944 1234 5678 9012 345', CurrentCarrierNetwork: 'Example Mobile', Label: 'Primary' }],
        TimeZone: 'Europe/London',
        PushToken: Buffer.from('a push token, which is not a fact'),
      },
    };
    expect(validateCommandResponse('DeviceInformation', received(result), { os: 'iOS' })).toEqual([]);
    const observed = observedFromResult('DeviceInformation', received(result));
    expect(observed).toMatchObject({ name: 'Zoë’s iPhone', serialNumber: 'F2LXK0AAHG7J', model: 'iPhone16,1', osVersion: '18.1', imei: '351234567890123' });
    const device = observed?.facts?.device as Record<string, unknown>;
    expect(device).toMatchObject({
      udid: COMMON.UDID,
      buildVersion: '22B83',
      capacityGb: 128,
      availableCapacityGb: 87.25,
      batteryLevel: 0.81,
      wifiMac: 'a4:83:e7:11:22:33',
      supervised: true,
      activationLockEnabled: false,
      findMyEnabled: true,
      lastCloudBackupAt: '2024-06-01T03:00:00.000Z',
      cellularTechnology: 3,
      timeZone: 'Europe/London',
      serviceSubscriptions: [{ IsDataPreferred: true, ICCID: '8944 1234 5678 9012 345', CurrentCarrierNetwork: 'Example Mobile', Label: 'Primary' }],
    });
    expect(JSON.stringify(device)).not.toContain('push');
    expectJsonSafe(observed);
  });

  it('DeviceInformation from a Mac', () => {
    const result = received({
      ...COMMON,
      QueryResponses: {
        DeviceName: 'Lab Mac 01',
        OSVersion: '15.1',
        ProductName: 'Mac15,3',
        ModelName: 'MacBook Pro',
        SerialNumber: 'C02XXXXXXXXX',
        IsAppleSilicon: true,
        SystemIntegrityProtectionEnabled: true,
        HostName: 'lab-mac-01.example.com',
        LocalHostName: 'lab-mac-01',
        EthernetMAC: '00:11:22:33:44:55',
        HasBattery: true,
        PINRequiredForDeviceLock: false,
        OSUpdateSettings: { AutoCheckEnabled: true, PreviousScanDate: new Date('2024-06-01T00:00:00Z'), CatalogURL: 'https://swscan.apple.com' },
      },
    });
    expect(validateCommandResponse('DeviceInformation', result, { os: 'macOS' })).toEqual([]);
    const observed = observedFromResult('DeviceInformation', result);
    expect(observed).toMatchObject({ name: 'Lab Mac 01', model: 'Mac15,3', osVersion: '15.1' });
    expect(observed?.imei).toBeUndefined();
    expect(observed?.facts?.device).toMatchObject({
      appleSilicon: true,
      sipEnabled: true,
      hostName: 'lab-mac-01.example.com',
      pinRequiredForLock: false,
      osUpdateSettings: { AutoCheckEnabled: true, PreviousScanDate: '2024-06-01T00:00:00.000Z', CatalogURL: 'https://swscan.apple.com' },
    });
    expectJsonSafe(observed);
  });

  it('SecurityInfo from an iPhone: passcode and data protection', () => {
    const result = received({
      ...COMMON,
      SecurityInfo: {
        HardwareEncryptionCaps: 3,
        PasscodePresent: true,
        PasscodeCompliant: true,
        PasscodeCompliantWithProfiles: false,
        PasscodeLockGracePeriodEnforced: 0,
        ManagementStatus: { IsUserEnrollment: false },
      },
    });
    expect(validateCommandResponse('SecurityInfo', result, { os: 'iOS' })).toEqual([]);
    expect(observedFromResult('SecurityInfo', result)).toEqual({
      facts: {
        security: {
          hardwareEncryptionCaps: 3,
          blockLevelEncryption: true,
          fileLevelEncryption: true,
          passcodePresent: true,
          passcodeCompliant: true,
          passcodeCompliantWithProfiles: false,
          passcodeLockGracePeriodEnforced: 0,
          encrypted: true,
          managementStatus: { userEnrollment: false },
        },
      },
    });
  });

  it('SecurityInfo from a Mac: FileVault, SIP, firewall, secure boot — and never the recovery key', () => {
    const result = received({
      ...COMMON,
      SecurityInfo: {
        FDE_Enabled: true,
        FDE_HasPersonalRecoveryKey: true,
        FDE_HasInstitutionalRecoveryKey: false,
        FDE_PersonalRecoveryKeyCMS: Buffer.from('an encrypted recovery key'),
        FDE_PersonalRecoveryKeyDeviceKey: 'DEVICEKEY',
        SystemIntegrityProtectionEnabled: true,
        FirewallSettings: {
          FirewallEnabled: true,
          BlockAllIncoming: false,
          StealthMode: true,
          Applications: [{ BundleID: 'com.example.server', Allowed: true, Name: 'Server' }],
        },
        FirmwarePasswordStatus: { PasswordExists: false, ChangePending: false, AllowOroms: true },
        SecureBoot: { SecureBootLevel: 'full', ExternalBootLevel: 'disallowed', ReducedSecurity: ['AllowsMDM'] },
        AuthenticatedRootVolumeEnabled: true,
        BootstrapTokenAllowedForAuthentication: 'allowed',
        IsRecoveryLockEnabled: false,
      },
    });
    expect(validateCommandResponse('SecurityInfo', result, { os: 'macOS' })).toEqual([]);
    const security = observedFromResult('SecurityInfo', result)?.facts?.security;
    expect(security).toMatchObject({
      fileVaultEnabled: true,
      encrypted: true,
      fileVaultPersonalRecoveryKey: true,
      sipEnabled: true,
      firewall: {
        enabled: true,
        blockAllIncoming: false,
        stealthMode: true,
        applications: [{ bundleId: 'com.example.server', allowed: true, name: 'Server' }],
      },
      firmwarePassword: { exists: false, changePending: false, allowOroms: true },
      secureBoot: { level: 'full', externalBootLevel: 'disallowed', reducedSecurity: ['AllowsMDM'] },
      authenticatedRootVolumeEnabled: true,
      bootstrapTokenAllowedForAuthentication: 'allowed',
      recoveryLockEnabled: false,
    });
    const serialised = JSON.stringify(security);
    expect(serialised).not.toContain(Buffer.from('an encrypted recovery key').toString('base64'));
    expect(serialised).not.toContain('DEVICEKEY');
  });

  it('InstalledApplicationList → apps', () => {
    const result = received({
      ...COMMON,
      InstalledApplicationList: [
        { Identifier: 'com.apple.mobilesafari', Name: 'Safari', Version: '8619.2.8', ShortVersion: '18.1', BundleSize: 4_194_304, IsValidated: true },
        { Identifier: 'com.example.app', Name: 'Example', Version: '42', ShortVersion: '3.1', BundleSize: 52_428_800, DynamicSize: 1024, Installing: false },
      ],
    });
    expect(validateCommandResponse('InstalledApplicationList', result)).toEqual([]);
    expect(observedFromResult('InstalledApplicationList', result)).toEqual({
      facts: {
        apps: [
          { identifier: 'com.apple.mobilesafari', name: 'Safari', version: '8619.2.8', shortVersion: '18.1', bundleSize: 4_194_304, validated: true },
          { identifier: 'com.example.app', name: 'Example', version: '42', shortVersion: '3.1', bundleSize: 52_428_800, dynamicSize: 1024, installing: false },
        ],
      },
    });
  });

  it('ManagedApplicationList → managedApps, keyed by bundle id in the result', () => {
    const app = {
      Status: 'Managed',
      ManagementFlags: 1,
      UnusedRedemptionCode: '',
      HasConfiguration: false,
      HasFeedback: false,
      IsValidated: true,
      ExternalVersionIdentifier: 0,
    };
    const result = received({ ...COMMON, ManagedApplicationList: { 'com.example.app': app, 'com.example.other': { ...app, Status: 'Installing' } } });
    expect(validateCommandResponse('ManagedApplicationList', result)).toEqual([]);
    expect(observedFromResult('ManagedApplicationList', result)?.facts?.managedApps).toEqual([
      {
        identifier: 'com.example.app',
        status: 'Managed',
        managementFlags: 1,
        hasConfiguration: false,
        hasFeedback: false,
        validated: true,
        externalVersionIdentifier: 0,
      },
      {
        identifier: 'com.example.other',
        status: 'Installing',
        managementFlags: 1,
        hasConfiguration: false,
        hasFeedback: false,
        validated: true,
        externalVersionIdentifier: 0,
      },
    ]);
  });

  it('ProfileList → profiles', () => {
    const result = received({
      ...COMMON,
      ProfileList: [
        {
          PayloadIdentifier: 'com.example.mdm',
          PayloadUUID: '6B1C4E2A-1111-4222-8333-944455556666',
          PayloadDisplayName: 'Steward MDM',
          PayloadOrganization: 'Example Ltd',
          PayloadVersion: 1,
          PayloadRemovalDisallowed: true,
          IsManaged: false,
          SignerCertificates: [Buffer.from('der')],
          PayloadContent: [
            {
              PayloadType: 'com.apple.mdm',
              PayloadIdentifier: 'com.example.mdm.payload',
              PayloadUUID: '7C2D5F3B-1111-4222-8333-944455556666',
              PayloadVersion: 1,
            },
          ],
        },
      ],
    });
    expect(validateCommandResponse('ProfileList', result)).toEqual([]);
    expect(observedFromResult('ProfileList', result)?.facts?.profiles).toEqual([
      {
        identifier: 'com.example.mdm',
        uuid: '6B1C4E2A-1111-4222-8333-944455556666',
        displayName: 'Steward MDM',
        organization: 'Example Ltd',
        version: 1,
        removalDisallowed: true,
        managed: false,
        signed: true,
        payloads: [{ type: 'com.apple.mdm', identifier: 'com.example.mdm.payload', uuid: '7C2D5F3B-1111-4222-8333-944455556666', version: 1 }],
      },
    ]);
  });

  it('CertificateList → certificates, with validity read from the DER', async () => {
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '0a1b2c',
      name: 'CN=Steward Device Identity',
      notBefore: new Date('2024-01-01T00:00:00Z'),
      notAfter: new Date('2026-01-01T00:00:00Z'),
      keys,
      signingAlgorithm: algorithm,
    });
    const result = received({
      ...COMMON,
      CertificateList: [
        { CommonName: 'Steward Device Identity', IsIdentity: true, Data: Buffer.from(certificate.rawData) },
        { CommonName: 'Broken', IsIdentity: false, Data: Buffer.from('not a certificate') },
      ],
    });
    expect(validateCommandResponse('CertificateList', result)).toEqual([]);
    const certificates = observedFromResult('CertificateList', result)?.facts?.certificates as Record<string, unknown>[];
    expect(certificates[0]).toMatchObject({
      commonName: 'Steward Device Identity',
      isIdentity: true,
      notBefore: '2024-01-01T00:00:00.000Z',
      notAfter: '2026-01-01T00:00:00.000Z',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(certificates[1]).toEqual({ commonName: 'Broken', isIdentity: false });
    expectJsonSafe(certificates);
  });

  it('DeviceLocation → location', () => {
    const result = received({
      ...COMMON,
      Latitude: 51.5007,
      Longitude: -0.1246,
      HorizontalAccuracy: new PlistReal(5),
      VerticalAccuracy: new PlistReal(3),
      Altitude: 11.5,
      Speed: new PlistReal(0),
      Course: -1.5,
      Timestamp: '2024-06-01T12:00:00Z',
    });
    expect(validateCommandResponse('DeviceLocation', result)).toEqual([]);
    expect(observedFromResult('DeviceLocation', result)).toEqual({
      facts: {
        location: {
          latitude: 51.5007,
          longitude: -0.1246,
          horizontalAccuracy: 5,
          verticalAccuracy: 3,
          altitude: 11.5,
          speed: 0,
          course: -1.5,
          timestamp: '2024-06-01T12:00:00Z',
        },
      },
    });
  });

  it('AvailableOSUpdates and OSUpdateStatus → update facts', () => {
    const available = received({
      ...COMMON,
      AvailableOSUpdates: [
        {
          ProductKey: 'iOSUpdate22B91',
          HumanReadableName: 'iOS 18.1.1',
          HumanReadableNameLocale: 'en',
          MetadataURL: 'https://updates.example.com/22B91',
          ProductName: 'iOS',
          Version: '18.1.1',
          Build: '22B91',
          DownloadSize: 512_000_000,
          InstallSize: 2_000_000_000,
          AppIdentifiersToClose: [],
          IsCritical: true,
          RestartRequired: true,
          IsSecurityResponse: false,
          DeferredUntil: new Date('2024-12-01T00:00:00Z'),
        },
      ],
    });
    expect(validateCommandResponse('AvailableOSUpdates', available)).toEqual([]);
    expect(observedFromResult('AvailableOSUpdates', available)?.facts?.availableOSUpdates).toEqual([
      {
        productKey: 'iOSUpdate22B91',
        name: 'iOS 18.1.1',
        productName: 'iOS',
        version: '18.1.1',
        build: '22B91',
        downloadSize: 512_000_000,
        installSize: 2_000_000_000,
        critical: true,
        restartRequired: true,
        securityResponse: false,
        deferredUntil: '2024-12-01T00:00:00.000Z',
        metadataUrl: 'https://updates.example.com/22B91',
        appIdentifiersToClose: [],
      },
    ]);

    const status = received({
      ...COMMON,
      OSUpdateStatus: [
        {
          ProductKey: 'iOSUpdate22B91',
          IsDownloaded: false,
          DownloadPercentComplete: 0.42,
          Status: 'Downloading',
          PastNotifications: [new Date('2024-06-01T00:00:00Z')],
        },
      ],
    });
    expect(validateCommandResponse('OSUpdateStatus', status)).toEqual([]);
    expect(observedFromResult('OSUpdateStatus', status)?.facts?.osUpdateStatus).toEqual([
      {
        productKey: 'iOSUpdate22B91',
        downloaded: false,
        downloadPercentComplete: 0.42,
        status: 'Downloading',
        pastNotifications: ['2024-06-01T00:00:00.000Z'],
      },
    ]);
  });

  const PARSED = [
    'DeviceInformation',
    'SecurityInfo',
    'InstalledApplicationList',
    'ManagedApplicationList',
    'ProfileList',
    'CertificateList',
    'DeviceLocation',
    'AvailableOSUpdates',
    'OSUpdateStatus',
  ];
  for (const requestType of PARSED) {
    it(`${requestType}: a result with every key Apple documents gives JSON-safe facts`, () => {
      const sample = sampleResponse(requestType);
      expect(validateCommandResponse(requestType, sample)).toEqual([]);
      const observed = observedFromResult(requestType, received(sample as Record<string, PlistValue>));
      expect(observed?.facts).toBeDefined();
      expectJsonSafe(observed);
    });
  }

  it('results that say nothing about the device, and malformed results, give undefined', () => {
    expect(observedFromResult('RestartDevice', received(COMMON))).toBeUndefined();
    expect(observedFromResult('NoSuchCommand', received(COMMON))).toBeUndefined();
    expect(observedFromResult('toString', received(COMMON))).toBeUndefined();
    expect(observedFromResult('DeviceInformation', received({ ...COMMON, QueryResponses: 'nope' }))).toBeUndefined();
    expect(observedFromResult('SecurityInfo', received(COMMON))).toBeUndefined();
    expect(observedFromResult('DeviceLocation', received({ ...COMMON, Latitude: 'north' }))).toBeUndefined();
  });

  it('values of the wrong type are dropped and typed columns are bounded', () => {
    const observed = observedFromResult(
      'DeviceInformation',
      received({
        ...COMMON,
        QueryResponses: {
          DeviceName: 'x'.repeat(1000),
          OSVersion: 18,
          IsSupervised: 'yes',
          SerialNumber: '   ',
          BatteryLevel: Number.NaN,
          HostName: 'h'.repeat(5000),
        },
      }),
    );
    expect(observed?.name).toHaveLength(255);
    expect(observed?.osVersion).toBeUndefined();
    expect(observed?.serialNumber).toBeUndefined();
    expect(observed?.facts?.device).toEqual({ name: 'x'.repeat(1000), serialNumber: '   ', hostName: 'h'.repeat(1024) });
  });
});
