import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/*
 * Request-body checks for the AMAPI stand-in, derived from Google's own client: the
 * `@googleapis/androidmanagement` package is generated from the discovery document of
 * androidmanagement v1 and carries every schema as a TypeScript interface (`Schema$Policy`, …) in
 * build/v1.d.ts; no discovery JSON ships with it. This module reads those interfaces at runtime and
 * checks that every field Steward sends exists in the schema with the right JSON type. Enumerations
 * are typed as plain strings there, so the values of the enum fields Steward sends are checked
 * against lists taken from Google's reference documentation (ENUMS below).
 */

type FieldType =
  | { kind: 'string' | 'number' | 'boolean' | 'any' }
  | { kind: 'ref'; name: string }
  | { kind: 'array'; of: FieldType }
  | { kind: 'map'; of: FieldType };

export type Schemas = Map<string, Map<string, FieldType>>;

function parseType(text: string): FieldType {
  const t = text.replace(/\s*\|\s*null$/, '').trim();
  if (t.endsWith('[]')) return { kind: 'array', of: parseType(t.slice(0, -2)) };
  if (t === 'string') return { kind: 'string' };
  if (t === 'number') return { kind: 'number' };
  if (t === 'boolean') return { kind: 'boolean' };
  if (t.startsWith('Schema$')) return { kind: 'ref', name: t.slice('Schema$'.length) };
  const map = /^\{\s*\[key: string\]:\s*([^;]+);\s*\}$/.exec(t);
  if (map?.[1]) return map[1].trim() === 'any' ? { kind: 'any' } : { kind: 'map', of: parseType(map[1]) };
  return { kind: 'any' };
}

