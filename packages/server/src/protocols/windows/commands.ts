import type { IntentName, IntentParams } from '../../core/commands/intents.js';
import type { InventoryUpdate } from '../../core/devices/device-repository.js';
import type { Ownership } from '../../core/devices/device-model.js';
import { cspCatalogue } from './csp-catalogue.js';
import { type WindowsPolicyPayload, parseRawProfile, undoOps } from './policy.js';
import type { CspOp } from './syncml.js';

/**
 * Platform-neutral intents as Windows configuration service provider operations. A command is a
 * list of steps; the operations of a step go out together, the next step once every one of them has
 * its status. A step may poll a node until it reports a final value (MSI installs report progress).
 */
export interface PlanStep {
  readonly ops: readonly CspOp[];
  readonly poll?: { readonly locUri: string; readonly done: readonly string[]; readonly failed: readonly string[]; readonly maxAttempts: number };
}

export interface CommandPlan {
  readonly steps: readonly PlanStep[];
  /** Operations whose failure does not fail the command (Delete of something already gone). */
  readonly tolerant?: boolean;
}

export class WindowsCommandError extends Error {
  override name = 'WindowsCommandError';
  constructor(
    readonly code: 'unsupported_intent' | 'invalid_params' | 'invalid_raw',
    message: string,
  ) {
    super(message);
  }
}

/** The intent has no Windows MDM equivalent (Windows has no lost mode, no passcode clearing over OMA-DM, …). */
export class UnsupportedIntent extends WindowsCommandError {
  override name = 'UnsupportedIntent';
  constructor(readonly intent: string) {
    super('unsupported_intent', `${intent} has no Windows MDM command`);
  }
}

const DEVICE = './Device/Vendor/MSFT';
const STATUS = './Vendor/MSFT/DeviceStatus';
const MSI = `${DEVICE}/EnterpriseDesktopAppManagement/MSI`;
const UPDATE = `${DEVICE}/Policy/Config/Update`;

/** What inventory asks for: OS, hardware, storage, secure boot, TPM, encryption, antivirus and firewall, managed MSI apps. */
export const INVENTORY_NODES: readonly string[] = [
  './DevInfo/DevId',
  './DevInfo/Man',
  './DevInfo/Mod',
  './DevInfo/Lang',
  './DevInfo/DmV',
  './DevDetail/SwV',
  './DevDetail/HwV',
  './DevDetail/OEM',
  './DevDetail/DevTyp',
  './DevDetail/Ext/Microsoft/DeviceName',
  './DevDetail/Ext/Microsoft/OSPlatform',
  './DevDetail/Ext/Microsoft/SMBIOSSerialNumber',
  './DevDetail/Ext/Microsoft/TotalStorage',
  './DevDetail/Ext/Microsoft/FreeStorage',
  './DevDetail/Ext/Microsoft/TotalRAM',
  './DevDetail/Ext/Microsoft/ProcessorArchitecture',
  './DevDetail/Ext/WLANMACAddress',
  `${STATUS}/OS/Edition`,
  `${STATUS}/SecureBootState`,
  `${STATUS}/TPM/SpecificationVersion`,
  `${STATUS}/TPM/ManufacturerIdTxt`,
  `${STATUS}/Compliance/EncryptionCompliance`,
  `${STATUS}/Antivirus/Status`,
  `${STATUS}/Antivirus/SignatureStatus`,
  `${STATUS}/Firewall/Status`,
  `${STATUS}/UAC/Status`,
  `${DEVICE}/BitLocker/Status/DeviceEncryptionStatus`,
  MSI,
];

const GUID = /^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$/;
/** `msi:{ProductCode}:<sha256 hex>:<https URL of the .msi>` — what install_app takes on Windows. */
const MSI_IDENTIFIER = /^msi:(\{[0-9A-Fa-f-]{36}\}):([0-9a-fA-F]{64}):(https:\/\/\S+)$/;

/** An MSI to install: product code, where to download it, and the SHA-256 Windows checks before installing. */
export interface MsiPackage {
  readonly productCode: string;
  readonly url: string;
  readonly sha256: string;
}

export function parseMsiIdentifier(identifier: string): MsiPackage {
  const match = MSI_IDENTIFIER.exec(identifier);
  if (!match?.[1] || !match[2] || !match[3] || !GUID.test(match[1])) {
    throw new WindowsCommandError('invalid_params', 'On Windows, install_app takes "msi:{ProductCode}:<sha256>:<https URL>".');
  }
  return { productCode: match[1].toUpperCase(), sha256: match[2].toUpperCase(), url: match[3] };
}

/** The MsiInstallJob document EnterpriseDesktopAppManagement takes (the hash is checked by Windows before it installs). */
export function msiInstallJob(pkg: MsiPackage): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  return `<MsiInstallJob id="${esc(pkg.productCode)}"><Product Version="1.0.0.0"><Download><ContentURLList><ContentURL>${esc(pkg.url)}</ContentURL></ContentURLList></Download><Validation><FileHash>${esc(pkg.sha256)}</FileHash></Validation><Enforcement><CommandLine>/quiet</CommandLine><TimeOut>10</TimeOut><RetryCount>3</RetryCount><RetryInterval>5</RetryInterval></Enforcement></Product></MsiInstallJob>`;
}

