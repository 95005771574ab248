/**
 * Test-only: validates MDM commands, check-in messages and command results against Apple's published
 * schema (`../shared/reference/apple-device-management/mdm`, beside the repository). The product never
 * reads the schema; tests use it to prove that what Steward sends and expects is what Apple documents.
 *
 * Strict by design: a key the schema doesn't declare, a value of the wrong plist type, a missing
 * required key and a value outside a `rangelist` or `range` are all reported.
 *
 * @example
 * expect(validateCommand({ RequestType: 'DeviceLock', Message: 'Call IT' })).toEqual([]);
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** One key of a command, check-in or response, as the YAML describes it (only what validation uses). */
export interface SchemaKey {
  key: string;
  type: string;
  presence?: 'required' | 'optional';
  rangelist?: unknown[];
  range?: { min?: number; max?: number };
  subkeys?: SchemaKey[];
  supportedOS?: Record<string, SupportedOS | undefined>;
}

export interface SupportedOS {
  introduced?: string;
  deprecated?: string;
  removed?: string;
  [other: string]: unknown;
}

export interface MdmSchema {
  title: string;
  payload: { requesttype: string; supportedOS?: Record<string, SupportedOS | undefined> };
  payloadkeys?: SchemaKey[];
  responsekeys?: SchemaKey[];
}

/** The OS names the schema uses; iPadOS is `iOS` there. */
export type SchemaOS = 'iOS' | 'macOS' | 'tvOS' | 'visionOS' | 'watchOS';

export const APPLE_REFERENCE_DIR = fileURLToPath(new URL('../../../../../shared/reference/apple-device-management/', import.meta.url));

const cache = new Map<string, Map<string, MdmSchema>>();

function loadDirectory(kind: 'commands' | 'checkin'): Map<string, MdmSchema> {
  const cached = cache.get(kind);
  if (cached) return cached;
  const dir = join(APPLE_REFERENCE_DIR, 'mdm', kind);
  const index = new Map<string, MdmSchema>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const schema = parse(readFileSync(join(dir, file), 'utf8')) as MdmSchema;
    const requestType = schema.payload?.requesttype;
    if (typeof requestType !== 'string') throw new Error(`${kind}/${file} has no payload.requesttype`);
    if (index.has(requestType)) throw new Error(`${kind}/${file}: RequestType ${requestType} is defined twice`);
    index.set(requestType, schema);
  }
  cache.set(kind, index);
  return index;
}

/** Apple's schema for a command, by its `RequestType`. Throws when Apple defines no such command. */
export function loadCommandSchema(requestType: string): MdmSchema {
  const schema = loadDirectory('commands').get(requestType);
  if (!schema) throw new Error(`Apple's schema has no command with RequestType ${requestType}`);
  return schema;
}

/** Apple's schema for a check-in message, by its `MessageType`. */
export function loadCheckinSchema(messageType: string): MdmSchema {
  const schema = loadDirectory('checkin').get(messageType);
  if (!schema) throw new Error(`Apple's schema has no check-in message ${messageType}`);
  return schema;
}

export const commandRequestTypes = (): string[] => [...loadDirectory('commands').keys()];

interface ProfileSchema {
  payload: { payloadtype: string; supportedOS?: Record<string, SupportedOS | undefined> };
  payloadkeys?: SchemaKey[];
}

let profileIndex: Map<string, ProfileSchema> | undefined;
/** Apple's configuration-profile payload schemas (`mdm/profiles`), by PayloadType (TopLevel and CommonPayloadKeys included). */
export function profileSchemas(): Map<string, ProfileSchema> {
  if (profileIndex) return profileIndex;
  const dir = join(APPLE_REFERENCE_DIR, 'mdm', 'profiles');
  profileIndex = new Map();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const schema = parse(readFileSync(join(dir, file), 'utf8')) as ProfileSchema;
    // Some payload types have legacy twins (e.g. "com.apple.MCX(FileVault2)"); the first file named exactly wins.
    if (schema.payload?.payloadtype && (!profileIndex.has(schema.payload.payloadtype) || file === `${schema.payload.payloadtype}.yaml`))
      profileIndex.set(schema.payload.payloadtype, schema);
  }
  return profileIndex;
}

/**
 * Problems with a whole configuration profile: its top level against `TopLevel.yaml`, and each item
 * of PayloadContent against `CommonPayloadKeys.yaml` plus its PayloadType's own keys. With `os`,
 * keys (and payload types) that Apple doesn't support on that OS are reported too.
 */
