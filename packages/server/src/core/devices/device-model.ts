/** The vocabulary of devices, shared by the API schemas, filters and adapters. */
export const PLATFORMS = ['ios', 'ipados', 'macos', 'windows', 'android', 'linux'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** How a device is managed: Apple MDM, Windows MDM (OMA-DM), Android Management API, or the Steward agent. */
export const CHANNELS = ['apple', 'windows', 'android', 'agent'] as const;
export type Channel = (typeof CHANNELS)[number];

/** The channel a platform's devices use unless they enrolled another way (a Mac running the agent). */
export function defaultChannel(platform: Platform): Channel {
  if (platform === 'windows' || platform === 'android') return platform;
  return platform === 'linux' ? 'agent' : 'apple';
}

export const OWNERSHIPS = ['corporate', 'personal'] as const;
export type Ownership = (typeof OWNERSHIPS)[number];

/** pending: created by an enrollment that hasn't completed; enrolled: managed; unenrolled: the device left; retired: an admin released it. */
export const ENROLLMENT_STATES = ['pending', 'enrolled', 'unenrolled', 'retired'] as const;
export type EnrollmentState = (typeof ENROLLMENT_STATES)[number];

export const COMPLIANCE_STATES = ['unknown', 'compliant', 'noncompliant'] as const;
export type ComplianceState = (typeof COMPLIANCE_STATES)[number];

/**
 * A sortable key for an OS version: four numeric parts, zero-padded, so that "9.3" < "18.2" in SQL.
 * Anything after the numbers (build letters, "beta") is ignored.
 */
export function osVersionKey(version: string | null | undefined): string | null {
  if (!version) return null;
  const parts = (version.match(/\d+/g) ?? []).slice(0, 4);
  if (parts.length === 0) return null;
  while (parts.length < 4) parts.push('0');
  return parts.map((p) => p.slice(-6).padStart(6, '0')).join('.');
}