/** The EnterpriseDesktopAppManagement status values: 70 installed, 60 failed (anything else is still going). */
export const MSI_INSTALLED = '70';
export const MSI_FAILED = '60';

export function msiInstallPlan(pkg: MsiPackage): CommandPlan {
  const node = `${MSI}/${pkg.productCode}/DownloadInstall`;
  return {
    steps: [
      {
        ops: [
          { verb: 'Add', locUri: node },
          { verb: 'Exec', locUri: node, format: 'xml', type: 'text/plain', data: msiInstallJob(pkg) },
        ],
      },
      {
        ops: [{ verb: 'Get', locUri: `${MSI}/${pkg.productCode}/Status` }],
        poll: { locUri: `${MSI}/${pkg.productCode}/Status`, done: [MSI_INSTALLED], failed: [MSI_FAILED], maxAttempts: 20 },
      },
    ],
  };
}

/** Windows Update policy for os_update: install automatically, with a deadline of 0 days when asked to install now. */
export function updatePolicyOps(action: 'download' | 'install' | 'default' | undefined): CspOp[] {
  const int = (name: string, value: number): CspOp => ({
    verb: 'Replace',
    locUri: `${UPDATE}/${name}`,
    format: 'int',
    type: 'text/plain',
    data: String(value),
  });
  if (action === 'download') return [int('AllowAutoUpdate', 2)];
  const ops = [int('AllowAutoUpdate', 3), int('ScheduledInstallDay', 0)];
  if (action === 'install')
    ops.push(int('ConfigureDeadlineForQualityUpdates', 0), int('ConfigureDeadlineForFeatureUpdates', 0), int('ConfigureDeadlineGracePeriod', 0));
  return ops;
}

export interface PlanContext {
  readonly ownership: Ownership;
}

/**
 * The Windows plan for an intent.
 *
 * @example
 * windowsPlanFor('lock', {}, { ownership: 'corporate' }) // one step: Exec ./Device/Vendor/MSFT/RemoteLock/Lock
 * @throws UnsupportedIntent for intents Windows can't do; WindowsCommandError for parameters it can't take.
 */
export function windowsPlanFor<N extends IntentName>(intent: N, params: IntentParams<N>, _context: PlanContext): CommandPlan {
  const one = (...ops: CspOp[]): CommandPlan => ({ steps: [{ ops }] });
  switch (intent) {
    case 'lock':
      return one({ verb: 'Exec', locUri: `${DEVICE}/RemoteLock/Lock` });
    case 'wipe': {
      const p = params as IntentParams<'wipe'>;
      // preserveDataPlan keeps provisioning data (the Windows counterpart of keeping the eSIM plan).
      return one({
        verb: 'Exec',
        locUri: `${DEVICE}/RemoteWipe/${p.preserveDataPlan ? 'doWipePersistProvisionedData' : 'doWipe'}`,
        format: 'chr',
        type: 'text/plain',
      });
    }
    case 'restart':
      return one({ verb: 'Exec', locUri: `${DEVICE}/Reboot/RebootNow`, format: 'null', type: 'text/plain' });
    case 'refresh_inventory':
      return one(...INVENTORY_NODES.map((locUri): CspOp => ({ verb: 'Get', locUri })));
    case 'install_app':
      return msiInstallPlan(parseMsiIdentifier((params as IntentParams<'install_app'>).identifier));
    case 'remove_app': {
      const code = (params as IntentParams<'remove_app'>).identifier.toUpperCase();
      if (!GUID.test(code)) throw new WindowsCommandError('invalid_params', 'On Windows, remove_app takes the MSI product code, e.g. "{…}".');
      return one({ verb: 'Delete', locUri: `${MSI}/${code}` });
    }
    case 'os_update':
      return one(...updatePolicyOps((params as IntentParams<'os_update'>).action));
    case 'apply_configuration': {
      const p = params as IntentParams<'apply_configuration'>;
      const ops = p.source === 'raw' ? rawOps(p.payload) : policyOps(p.payload);
      return { steps: [{ ops }] };
    }
    case 'remove_configuration': {
      const p = params as IntentParams<'remove_configuration'>;
      if (p.payload === undefined) return { steps: [] };
      const installed =
        typeof p.payload === 'string' || (p.payload && typeof p.payload === 'object' && 'syncml' in p.payload) ? rawOps(p.payload) : policyOps(p.payload);
      return { steps: [{ ops: undoOps(installed, cspCatalogue()) }], tolerant: true };
    }
    default:
      throw new UnsupportedIntent(intent);
  }
}

function policyOps(payload: unknown): CspOp[] {
  const ops = (payload as WindowsPolicyPayload | undefined)?.ops;
  if (!Array.isArray(ops)) throw new WindowsCommandError('invalid_params', 'The configuration payload has no CSP operations.');
  return ops;
}

