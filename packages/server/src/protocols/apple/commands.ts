/**
 * Steward's intents as Apple MDM commands, and Apple command results as observed state.
 *
 * An `AppleCommand` is the inner `Command` dictionary (`RequestType` plus its keys); `commandEnvelope`
 * wraps it with its `CommandUUID` into the plist bytes that go on the wire. `observedFromResult` turns
 * an acknowledged result into an `InventoryUpdate`: typed columns where they exist, and JSON-safe facts
 * under one key per result type (`device`, `security`, `apps`, …), each replaced whole by a fresh result.
 *
 * Every command built here is checked against Apple's published schema by `commands.test.ts`.
 *
 * @example
 * const [command] = appleCommandsFor('lock', { message: 'Call IT' }, { platform: 'ios' });
 * const body = commandEnvelope(commandUuid, command); // → the device's next command
 */
import { X509Certificate } from 'node:crypto';
import { INTENTS, type IntentName, type IntentParams } from '../../core/commands/intents.js';
import type { InventoryUpdate } from '../../core/devices/device-repository.js';
import { buildPlist, isPlistDict, type PlistDict, type PlistValue, type PlistWritable } from './plist.js';

export type ApplePlatform = 'ios' | 'ipados' | 'macos';

/** The inner `Command` dictionary of an MDM command. */
export interface AppleCommand {
  readonly RequestType: string;
  readonly [key: string]: PlistWritable | undefined;
}

export interface AppleCommandContext {
  platform: ApplePlatform;
  /** The device's escrowed UnlockToken (from TokenUpdate), for ClearPasscode. */
  unlockToken?: Buffer | undefined;
  /** The profile to install (signed or not), for InstallProfile. */
  profilePayload?: Buffer | undefined;
  /** Personal devices get no full app inventory. */
  ownership?: 'corporate' | 'personal' | undefined;
}

export type AppleCommandErrorCode = 'unsupported_intent' | 'unlock_token_missing' | 'profile_payload_missing' | 'invalid_params';

