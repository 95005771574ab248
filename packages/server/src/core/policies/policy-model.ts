import { type Static, Type } from 'typebox';
import type { Channel, Ownership, Platform } from '../devices/device-model.js';

/*
 * Steward's platform-neutral policy: what an admin means ("a 6-digit passcode, encryption, no
 * camera"), said once. Every setting is optional; a policy sets only what it cares about. Each
 * channel's adapter translates the settings into its own format (Apple payloads, Windows CSP nodes,
 * an Android Management API policy, agent checks) and lists, per setting, what it can't enforce.
 */

const text = (maxLength: number) => Type.String({ minLength: 1, maxLength });
const strict = { additionalProperties: false } as const;

export const PASSCODE_COMPLEXITIES = ['any', 'numeric', 'alphanumeric', 'complex'] as const;

export const PasscodeSettings = Type.Object(
  {
    required: Type.Optional(Type.Boolean()),
    minLength: Type.Optional(Type.Integer({ minimum: 4, maximum: 16 })),
    /** any < numeric < alphanumeric < complex (letters, digits and a symbol). */
    complexity: Type.Optional(Type.Union([Type.Literal('any'), Type.Literal('numeric'), Type.Literal('alphanumeric'), Type.Literal('complex')])),
    maxInactivityMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 })),
    /** Failed attempts before the device wipes itself (personal devices: the work data only). */
    maxFailedAttempts: Type.Optional(Type.Integer({ minimum: 2, maximum: 16 })),
    historyCount: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    maxAgeDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 730 })),
  },
  strict,
);

/** `false` blocks the feature; absent leaves it alone. */
export const RestrictionSettings = Type.Object(
  {
    camera: Type.Optional(Type.Boolean()),
    screenCapture: Type.Optional(Type.Boolean()),
    appInstalls: Type.Optional(Type.Boolean()),
    usbStorage: Type.Optional(Type.Boolean()),
    bluetooth: Type.Optional(Type.Boolean()),
    appStore: Type.Optional(Type.Boolean()),
    accountChanges: Type.Optional(Type.Boolean()),
  },
  strict,
);
export const RESTRICTIONS = ['camera', 'screenCapture', 'appInstalls', 'usbStorage', 'bluetooth', 'appStore', 'accountChanges'] as const;

export const WifiNetwork = Type.Object(
  {
    ssid: text(32),
    security: Type.Union([Type.Literal('open'), Type.Literal('wpa2-personal'), Type.Literal('wpa3-personal'), Type.Literal('wpa2-enterprise')]),
    /** For the personal modes. */
    password: Type.Optional(Type.String({ minLength: 8, maxLength: 63 })),
    eap: Type.Optional(
      Type.Object(
        {
          method: Type.Union([Type.Literal('tls'), Type.Literal('peap'), Type.Literal('ttls')]),
          /** EAP-TLS: the device authenticates with an identity certificate issued by Steward's CA. */
          identityCertificate: Type.Optional(Type.Boolean()),
          username: Type.Optional(text(255)),
        },
        strict,
      ),
    ),
    autoJoin: Type.Optional(Type.Boolean()),
    hidden: Type.Optional(Type.Boolean()),
  },
  strict,
);

export const VpnConnection = Type.Object(
  {
    name: text(100),
    type: Type.Union([Type.Literal('ikev2'), Type.Literal('l2tp'), Type.Literal('wireguard')]),
    server: text(255),
    authentication: Type.Union([Type.Literal('certificate'), Type.Literal('password')]),
    username: Type.Optional(text(255)),
    /** Route all traffic through the tunnel. */
    fullTunnel: Type.Optional(Type.Boolean()),
  },
  strict,
);

export const CertificateSettings = Type.Object(
  {
    /** PEM certificates the device trusts as roots. */
    trustedRoots: Type.Optional(Type.Array(Type.Object({ name: text(100), pem: Type.String({ minLength: 1, maxLength: 16_384 }) }, strict), { maxItems: 20 })),
    /** Give each device an identity certificate from Steward's CA (for Wi-Fi EAP-TLS, VPN). */
    identity: Type.Optional(Type.Boolean()),
  },
  strict,
);

export const EmailAccount = Type.Object(
  {
    name: text(100),
    type: Type.Union([Type.Literal('imap'), Type.Literal('exchange')]),
    /** The user's address; `{{user}}` is replaced with the device's assigned user. */
    address: text(255),
    host: text(255),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    ssl: Type.Optional(Type.Boolean()),
    smtpHost: Type.Optional(text(255)),
  },
  strict,
);