/** A raw profile: SyncML commands as text (or `{ syncml }`), checked again before they go out. */
export function rawOps(payload: unknown): CspOp[] {
  const content = typeof payload === 'string' ? payload : (payload as { syncml?: unknown } | undefined)?.syncml;
  if (typeof content !== 'string') throw new WindowsCommandError('invalid_raw', 'A raw Windows command takes { "syncml": "<Replace>…</Replace>" }.');
  const parsed = parseRawProfile(content, cspCatalogue());
  if (parsed.problems.length) throw new WindowsCommandError('invalid_raw', parsed.problems.join('; '));
  return parsed.ops;
}

const int = (value: string | undefined) => (value !== undefined && /^-?[0-9]+$/.test(value) ? Number(value) : undefined);
const bool = (value: string | undefined) => (value === undefined ? undefined : value === 'true' || value === '1');

/**
 * Inventory facts from the values a device returned (LocURI → value), the normalised ones included:
 * `security.encrypted`, `security.firewall.enabled`, `apps`.
 */
export function observedFromResults(results: Readonly<Record<string, string>>): InventoryUpdate | undefined {
  const get = (locUri: string) =>
    results[locUri] ?? results[locUri.replace('./Device/Vendor/', './Vendor/')] ?? results[locUri.replace('./Vendor/', './Device/Vendor/')];
  if (!INVENTORY_NODES.some((n) => get(n) !== undefined)) return undefined;
  const secureBoot = int(get(`${STATUS}/SecureBootState`));
  const firewall = int(get(`${STATUS}/Firewall/Status`));
  const antivirus = int(get(`${STATUS}/Antivirus/Status`));
  const encryptionCompliant = bool(get(`${STATUS}/Compliance/EncryptionCompliance`));
  const bitlockerStatus = int(get(`${DEVICE}/BitLocker/Status/DeviceEncryptionStatus`));
  const msiList = get(MSI);
  const windows = {
    manufacturer: get('./DevInfo/Man'),
    language: get('./DevInfo/Lang'),
    dmVersion: get('./DevInfo/DmV'),
    hardwareVersion: get('./DevDetail/HwV'),
    oem: get('./DevDetail/OEM'),
    deviceType: get('./DevDetail/DevTyp'),
    osPlatform: get('./DevDetail/Ext/Microsoft/OSPlatform'),
    edition: get(`${STATUS}/OS/Edition`),
    processorArchitecture: int(get('./DevDetail/Ext/Microsoft/ProcessorArchitecture')),
    totalRamMb: int(get('./DevDetail/Ext/Microsoft/TotalRAM')),
    wlanMac: get('./DevDetail/Ext/WLANMACAddress'),
    tpm: { specificationVersion: get(`${STATUS}/TPM/SpecificationVersion`), manufacturer: get(`${STATUS}/TPM/ManufacturerIdTxt`) },
    uacStatus: int(get(`${STATUS}/UAC/Status`)),
    antivirusSignatureStatus: int(get(`${STATUS}/Antivirus/SignatureStatus`)),
    bitlockerStatus,
  };
  const totalMb = int(get('./DevDetail/Ext/Microsoft/TotalStorage'));
  const freeMb = int(get('./DevDetail/Ext/Microsoft/FreeStorage'));
  const facts: Record<string, unknown> = {
    windows,
    security: {
      // Encrypted when the device says its encryption is compliant, or BitLocker reports the drive compliant (0).
      ...(encryptionCompliant !== undefined || bitlockerStatus !== undefined ? { encrypted: encryptionCompliant === true || bitlockerStatus === 0 } : {}),
      // DeviceStatus: 0 means "on and monitoring" for the firewall and the antivirus; 1 (secure boot) means enabled.
      ...(firewall !== undefined ? { firewall: { enabled: firewall === 0 } } : {}),
      ...(antivirus !== undefined ? { antivirus: { enabled: antivirus === 0 } } : {}),
      ...(secureBoot !== undefined ? { secureBoot: secureBoot === 1 } : {}),
      ...(get(`${STATUS}/TPM/SpecificationVersion`) ? { tpm: true } : {}),
    },
    ...(totalMb !== undefined ? { storage: { totalMb, freeMb: freeMb ?? null } } : {}),
  };
  if (msiList !== undefined) {
    facts.apps = msiList
      .split('/')
      .filter((code) => GUID.test(code))
      .map((identifier) => ({ identifier }));
  }
  const name = get('./DevDetail/Ext/Microsoft/DeviceName');
  const model = get('./DevInfo/Mod');
  const os = get('./DevDetail/SwV');
  const serial = get('./DevDetail/Ext/Microsoft/SMBIOSSerialNumber');
  return {
    ...(name ? { name: name.slice(0, 200) } : {}),
    ...(model ? { model: model.slice(0, 200) } : {}),
    ...(os ? { osVersion: os.slice(0, 64) } : {}),
    ...(serial ? { serialNumber: serial.slice(0, 100) } : {}),
    facts,
  };
}