/** Why an intent can't become Apple commands; the caller completes the delivery with this as its error. */
export class AppleCommandError extends Error {
  override name = 'AppleCommandError';
  constructor(
    readonly code: AppleCommandErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The intent has no Apple MDM equivalent on this platform (`run_script` everywhere; lost mode on macOS …). */
export class UnsupportedIntent extends AppleCommandError {
  override name = 'UnsupportedIntent';
  constructor(
    readonly intent: string,
    readonly platform: ApplePlatform,
  ) {
    super('unsupported_intent', `${intent} has no Apple MDM command on ${platform}`);
  }
}

/** ClearPasscode needs the UnlockToken the device escrowed at TokenUpdate; this device never sent one. */
export class MissingUnlockToken extends AppleCommandError {
  override name = 'MissingUnlockToken';
  constructor() {
    super('unlock_token_missing', 'the device has not escrowed an UnlockToken, so its passcode cannot be cleared');
  }
}

export class MissingProfilePayload extends AppleCommandError {
  override name = 'MissingProfilePayload';
  constructor() {
    super('profile_payload_missing', 'InstallProfile needs the profile bytes');
  }
}

const DEFAULT_LOST_MODE_MESSAGE = 'This device has been lost. Please return it to its owner.';
/** Not 'n/a' on any Apple platform the lists below are used for; `commands.test.ts` checks each against the schema. */
const COMMON_QUERIES = [
  'UDID',
  'DeviceName',
  'OSVersion',
  'BuildVersion',
  'SupplementalBuildVersion',
  'SupplementalOSVersionExtra',
  'ProductName',
  'ModelName',
  'Model',
  'ModelNumber',
  'SerialNumber',
  'DeviceCapacity',
  'AvailableDeviceCapacity',
  'BatteryLevel',
  'IsSupervised',
  'IsActivationLockEnabled',
  'AwaitingConfiguration',
  'WiFiMAC',
  'BluetoothMAC',
  'MDMOptions',
] as const;
const MOBILE_QUERIES = [
  ...COMMON_QUERIES,
  'IMEI',
  'MEID',
  'ICCID',
  'ModemFirmwareVersion',
  'CellularTechnology',
  'PhoneNumber',
  'CurrentCarrierNetwork',
  'SubscriberCarrierNetwork',
  'CarrierSettingsVersion',
  'IsRoaming',
  'DataRoamingEnabled',
  'VoiceRoamingEnabled',
  'PersonalHotspotEnabled',
  'ServiceSubscriptions',
  'IsDeviceLocatorServiceEnabled',
  'IsMDMLostModeEnabled',
  'IsCloudBackupEnabled',
  'LastCloudBackupDate',
  'IsMultiUser',
  'IsDoNotDisturbInEffect',
  'TimeZone',
  'EASDeviceIdentifier',
] as const;
const MAC_QUERIES = [
  ...COMMON_QUERIES,
  'ProvisioningUDID',
  'HasBattery',
  'IsAppleSilicon',
  'IsActivationLockSupported',
  'EthernetMAC',
  'HostName',
  'LocalHostName',
  'SystemIntegrityProtectionEnabled',
  'OSUpdateSettings',
  'PINRequiredForDeviceLock',
  'PINRequiredForEraseDevice',
  'SupportsLOMDevice',
  'SupportsiOSAppInstalls',
  'EACSPreflight',
] as const;

/** The DeviceInformation queries `refresh_inventory` asks each platform for. */
export const DEVICE_INFORMATION_QUERIES: Readonly<Record<ApplePlatform, readonly string[]>> = Object.freeze({
  ios: MOBILE_QUERIES,
  ipados: MOBILE_QUERIES,
  macos: MAC_QUERIES,
});

// --- builders for the commands Steward sends -------------------------------------------------------

/** Drops `undefined` entries, so a command holds exactly the keys that go on the wire. */
function command(requestType: string, keys: Record<string, PlistWritable | undefined> = {}): AppleCommand {
  const out: Record<string, PlistWritable> = { RequestType: requestType };
  for (const [key, value] of Object.entries(keys)) if (value !== undefined) out[key] = value;
  return out as AppleCommand;
}

const nonEmpty = <T>(list: readonly T[] | undefined): readonly T[] | undefined => (list && list.length > 0 ? list : undefined);

export const deviceInformationCommand = (platform: ApplePlatform, queries: readonly string[] = DEVICE_INFORMATION_QUERIES[platform]): AppleCommand =>
  command('DeviceInformation', { Queries: [...queries] });
export const securityInfoCommand = (): AppleCommand => command('SecurityInfo');
export const installedApplicationListCommand = (options: { identifiers?: readonly string[]; managedAppsOnly?: boolean } = {}): AppleCommand =>
  command('InstalledApplicationList', { Identifiers: nonEmpty(options.identifiers), ManagedAppsOnly: options.managedAppsOnly });
export const managedApplicationListCommand = (options: { identifiers?: readonly string[] } = {}): AppleCommand =>
  command('ManagedApplicationList', { Identifiers: nonEmpty(options.identifiers) });
export const profileListCommand = (options: { managedOnly?: boolean } = {}): AppleCommand => command('ProfileList', { ManagedOnly: options.managedOnly });
export const certificateListCommand = (options: { managedOnly?: boolean } = {}): AppleCommand =>
  command('CertificateList', { ManagedOnly: options.managedOnly });
export const availableOSUpdatesCommand = (): AppleCommand => command('AvailableOSUpdates');
export const osUpdateStatusCommand = (): AppleCommand => command('OSUpdateStatus');

/** One item of a Settings command, told apart by `Item` (`DeviceName`, `HostName`, `Bluetooth`, …). */
export interface AppleSettingsItem {
  readonly Item: string;
  readonly [key: string]: PlistWritable | undefined;
}
export const settingsCommand = (items: readonly AppleSettingsItem[]): AppleCommand => {
  if (items.length === 0) throw new AppleCommandError('invalid_params', 'a Settings command needs at least one item');
  return command('Settings', { Settings: [...items] });
};

/** Tells the device to sync declarations; `data` is the optional synchronization-tokens JSON. */
export const declarativeManagementCommand = (data?: Uint8Array): AppleCommand => command('DeclarativeManagement', { Data: data });

// --- intents -----------------------------------------------------------------------------------------

type Builder<N extends IntentName> = (params: IntentParams<N>, context: AppleCommandContext) => AppleCommand[];

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function required(value: unknown, name: string): string {
  const found = text(value);
  if (found === undefined) throw new AppleCommandError('invalid_params', `${name} is required`);
  return found;
}

function pin(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[0-9]{6}$/.test(value)) throw new AppleCommandError('invalid_params', 'the PIN must be six digits');
  return value;
}

/**
 * What an Apple device receives for a configuration (a translated policy or a raw profile): the
 * profile's top-level PayloadIdentifier, and the `.mobileconfig` itself, base64.
 */
export interface AppleConfiguration {
  identifier: string;
  mobileconfig: string;
}

function appleConfiguration(payload: unknown): { identifier: string; mobileconfig: Buffer } {
  const value = payload as Partial<AppleConfiguration> | null | undefined;
  const identifier = text(value?.identifier);
  const mobileconfig = text(value?.mobileconfig);
  if (!identifier || !mobileconfig || !/^[A-Za-z0-9+/]+={0,2}$/.test(mobileconfig))
    throw new AppleCommandError('invalid_params', 'an Apple configuration needs its identifier and the base64 .mobileconfig');
  return { identifier, mobileconfig: Buffer.from(mobileconfig, 'base64') };
}

const OS_UPDATE_ACTIONS = Object.freeze({ download: 'DownloadOnly', install: 'InstallASAP', default: 'Default' } as const);

const BUILDERS: { readonly [N in IntentName]: Builder<N> } = {
  lock: (params, { platform }) => [
    // Only a Mac takes a PIN (Find My); iOS refuses the key.
    command('DeviceLock', { Message: text(params.message), PhoneNumber: text(params.phoneNumber), PIN: platform === 'macos' ? pin(params.pin) : undefined }),
  ],
  wipe: (params, { platform }) => [
    command(
      'EraseDevice',
      platform === 'macos'
        ? { PIN: pin(params.pin) }
        : { PreserveDataPlan: typeof params.preserveDataPlan === 'boolean' ? params.preserveDataPlan : undefined },
    ),
  ],
  restart: () => [command('RestartDevice')],
  shutdown: () => [command('ShutDownDevice')],
  locate: () => [command('DeviceLocation')],
  enable_lost_mode: (params) => {
    const message = text(params.message);
    const phoneNumber = text(params.phoneNumber);
    // The device refuses lost mode without a message or a phone number.
    return [
      command('EnableLostMode', {
        Message: message ?? (phoneNumber ? undefined : DEFAULT_LOST_MODE_MESSAGE),
        PhoneNumber: phoneNumber,
        Footnote: text(params.footnote),
      }),
    ];
  },
  disable_lost_mode: () => [command('DisableLostMode')],
  play_lost_mode_sound: () => [command('PlayLostModeSound')],
  clear_passcode: (_params, { unlockToken }) => {
    if (!unlockToken || unlockToken.length === 0) throw new MissingUnlockToken();
    return [command('ClearPasscode', { UnlockToken: unlockToken })];
  },
  refresh_inventory: (_params, { platform, ownership }) => [
    deviceInformationCommand(platform),
    securityInfoCommand(),
    // A personal device's own apps are none of the organisation's business: only the managed ones.
    ownership === 'personal' ? managedApplicationListCommand() : installedApplicationListCommand(),
    profileListCommand(),
    certificateListCommand(),
  ],
  install_profile: (_params, { profilePayload }) => {
    if (!profilePayload || profilePayload.length === 0) throw new MissingProfilePayload();
    return [command('InstallProfile', { Payload: profilePayload })];
  },
  remove_profile: (params) => [command('RemoveProfile', { Identifier: required(params.identifier, 'identifier') })],
  apply_configuration: (params) => {
    const profile = appleConfiguration(params.payload);
    return [command('InstallProfile', { Payload: profile.mobileconfig })];
  },
  // Removal needs only the identifier (the reconciler keeps `{ identifier }` once the profile itself is gone).
  remove_configuration: (params) => [
    command('RemoveProfile', { Identifier: required((params.payload as Partial<AppleConfiguration> | undefined)?.identifier, 'payload.identifier') }),
  ],
  install_app: (params, { platform }) => {
    const identifier = required(params.identifier, 'identifier');
    // A catalogue entry is an App Store id (digits), an enterprise app's manifest URL, or a bundle id.
    // The version can't be chosen: the App Store installs the current one.
    const source = /^[0-9]{1,15}$/.test(identifier)
      ? { iTunesStoreID: Number(identifier) }
      : /^https:\/\//.test(identifier)
        ? { ManifestURL: identifier }
        : { Identifier: identifier };
    return [
      command('InstallApplication', {
        ...source,
        // 1: remove the app when the MDM profile goes, so an unenrolled device keeps no company app.
        ManagementFlags: 1,
        InstallAsManaged: platform === 'macos' ? true : undefined,
      }),
    ];
  },
  remove_app: (params) => [command('RemoveApplication', { Identifier: required(params.identifier, 'identifier') })],
  os_update: (params) => {
    const action = params.action ?? 'default';
    if (!Object.hasOwn(OS_UPDATE_ACTIONS, action)) throw new AppleCommandError('invalid_params', `unknown OS update action ${String(action)}`);
    const update: Record<string, PlistWritable> = { InstallAction: OS_UPDATE_ACTIONS[action] };
    const version = text(params.version);
    if (version !== undefined) update.ProductVersion = version;
    return [command('ScheduleOSUpdate', { Updates: [update] })];
  },
  // Scripts run through the Steward agent; Apple MDM has no such command.
  run_script: (_params, { platform }) => {
    throw new UnsupportedIntent('run_script', platform);
  },
};

/**
 * The Apple commands that carry out an intent on a device, in the order they are sent.
 * @throws UnsupportedIntent when the platform has no such command; MissingUnlockToken, MissingProfilePayload
 * or AppleCommandError(`invalid_params`) when what the command needs isn't there.
 */
export function appleCommandsFor<N extends IntentName>(intent: N, params: IntentParams<N>, context: AppleCommandContext): AppleCommand[] {
  const definition = INTENTS[intent];
  if (!definition?.platforms.includes(context.platform)) throw new UnsupportedIntent(intent, context.platform);
  const build = BUILDERS[intent] as Builder<N>;
  return build(params ?? ({} as IntentParams<N>), context);
}

/** The plist that goes on the wire: `{ CommandUUID, Command }`. */
export function commandEnvelope(commandUuid: string, command: AppleCommand): Buffer {
  if (commandUuid.length === 0) throw new AppleCommandError('invalid_params', 'a command needs a CommandUUID');
  return buildPlist({ CommandUUID: commandUuid, Command: command });
}

// --- results → observed state --------------------------------------------------------------------------

type Kind = 'string' | 'number' | 'integer' | 'boolean' | 'date' | 'json';
type FieldMap = Readonly<Record<string, readonly [name: string, kind: Kind]>>;

/** Plist values as JSON: data as base64, dates as ISO strings, NaN and infinities as null. */
export function toJson(value: PlistValue): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) return value.map(toJson);
  if (isPlistDict(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = toJson(item);
    return out;
  }
  return value;
}

