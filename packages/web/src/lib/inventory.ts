/**
 * Reading a device's `inventory` JSON, which holds whatever the device last reported under one key per
 * kind of fact (`device`, `security`, `apps`, `profiles`, `certificates`, `location`, …). Nothing in it
 * is guaranteed: every reader here checks types and falls back to nothing.
 */
import { formatDateTime } from './format';

export type Facts = Record<string, unknown>;

export const isRecord = (value: unknown): value is Facts => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The object under `key`, or undefined. */
export const factsOf = (inventory: Facts, key: string): Facts | undefined => (isRecord(inventory[key]) ? inventory[key] : undefined);

/** The list of objects under `key`, or undefined when the device never reported one. */
export const listOf = (inventory: Facts, key: string): Facts[] | undefined =>
  Array.isArray(inventory[key]) ? (inventory[key] as unknown[]).filter(isRecord) : undefined;

export const str = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);
export const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** The keys the device page shows in their own sections; anything else is listed as other facts. */
export const KNOWN_KEYS = ['device', 'security', 'apps', 'profiles', 'certificates', 'location'];

const LABELS: Record<string, string> = {
  udid: 'UDID',
  imei: 'IMEI',
  meid: 'MEID',
  iccid: 'ICCID',
  osVersion: 'OS version',
  buildVersion: 'Build',
  capacityGb: 'Capacity',
  availableCapacityGb: 'Available capacity',
  wifiMac: 'Wi-Fi MAC address',
  bluetoothMac: 'Bluetooth MAC address',
  ethernetMac: 'Ethernet MAC address',
  sipEnabled: 'System Integrity Protection',
  fileVaultEnabled: 'FileVault',
  findMyEnabled: 'Find My',
  lostModeEnabled: 'Lost mode',
  sharedIpad: 'Shared iPad',
  eraseAllContentPreflight: 'Erase all content preflight',
  easDeviceIdentifier: 'Exchange device identifier',
  mdmOptions: 'MDM options',
  osUpdateSettings: 'OS update settings',
  supportsLom: 'Supports LOM',
  supportsIosApps: 'Supports iOS apps',
  pinRequiredForLock: 'PIN required to lock',
  pinRequiredForErase: 'PIN required to erase',
  enrolledViaDep: 'Enrolled via Automated Device Enrollment',
  userApprovedEnrollment: 'User-approved enrollment',
  autoLockTime: 'Auto-lock (seconds)',
  passcodeLockGracePeriod: 'Passcode grace period (seconds)',
  passcodeLockGracePeriodEnforced: 'Enforced passcode grace period (seconds)',
};

/** `passcodePresent` → "Passcode present". */
export function factLabel(key: string): string {
  if (Object.hasOwn(LABELS, key)) return LABELS[key] as string;
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** A fact's value as short text: Yes/No, dates in the reader's zone, sizes with their unit. */
export function factText(key: string, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number') {
    if (key.endsWith('Gb')) return `${value.toLocaleString(undefined, { maximumFractionDigits: 1 })} GB`;
    if (key === 'batteryLevel' && value <= 1) return `${Math.round(value * 100)} %`;
    return value.toLocaleString();
  }
  if (typeof value === 'string') return ISO_DATE.test(value) && !Number.isNaN(Date.parse(value)) ? formatDateTime(value) : value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(', ') || '—';
  if (isRecord(value) && Object.values(value).every((v) => typeof v !== 'object' || v === null)) {
    return Object.entries(value)
      .map(([k, v]) => `${factLabel(k)}: ${factText(k, v)}`)
      .join(' · ');
  }
  return JSON.stringify(value);
}

export interface DeviceLocation {
  latitude: number;
  longitude: number;
  accuracy?: number | undefined;
  at?: string | undefined;
}

export function locationOf(inventory: Facts): DeviceLocation | undefined {
  const facts = factsOf(inventory, 'location');
  const latitude = num(facts?.latitude);
  const longitude = num(facts?.longitude);
  if (latitude === undefined || longitude === undefined || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return undefined;
  return { latitude, longitude, accuracy: num(facts?.horizontalAccuracy), at: str(facts?.timestamp) };
}

/** A link to the spot on openstreetmap.org (opened in a new tab; the console itself loads no map tiles). */
export function openStreetMapUrl({ latitude, longitude }: DeviceLocation): string {
  const lat = latitude.toFixed(6);
  const lon = longitude.toFixed(6);
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`;
}
