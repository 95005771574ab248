import fs from 'node:fs';
import path from 'node:path';

/** Which parts of Steward a process runs. By default one process runs all of them. */
export type Role = 'api' | 'devices' | 'worker';
export const ALL_ROLES: readonly Role[] = Object.freeze(['api', 'devices', 'worker']);

/**
 * The validated, frozen configuration of one Steward process.
 *
 * Every field has a command-line flag and a `STEWARD_*` environment twin; see `docs/configuration.md`.
 */
export interface Config {
  readonly listenHost: string;
  readonly listenPort: number;
  /** Base URL devices and browsers are told to use, without a trailing slash. */
  readonly publicUrl: string;
  readonly dataDir: string;
  readonly databaseUrl: string;
  readonly tls: TlsConfig;
  /** 32-byte key that seals secrets at rest; when absent it is read from (or created in) the data dir. */
  readonly secretKey: Buffer | undefined;
  readonly roles: readonly Role[];
  readonly logLevel: string;
  /** Proxies whose `X-Forwarded-For` is believed (fastify trustProxy syntax). */
  readonly trustProxy: string | boolean;
  readonly sessionTtlSeconds: number;
  /** After this many failed sign-ins in a row an account is locked for `lockoutSeconds`. */
  readonly maxFailedLogins: number;
  readonly lockoutSeconds: number;
  /** Commands still undelivered after this long expire. */
  readonly commandTtlSeconds: number;
  /**
   * Header in which a trusted TLS-terminating proxy forwards the device's client certificate
   * (RFC 9440), lower-case. Devices of every channel prove themselves with it when set.
   */
  readonly clientCertHeader: string | undefined;
  readonly apple: AppleConfig;
  /** Accept http:// webhook URLs (default: https only). */
  readonly webhooksAllowHttp: boolean;
  /** SMTP server for compliance e-mails and scheduled reports (`smtp://…`, `smtps://…`). */
  readonly smtpUrl: string | undefined;
  /** Sender address of Steward's e-mail. */
  readonly mailFrom: string;
  readonly android: AndroidConfig;
}

export interface AndroidConfig {
  /** Root URL of the Android Management API (Google's, or a local stand-in), with a trailing slash. */
  readonly apiUrl: string;
}

export interface AppleConfig {
  /** APNs endpoint: production, sandbox, or a local stand-in. */
  readonly apnsUrl: string;
  /** Extra CA (PEM) to trust for the APNs endpoint; for a stand-in. */
  readonly apnsCa: string | undefined;
  /** Lifetime of device identity certificates issued by SCEP. */
  readonly identityLifetimeDays: number;
  /** Accept SCEP clients that only speak single DES and SHA-1 (old tooling; Apple devices never need it). */
  readonly scepLegacyAlgorithms: boolean;
}

export type TlsConfig =
  | { readonly mode: 'off' }
  | { readonly mode: 'self-issued' }
  | { readonly mode: 'files'; readonly certFile: string; readonly keyFile: string };

/** Raw option values as they come from flags or the environment; all strings. */
export interface ConfigInput {
  listen?: string | undefined;
  publicUrl?: string | undefined;
  dataDir?: string | undefined;
  databaseUrl?: string | undefined;
  noTls?: boolean | string | undefined;
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  secretKey?: string | undefined;
  role?: string | undefined;
  logLevel?: string | undefined;
  trustProxy?: string | undefined;
  apnsUrl?: string | undefined;
  apnsCaFile?: string | undefined;
  identityLifetimeDays?: string | undefined;
  clientCertHeader?: string | undefined;
  scepLegacyAlgorithms?: boolean | string | undefined;
  androidApiUrl?: string | undefined;
  webhooksAllowHttp?: boolean | string | undefined;
  smtpUrl?: string | undefined;
  mailFrom?: string | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Environment twins of every flag. Flags win over the environment. */
export const ENV_NAMES: Readonly<Record<keyof ConfigInput, string>> = Object.freeze({
  listen: 'STEWARD_LISTEN',
  publicUrl: 'STEWARD_PUBLIC_URL',
  dataDir: 'STEWARD_DATA_DIR',
  databaseUrl: 'STEWARD_DATABASE_URL',
  noTls: 'STEWARD_NO_TLS',
  tlsCert: 'STEWARD_TLS_CERT',
  tlsKey: 'STEWARD_TLS_KEY',
  secretKey: 'STEWARD_SECRET_KEY',
  role: 'STEWARD_ROLE',
  logLevel: 'STEWARD_LOG_LEVEL',
  trustProxy: 'STEWARD_TRUST_PROXY',
  apnsUrl: 'STEWARD_APNS_URL',
  apnsCaFile: 'STEWARD_APNS_CA_FILE',
  identityLifetimeDays: 'STEWARD_IDENTITY_LIFETIME_DAYS',
  clientCertHeader: 'STEWARD_CLIENT_CERT_HEADER',
  scepLegacyAlgorithms: 'STEWARD_SCEP_LEGACY_ALGORITHMS',
  androidApiUrl: 'STEWARD_ANDROID_API_URL',
  webhooksAllowHttp: 'STEWARD_WEBHOOKS_ALLOW_HTTP',
  smtpUrl: 'STEWARD_SMTP_URL',
  mailFrom: 'STEWARD_MAIL_FROM',
});

/** Fills unset options from the environment. */
export function withEnvironment(input: ConfigInput, env: NodeJS.ProcessEnv = process.env): ConfigInput {
  const merged: ConfigInput = { ...input };
  for (const [key, name] of Object.entries(ENV_NAMES) as [keyof ConfigInput, string][]) {
    if (merged[key] === undefined && env[name] !== undefined && env[name] !== '') {
      (merged as Record<string, unknown>)[key] = env[name];
    }
  }
  return merged;
}

function parseBool(value: boolean | string | undefined): boolean {
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off|)$/i.test(value)) return false;
  throw new ConfigError(`expected a boolean, got "${value}"`);
}

