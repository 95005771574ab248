import { createHash, X509Certificate } from 'node:crypto';
import type {
  PolicySettings,
  PolicyTranslation,
  PolicyTranslator,
  TranslationTarget,
  UnsupportedSetting,
  WifiNetwork,
} from '../../core/policies/policy-model.js';
import { type CspCatalogue, type CspVerb, cspCatalogue } from './csp-catalogue.js';
import type { CspOp } from './syncml.js';
import { type XmlElement, XmlError, child, childrenNamed, escapeXml, parseXml, textAt } from './xml.js';

/** What `translate` produces for Windows: CSP operations, in order. */
export interface WindowsPolicyPayload {
  readonly ops: readonly CspOp[];
}

const POLICY = './Device/Vendor/MSFT/Policy/Config';
const BITLOCKER = './Device/Vendor/MSFT/BitLocker';
const int = (locUri: string, value: number): CspOp => ({ verb: 'Replace', locUri, format: 'int', type: 'text/plain', data: String(value) });
const chr = (locUri: string, value: string, verb: CspVerb = 'Replace'): CspOp => ({ verb, locUri, format: 'chr', type: 'text/plain', data: value });

/** Restriction → the Policy CSP node and the value that blocks it (the allowing value is the other one). */
const RESTRICTIONS: Readonly<Record<string, readonly { node: string; block: number; allow: number }[]>> = {
  camera: [{ node: `${POLICY}/Camera/AllowCamera`, block: 0, allow: 1 }],
  screenCapture: [{ node: `${POLICY}/Experience/AllowScreenCapture`, block: 0, allow: 1 }],
  appInstalls: [{ node: `${POLICY}/ApplicationManagement/AllowAllTrustedApps`, block: 0, allow: 1 }],
  usbStorage: [{ node: `${POLICY}/Storage/RemovableDiskDenyWriteAccess`, block: 1, allow: 0 }],
  bluetooth: [{ node: `${POLICY}/Connectivity/AllowBluetooth`, block: 0, allow: 2 }],
  appStore: [{ node: `${POLICY}/ApplicationManagement/AllowStore`, block: 0, allow: 1 }],
  accountChanges: [
    { node: `${POLICY}/Accounts/AllowMicrosoftAccountConnection`, block: 0, allow: 1 },
    { node: `${POLICY}/Accounts/AllowAddingNonMicrosoftAccountsManually`, block: 0, allow: 1 },
  ],
};

/** BitLocker: require encryption (XTS-AES 256 on every drive type), a recovery password, and a fresh one to escrow. */
export const BITLOCKER_OPS: readonly CspOp[] = [
  int(`${BITLOCKER}/RequireDeviceEncryption`, 1),
  chr(
    `${BITLOCKER}/EncryptionMethodByDriveType`,
    '<enabled/><data id="EncryptionMethodWithXtsOsDropDown_Name" value="7"/><data id="EncryptionMethodWithXtsFdvDropDown_Name" value="7"/><data id="EncryptionMethodWithXtsRdvDropDown_Name" value="4"/>',
  ),
  chr(
    `${BITLOCKER}/SystemDrivesRecoveryOptions`,
    '<enabled/><data id="OSAllowDRA_Name" value="false"/><data id="OSRecoveryPasswordUsageDropDown_Name" value="2"/><data id="OSRecoveryKeyUsageDropDown_Name" value="2"/><data id="OSHideRecoveryPage_Name" value="true"/><data id="OSActiveDirectoryBackup_Name" value="false"/><data id="OSRequireActiveDirectoryBackup_Name" value="false"/>',
  ),
  int(`${BITLOCKER}/AllowWarningForOtherDiskEncryption`, 0),
  int(`${BITLOCKER}/AllowStandardUserEncryption`, 1),
  { verb: 'Exec', locUri: `${BITLOCKER}/RotateRecoveryPasswords`, format: 'chr', type: 'text/plain', data: 'steward-escrow' },
];

