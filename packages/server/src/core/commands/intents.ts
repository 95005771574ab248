import { type Static, type TSchema, Type } from 'typebox';
import type { Ownership, Platform } from '../devices/device-model.js';
import type { Permission } from '../permissions.js';

/**
 * Platform-neutral intents: what an admin asks for. Each protocol adapter translates an intent into
 * its platform's command and its result back into observed state. A device whose platform can't
 * carry out an intent is skipped when a command fans out, and the skip is counted.
 */
export interface IntentDefinition<S extends TSchema = TSchema> {
  readonly permission: Permission;
  readonly description: string;
  readonly params: S;
  readonly platforms: readonly Platform[];
  /** Only devices of these ownerships; personal devices are retired, never wiped. */
  readonly ownership?: readonly Ownership[];
}

const ALL: readonly Platform[] = ['ios', 'ipados', 'macos', 'windows', 'android', 'linux'];
const MOBILE_APPLE: readonly Platform[] = ['ios', 'ipados'];
const DESKTOP: readonly Platform[] = ['macos', 'windows', 'linux'];
const NONE = Type.Object({}, { additionalProperties: false });
const text = (maxLength: number) => Type.String({ minLength: 1, maxLength });

const define = <S extends TSchema>(definition: IntentDefinition<S>): IntentDefinition<S> => Object.freeze(definition);

