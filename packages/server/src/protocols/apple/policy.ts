import type { Platform } from '../../core/devices/device-model.js';
import { canonicalJson, uuidFrom } from '../../core/policies/hashing.js';
import type {
  EmailAccount,
  PolicySettings,
  PolicyTranslation,
  PolicyTranslator,
  TranslationTarget,
  UnsupportedSetting,
  VpnConnection,
  WifiNetwork,
} from '../../core/policies/policy-model.js';
import type { AppleConfiguration } from './commands.js';
import { APPLE_PAYLOAD_TYPES } from './payload-types.js';
import { PlistError, type PlistWritable, type PlistWritableDict, buildPlist, isPlistDict, parsePlistDict } from './plist.js';

/** The one DOCTYPE a .mobileconfig legitimately carries; anything else with a DTD is refused. */
const APPLE_DOCTYPE = /<!DOCTYPE plist PUBLIC "-\/\/Apple\/\/DTD PLIST 1\.0\/\/EN" "http:\/\/www\.apple\.com\/DTDs\/PropertyList-1\.0\.dtd">/;
const MAX_RAW_BYTES = 512 * 1024;

export interface ApplePolicyOptions {
  /** Steward's public URL: the SCEP payload of identity certificates points at `<publicUrl>/scep`. */
  readonly publicUrl: string;
  /** The prefix of every PayloadIdentifier Steward writes. */
  readonly identifierPrefix?: string;
}

type Payload = Record<string, PlistWritable | undefined>;

/**
 * Apple's translation of Steward's policy: one configuration profile (.mobileconfig, XML plist,
 * unsigned) whose PayloadIdentifier derives from the configuration key, so a new version replaces
 * the profile on the device instead of adding a second one. Payload UUIDs are derived from the
 * content, so the same settings always give byte-identical profiles (and the same version hash).
 * OS updates and apps are not profile payloads: the reconciler sends them as `os_update` and
 * `install_app` / `remove_app` commands.
 */
export function createApplePolicyTranslator(options: ApplePolicyOptions): PolicyTranslator {
  const prefix = options.identifierPrefix ?? 'steward';
  return {
    channel: 'apple',
    translate: (settings, target) => translate(settings, target, prefix, options.publicUrl),
    validateRaw,
    rawIdentifier(content) {
      try {
        const profile = parseMobileconfig(content);
        return typeof profile.PayloadIdentifier === 'string' ? profile.PayloadIdentifier : null;
      } catch {
        return null;
      }
    },
    rawPayload(content, identifier): AppleConfiguration {
      return { identifier: identifier ?? '', mobileconfig: Buffer.from(content, 'utf8').toString('base64') };
    },
    removal(payload) {
      const identifier = (payload as Partial<AppleConfiguration> | null)?.identifier;
      return typeof identifier === 'string' ? { identifier } : undefined;
    },
  };
}

const isMac = (platform: Platform) => platform === 'macos';