export function validateProfile(profile: Record<string, unknown>, options: ValidateOptions = {}): string[] {
  const schemas = profileSchemas();
  const top = schemas.get('TopLevel');
  const common = schemas.get('CommonPayloadKeys');
  if (!top || !common) throw new Error('the schema has no TopLevel or CommonPayloadKeys');
  const validator = new Validator(options.os);
  const { PayloadContent, ...rest } = profile;
  const topKeys = (top.payloadkeys ?? []).filter((k) => k.key !== 'PayloadContent');
  validator.dictionary(rest, topKeys, 'Profile', top.payload.supportedOS);
  if (!Array.isArray(PayloadContent)) validator.errors.push('Profile.PayloadContent: expected an array');
  else
    PayloadContent.forEach((item, index) => {
      const type = isDictionary(item) ? item.PayloadType : undefined;
      const schema = typeof type === 'string' ? schemas.get(type) : undefined;
      const at = `PayloadContent[${index}](${String(type)})`;
      if (!schema) {
        validator.errors.push(`${at}: no such payload type in Apple's schema`);
        return;
      }
      validator.supported(schema.payload.supportedOS, at);
      const own = schema.payloadkeys ?? [];
      const ownNames = new Set(own.map((k) => k.key));
      // A payload may restate a common key (PayloadUUID in SCEP's case is its own key too).
      const keys = [...(common.payloadkeys ?? []).filter((k) => !ownNames.has(k.key)), ...own];
      validator.dictionary(item, keys, at, schema.payload.supportedOS);
    });
  return validator.errors;
}
export const checkinMessageTypes = (): string[] => [...loadDirectory('checkin').keys()];

export interface ValidateOptions {
  /** Also report keys (and the command itself) that the schema marks unavailable or removed on this OS. */
  os?: SchemaOS;
}

/**
 * Problems with the inner `Command` dictionary of an MDM command; empty when it conforms.
 * Each problem reads `Path.To.Key: what is wrong`.
 */
export function validateCommand(command: Record<string, unknown>, options: ValidateOptions = {}): string[] {
  const requestType = command.RequestType;
  if (typeof requestType !== 'string') return ['RequestType: missing or not a string'];
  const known = loadDirectory('commands').get(requestType);
  if (!known) return [`RequestType: Apple defines no command ${requestType}`];
  const { RequestType: _requestType, ...keys } = command;
  const validator = new Validator(options.os);
  const inherited = known.payload.supportedOS;
  validator.supported(inherited, requestType);
  validator.dictionary(keys, known.payloadkeys ?? [], requestType, inherited);
  return validator.errors;
}

/** Keys every result carries that the per-command response schemas leave out. */
const COMMON_RESULT_KEYS = new Set([
  'UDID',
  'EnrollmentID',
  'EnrollmentUserID',
  'UserID',
  'UserShortName',
  'UserLongName',
  'Status',
  'CommandUUID',
  'ErrorChain',
  'RequestType',
]);

/** Problems with a command result (what a device PUTs back), against the command's `responsekeys`. */
export function validateCommandResponse(requestType: string, result: Record<string, unknown>, options: ValidateOptions = {}): string[] {
  const schema = loadCommandSchema(requestType);
  const keys = Object.fromEntries(Object.entries(result).filter(([key]) => !COMMON_RESULT_KEYS.has(key)));
  const validator = new Validator(options.os);
  validator.dictionary(keys, schema.responsekeys ?? [], `${requestType}Response`, schema.payload.supportedOS);
  return validator.errors;
}

/**
 * Problems with a check-in message. Apple's check-in schema marks keys required that only one
 * channel or enrollment type sends (a device-channel TokenUpdate has no `UserLongName`; a User
 * Enrollment has `EnrollmentID` instead of `UDID`; only macOS sends `NotOnConsole`), so those keys are
 * checked as groups instead: a `UDID` or an `EnrollmentID` always; a `UserID` or `EnrollmentUserID` on
 * the user channel. Everything else is as strict as `validateCommand`.
 */
export function validateCheckin(
  messageType: string,
  message: Record<string, unknown>,
  options: ValidateOptions & { channel?: 'device' | 'user' } = {},
): string[] {
  const schema = loadCheckinSchema(messageType);
  const validator = new Validator(options.os);
  if (message.MessageType !== messageType) validator.errors.push(`${messageType}.MessageType: expected ${messageType}, got ${describe(message.MessageType)}`);
  const declared = new Set((schema.payloadkeys ?? []).map((k) => k.key));
  const relaxed = CHANNEL_DEPENDENT_KEYS.filter((key) => declared.has(key));
  const keys = (schema.payloadkeys ?? []).map((k) => (relaxed.includes(k.key) ? { ...k, presence: 'optional' as const } : k));
  validator.dictionary(message, keys, messageType, schema.payload.supportedOS);
  const has = (key: string) => message[key] !== undefined;
  if (declared.has('UDID') && declared.has('EnrollmentID') && !has('UDID') && !has('EnrollmentID'))
    validator.errors.push(`${messageType}: neither UDID nor EnrollmentID`);
  if (options.channel === 'user' && declared.has('UserID') && !has('UserID') && !has('EnrollmentUserID'))
    validator.errors.push(`${messageType}: user channel without UserID or EnrollmentUserID`);
  return validator.errors;
}

