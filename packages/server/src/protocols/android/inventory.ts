import type { InventoryUpdate } from '../../core/devices/device-repository.js';
import type { AmapiDevice } from './amapi-client.js';

/** Security risks that mean the OS can't be trusted (rooted, custom ROM). */
const COMPROMISING_RISKS = new Set(['COMPROMISED_OS', 'UNKNOWN_OS']);

/**
 * An AMAPI `Device` → Steward's inventory: typed columns (OS version, model, serial, IMEI) and the
 * normalised facts every channel writes (`security`, `apps`), plus Android's own detail under
 * `android` (applied policy state, non-compliance, memory, displays, network).
 */
export function inventoryOf(device: AmapiDevice): InventoryUpdate {
  const hw = device.hardwareInfo ?? {};
  const sw = device.softwareInfo ?? {};
  const net = device.networkInfo ?? {};
  const settings = device.deviceSettings ?? {};
  const posture = device.securityPosture ?? {};
  const risks = (posture.postureDetails ?? []).map((d) => d.securityRisk ?? '').filter(Boolean);
  const compromised = posture.devicePosture === 'POTENTIALLY_COMPROMISED' || risks.some((r) => COMPROMISING_RISKS.has(r));
  const security: Record<string, unknown> = { compromised };
  if (typeof settings.isEncrypted === 'boolean') security.encrypted = settings.isEncrypted;
  if (typeof settings.isDeviceSecure === 'boolean') security.passcodePresent = settings.isDeviceSecure;
  if (typeof settings.adbEnabled === 'boolean') security.adbEnabled = settings.adbEnabled;
  if (typeof settings.developmentSettingsEnabled === 'boolean') security.developerOptions = settings.developmentSettingsEnabled;
  if (typeof settings.unknownSourcesEnabled === 'boolean') security.unknownSources = settings.unknownSourcesEnabled;
  if (posture.devicePosture) security.posture = posture.devicePosture;
  if (risks.length) security.risks = risks;

  const apps = (device.applicationReports ?? [])
    .filter((a) => a.packageName && a.state !== 'REMOVED')
    .map((a) => ({
      identifier: a.packageName as string,
      ...(a.displayName ? { name: a.displayName } : {}),
      ...(a.versionName ? { version: a.versionName } : {}),
    }));

  const facts: Record<string, unknown> = {
    security,
    android: {
      name: device.name,
      state: device.state ?? null,
      appliedState: device.appliedState ?? null,
      managementMode: device.managementMode ?? null,
      ownership: device.ownership ?? null,
      policyName: device.policyName ?? null,
      appliedPolicyName: device.appliedPolicyName ?? null,
      appliedPolicyVersion: device.appliedPolicyVersion ?? null,
      policyCompliant: device.policyCompliant ?? null,
      nonComplianceDetails: (device.nonComplianceDetails ?? []).map((d) => ({
        settingName: d.settingName ?? null,
        reason: d.nonComplianceReason ?? null,
        ...(d.packageName ? { packageName: d.packageName } : {}),
        ...(d.fieldPath ? { fieldPath: d.fieldPath } : {}),
        ...(d.installationFailureReason ? { installationFailureReason: d.installationFailureReason } : {}),
        ...(d.specificNonComplianceReason ? { specificReason: d.specificNonComplianceReason } : {}),
      })),
      lastStatusReportTime: device.lastStatusReportTime ?? null,
      securityPatchLevel: sw.securityPatchLevel ?? null,
      apiLevel: device.apiLevel ?? null,
      buildNumber: sw.androidBuildNumber ?? null,
      devicePolicyVersion: sw.androidDevicePolicyVersionName ?? null,
      hardware: { brand: hw.brand ?? null, manufacturer: hw.manufacturer ?? null, hardware: hw.hardware ?? null, baseband: hw.deviceBasebandVersion ?? null },
      memory: device.memoryInfo ? { totalRam: device.memoryInfo.totalRam ?? null, totalInternalStorage: device.memoryInfo.totalInternalStorage ?? null } : null,
      displays: (device.displays ?? []).map((d) => ({ name: d.name ?? null, width: d.width ?? null, height: d.height ?? null, density: d.density ?? null })),
      network: { wifiMacAddress: net.wifiMacAddress ?? null, operator: net.networkOperatorName ?? null, meid: net.meid ?? null },
    },
  };
  if (device.applicationReports) facts.apps = apps;

  const update: InventoryUpdate = { facts };
  if (sw.androidVersion) update.osVersion = sw.androidVersion;
  if (hw.model) update.model = hw.model;
  if (hw.serialNumber) update.serialNumber = hw.serialNumber;
  if (net.imei) update.imei = net.imei;

  return update;
}

/** RFC 3339 timestamp (with nanoseconds, as Google writes them) → epoch milliseconds. */
export function timeOf(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}