/** Facts are for display and filters; a device that sends a longer string gets it cut here. */
const FACT_STRING_LIMIT = 1024;

function convert(value: PlistValue | undefined, kind: Kind): unknown {
  switch (kind) {
    case 'string':
      return typeof value === 'string' ? value.slice(0, FACT_STRING_LIMIT) : undefined;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'date':
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : undefined;
    case 'json':
      return value === undefined ? undefined : toJson(value);
  }
}

/** The mapped fields of `dict` that have the expected type; anything else a device sends is left out. */
function pick(dict: PlistValue | undefined, fields: FieldMap): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isPlistDict(dict)) return out;
  for (const [appleKey, [name, kind]] of Object.entries(fields)) {
    if (!Object.hasOwn(dict, appleKey)) continue;
    const value = convert(dict[appleKey], kind);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

const dictionaries = (value: PlistValue | undefined): PlistDict[] => (Array.isArray(value) ? value.filter(isPlistDict) : []);

const DEVICE_FIELDS: FieldMap = {
  UDID: ['udid', 'string'],
  ProvisioningUDID: ['provisioningUdid', 'string'],
  DeviceName: ['name', 'string'],
  OSVersion: ['osVersion', 'string'],
  BuildVersion: ['buildVersion', 'string'],
  SupplementalBuildVersion: ['supplementalBuildVersion', 'string'],
  SupplementalOSVersionExtra: ['supplementalOsVersionExtra', 'string'],
  ProductName: ['productName', 'string'],
  ModelName: ['modelName', 'string'],
  Model: ['model', 'string'],
  ModelNumber: ['modelNumber', 'string'],
  SerialNumber: ['serialNumber', 'string'],
  DeviceCapacity: ['capacityGb', 'number'],
  AvailableDeviceCapacity: ['availableCapacityGb', 'number'],
  BatteryLevel: ['batteryLevel', 'number'],
  HasBattery: ['hasBattery', 'boolean'],
  IMEI: ['imei', 'string'],
  MEID: ['meid', 'string'],
  ICCID: ['iccid', 'string'],
  ModemFirmwareVersion: ['modemFirmwareVersion', 'string'],
  CellularTechnology: ['cellularTechnology', 'integer'],
  PhoneNumber: ['phoneNumber', 'string'],
  CurrentCarrierNetwork: ['carrierNetwork', 'string'],
  SubscriberCarrierNetwork: ['subscriberCarrierNetwork', 'string'],
  CarrierSettingsVersion: ['carrierSettingsVersion', 'string'],
  CurrentMCC: ['currentMcc', 'string'],
  CurrentMNC: ['currentMnc', 'string'],
  SubscriberMCC: ['subscriberMcc', 'string'],
  SubscriberMNC: ['subscriberMnc', 'string'],
  IsRoaming: ['roaming', 'boolean'],
  DataRoamingEnabled: ['dataRoamingEnabled', 'boolean'],
  VoiceRoamingEnabled: ['voiceRoamingEnabled', 'boolean'],
  PersonalHotspotEnabled: ['personalHotspotEnabled', 'boolean'],
  IsNetworkTethered: ['networkTethered', 'boolean'],
  ServiceSubscriptions: ['serviceSubscriptions', 'json'],
  WiFiMAC: ['wifiMac', 'string'],
  BluetoothMAC: ['bluetoothMac', 'string'],
  EthernetMAC: ['ethernetMac', 'string'],
  HostName: ['hostName', 'string'],
  LocalHostName: ['localHostName', 'string'],
  TimeZone: ['timeZone', 'string'],
  IsSupervised: ['supervised', 'boolean'],
  IsActivationLockEnabled: ['activationLockEnabled', 'boolean'],
  IsActivationLockSupported: ['activationLockSupported', 'boolean'],
  IsDeviceLocatorServiceEnabled: ['findMyEnabled', 'boolean'],
  IsMDMLostModeEnabled: ['lostModeEnabled', 'boolean'],
  IsCloudBackupEnabled: ['cloudBackupEnabled', 'boolean'],
  LastCloudBackupDate: ['lastCloudBackupAt', 'date'],
  IsMultiUser: ['sharedIpad', 'boolean'],
  IsDoNotDisturbInEffect: ['doNotDisturb', 'boolean'],
  AwaitingConfiguration: ['awaitingConfiguration', 'boolean'],
  IsAppleSilicon: ['appleSilicon', 'boolean'],
  SystemIntegrityProtectionEnabled: ['sipEnabled', 'boolean'],
  PINRequiredForDeviceLock: ['pinRequiredForLock', 'boolean'],
  PINRequiredForEraseDevice: ['pinRequiredForErase', 'boolean'],
  SupportsLOMDevice: ['supportsLom', 'boolean'],
  SupportsiOSAppInstalls: ['supportsIosApps', 'boolean'],
  EACSPreflight: ['eraseAllContentPreflight', 'string'],
  EASDeviceIdentifier: ['easDeviceIdentifier', 'string'],
  OSUpdateSettings: ['osUpdateSettings', 'json'],
  MDMOptions: ['mdmOptions', 'json'],
  OrganizationInfo: ['organizationInfo', 'json'],
};

const SECURITY_FIELDS: FieldMap = {
  PasscodePresent: ['passcodePresent', 'boolean'],
  PasscodeCompliant: ['passcodeCompliant', 'boolean'],
  PasscodeCompliantWithProfiles: ['passcodeCompliantWithProfiles', 'boolean'],
  PasscodeLockGracePeriod: ['passcodeLockGracePeriod', 'integer'],
  PasscodeLockGracePeriodEnforced: ['passcodeLockGracePeriodEnforced', 'integer'],
  AutoLockTime: ['autoLockTime', 'integer'],
  HardwareEncryptionCaps: ['hardwareEncryptionCaps', 'integer'],
  FDE_Enabled: ['fileVaultEnabled', 'boolean'],
  FDE_HasPersonalRecoveryKey: ['fileVaultPersonalRecoveryKey', 'boolean'],
  FDE_HasInstitutionalRecoveryKey: ['fileVaultInstitutionalRecoveryKey', 'boolean'],
  SystemIntegrityProtectionEnabled: ['sipEnabled', 'boolean'],
  RemoteDesktopEnabled: ['remoteDesktopEnabled', 'boolean'],
  AuthenticatedRootVolumeEnabled: ['authenticatedRootVolumeEnabled', 'boolean'],
  BootstrapTokenAllowedForAuthentication: ['bootstrapTokenAllowedForAuthentication', 'string'],
  BootstrapTokenRequiredForSoftwareUpdate: ['bootstrapTokenRequiredForSoftwareUpdate', 'boolean'],
  BootstrapTokenRequiredForKernelExtensionApproval: ['bootstrapTokenRequiredForKernelExtensionApproval', 'boolean'],
  IsRecoveryLockEnabled: ['recoveryLockEnabled', 'boolean'],
};
const FIREWALL_FIELDS: FieldMap = {
  FirewallEnabled: ['enabled', 'boolean'],
  BlockAllIncoming: ['blockAllIncoming', 'boolean'],
  StealthMode: ['stealthMode', 'boolean'],
  LoggingEnabled: ['loggingEnabled', 'boolean'],
  LoggingOption: ['loggingOption', 'string'],
};
const FIREWALL_APP_FIELDS: FieldMap = { BundleID: ['bundleId', 'string'], Name: ['name', 'string'], Allowed: ['allowed', 'boolean'] };
const FIRMWARE_PASSWORD_FIELDS: FieldMap = {
  PasswordExists: ['exists', 'boolean'],
  ChangePending: ['changePending', 'boolean'],
  AllowOroms: ['allowOroms', 'boolean'],
};
const MANAGEMENT_STATUS_FIELDS: FieldMap = {
  EnrolledViaDEP: ['enrolledViaDep', 'boolean'],
  UserApprovedEnrollment: ['userApprovedEnrollment', 'boolean'],
  IsUserEnrollment: ['userEnrollment', 'boolean'],
  IsActivationLockManageable: ['activationLockManageable', 'boolean'],
};
const SECURE_BOOT_FIELDS: FieldMap = { SecureBootLevel: ['level', 'string'], ExternalBootLevel: ['externalBootLevel', 'string'] };

const APP_FIELDS: FieldMap = {
  Name: ['name', 'string'],
  Identifier: ['identifier', 'string'],
  Version: ['version', 'string'],
  ShortVersion: ['shortVersion', 'string'],
  BundleSize: ['bundleSize', 'integer'],
  DynamicSize: ['dynamicSize', 'integer'],
  ExternalVersionIdentifier: ['externalVersionIdentifier', 'integer'],
  DistributorIdentifier: ['distributorIdentifier', 'string'],
  Source: ['source', 'string'],
  IsValidated: ['validated', 'boolean'],
  Installing: ['installing', 'boolean'],
  AppStoreVendable: ['appStoreVendable', 'boolean'],
  DeviceBasedVPP: ['deviceBasedVpp', 'boolean'],
  BetaApp: ['betaApp', 'boolean'],
  AdHocCodeSigned: ['adHocCodeSigned', 'boolean'],
  HasUpdateAvailable: ['hasUpdateAvailable', 'boolean'],
  IsAppClip: ['appClip', 'boolean'],
};
const MANAGED_APP_FIELDS: FieldMap = {
  Status: ['status', 'string'],
  ManagementFlags: ['managementFlags', 'integer'],
  HasConfiguration: ['hasConfiguration', 'boolean'],
  HasFeedback: ['hasFeedback', 'boolean'],
  IsValidated: ['validated', 'boolean'],
  ExternalVersionIdentifier: ['externalVersionIdentifier', 'integer'],
};
const PROFILE_FIELDS: FieldMap = {
  PayloadIdentifier: ['identifier', 'string'],
  PayloadUUID: ['uuid', 'string'],
  PayloadDisplayName: ['displayName', 'string'],
  PayloadOrganization: ['organization', 'string'],
  PayloadDescription: ['description', 'string'],
  PayloadVersion: ['version', 'integer'],
  PayloadRemovalDisallowed: ['removalDisallowed', 'boolean'],
  HasRemovalPasscode: ['hasRemovalPasscode', 'boolean'],
  IsEncrypted: ['encrypted', 'boolean'],
  IsManaged: ['managed', 'boolean'],
  Source: ['source', 'string'],
};
const PROFILE_PAYLOAD_FIELDS: FieldMap = {
  PayloadType: ['type', 'string'],
  PayloadIdentifier: ['identifier', 'string'],
  PayloadUUID: ['uuid', 'string'],
  PayloadDisplayName: ['displayName', 'string'],
  PayloadVersion: ['version', 'integer'],
};
const LOCATION_FIELDS: FieldMap = {
  Latitude: ['latitude', 'number'],
  Longitude: ['longitude', 'number'],
  HorizontalAccuracy: ['horizontalAccuracy', 'number'],
  VerticalAccuracy: ['verticalAccuracy', 'number'],
  Altitude: ['altitude', 'number'],
  Speed: ['speed', 'number'],
  Course: ['course', 'number'],
  Timestamp: ['timestamp', 'date'],
};
const AVAILABLE_UPDATE_FIELDS: FieldMap = {
  ProductKey: ['productKey', 'string'],
  HumanReadableName: ['name', 'string'],
  ProductName: ['productName', 'string'],
  Version: ['version', 'string'],
  Build: ['build', 'string'],
  SupplementalBuildVersion: ['supplementalBuildVersion', 'string'],
  SupplementalOSVersionExtra: ['supplementalOsVersionExtra', 'string'],
  DownloadSize: ['downloadSize', 'integer'],
  InstallSize: ['installSize', 'integer'],
  IsCritical: ['critical', 'boolean'],
  IsSecurityResponse: ['securityResponse', 'boolean'],
  IsMajorOSUpdate: ['majorOsUpdate', 'boolean'],
  IsConfigDataUpdate: ['configDataUpdate', 'boolean'],
  IsFirmwareUpdate: ['firmwareUpdate', 'boolean'],
  RestartRequired: ['restartRequired', 'boolean'],
  AllowsInstallLater: ['allowsInstallLater', 'boolean'],
  RequiresBootstrapToken: ['requiresBootstrapToken', 'boolean'],
  DeferredUntil: ['deferredUntil', 'date'],
  MetadataURL: ['metadataUrl', 'string'],
  AppIdentifiersToClose: ['appIdentifiersToClose', 'json'],
};
const UPDATE_STATUS_FIELDS: FieldMap = {
  ProductKey: ['productKey', 'string'],
  IsDownloaded: ['downloaded', 'boolean'],
  DownloadPercentComplete: ['downloadPercentComplete', 'number'],
  Status: ['status', 'string'],
  MaxDeferrals: ['maxDeferrals', 'integer'],
  DeferralsRemaining: ['deferralsRemaining', 'integer'],
  NextScheduledInstall: ['nextScheduledInstall', 'date'],
};

/** Typed columns are short; a device that reports something longer is cut, not trusted. */
const COLUMN_LIMIT = 255;
const column = (value: unknown, normalise: (s: string) => string = (s) => s.trim()): string | undefined => {
  if (typeof value !== 'string') return undefined;
  const cleaned = normalise(value).slice(0, COLUMN_LIMIT);
  return cleaned.length > 0 ? cleaned : undefined;
};

function deviceInformation(result: PlistDict): InventoryUpdate | undefined {
  const responses = result.QueryResponses;
  if (!isPlistDict(responses)) return undefined;
  const update: InventoryUpdate = { facts: { device: pick(responses, DEVICE_FIELDS) } };
  const name = column(responses.DeviceName);
  const serialNumber = column(responses.SerialNumber);
  const model = column(responses.ProductName) ?? column(responses.Model) ?? column(responses.ModelName);
  const osVersion = column(responses.OSVersion);
  // Apple formats the IMEI in groups ("35 123456 789012 3"); other platforms report the digits.
  const imei = column(responses.IMEI, (s) => s.replace(/\s+/g, ''));
  if (name !== undefined) update.name = name;
  if (serialNumber !== undefined) update.serialNumber = serialNumber;
  if (model !== undefined) update.model = model;
  if (osVersion !== undefined) update.osVersion = osVersion;
  if (imei !== undefined) update.imei = imei;
  return update;
}

/**
 * SecurityInfo as compliance facts. `encrypted` is FileVault on a Mac, and on iOS data protection
 * (block- and file-level hardware encryption, which a passcode switches on). The FileVault personal
 * recovery key the device may escrow here is a secret: it is never copied into facts.
 */
function securityInfo(result: PlistDict): InventoryUpdate | undefined {
  const info = result.SecurityInfo;
  if (!isPlistDict(info)) return undefined;
  const security = pick(info, SECURITY_FIELDS);
  const caps = security.hardwareEncryptionCaps;
  if (typeof caps === 'number') {
    security.blockLevelEncryption = (caps & 1) !== 0;
    security.fileLevelEncryption = (caps & 2) !== 0;
  }
  if (typeof security.fileVaultEnabled === 'boolean') security.encrypted = security.fileVaultEnabled;
  else if (typeof caps === 'number' && typeof security.passcodePresent === 'boolean') security.encrypted = (caps & 3) === 3 && security.passcodePresent;
  if (isPlistDict(info.FirewallSettings)) {
    const firewall = pick(info.FirewallSettings, FIREWALL_FIELDS);
    if (Array.isArray(info.FirewallSettings.Applications))
      firewall.applications = dictionaries(info.FirewallSettings.Applications).map((a) => pick(a, FIREWALL_APP_FIELDS));
    security.firewall = firewall;
  }
  if (isPlistDict(info.FirmwarePasswordStatus)) security.firmwarePassword = pick(info.FirmwarePasswordStatus, FIRMWARE_PASSWORD_FIELDS);
  if (isPlistDict(info.ManagementStatus)) security.managementStatus = pick(info.ManagementStatus, MANAGEMENT_STATUS_FIELDS);
  if (isPlistDict(info.SecureBoot)) {
    const secureBoot = pick(info.SecureBoot, SECURE_BOOT_FIELDS);
    if (Array.isArray(info.SecureBoot.ReducedSecurity)) secureBoot.reducedSecurity = info.SecureBoot.ReducedSecurity.filter((s) => typeof s === 'string');
    security.secureBoot = secureBoot;
  }
  return { facts: { security } };
}

function certificate(item: PlistDict): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof item.CommonName === 'string') out.commonName = item.CommonName;
  if (typeof item.IsIdentity === 'boolean') out.isIdentity = item.IsIdentity;
  const data = item.Data;
  // Certificates are small; anything bigger isn't worth handing to the X.509 parser.
  if (data instanceof Uint8Array && data.length > 0 && data.length <= 64 * 1024) {
    try {
      const parsed = new X509Certificate(data);
      const notBefore = Date.parse(parsed.validFrom);
      const notAfter = Date.parse(parsed.validTo);
      if (!Number.isNaN(notBefore)) out.notBefore = new Date(notBefore).toISOString();
      if (!Number.isNaN(notAfter)) out.notAfter = new Date(notAfter).toISOString();
      out.serialNumber = parsed.serialNumber;
      out.issuer = parsed.issuer;
      out.sha256 = parsed.fingerprint256.replace(/:/g, '').toLowerCase();
    } catch {
      // Not a certificate we can read: report what the device said, without the dates.
    }
  }
  return out;
}