const CHANNEL_DEPENDENT_KEYS = ['UDID', 'EnrollmentID', 'EnrollmentUserID', 'UserID', 'UserShortName', 'UserLongName', 'NotOnConsole'];

/** Whether the schema says a key path (e.g. `['Queries', 'QueriesItem', 'WiFiMAC']`) exists on an OS, inheriting `supportedOS` downwards. */
export function keySupportedOn(requestType: string, path: readonly string[], os: SchemaOS): boolean {
  const schema = loadCommandSchema(requestType);
  let support = merge(undefined, schema.payload.supportedOS?.[os]);
  let keys = schema.payloadkeys ?? [];
  for (const name of path) {
    const key = keys.find((k) => k.key === name);
    if (!key) throw new Error(`${requestType} has no key ${path.join('.')}`);
    support = merge(support, key.supportedOS?.[os]);
    keys = key.subkeys ?? [];
  }
  return isAvailable(support);
}

/** Whether Apple documents the command at all on an OS. */
export function commandSupportedOn(requestType: string, os: SchemaOS): boolean {
  return isAvailable(merge(undefined, loadCommandSchema(requestType).payload.supportedOS?.[os]));
}

function merge(base: SupportedOS | undefined, own: SupportedOS | undefined): SupportedOS | undefined {
  if (!base) return own;
  return own ? { ...base, ...own } : base;
}

function isAvailable(support: SupportedOS | undefined): boolean {
  return support !== undefined && support.introduced !== undefined && support.introduced !== 'n/a' && support.removed === undefined;
}