function wlanProfile(network: WifiNetwork): string | undefined {
  const ssid = escapeXml(network.ssid);
  const hex = Buffer.from(network.ssid).toString('hex').toUpperCase();
  const auth =
    network.security === 'open' ? 'open' : network.security === 'wpa3-personal' ? 'WPA3SAE' : network.security === 'wpa2-personal' ? 'WPA2PSK' : undefined;
  if (!auth) return undefined;
  const key =
    network.security === 'open'
      ? ''
      : `<sharedKey><keyType>passPhrase</keyType><protected>false</protected><keyMaterial>${escapeXml(network.password ?? '')}</keyMaterial></sharedKey>`;
  return `<WLANProfile xmlns="http://www.microsoft.com/networking/WLAN/profile/v1"><name>${ssid}</name><SSIDConfig><SSID><hex>${hex}</hex><name>${ssid}</name></SSID>${network.hidden ? '<nonBroadcast>true</nonBroadcast>' : ''}</SSIDConfig><connectionType>ESS</connectionType><connectionMode>${network.autoJoin === false ? 'manual' : 'auto'}</connectionMode><MSM><security><authEncryption><authentication>${auth}</authentication><encryption>${auth === 'open' ? 'none' : 'AES'}</encryption><useOneX>false</useOneX></authEncryption>${key}</security></MSM></WLANProfile>`;
}

/** Steward's platform-neutral policy as Windows CSP operations. */
export function translatePolicy(settings: PolicySettings, _target: TranslationTarget): PolicyTranslation {
  const ops: CspOp[] = [];
  const unsupported: UnsupportedSetting[] = [];
  const no = (setting: string, reason: string) => unsupported.push({ setting, reason });

  const p = settings.passcode;
  if (p) {
    const lock = `${POLICY}/DeviceLock`;
    // DevicePasswordEnabled: 0 means required (Microsoft's polarity).
    if (p.required !== undefined) ops.push(int(`${lock}/DevicePasswordEnabled`, p.required ? 0 : 1));
    if (p.minLength !== undefined) ops.push(int(`${lock}/MinDevicePasswordLength`, p.minLength));
    if (p.complexity !== undefined) {
      // AlphanumericDevicePasswordRequired: 0 alphanumeric, 1 alphanumeric or numeric, 2 anything.
      const alnum = { any: 2, numeric: 1, alphanumeric: 0, complex: 0 }[p.complexity];
      ops.push(int(`${lock}/AlphanumericDevicePasswordRequired`, alnum));
      if (p.complexity === 'alphanumeric' || p.complexity === 'complex')
        ops.push(int(`${lock}/MinDevicePasswordComplexCharacters`, p.complexity === 'complex' ? 3 : 2));
      if (p.complexity === 'any') ops.push(int(`${lock}/AllowSimpleDevicePassword`, 1));
    }
    if (p.maxInactivityMinutes !== undefined) ops.push(int(`${lock}/MaxInactivityTimeDeviceLock`, p.maxInactivityMinutes));
    if (p.maxFailedAttempts !== undefined) ops.push(int(`${lock}/MaxDevicePasswordFailedAttempts`, p.maxFailedAttempts));
    if (p.historyCount !== undefined) ops.push(int(`${lock}/DevicePasswordHistory`, p.historyCount));
    if (p.maxAgeDays !== undefined) ops.push(int(`${lock}/DevicePasswordExpiration`, p.maxAgeDays));
  }

  if (settings.encryption) {
    if (settings.encryption.required) ops.push(...BITLOCKER_OPS);
    else ops.push(int(`${BITLOCKER}/RequireDeviceEncryption`, 0));
  }

  for (const [name, value] of Object.entries(settings.restrictions ?? {})) {
    const nodes = RESTRICTIONS[name];
    if (!nodes || value === undefined) continue;
    for (const n of nodes) ops.push(int(n.node, value ? n.allow : n.block));
    if (name === 'usbStorage' && value === false) no('restrictions.usbStorage', 'Windows blocks writing to removable disks; reading stays allowed.');
  }

  (settings.wifi ?? []).forEach((network, i) => {
    const xml = wlanProfile(network);
    if (!xml) {
      no(`wifi[${i}]`, 'WPA2-Enterprise needs an EAP configuration Steward does not write for Windows yet.');
      return;
    }
    ops.push(chr(`./Device/Vendor/MSFT/WiFi/Profile/${encodeURIComponent(network.ssid)}/WlanXml`, xml, 'Add'));
  });

  if (settings.vpn?.length) no('vpn', 'VPN profiles (VPNv2 CSP) are not written for Windows yet.');
  if (settings.email?.length) no('email', 'Windows has no e-mail account CSP for desktop editions.');
  if (settings.webFilter) no('webFilter', 'Windows has no built-in web filter CSP.');
  if (settings.kiosk) no('kiosk', 'Assigned access (kiosk) is not written for Windows yet.');
  if (settings.certificates?.identity) no('certificates.identity', 'Identity certificates for Wi-Fi/VPN are not issued to Windows yet.');

  (settings.certificates?.trustedRoots ?? []).forEach((root, i) => {
    let der: Buffer;
    try {
      der = new X509Certificate(root.pem).raw;
    } catch {
      no(`certificates.trustedRoots[${i}]`, 'Not a PEM certificate.');
      return;
    }
    const thumbprint = createHash('sha1').update(der).digest('hex').toUpperCase();
    ops.push({
      verb: 'Add',
      locUri: `./Device/Vendor/MSFT/RootCATrustedCertificates/Root/${thumbprint}/EncodedCertificate`,
      format: 'b64',
      type: 'text/plain',
      data: der.toString('base64'),
    });
  });

  if (settings.osUpdate) {
    const update = `${POLICY}/Update`;
    ops.push(int(`${update}/AllowAutoUpdate`, 3));
    // A deadline: quality updates install within 2 days, feature updates within 7, then restart.
    if (settings.osUpdate.deadline) ops.push(int(`${update}/ConfigureDeadlineForQualityUpdates`, 2), int(`${update}/ConfigureDeadlineForFeatureUpdates`, 7));
    no('osUpdate.minimumVersion', 'Windows Update installs what is offered; Steward enforces automatic updates and deadlines, not a build number.');
  }

  (settings.apps ?? []).forEach((_app, i) => {
    no(`apps[${i}]`, 'Windows apps are installed with the install_app command (MSI with its hash), not by policy.');
  });

  return { payload: { ops } satisfies WindowsPolicyPayload, unsupported };
}