function translate(settings: PolicySettings, target: TranslationTarget, prefix: string, publicUrl: string): PolicyTranslation {
  const unsupported: UnsupportedSetting[] = [];
  const payloads: Array<{ type: string; name: string; keys: Payload }> = [];
  const personal = target.ownership === 'personal';
  const mac = isMac(target.platform);
  const no = (setting: string, reason: string) => unsupported.push({ setting, reason });

  // --- identity certificate (referenced by Wi-Fi EAP-TLS and certificate VPNs) -----------------
  const wantsIdentity =
    settings.certificates?.identity === true ||
    (settings.wifi ?? []).some((w) => w.eap?.identityCertificate) ||
    (settings.vpn ?? []).some((v) => v.authentication === 'certificate');
  const identityUuid = wantsIdentity ? uuidFrom(`${prefix}:identity:${target.key ?? 'preview'}`) : undefined;

  // --- passcode ------------------------------------------------------------------------------
  const passcode = settings.passcode;
  const encrypt = settings.encryption?.required === true;
  if (passcode || (encrypt && !mac)) {
    const keys: Payload = {};
    // iOS and iPadOS encrypt user data with the passcode (Data Protection): requiring encryption means requiring a passcode.
    if (passcode?.required !== false || (encrypt && !mac)) keys.forcePIN = true;
    if (passcode?.minLength !== undefined) keys.minLength = passcode.minLength;
    switch (passcode?.complexity) {
      case 'numeric':
        keys.allowSimple = false;
        break;
      case 'alphanumeric':
        keys.allowSimple = false;
        keys.requireAlphanumeric = true;
        break;
      case 'complex':
        keys.allowSimple = false;
        keys.requireAlphanumeric = true;
        keys.minComplexChars = 1;
        break;
      default:
        break;
    }
    if (passcode?.maxInactivityMinutes !== undefined) {
      keys.maxInactivity = Math.min(passcode.maxInactivityMinutes, 15);
      if (passcode.maxInactivityMinutes > 15) no('passcode.maxInactivityMinutes', 'Apple allows at most 15 minutes; 15 is applied.');
    }
    if (passcode?.maxFailedAttempts !== undefined) {
      if (personal) no('passcode.maxFailedAttempts', 'On a personal device Apple would erase the whole device, not only work data; not applied.');
      else {
        keys.maxFailedAttempts = Math.min(passcode.maxFailedAttempts, 11);
        if (passcode.maxFailedAttempts > 11) no('passcode.maxFailedAttempts', 'Apple allows at most 11 attempts; 11 is applied.');
      }
    }
    if (passcode?.historyCount !== undefined) keys.pinHistory = passcode.historyCount;
    if (passcode?.maxAgeDays !== undefined) keys.maxPINAgeInDays = passcode.maxAgeDays;
    payloads.push({ type: 'com.apple.mobiledevice.passwordpolicy', name: 'Passcode', keys });
  }

  // --- encryption ----------------------------------------------------------------------------
  if (encrypt && mac) {
    if (personal) no('encryption.required', 'FileVault is device-wide; Steward does not turn it on for personal Macs.');
    else payloads.push({ type: 'com.apple.MCX.FileVault2', name: 'FileVault', keys: { Enable: 'On', Defer: true, ShowRecoveryKey: false } });
  }

  // --- restrictions --------------------------------------------------------------------------
  const r = settings.restrictions;
  if (r) {
    const keys: Payload = {};
    const set = (setting: keyof NonNullable<PolicySettings['restrictions']>, key: string, where: 'all' | 'mobile') => {
      const allowed = r[setting];
      if (allowed === undefined) return;
      if (personal) return no(`restrictions.${setting}`, 'Device-wide restrictions are not applied to personal devices.');
      if (where === 'mobile' && mac) return no(`restrictions.${setting}`, 'macOS has no such restriction.');
      keys[key] = allowed;
    };
    set('camera', 'allowCamera', 'all');
    set('screenCapture', 'allowScreenShot', 'all');
    set('appInstalls', 'allowAppInstallation', 'mobile');
    set('appStore', 'allowUIAppInstallation', 'mobile');
    set('bluetooth', 'allowBluetoothModification', 'mobile');
    set('accountChanges', 'allowAccountModification', 'mobile');
    if (r.usbStorage !== undefined) {
      // iOS only restricts the Files app's access to USB drives (supervised); macOS's mount controls are gone from the schema.
      if (personal) no('restrictions.usbStorage', 'Device-wide restrictions are not applied to personal devices.');
      else if (mac) no('restrictions.usbStorage', 'Apple has no configuration-profile control for USB storage on macOS.');
      else keys.allowFilesUSBDriveAccess = r.usbStorage;
    }
    if (Object.keys(keys).length > 0) payloads.push({ type: 'com.apple.applicationaccess', name: 'Restrictions', keys });
  }

  // --- certificates --------------------------------------------------------------------------
  for (const root of settings.certificates?.trustedRoots ?? []) {
    const der = pemToDer(root.pem);
    if (!der) no(`certificates.trustedRoots[${root.name}]`, 'Not a PEM certificate.');
    else payloads.push({ type: 'com.apple.security.root', name: root.name, keys: { PayloadCertificateFileName: `${root.name}.cer`, PayloadContent: der } });
  }
  if (identityUuid) {
    no(
      'certificates.identity',
      "The SCEP payload carries no challenge and Steward's SCEP endpoint issues certificates only with one: the identity certificate is not issued yet.",
    );
    payloads.push({
      type: 'com.apple.security.scep',
      name: 'Steward identity',
      keys: {
        PayloadUUID: identityUuid,
        PayloadContent: {
          URL: `${publicUrl}/scep`,
          Name: 'Steward',
          Subject: [[['CN', target.assignedUser ?? 'Steward device']]],
          Keysize: 2048,
          'Key Type': 'RSA',
          'Key Usage': 5,
        },
      },
    });
  }

  // --- Wi-Fi, VPN, e-mail, web filter, kiosk -------------------------------------------------
  for (const wifi of settings.wifi ?? []) payloads.push({ type: 'com.apple.wifi.managed', name: `Wi-Fi ${wifi.ssid}`, keys: wifiKeys(wifi, identityUuid) });
  for (const vpn of settings.vpn ?? []) {
    const keys = vpnKeys(vpn, identityUuid);
    if (!keys) no(`vpn[${vpn.name}]`, 'WireGuard needs a vendor VPN app on Apple devices; Steward has no payload for it.');
    else payloads.push({ type: 'com.apple.vpn.managed', name: `VPN ${vpn.name}`, keys });
  }
  for (const account of settings.email ?? []) {
    if (account.type === 'exchange' && mac) no(`email[${account.name}]`, 'Exchange ActiveSync accounts are iOS and iPadOS only.');
    else payloads.push(emailPayload(account, target.assignedUser ?? null));
  }
  const filter = settings.webFilter;
  if (filter && (filter.allow?.length || filter.deny?.length) && mac) {
    no('webFilter', "macOS's built-in web content filter has no allow or deny lists (they are iOS and iPadOS only).");
  } else if (filter && (filter.allow?.length || filter.deny?.length)) {
    const keys: Payload = { FilterType: 'BuiltIn', AutoFilterEnabled: false };
    if (filter.allow?.length) keys.AllowListBookmarks = filter.allow.map((url) => ({ URL: url, Title: url }));
    if (filter.deny?.length) keys.DenyListURLs = [...filter.deny];
    payloads.push({ type: 'com.apple.webcontent-filter', name: 'Web content filter', keys });
  }
  if (settings.kiosk) {
    if (mac) no('kiosk', 'Single-app mode is iOS and iPadOS only.');
    else if (personal) no('kiosk', 'Single-app mode needs a supervised, company-owned device.');
    else payloads.push({ type: 'com.apple.app.lock', name: 'Single-app mode', keys: { App: { Identifier: settings.kiosk.app } } });
  }

  for (const app of settings.apps ?? []) {
    if (app.configuration)
      no(`apps[${app.identifier}].configuration`, 'Managed app configuration is not delivered to Apple devices yet (the app is installed without it).');
  }

  const identifier = `${prefix}.${target.key ?? 'preview'}`;
  const content = payloads.map((p, index) => {
    const suffix = `${p.type.replace(/^com\.apple\./, '')}.${index}`;
    return {
      PayloadType: p.type,
      PayloadVersion: 1,
      PayloadIdentifier: `${identifier}.${suffix}`,
      PayloadUUID: uuidFrom(`${identifier}:${suffix}:${canonicalJson(p.keys, bytesAsBase64)}`),
      PayloadDisplayName: p.name,
      ...p.keys,
    } as PlistWritableDict;
  });
  const profile: PlistWritableDict = {
    PayloadType: 'Configuration',
    PayloadVersion: 1,
    PayloadIdentifier: identifier,
    PayloadUUID: uuidFrom(`${identifier}:${canonicalJson(content, bytesAsBase64)}`),
    PayloadDisplayName: 'Steward policy',
    PayloadDescription: 'Settings your organisation manages with Steward.',
    PayloadOrganization: 'Steward',
    PayloadContent: content,
  };
  const payload: AppleConfiguration = { identifier, mobileconfig: buildPlist(profile).toString('base64') };
  return { payload, unsupported };
}