function parseListen(value: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:]*)):(\d{1,5})$/.exec(value);
  if (!match) throw new ConfigError(`--listen must be HOST:PORT, got "${value}"`);
  const port = Number(match[3]);
  if (port > 65535) throw new ConfigError(`--listen port out of range: ${port}`);
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}

function parseSecretKey(value: string | undefined): Buffer | undefined {
  if (value === undefined) return undefined;
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32) throw new ConfigError('STEWARD_SECRET_KEY must be 32 bytes, as 64 hex digits or base64');
  return key;
}

function parseRoles(value: string | undefined): readonly Role[] {
  if (value === undefined || value === 'all') return ALL_ROLES;
  const roles = value.split(',').map((r) => r.trim());
  for (const role of roles) {
    if (!ALL_ROLES.includes(role as Role)) throw new ConfigError(`unknown role "${role}" (api, devices, worker)`);
  }
  return Object.freeze(roles as Role[]);
}

/**
 * Parses raw options into a frozen {@link Config}.
 *
 * @example
 * const config = loadConfig(withEnvironment({ listen: '127.0.0.1:8443' }));
 */
export function loadConfig(rawInput: ConfigInput): Config {
  const input = rawInput;
  const { host, port } = parseListen(input.listen ?? '0.0.0.0:8443');
  const dataDir = path.resolve(input.dataDir ?? './steward-data');
  const noTls = parseBool(input.noTls);

  let tls: TlsConfig;
  if (noTls) tls = { mode: 'off' };
  else if (input.tlsCert || input.tlsKey) {
    if (!input.tlsCert || !input.tlsKey) throw new ConfigError('--tls-cert and --tls-key go together');
    tls = { mode: 'files', certFile: path.resolve(input.tlsCert), keyFile: path.resolve(input.tlsKey) };
  } else tls = { mode: 'self-issued' };

  let publicUrl = input.publicUrl;
  if (!publicUrl) {
    const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
    publicUrl = `${tls.mode === 'off' ? 'http' : 'https'}://${shownHost}:${port}`;
  }
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(publicUrl);
  } catch {
    throw new ConfigError(`--public-url is not a URL: "${publicUrl}"`);
  }
  if (parsedUrl.protocol !== 'https:' && parsedUrl.protocol !== 'http:') {
    throw new ConfigError('--public-url must be http(s)');
  }

  const databaseUrl = input.databaseUrl ?? `sqlite:${path.join(dataDir, 'steward.db')}`;
  if (!/^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(databaseUrl)) {
    throw new ConfigError('--database-url must start with sqlite: or postgres://');
  }

  let trustProxy: string | boolean = false;
  if (input.trustProxy !== undefined) {
    trustProxy = /^(true|false)$/i.test(input.trustProxy) ? input.trustProxy.toLowerCase() === 'true' : input.trustProxy;
  }

  const lifetime = input.identityLifetimeDays === undefined ? 365 : Number(input.identityLifetimeDays);
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > 3650)
    throw new ConfigError('--identity-lifetime-days must be a whole number of days from 1 to 3650');
  let apnsCa: string | undefined;
  if (input.apnsCaFile) {
    try {
      apnsCa = fs.readFileSync(input.apnsCaFile, 'utf8');
    } catch {
      throw new ConfigError(`--apns-ca-file cannot be read: ${input.apnsCaFile}`);
    }
  }
  if (input.smtpUrl !== undefined && !/^smtps?:\/\/[^/]/.test(input.smtpUrl))
    throw new ConfigError('--smtp-url must be smtp://host[:port] or smtps://host[:port]');
  const mailFrom = input.mailFrom ?? `steward@${parsedUrl.hostname}`;
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(mailFrom) && !/^[^<>]*<[^\s@<>]+@[^\s@<>]+>$/.test(mailFrom))
    throw new ConfigError('--mail-from must be an e-mail address');
  const apnsUrl = (input.apnsUrl ?? 'https://api.push.apple.com').replace(/\/+$/, '');
  if (!/^https:\/\//.test(apnsUrl)) throw new ConfigError('--apns-url must be https://');
  const androidApiUrl = `${(input.androidApiUrl ?? 'https://androidmanagement.googleapis.com').replace(/\/+$/, '')}/`;
  if (!/^https?:\/\/[^/]+/.test(androidApiUrl)) throw new ConfigError('--android-api-url must be an http(s) URL');

  return Object.freeze({
    listenHost: host,
    listenPort: port,
    publicUrl: publicUrl.replace(/\/+$/, ''),
    dataDir,
    databaseUrl,
    tls: Object.freeze(tls),
    secretKey: parseSecretKey(input.secretKey),
    roles: parseRoles(input.role),
    logLevel: input.logLevel ?? 'info',
    trustProxy,
    sessionTtlSeconds: 12 * 3600,
    maxFailedLogins: 5,
    lockoutSeconds: 15 * 60,
    commandTtlSeconds: 30 * 24 * 3600,
    clientCertHeader: input.clientCertHeader?.toLowerCase(),
    apple: Object.freeze({
      apnsUrl,
      apnsCa,
      identityLifetimeDays: lifetime,
      scepLegacyAlgorithms: parseBool(input.scepLegacyAlgorithms),
    }),
    android: Object.freeze({ apiUrl: androidApiUrl }),
    webhooksAllowHttp: parseBool(input.webhooksAllowHttp),
    smtpUrl: input.smtpUrl,
    mailFrom,
  });
}