const RESULT_PARSERS: Readonly<Record<string, (result: PlistDict) => InventoryUpdate | undefined>> = {
  DeviceInformation: deviceInformation,
  SecurityInfo: securityInfo,
  InstalledApplicationList: (result) =>
    Array.isArray(result.InstalledApplicationList)
      ? { facts: { apps: dictionaries(result.InstalledApplicationList).map((app) => pick(app, APP_FIELDS)) } }
      : undefined,
  ManagedApplicationList: (result) => {
    const list = result.ManagedApplicationList;
    if (!isPlistDict(list)) return undefined;
    const managedApps = Object.entries(list)
      .filter((entry): entry is [string, PlistDict] => isPlistDict(entry[1]))
      .map(([identifier, app]) => ({ identifier, ...pick(app, MANAGED_APP_FIELDS) }));
    return { facts: { managedApps } };
  },
  ProfileList: (result) => {
    if (!Array.isArray(result.ProfileList)) return undefined;
    const profiles = dictionaries(result.ProfileList).map((profile) => {
      const out = pick(profile, PROFILE_FIELDS);
      if (Array.isArray(profile.SignerCertificates)) out.signed = profile.SignerCertificates.length > 0;
      if (Array.isArray(profile.PayloadContent)) out.payloads = dictionaries(profile.PayloadContent).map((p) => pick(p, PROFILE_PAYLOAD_FIELDS));
      return out;
    });
    return { facts: { profiles } };
  },
  CertificateList: (result) =>
    Array.isArray(result.CertificateList) ? { facts: { certificates: dictionaries(result.CertificateList).map(certificate) } } : undefined,
  DeviceLocation: (result) => {
    const location = pick(result, LOCATION_FIELDS);
    return typeof location.latitude === 'number' && typeof location.longitude === 'number' ? { facts: { location } } : undefined;
  },
  AvailableOSUpdates: (result) =>
    Array.isArray(result.AvailableOSUpdates)
      ? { facts: { availableOSUpdates: dictionaries(result.AvailableOSUpdates).map((u) => pick(u, AVAILABLE_UPDATE_FIELDS)) } }
      : undefined,
  OSUpdateStatus: (result) => {
    if (!Array.isArray(result.OSUpdateStatus)) return undefined;
    const osUpdateStatus = dictionaries(result.OSUpdateStatus).map((item) => {
      const out = pick(item, UPDATE_STATUS_FIELDS);
      if (Array.isArray(item.PastNotifications)) out.pastNotifications = item.PastNotifications.map((d) => convert(d, 'date')).filter((d) => d !== undefined);
      return out;
    });
    return { facts: { osUpdateStatus } };
  },
};

/**
 * What an acknowledged result says about the device, ready for `DeviceRepository.applyInventory`;
 * undefined for request types that report nothing about it (or a result without the expected keys).
 * Values of the wrong type are dropped; facts are JSON-safe (data → base64, dates → ISO strings).
 */
export function observedFromResult(requestType: string, result: PlistDict): InventoryUpdate | undefined {
  const parse = Object.hasOwn(RESULT_PARSERS, requestType) ? RESULT_PARSERS[requestType] : undefined;
  return parse ? parse(result) : undefined;
}