const bytesAsBase64 = (_key: string, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value);

function wifiKeys(wifi: WifiNetwork, identityUuid: string | undefined): Payload {
  const keys: Payload = {
    SSID_STR: wifi.ssid,
    HIDDEN_NETWORK: wifi.hidden ?? false,
    AutoJoin: wifi.autoJoin ?? true,
    EncryptionType: { open: 'None', 'wpa2-personal': 'WPA2', 'wpa3-personal': 'WPA3', 'wpa2-enterprise': 'WPA2' }[wifi.security],
  };
  if (wifi.password && wifi.security !== 'open' && wifi.security !== 'wpa2-enterprise') keys.Password = wifi.password;
  if (wifi.security === 'wpa2-enterprise') {
    const eap = wifi.eap ?? { method: 'peap' as const };
    keys.EAPClientConfiguration = {
      AcceptEAPTypes: [{ tls: 13, peap: 25, ttls: 21 }[eap.method]],
      UserName: eap.username,
    };
    if (eap.method === 'tls' && identityUuid) keys.PayloadCertificateUUID = identityUuid;
  }
  return keys;
}

function vpnKeys(vpn: VpnConnection, identityUuid: string | undefined): Payload | undefined {
  const certificate = vpn.authentication === 'certificate';
  if (vpn.type === 'wireguard') return undefined;
  if (vpn.type === 'ikev2') {
    return {
      VPNType: 'IKEv2',
      UserDefinedName: vpn.name,
      IKEv2: {
        RemoteAddress: vpn.server,
        RemoteIdentifier: vpn.server,
        LocalIdentifier: vpn.username ?? vpn.name,
        AuthenticationMethod: certificate ? 'Certificate' : 'None',
        ExtendedAuthEnabled: certificate ? undefined : 1,
        AuthName: certificate ? undefined : vpn.username,
        PayloadCertificateUUID: certificate ? identityUuid : undefined,
        IncludeAllNetworks: vpn.fullTunnel ? 1 : undefined,
      },
    };
  }
  return {
    VPNType: 'L2TP',
    UserDefinedName: vpn.name,
    PPP: { CommRemoteAddress: vpn.server, AuthName: vpn.username },
    IPSec: certificate ? { AuthenticationMethod: 'Certificate', PayloadCertificateUUID: identityUuid } : undefined,
  };
}