/** Parses every `Schema$*` interface of the client's v1.d.ts. */
export function loadSchemas(): Schemas {
  const require = createRequire(import.meta.url);
  const file = path.join(path.dirname(require.resolve('@googleapis/androidmanagement')), 'v1.d.ts');
  const source = fs.readFileSync(file, 'utf8').replace(/\/\*\*[\s\S]*?\*\//g, '');
  const schemas: Schemas = new Map();
  for (const match of source.matchAll(/export interface Schema\$(\w+) \{([\s\S]*?)\n {4}\}/g)) {
    const fields = new Map<string, FieldType>();
    const body = (match[2] ?? '').replace(/\{\s*\n\s*(\[key: string\]: [^;]+;)\s*\n\s*\}/g, '{ $1 }');
    for (const line of body.split('\n')) {
      const field = /^\s*(\w+)\?: (.+);$/.exec(line);
      if (field?.[1] && field[2]) fields.set(field[1], parseType(field[2]));
    }
    schemas.set(match[1] as string, fields);
  }
  // Fields newer than the installed client (START_LOST_MODE/STOP_LOST_MODE parameters, from
  // Google's current reference); everything else Steward sends must be in the client's schemas.
  const message = { kind: 'ref', name: 'UserFacingMessage' } as const;
  schemas.set(
    'StartLostModeParams',
    new Map<string, FieldType>([
      ['lostMessage', message],
      ['lostPhoneNumber', message],
      ['lostEmailAddress', { kind: 'string' }],
      ['lostStreetAddress', message],
      ['lostOrganization', message],
    ]),
  );
  schemas.set('StopLostModeParams', new Map());
  schemas.get('Command')?.set('startLostModeParams', { kind: 'ref', name: 'StartLostModeParams' });
  schemas.get('Command')?.set('stopLostModeParams', { kind: 'ref', name: 'StopLostModeParams' });
  return schemas;
}

/** Enumerations of the fields Steward sends, from Google's reference documentation. */
export const ENUMS: Readonly<Record<string, readonly string[]>> = {
  'Command.type': [
    'LOCK',
    'RESET_PASSWORD',
    'REBOOT',
    'RELINQUISH_OWNERSHIP',
    'CLEAR_APP_DATA',
    'START_LOST_MODE',
    'STOP_LOST_MODE',
    'REQUEST_DEVICE_INFO',
    'ADD_ESIM',
    'REMOVE_ESIM',
    'WIPE',
  ],
  'Command.resetPasswordFlags': ['RESET_PASSWORD_FLAG_UNSPECIFIED', 'REQUIRE_ENTRY', 'DO_NOT_ASK_CREDENTIALS_ON_BOOT', 'LOCK_NOW'],
  'EnrollmentToken.allowPersonalUsage': [
    'ALLOW_PERSONAL_USAGE_UNSPECIFIED',
    'PERSONAL_USAGE_ALLOWED',
    'PERSONAL_USAGE_DISALLOWED',
    'PERSONAL_USAGE_DISALLOWED_USERLESS',
  ],
  'Enterprise.enabledNotificationTypes': [
    'NOTIFICATION_TYPE_UNSPECIFIED',
    'ENROLLMENT',
    'COMPLIANCE_REPORT',
    'STATUS_REPORT',
    'COMMAND',
    'USAGE_LOGS',
    'ENTERPRISE_UPGRADE',
  ],
  'PasswordRequirements.passwordQuality': [
    'PASSWORD_QUALITY_UNSPECIFIED',
    'BIOMETRIC_WEAK',
    'SOMETHING',
    'NUMERIC',
    'NUMERIC_COMPLEX',
    'ALPHABETIC',
    'ALPHANUMERIC',
    'COMPLEX',
    'COMPLEXITY_LOW',
    'COMPLEXITY_MEDIUM',
    'COMPLEXITY_HIGH',
  ],
  'PasswordRequirements.passwordScope': ['SCOPE_UNSPECIFIED', 'SCOPE_DEVICE', 'SCOPE_PROFILE'],
  'ApplicationPolicy.installType': ['INSTALL_TYPE_UNSPECIFIED', 'PREINSTALLED', 'FORCE_INSTALLED', 'BLOCKED', 'AVAILABLE', 'REQUIRED_FOR_SETUP', 'KIOSK'],
  'Policy.cameraAccess': ['CAMERA_ACCESS_UNSPECIFIED', 'CAMERA_ACCESS_USER_CHOICE', 'CAMERA_ACCESS_DISABLED', 'CAMERA_ACCESS_ENFORCED'],
  'Policy.encryptionPolicy': ['ENCRYPTION_POLICY_UNSPECIFIED', 'ENABLED_WITHOUT_PASSWORD', 'ENABLED_WITH_PASSWORD'],
  'Policy.playStoreMode': ['PLAY_STORE_MODE_UNSPECIFIED', 'WHITELIST', 'BLACKLIST'],
  'SystemUpdate.type': ['SYSTEM_UPDATE_TYPE_UNSPECIFIED', 'AUTOMATIC', 'WINDOWED', 'POSTPONE'],
  'Device.wipeDataFlags': ['WIPE_DATA_FLAG_UNSPECIFIED', 'PRESERVE_RESET_PROTECTION_DATA', 'WIPE_EXTERNAL_STORAGE', 'WIPE_ESIMS'],
};

/** Problems of `value` as an instance of schema `name` (empty when it conforms). */
export function check(schemas: Schemas, name: string, value: unknown, at = name): string[] {
  const fields = schemas.get(name);
  if (!fields) return [`${at}: no schema ${name}`];
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [`${at}: must be an object`];
  const problems: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const type = fields.get(key);
    if (!type) {
      problems.push(`${at}.${key}: unknown field of ${name}`);
      continue;
    }
    problems.push(...checkType(schemas, type, v, `${at}.${key}`, `${name}.${key}`));
  }
  return problems;
}

function checkType(schemas: Schemas, type: FieldType, v: unknown, at: string, enumKey: string): string[] {
  if (v === null) return [];
  switch (type.kind) {
    case 'any':
      return [];
    case 'string': {
      if (typeof v !== 'string') return [`${at}: must be a string`];
      const allowed = ENUMS[enumKey];
      return allowed && !allowed.includes(v) ? [`${at}: "${v}" is not one of ${allowed.join(', ')}`] : [];
    }
    case 'number':
      return typeof v === 'number' ? [] : [`${at}: must be a number`];
    case 'boolean':
      return typeof v === 'boolean' ? [] : [`${at}: must be a boolean`];
    case 'ref':
      return check(schemas, type.name, v, at);
    case 'array':
      return Array.isArray(v) ? v.flatMap((item, i) => checkType(schemas, type.of, item, `${at}[${i}]`, enumKey)) : [`${at}: must be an array`];
    case 'map':
      return typeof v === 'object' && !Array.isArray(v)
        ? Object.entries(v as object).flatMap(([k, item]) => checkType(schemas, type.of, item, `${at}.${k}`, enumKey))
        : [`${at}: must be an object`];
  }
}