export const WebFilterSettings = Type.Object(
  {
    /** Only these sites (URL prefixes) when present. */
    allow: Type.Optional(Type.Array(text(2048), { maxItems: 500 })),
    deny: Type.Optional(Type.Array(text(2048), { maxItems: 500 })),
  },
  strict,
);

export const OsUpdateSettings = Type.Object(
  {
    minimumVersion: Type.String({ pattern: '^[0-9]+(\\.[0-9]+){0,3}$' }),
    /** ISO 8601 date-time: after it, the update is installed without asking. */
    deadline: Type.Optional(Type.String({ format: 'date-time' })),
  },
  strict,
);

export const AppSetting = Type.Object(
  {
    /** Bundle ID, package name, winget/MSI product code, or Debian package: the store identifier. */
    identifier: text(255),
    install: Type.Union([Type.Literal('required'), Type.Literal('available'), Type.Literal('blocked')]),
    /** The app's managed configuration (AppConfig dictionary, Android managed configuration). */
    configuration: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  strict,
);

export const PolicySettings = Type.Object(
  {
    passcode: Type.Optional(PasscodeSettings),
    encryption: Type.Optional(Type.Object({ required: Type.Boolean() }, strict)),
    restrictions: Type.Optional(RestrictionSettings),
    wifi: Type.Optional(Type.Array(WifiNetwork, { maxItems: 20 })),
    vpn: Type.Optional(Type.Array(VpnConnection, { maxItems: 10 })),
    certificates: Type.Optional(CertificateSettings),
    email: Type.Optional(Type.Array(EmailAccount, { maxItems: 10 })),
    webFilter: Type.Optional(WebFilterSettings),
    osUpdate: Type.Optional(OsUpdateSettings),
    apps: Type.Optional(Type.Array(AppSetting, { maxItems: 200 })),
    /** Single-app (kiosk) mode: the device runs only this app. */
    kiosk: Type.Optional(Type.Object({ app: text(255) }, strict)),
  },
  strict,
);

export type PolicySettings = Static<typeof PolicySettings>;
export type PasscodeSettings = Static<typeof PasscodeSettings>;
export type WifiNetwork = Static<typeof WifiNetwork>;
export type VpnConnection = Static<typeof VpnConnection>;
export type EmailAccount = Static<typeof EmailAccount>;
export type AppSetting = Static<typeof AppSetting>;

/** The device a translation is for: a personal device never gets device-wide settings its owner didn't agree to. */
export interface TranslationTarget {
  readonly platform: Platform;
  readonly ownership: Ownership;
  readonly assignedUser?: string | null;
  /**
   * The configuration key the translation will be delivered under (`policy.<uuid>`): stable across
   * versions, so a channel can derive identifiers from it (Apple: the profile's PayloadIdentifier)
   * and a new version replaces the old one on the device. Absent in previews.
   */
  readonly key?: string;
}

/** A setting a channel can't enforce on a device, said plainly (shown in previews and per device). */
export interface UnsupportedSetting {
  /** A path into the settings, e.g. `restrictions.usbStorage` or `wifi[0].eap`. */
  readonly setting: string;
  readonly reason: string;
}

/**
 * What one channel makes of a policy. `payload` is what the adapter delivers (a configuration
 * profile, CSP nodes, AMAPI policy fields, agent checks): JSON-serialisable, and the same settings
 * always give the same payload, so its hash says whether a device is up to date.
 */
export interface PolicyTranslation {
  readonly payload: unknown;
  readonly unsupported: readonly UnsupportedSetting[];
}

/** Implemented by each protocol adapter (`protocols/<channel>/policy.ts`). */
export interface PolicyTranslator {
  readonly channel: Channel;
  translate(settings: PolicySettings, target: TranslationTarget): PolicyTranslation;
  /** Checks a raw platform profile an admin uploads; returns the problems found (empty when valid). */
  validateRaw?(content: string): readonly string[];
  /** The raw profile's own identifier, when the format has one (Apple: the top-level PayloadIdentifier). */
  rawIdentifier?(content: string): string | null;
  /** What `apply_configuration` carries for a raw profile on this channel (default: `{ content }`). */
  rawPayload?(content: string, identifier: string | null): unknown;
  /**
   * What `remove_configuration` needs to undo an applied payload once its source is gone (Apple:
   * `{ identifier }`); stored beside the configuration's state. Default: nothing.
   */
  removal?(payload: unknown): unknown;
}
