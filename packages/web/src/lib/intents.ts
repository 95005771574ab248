import type { Device, Platform } from '../api/types';

/**
 * The device actions the console offers, mirroring the server's intent table
 * (packages/server/src/core/commands/intents.ts): who may send each one and which platforms carry it
 * out. The server decides; this only keeps the console from offering what would be refused or skipped.
 */
export type DeviceIntent =
  | 'lock'
  | 'restart'
  | 'shutdown'
  | 'locate'
  | 'enable_lost_mode'
  | 'disable_lost_mode'
  | 'play_lost_mode_sound'
  | 'clear_passcode'
  | 'refresh_inventory'
  | 'wipe';

export interface DeviceAction {
  intent: DeviceIntent;
  /** The button's text. */
  label: string;
  /** What the action does, in a sentence the confirmation shows. */
  description: string;
  permission: string;
  platforms: readonly Platform[];
  /** Only devices of these ownerships (personal devices are retired, never wiped). */
  ownership?: readonly Device['ownership'][];
  /** Sent at once, without a confirmation: harmless and easily repeated. */
  immediate?: boolean;
}

const ALL: readonly Platform[] = ['ios', 'ipados', 'macos', 'windows', 'android', 'linux'];
const MOBILE_APPLE: readonly Platform[] = ['ios', 'ipados'];
const LOST_MODE: readonly Platform[] = [...MOBILE_APPLE, 'android'];

export const DEVICE_ACTIONS: readonly DeviceAction[] = [
  {
    intent: 'lock',
    label: 'Lock',
    description: 'Locks the screen at once. The user unlocks it with their passcode; a message and a phone number can be shown on the lock screen.',
    permission: 'command.lock',
    platforms: ALL,
  },
  {
    intent: 'refresh_inventory',
    label: 'Refresh inventory',
    description: 'Asks the device for its current details, security state, apps, profiles and certificates.',
    permission: 'command.refresh_inventory',
    platforms: ALL,
    immediate: true,
  },
  {
    intent: 'locate',
    label: 'Locate',
    description: 'Asks the device for its location. iPhone and iPad report it only while in lost mode.',
    permission: 'command.locate',
    platforms: LOST_MODE,
    immediate: true,
  },
  {
    intent: 'enable_lost_mode',
    label: 'Enable lost mode',
    description: 'Locks the device into lost mode with a message for whoever finds it. It stays locked until lost mode is turned off.',
    permission: 'command.enable_lost_mode',
    platforms: LOST_MODE,
    ownership: ['corporate'],
  },
  {
    intent: 'play_lost_mode_sound',
    label: 'Play sound',
    description: 'Plays a sound on a device in lost mode, to find it nearby.',
    permission: 'command.play_lost_mode_sound',
    platforms: MOBILE_APPLE,
    immediate: true,
  },
  {
    intent: 'disable_lost_mode',
    label: 'Disable lost mode',
    description: 'Takes the device out of lost mode; the user can use it again.',
    permission: 'command.disable_lost_mode',
    platforms: LOST_MODE,
  },
  {
    intent: 'clear_passcode',
    label: 'Clear passcode',
    description: 'Removes the passcode so that the user can open the device and set a new one. Anyone holding the device can then open it.',
    permission: 'command.clear_passcode',
    platforms: LOST_MODE,
  },
  {
    intent: 'restart',
    label: 'Restart',
    description: 'Restarts the device. Unsaved work on it may be lost.',
    permission: 'command.restart',
    platforms: ALL,
  },
  {
    intent: 'shutdown',
    label: 'Shut down',
    description: 'Turns the device off. Someone has to switch it back on by hand.',
    permission: 'command.shutdown',
    platforms: ['ios', 'ipados', 'macos', 'windows', 'linux'],
  },
  {
    intent: 'wipe',
    label: 'Wipe',
    description: 'Erases all content and settings and returns the device to factory settings.',
    permission: 'command.wipe',
    platforms: ALL,
    ownership: ['corporate'],
  },
];

/** The actions this principal may send to this device, in the order the console shows them. */
export function availableActions(device: Pick<Device, 'platform' | 'ownership' | 'enrollmentState'>, permissions: readonly string[]): DeviceAction[] {
  if (device.enrollmentState !== 'enrolled' || !permissions.includes('commands.create')) return [];
  return DEVICE_ACTIONS.filter(
    (action) =>
      permissions.includes(action.permission) &&
      action.platforms.includes(device.platform) &&
      (!action.ownership || action.ownership.includes(device.ownership)),
  );
}

/** "enable_lost_mode" → "Enable lost mode"; raw command types are shown as the platform names them. */
export function commandLabel(type: string): string {
  const action = DEVICE_ACTIONS.find((a) => a.intent === type);
  if (action) return action.label;
  const words = type.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Delivery states as the console shows them. */
export const DELIVERY_STATES: Readonly<Record<string, { label: string; color: string }>> = {
  queued: { label: 'Queued', color: 'gray' },
  sent: { label: 'Sent', color: 'blue' },
  not_now: { label: 'Deferred', color: 'yellow' },
  acknowledged: { label: 'Done', color: 'teal' },
  error: { label: 'Failed', color: 'red' },
  expired: { label: 'Expired', color: 'orange' },
  cancelled: { label: 'Cancelled', color: 'gray' },
};

/** States in which a delivery may still change on its own (the timeline refreshes while one is). */
export const PENDING_STATES: readonly string[] = ['queued', 'sent'];
