import { createHash } from 'node:crypto';
import type { androidmanagement_v1 } from '@googleapis/androidmanagement';
import type { PolicySettings, PolicyTranslation, PolicyTranslator, TranslationTarget, UnsupportedSetting } from '../../core/policies/policy-model.js';

export type AmapiPolicy = androidmanagement_v1.Schema$Policy;
type Application = androidmanagement_v1.Schema$ApplicationPolicy;
type PasswordRequirements = androidmanagement_v1.Schema$PasswordRequirements;

const QUALITY = { any: 'SOMETHING', numeric: 'NUMERIC', alphanumeric: 'ALPHANUMERIC', complex: 'COMPLEX' } as const;
const INSTALL = { required: 'FORCE_INSTALLED', available: 'AVAILABLE', blocked: 'BLOCKED' } as const;

/** Android API level of each major release, for `minimumApiLevel` (AMAPI has no "minimum OS version" by name). */
const API_LEVELS: Readonly<Record<number, number>> = { 8: 26, 9: 28, 10: 29, 11: 30, 12: 31, 13: 33, 14: 34, 15: 35, 16: 36 };

/**
 * Steward's platform-neutral settings → fields of an AMAPI `Policy`. A personal device has a work
 * profile, not a managed device: password rules apply to the profile (`SCOPE_PROFILE`), and
 * device-wide settings its owner didn't agree to (USB, Bluetooth, system updates, kiosk, screen
 * lock timeout) are listed as unsupported instead of enforced.
 */
export function translateAndroid(settings: PolicySettings, target: TranslationTarget): PolicyTranslation {
  const workProfile = target.ownership === 'personal';
  const policy: AmapiPolicy = {};
  const unsupported: UnsupportedSetting[] = [];
  const deviceOnly = (setting: string) => unsupported.push({ setting, reason: 'Device-wide: not enforced on a personal device’s work profile.' });

  if (settings.passcode) {
    const p = settings.passcode;
    const requirements: PasswordRequirements = { passwordScope: workProfile ? 'SCOPE_PROFILE' : 'SCOPE_DEVICE' };
    if (p.complexity) requirements.passwordQuality = QUALITY[p.complexity];
    else if (p.required || p.minLength) requirements.passwordQuality = 'SOMETHING';
    if (p.minLength) {
      requirements.passwordMinimumLength = p.minLength;
      // AMAPI only honours a minimum length with NUMERIC, ALPHABETIC, ALPHANUMERIC or COMPLEX quality.
      if (!p.complexity || p.complexity === 'any') requirements.passwordQuality = 'NUMERIC';
    }
    if (p.maxFailedAttempts) requirements.maximumFailedPasswordsForWipe = p.maxFailedAttempts;
    if (p.historyCount) requirements.passwordHistoryLength = p.historyCount;
    if (p.maxAgeDays) requirements.passwordExpirationTimeout = `${p.maxAgeDays * 86_400}s`;
    policy.passwordPolicies = [requirements];
    if (p.maxInactivityMinutes) {
      if (workProfile) deviceOnly('passcode.maxInactivityMinutes');
      else policy.maximumTimeToLock = String(p.maxInactivityMinutes * 60_000);
    }
  }

  if (settings.encryption?.required) {
    if (workProfile)
      unsupported.push({
        setting: 'encryption',
        reason: 'A work profile can’t require device encryption (it is reported, and on by default since Android 10).',
      });
    else policy.encryptionPolicy = 'ENABLED_WITHOUT_PASSWORD';
  }

  const r = settings.restrictions ?? {};
  if (r.camera === false) policy.cameraAccess = 'CAMERA_ACCESS_DISABLED';
  if (r.camera === true) policy.cameraAccess = 'CAMERA_ACCESS_USER_CHOICE';
  if (r.screenCapture !== undefined) policy.screenCaptureDisabled = !r.screenCapture;
  if (r.appInstalls === false) policy.installAppsDisabled = true;
  if (r.accountChanges === false) policy.modifyAccountsDisabled = true;
  if (r.appStore === false) policy.playStoreMode = 'WHITELIST';
  if (r.usbStorage === false) {
    if (workProfile) deviceOnly('restrictions.usbStorage');
    else policy.usbFileTransferDisabled = true;
  }
  if (r.bluetooth === false) {
    if (workProfile) deviceOnly('restrictions.bluetooth');
    else policy.bluetoothDisabled = true;
  }

  const applications: Application[] = [];
  for (const app of settings.apps ?? []) {
    const entry: Application = { packageName: app.identifier, installType: INSTALL[app.install] };
    if (app.configuration && app.install !== 'blocked') entry.managedConfiguration = app.configuration;
    applications.push(entry);
  }
  if (settings.kiosk) {
    if (workProfile) deviceOnly('kiosk');
    else {
      const existing = applications.find((a) => a.packageName === settings.kiosk?.app);
      if (existing) existing.installType = 'KIOSK';
      else applications.push({ packageName: settings.kiosk.app, installType: 'KIOSK' });
    }
  }
  if (applications.length) policy.applications = applications.sort((a, b) => String(a.packageName).localeCompare(String(b.packageName)));

  if (settings.osUpdate) {
    const major = Number(settings.osUpdate.minimumVersion.split('.')[0]);
    const level = API_LEVELS[major];
    if (level) policy.minimumApiLevel = level;
    else unsupported.push({ setting: 'osUpdate.minimumVersion', reason: `No Android API level is known for version ${settings.osUpdate.minimumVersion}.` });
    if (workProfile) deviceOnly('osUpdate.deadline');
    else policy.systemUpdate = { type: 'AUTOMATIC' };
  }

  (settings.wifi ?? []).forEach((network, i) => {
    if (network.security === 'wpa2-enterprise')
      unsupported.push({ setting: `wifi[${i}].eap`, reason: 'EAP networks need certificates AMAPI can’t take from Steward yet.' });
  });
  const personalWifi = (settings.wifi ?? []).filter((n) => n.security !== 'wpa2-enterprise');
  if (personalWifi.length) {
    // Open Network Configuration, as AMAPI's `openNetworkConfiguration` takes it.
    policy.openNetworkConfiguration = {
      NetworkConfigurations: personalWifi.map((n) => ({
        GUID: `steward-wifi-${createHash('sha256').update(n.ssid).digest('hex').slice(0, 12)}`,
        Name: n.ssid,
        Type: 'WiFi',
        WiFi: {
          SSID: n.ssid,
          Security: n.security === 'open' ? 'None' : 'WPA-PSK',
          ...(n.password ? { Passphrase: n.password } : {}),
          AutoConnect: n.autoJoin ?? true,
          ...(n.hidden ? { HiddenSSID: true } : {}),
        },
      })),
    };
  }
  if (settings.vpn?.length)
    unsupported.push({ setting: 'vpn', reason: 'AMAPI configures VPN through a VPN app’s managed configuration: use raw policy JSON.' });
  if (settings.certificates)
    unsupported.push({ setting: 'certificates', reason: 'Certificates reach Android through a certificate-management app, not the policy.' });
  if (settings.email?.length) unsupported.push({ setting: 'email', reason: 'E-mail accounts are an app’s managed configuration on Android.' });
  if (settings.webFilter) unsupported.push({ setting: 'webFilter', reason: 'Web filtering is a browser app’s managed configuration on Android.' });
  return { payload: policy, unsupported };
}