function emailPayload(account: EmailAccount, user: string | null): { type: string; name: string; keys: Payload } {
  // `{{user}}` becomes the device's assigned user; without one the device asks its user.
  const address = account.address.includes('{{user}}') ? (user ? account.address.replaceAll('{{user}}', user) : undefined) : account.address;
  if (account.type === 'exchange') {
    return { type: 'com.apple.eas.account', name: account.name, keys: { Host: account.host, SSL: account.ssl ?? true, EmailAddress: address } };
  }
  return {
    type: 'com.apple.mail.managed',
    name: account.name,
    keys: {
      EmailAccountDescription: account.name,
      EmailAccountType: 'EmailTypeIMAP',
      EmailAddress: address,
      IncomingMailServerAuthentication: 'EmailAuthPassword',
      IncomingMailServerHostName: account.host,
      IncomingMailServerPortNumber: account.port ?? 993,
      IncomingMailServerUseSSL: account.ssl ?? true,
      OutgoingMailServerAuthentication: 'EmailAuthPassword',
      OutgoingMailServerHostName: account.smtpHost ?? account.host,
      OutgoingMailServerPortNumber: 587,
      OutgoingMailServerUseSSL: account.ssl ?? true,
    },
  };
}

function pemToDer(pem: string): Buffer | undefined {
  const match = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(pem);
  if (!match?.[1]) return undefined;
  const der = Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
  return der.length > 0 ? der : undefined;
}

function parseMobileconfig(content: string) {
  if (Buffer.byteLength(content, 'utf8') > MAX_RAW_BYTES) throw new PlistError('plist_too_large', `the profile is over ${MAX_RAW_BYTES} bytes`);
  // Admins upload profiles as Apple tools write them, with Apple's DOCTYPE line; only that line is dropped.
  return parsePlistDict(Buffer.from(content.replace(APPLE_DOCTYPE, ''), 'utf8'));
}

/** The problems with an uploaded .mobileconfig (XML, unsigned); empty when Steward can deliver it. */
export function validateRaw(content: string): string[] {
  let profile: Record<string, unknown>;
  try {
    profile = parseMobileconfig(content);
  } catch (error) {
    return [`Not an XML property list Steward accepts (signed profiles: upload the unsigned XML): ${(error as Error).message}`];
  }
  const problems: string[] = [];
  if (profile.PayloadType !== 'Configuration') problems.push('PayloadType: must be "Configuration"');
  for (const key of ['PayloadIdentifier', 'PayloadUUID'] as const) {
    if (typeof profile[key] !== 'string' || (profile[key] as string).length === 0) problems.push(`${key}: required string`);
  }
  if (profile.PayloadVersion !== undefined && profile.PayloadVersion !== 1) problems.push('PayloadVersion: must be 1');
  const items = profile.PayloadContent;
  if (!Array.isArray(items) || items.length === 0) {
    problems.push('PayloadContent: required, a non-empty array of payloads');
    return problems;
  }
  items.forEach((item: unknown, index) => {
    const at = `PayloadContent[${index}]`;
    if (!isPlistDict(item as never)) {
      problems.push(`${at}: not a dictionary`);
      return;
    }
    const payload = item as Record<string, unknown>;
    if (typeof payload.PayloadType !== 'string') problems.push(`${at}.PayloadType: required string`);
    else if (!APPLE_PAYLOAD_TYPES.has(payload.PayloadType)) problems.push(`${at}.PayloadType: "${payload.PayloadType}" is not a payload type Apple documents`);
    for (const key of ['PayloadIdentifier', 'PayloadUUID'] as const) {
      if (typeof payload[key] !== 'string' || (payload[key] as string).length === 0) problems.push(`${at}.${key}: required string`);
    }
    if (payload.PayloadVersion !== undefined && typeof payload.PayloadVersion !== 'number') problems.push(`${at}.PayloadVersion: must be an integer`);
  });
  return problems;
}