export const INTENTS = Object.freeze({
  lock: define({
    permission: 'command.lock',
    description: 'Lock the screen, optionally showing a message and a phone number; macOS takes a six-digit PIN.',
    params: Type.Object(
      {
        message: Type.Optional(text(500)),
        phoneNumber: Type.Optional(text(50)),
        pin: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
      },
      { additionalProperties: false },
    ),
    platforms: ALL,
  }),
  wipe: define({
    permission: 'command.wipe',
    description: 'Erase the device and return it to factory settings.',
    params: Type.Object(
      {
        pin: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
        preserveDataPlan: Type.Optional(Type.Boolean()),
      },
      { additionalProperties: false },
    ),
    platforms: ALL,
    ownership: ['corporate'],
  }),
  restart: define({ permission: 'command.restart', description: 'Restart the device.', params: NONE, platforms: ALL }),
  shutdown: define({
    permission: 'command.shutdown',
    description: 'Shut the device down.',
    params: NONE,
    platforms: ['ios', 'ipados', 'macos', 'windows', 'linux'],
  }),
  locate: define({
    permission: 'command.locate',
    description: 'Report the device location (Apple devices: only in lost mode).',
    params: NONE,
    platforms: [...MOBILE_APPLE, 'android'],
    // BYOD: a personal device's whereabouts are its owner's business.
    ownership: ['corporate'],
  }),
  enable_lost_mode: define({
    permission: 'command.enable_lost_mode',
    description: 'Lock the device into lost mode with a message for whoever finds it.',
    params: Type.Object(
      { message: Type.Optional(text(500)), phoneNumber: Type.Optional(text(50)), footnote: Type.Optional(text(200)) },
      { additionalProperties: false },
    ),
    platforms: [...MOBILE_APPLE, 'android'],
    ownership: ['corporate'],
  }),
  disable_lost_mode: define({
    permission: 'command.disable_lost_mode',
    description: 'Leave lost mode.',
    params: NONE,
    platforms: [...MOBILE_APPLE, 'android'],
  }),
  play_lost_mode_sound: define({
    permission: 'command.play_lost_mode_sound',
    description: 'Play a sound on a device in lost mode.',
    params: NONE,
    platforms: MOBILE_APPLE,
  }),
  clear_passcode: define({
    permission: 'command.clear_passcode',
    description: 'Remove the passcode so the user can set a new one.',
    params: NONE,
    platforms: [...MOBILE_APPLE, 'android'],
  }),
  refresh_inventory: define({ permission: 'command.refresh_inventory', description: 'Ask the device for fresh inventory.', params: NONE, platforms: ALL }),
  install_profile: define({
    permission: 'command.install_profile',
    description: 'Install a configuration profile.',
    params: Type.Object({ profileId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
    platforms: ALL,
  }),
  remove_profile: define({
    permission: 'command.remove_profile',
    description: 'Remove a configuration profile by its identifier.',
    params: Type.Object({ identifier: text(255) }, { additionalProperties: false }),
    platforms: ALL,
  }),
  install_app: define({
    permission: 'command.install_app',
    description: 'Install an app from the catalogue or a store identifier.',
    params: Type.Object({ identifier: text(255), version: Type.Optional(text(64)) }, { additionalProperties: false }),
    platforms: ALL,
  }),
  remove_app: define({
    permission: 'command.remove_app',
    description: 'Remove a managed app.',
    params: Type.Object({ identifier: text(255) }, { additionalProperties: false }),
    platforms: ALL,
  }),
  os_update: define({
    permission: 'command.os_update',
    description: 'Download and install an OS update.',
    params: Type.Object(
      {
        version: Type.Optional(text(64)),
        action: Type.Optional(Type.Union([Type.Literal('download'), Type.Literal('install'), Type.Literal('default')])),
      },
      { additionalProperties: false },
    ),
    platforms: ALL,
  }),
  run_script: define({
    permission: 'command.run_script',
    description: 'Run a script through the Steward agent and return its output and exit code.',
    params: Type.Object(
      {
        interpreter: Type.Union([Type.Literal('sh'), Type.Literal('bash'), Type.Literal('zsh'), Type.Literal('powershell')]),
        script: Type.String({ minLength: 1, maxLength: 65_536 }),
        timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
      },
      { additionalProperties: false },
    ),
    platforms: DESKTOP,
  }),
  apply_configuration: define({
    permission: 'command.install_profile',
    description:
      "Install or update a configuration (a policy translated for the device's channel, or a raw platform profile). The reconciler sends these; `key` stays the same across versions.",
    params: Type.Object(
      {
        /** Stable across versions: `policy.<id>` or `profile.<id>`; Apple uses it as the PayloadIdentifier suffix. */
        key: Type.String({ pattern: '^[a-z]+\\.[0-9a-f-]{36}$' }),
        name: text(200),
        /** A hash of the payload: the same version is never installed twice. */
        version: Type.String({ pattern: '^[0-9a-f]{16,64}$' }),
        source: Type.Union([Type.Literal('policy'), Type.Literal('raw')]),
        /** The channel's translation (`PolicyTranslation.payload`) or the raw profile's content. */
        payload: Type.Unknown(),
      },
      { additionalProperties: false },
    ),
    platforms: ALL,
  }),
  remove_configuration: define({
    permission: 'command.remove_profile',
    description: 'Remove a configuration Steward installed, by its key.',
    params: Type.Object(
      {
        key: Type.String({ pattern: '^[a-z]+\\.[0-9a-f-]{36}$' }),
        /** What was installed (the translation or raw content), for channels that must undo it setting by setting. */
        payload: Type.Optional(Type.Unknown()),
      },
      { additionalProperties: false },
    ),
    platforms: ALL,
  }),
} as const);

export type IntentName = keyof typeof INTENTS;
export type IntentParams<N extends IntentName> = Static<(typeof INTENTS)[N]['params']>;
export const INTENT_NAMES = Object.keys(INTENTS) as IntentName[];
export const isIntent = (name: string): name is IntentName => Object.hasOwn(INTENTS, name);

/** Raw platform commands: the payload goes to the adapter as given (power users). */
export const RAW_PLATFORMS = ['apple', 'windows', 'android', 'agent'] as const;
export type RawPlatform = (typeof RAW_PLATFORMS)[number];
export const RAW_PLATFORM_DEVICES: Readonly<Record<RawPlatform, readonly Platform[]>> = Object.freeze({
  apple: ['ios', 'ipados', 'macos'],
  windows: ['windows'],
  android: ['android'],
  agent: DESKTOP,
});