/** Keys of `Policy` Steward manages itself; raw JSON may not set them. */
const RESERVED = new Set(['name', 'version', 'statusReportingSettings']);

/** Checks raw AMAPI policy JSON an admin uploads (the fields a `Policy` has, as a JSON object). */
export function validateRawPolicy(content: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return ['The content is not JSON.'];
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return ['The content must be a JSON object of AMAPI Policy fields.'];
  const problems: string[] = [];
  for (const key of Object.keys(parsed)) {
    if (RESERVED.has(key)) problems.push(`"${key}" is managed by Steward.`);
    else if (!/^[a-z][A-Za-z0-9]*$/.test(key)) problems.push(`"${key}" is not a Policy field name.`);
  }
  const apps = (parsed as AmapiPolicy).applications;
  if (apps !== undefined && (!Array.isArray(apps) || apps.some((a) => typeof a?.packageName !== 'string')))
    problems.push('"applications" must be a list with a packageName each.');
  return problems;
}

export const androidPolicyTranslator: PolicyTranslator = {
  channel: 'android',
  translate: translateAndroid,
  validateRaw: validateRawPolicy,
};

/** What every Steward policy carries: full status reports, so inventory and compliance stay current. */
export const BASE_POLICY: Readonly<AmapiPolicy> = Object.freeze({
  statusReportingSettings: {
    applicationReportsEnabled: true,
    deviceSettingsEnabled: true,
    softwareInfoEnabled: true,
    memoryInfoEnabled: true,
    networkInfoEnabled: true,
    displayInfoEnabled: true,
    hardwareStatusEnabled: true,
    powerManagementEventsEnabled: true,
  },
});

export interface AppliedConfiguration {
  key: string;
  version: string;
  payload: AmapiPolicy;
}

/**
 * The device's effective policy: the base, then each applied configuration in key order. Later
 * configurations win field by field, except `applications` (merged by package name) and
 * `passwordPolicies` (merged by scope), so two policies that each add apps both take effect.
 */
export function effectivePolicy(configurations: readonly AppliedConfiguration[]): AmapiPolicy {
  const policy: Record<string, unknown> = structuredClone(BASE_POLICY) as Record<string, unknown>;
  const apps = new Map<string, Application>();
  const passwords = new Map<string, PasswordRequirements>();
  for (const config of [...configurations].sort((a, b) => a.key.localeCompare(b.key))) {
    for (const [field, value] of Object.entries(config.payload)) {
      if (RESERVED.has(field) || value === undefined) continue;
      if (field === 'applications' && Array.isArray(value)) for (const app of value as Application[]) apps.set(String(app.packageName), app);
      else if (field === 'passwordPolicies' && Array.isArray(value))
        for (const p of value as PasswordRequirements[]) passwords.set(p.passwordScope ?? 'SCOPE_UNSPECIFIED', p);
      else policy[field] = value;
    }
  }
  if (apps.size) policy.applications = [...apps.values()].sort((a, b) => String(a.packageName).localeCompare(String(b.packageName)));
  if (passwords.size) policy.passwordPolicies = [...passwords.values()];
  return policy as AmapiPolicy;
}

/** JSON with sorted keys: the same policy always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** `enterprises/E/policies/steward-<hash>`: one AMAPI policy per distinct effective set. */
export function policyNameFor(enterpriseName: string, policy: AmapiPolicy): { name: string; hash: string } {
  const hash = createHash('sha256').update(canonicalJson(policy)).digest('hex');
  return { name: `${enterpriseName}/policies/steward-${hash.slice(0, 20)}`, hash };
}