const isWildcard = (key: SchemaKey) => key.key === 'ANY' || key.key.startsWith('ANY ');

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'data';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'number') return Number.isInteger(value) ? `the integer ${value}` : `the real ${value}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return typeof value;
}

const KNOWN_TYPES = new Set(['<string>', '<integer>', '<real>', '<boolean>', '<data>', '<date>', '<any>', '<dictionary>', '<array>']);

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case '<string>':
      return typeof value === 'string';
    case '<integer>':
      return typeof value === 'number' && Number.isInteger(value);
    case '<real>':
      // Parsed plists carry integers and reals alike as numbers.
      return typeof value === 'number';
    case '<boolean>':
      return typeof value === 'boolean';
    case '<data>':
      return value instanceof Uint8Array;
    case '<date>':
      return value instanceof Date && !Number.isNaN(value.getTime());
    case '<any>':
      return value !== null;
    case '<dictionary>':
      return isDictionary(value);
    case '<array>':
      return Array.isArray(value);
    default:
      return false;
  }
}

const isDictionary = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof Date);

class Validator {
  readonly errors: string[] = [];
  constructor(private readonly os: SchemaOS | undefined) {}

  supported(support: Record<string, SupportedOS | undefined> | undefined, path: string, inherited?: SupportedOS): void {
    if (!this.os) return;
    if (!isAvailable(merge(inherited, support?.[this.os]))) this.errors.push(`${path}: not available on ${this.os}`);
  }

  dictionary(value: unknown, keys: readonly SchemaKey[], path: string, inherited: Record<string, SupportedOS | undefined> | undefined): void {
    if (!isDictionary(value)) {
      this.errors.push(`${path}: expected a dictionary, got ${describe(value)}`);
      return;
    }
    const byName = new Map(keys.filter((k) => !isWildcard(k)).map((k) => [k.key, k]));
    const wildcard = keys.find(isWildcard);
    for (const [name, item] of Object.entries(value)) {
      const spec = byName.get(name) ?? wildcard;
      const at = `${path}.${name}`;
      if (!spec) {
        this.errors.push(`${at}: not a key Apple's schema declares here`);
        continue;
      }
      const support = this.supportOf(inherited, spec);
      if (spec !== wildcard) this.supported(support, at);
      this.value(item, spec, at, support);
    }
    for (const spec of byName.values()) {
      if (spec.presence === 'required' && value[spec.key] === undefined) this.errors.push(`${path}.${spec.key}: required but missing`);
    }
  }

  private supportOf(inherited: Record<string, SupportedOS | undefined> | undefined, spec: SchemaKey): Record<string, SupportedOS | undefined> | undefined {
    if (!spec.supportedOS) return inherited;
    const merged: Record<string, SupportedOS | undefined> = { ...inherited };
    for (const [os, own] of Object.entries(spec.supportedOS)) merged[os] = merge(inherited?.[os], own);
    return merged;
  }

  private value(value: unknown, spec: SchemaKey, path: string, inherited: Record<string, SupportedOS | undefined> | undefined): void {
    if (value === undefined) {
      this.errors.push(`${path}: undefined (leave the key out instead)`);
      return;
    }
    if (!hasType(value, spec.type)) {
      this.errors.push(
        KNOWN_TYPES.has(spec.type) ? `${path}: expected ${spec.type}, got ${describe(value)}` : `${path}: the schema uses an unknown type ${spec.type}`,
      );
      return;
    }
    if (typeof value === 'string' || typeof value === 'number') this.allowed(value, spec, path);
    // A string with subkeys (DeviceInformation's Queries) takes one of the subkeys' names.
    if (spec.type === '<string>' && spec.subkeys?.length) {
      const option = spec.subkeys.find((k) => k.key === value);
      if (!option) this.errors.push(`${path}: ${describe(value)} is not one of the values the schema lists`);
      else this.supported(this.supportOf(inherited, option), path);
    }
    // A dictionary without subkeys is free-form.
    if (spec.type === '<dictionary>' && spec.subkeys?.length) this.dictionary(value, spec.subkeys, path, inherited);
    if (spec.type === '<array>' && Array.isArray(value)) this.array(value, spec, path, inherited);
  }

  private array(value: unknown[], spec: SchemaKey, path: string, inherited: Record<string, SupportedOS | undefined> | undefined): void {
    const variants = spec.subkeys ?? [];
    value.forEach((item, index) => {
      const at = `${path}[${index}]`;
      if (variants.length === 0) return;
      if (variants.length === 1) {
        this.value(item, variants[0] as SchemaKey, at, inherited);
        return;
      }
      // Several subkeys: each item must match one of them (Settings' items, told apart by `Item`).
      const attempts = variants.map((variant) => {
        const trial = new Validator(this.os);
        const support = this.supportOf(inherited, variant);
        trial.value(item, variant, at, support);
        return { variant, errors: trial.errors };
      });
      if (attempts.some((a) => a.errors.length === 0)) return;
      const best = attempts.reduce((a, b) => (b.errors.length < a.errors.length ? b : a));
      this.errors.push(`${at}: matches none of ${variants.map((v) => v.key).join(', ')}; closest is ${best.variant.key}: ${best.errors.join('; ')}`);
    });
  }

  private allowed(value: string | number, spec: SchemaKey, path: string): void {
    if (spec.rangelist && !spec.rangelist.includes(value))
      this.errors.push(`${path}: ${describe(value)} is not in the rangelist ${JSON.stringify(spec.rangelist)}`);
    if (typeof value === 'number' && spec.range) {
      if (spec.range.min !== undefined && value < spec.range.min) this.errors.push(`${path}: ${value} is below the minimum ${spec.range.min}`);
      if (spec.range.max !== undefined && value > spec.range.max) this.errors.push(`${path}: ${value} is above the maximum ${spec.range.max}`);
    }
  }
}

/**
 * A value for every response key of a command, built from the schema: the first `rangelist` entry,
 * or a plausible value of the key's type. Tests feed these to result parsers so that every key Apple
 * documents is exercised at least once.
 */
export function sampleResponse(requestType: string): Record<string, unknown> {
  const schema = loadCommandSchema(requestType);
  return sampleDictionary(schema.responsekeys ?? []);
}

function sampleDictionary(keys: readonly SchemaKey[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const name = isWildcard(key) ? `${key.key.replace(/^ANY ?/, '').replace(/\s+/g, '.') || 'any'}.example` : key.key;
    out[name] = sampleValue(key);
  }
  return out;
}

function sampleValue(key: SchemaKey): unknown {
  if (key.rangelist?.length) return key.rangelist[0];
  switch (key.type) {
    case '<string>':
      return key.subkeys?.[0]?.key ?? `${key.key} value`;
    case '<integer>':
      return key.range?.min ?? 1;
    case '<real>':
      return key.range ? ((key.range.min ?? 0) + (key.range.max ?? 1)) / 2 : 1.5;
    case '<boolean>':
      return true;
    case '<data>':
      return Buffer.from(`${key.key} bytes`);
    case '<date>':
      return new Date('2024-06-01T12:00:00Z');
    case '<dictionary>':
      return sampleDictionary(key.subkeys ?? []);
    case '<array>':
      return key.subkeys?.[0] ? [sampleValue(key.subkeys[0])] : [];
    default:
      return 'any value';
  }
}