const RAW_VERBS: ReadonlySet<string> = new Set(['Add', 'Replace', 'Delete', 'Exec', 'Get']);
const RAW_LIMITS = Object.freeze({ maxBytes: 512 * 1024, maxDepth: 16, maxElements: 10_000 });
const SCOPES = /^\.\/(Device\/Vendor\/MSFT|User\/Vendor\/MSFT|Vendor\/MSFT|DevDetail|DevInfo)(\/|$)/;

/** What is wrong with a LocURI's shape (relative dots, doubled slashes, scope), before the catalogue is asked. */
export function locUriProblem(locUri: string): string | undefined {
  if (!locUri.startsWith('./')) return `"${locUri}" must start with "./"`;
  if (/\/\.{1,2}(\/|$)/.test(locUri.slice(1)) || locUri.includes('//') || locUri.endsWith('/')) return `"${locUri}" has empty, "." or ".." segments`;
  if (/[\s\\?#]/.test(locUri)) return `"${locUri}" contains spaces, backslashes or query characters`;
  if (!SCOPES.test(locUri)) return `"${locUri}" is outside ./Device/Vendor/MSFT, ./User/Vendor/MSFT, ./Vendor/MSFT, ./DevDetail and ./DevInfo`;
  return undefined;
}

/**
 * A raw SyncML profile an admin uploads: SyncML commands (Add, Replace, Delete, Exec, Get), each with
 * Items whose Target LocURI exists in the catalogue and allows that verb. The commands may stand
 * alone or sit inside `<SyncBody>` or `<Atomic>`.
 */
export function parseRawProfile(content: string, catalogue: CspCatalogue): { ops: CspOp[]; problems: string[] } {
  const problems: string[] = [];
  const ops: CspOp[] = [];
  if (/<!\s*(DOCTYPE|ENTITY)/i.test(content)) return { ops, problems: ['DOCTYPE and ENTITY declarations are not accepted'] };
  const trimmed = content.replace(/^\s*<\?xml[^>]*\?>/, '');
  let root: XmlElement;
  try {
    root = parseXml(`<Profile>${trimmed}</Profile>`, RAW_LIMITS);
  } catch (error) {
    if (error instanceof XmlError) return { ops, problems: [error.message] };
    throw error;
  }
  const commands: XmlElement[] = [];
  const collect = (element: XmlElement) => {
    for (const c of element.children) {
      if (c.name === 'SyncBody' || c.name === 'Atomic' || c.name === 'Sequence') collect(c);
      else if (c.name !== 'Final' && c.name !== 'CmdID' && c.name !== 'Meta') commands.push(c);
    }
  };
  collect(root);
  if (commands.length === 0) problems.push('the profile has no SyncML commands');
  commands.forEach((command, i) => {
    const where = `command ${i + 1} (${command.name})`;
    if (!RAW_VERBS.has(command.name)) {
      problems.push(`${where}: only Add, Replace, Delete, Exec and Get are allowed`);
      return;
    }
    const items = childrenNamed(command, 'Item');
    if (items.length === 0) problems.push(`${where}: has no Item`);
    for (const item of items) {
      const locUri = textAt(item, 'Target', 'LocURI');
      if (!locUri) {
        problems.push(`${where}: an Item has no Target LocURI`);
        continue;
      }
      const shape = locUriProblem(locUri);
      if (shape) {
        problems.push(`${where}: ${shape}`);
        continue;
      }
      const node = catalogue.find(locUri);
      if (!node) {
        problems.push(`${where}: ${locUri} is not a known CSP node`);
        continue;
      }
      if (!node.verbs.has(command.name as CspVerb)) {
        problems.push(`${where}: ${locUri} does not allow ${command.name} (allows ${[...node.verbs].join(', ')})`);
        continue;
      }
      const meta = child(item, 'Meta') ?? child(command, 'Meta');
      const data = child(item, 'Data');
      ops.push({
        verb: command.name as CspVerb,
        locUri,
        format: textAt(meta, 'Format') ?? (command.name === 'Get' || command.name === 'Delete' ? undefined : node.format === 'node' ? undefined : node.format),
        type: textAt(meta, 'Type'),
        data: data ? data.text : undefined,
      });
    }
  });
  return { ops, problems };
}

/** Undoing a configuration: every node it set (Add/Replace) that allows Delete is deleted; nothing else is touched. */
export function undoOps(installed: readonly CspOp[], catalogue: CspCatalogue): CspOp[] {
  const seen = new Set<string>();
  const out: CspOp[] = [];
  for (const op of installed) {
    if (op.verb !== 'Add' && op.verb !== 'Replace') continue;
    // A WLAN profile or a trusted root is removed at its parent node.
    const target = /\/(WlanXml|EncodedCertificate)$/.test(op.locUri) ? op.locUri.replace(/\/[^/]+$/, '') : op.locUri;
    if (seen.has(target) || !catalogue.allows(target, 'Delete')) continue;
    seen.add(target);
    out.push({ verb: 'Delete', locUri: target });
  }
  return out;
}

/** The Windows channel's policy translator (the reconciler uses it through the adapter). */
export const windowsPolicyTranslator: PolicyTranslator = {
  channel: 'windows',
  translate: translatePolicy,
  validateRaw(content: string): readonly string[] {
    return parseRawProfile(content, cspCatalogue()).problems;
  },
};
