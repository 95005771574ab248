import Ajv from 'ajv';
import { Type } from 'typebox';
import { isIntent } from '../../core/commands/intents.js';
import { type AgentCheck, isChecksDocument } from './policy.js';
import type { AgentCommand, AgentCommandType } from './protocol.js';

/** A command row as the queue hands it to the adapter. */
export interface QueuedCommand {
  command_id: string;
  kind: string;
  type: string;
  platform: string | null;
  payload: string;
  expires_at: number;
}

export type Translation = { ok: true; command: AgentCommand } | { ok: false; code: 'unsupported_intent' | 'invalid_params'; message: string };

const strict = { additionalProperties: false } as const;
const packageName = Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9][A-Za-z0-9._+:@/-]*$' });
/** Package names go to the package manager as one argument; never one that could read as an option. */
const PACKAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+:@/-]{0,254}$/;
const ajv = new Ajv.default({ allErrors: false, strict: false, coerceTypes: false });

/** Raw agent commands (`{ kind: 'raw', platform: 'agent', payload: { RequestType, … } }`), each with a strict schema. */
const RAW_SCHEMAS: Readonly<Record<AgentCommandType, ReturnType<typeof ajv.compile>>> = {
  lock_screen: ajv.compile(Type.Object({ message: Type.Optional(Type.String({ maxLength: 500 })) }, strict)),
  restart: ajv.compile(Type.Object({ delaySeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })) }, strict)),
  shutdown: ajv.compile(Type.Object({ delaySeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })) }, strict)),
  run_script: ajv.compile(
    Type.Object(
      {
        interpreter: Type.Union([Type.Literal('sh'), Type.Literal('bash'), Type.Literal('zsh'), Type.Literal('powershell')]),
        script: Type.String({ minLength: 1, maxLength: 65_536 }),
        timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
      },
      strict,
    ),
  ),
  install_package: ajv.compile(Type.Object({ name: packageName, version: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }, strict)),
  remove_package: ajv.compile(Type.Object({ name: packageName }, strict)),
  refresh_inventory: ajv.compile(Type.Object({}, strict)),
  apply_checks: ajv.compile(
    Type.Object(
      {
        key: Type.String({ minLength: 1, maxLength: 100 }),
        version: Type.String({ minLength: 1, maxLength: 64 }),
        checks: Type.Array(Type.Unknown(), { maxItems: 500 }),
      },
      strict,
    ),
  ),
  remove_checks: ajv.compile(Type.Object({ key: Type.String({ minLength: 1, maxLength: 100 }) }, strict)),
  collect_logs: ajv.compile(
    Type.Object(
      {
        /** How far back, in hours (journalctl --since, log show --last, Get-WinEvent). */
        sinceHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 168 })),
        /** Limit to one systemd unit / one subsystem / one event log. */
        unit: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9@._:-]+$' })),
        maxLines: Type.Optional(Type.Integer({ minimum: 1, maximum: 20_000 })),
      },
      strict,
    ),
  ),
  rename_host: ajv.compile(Type.Object({ name: Type.String({ minLength: 1, maxLength: 63, pattern: '^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$' }) }, strict)),
};

/** Intents the agent can't carry out, and why (answered with an error result, never sent). */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  wipe: 'the agent does not erase desktops: wiping a disk from a running OS cannot be made safe or verifiable (use the OS vendor’s MDM or reinstall)',
  locate: 'desktops report no location through the agent',
  enable_lost_mode: 'desktops have no lost mode; lock them instead',
  disable_lost_mode: 'desktops have no lost mode',
  play_lost_mode_sound: 'desktops have no lost mode',
  clear_passcode: 'the agent does not reset local account passwords',
  install_profile: 'the agent takes configurations as checks (apply_configuration), not platform profiles',
  remove_profile: 'the agent takes configurations as checks (remove_configuration), not platform profiles',
  os_update: 'the agent reports the OS version; OS updates run through the OS’s own update service',
};

/**
 * Translates a queued command (an intent, or a raw agent command) into what goes on the wire to
 * the agent. Unsupported intents and invalid raw payloads are answered by the server with an error
 * result, so a bad command never blocks the agent's queue.
 */
export function translate(row: QueuedCommand): Translation {
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(row.payload) as Record<string, unknown>;
  } catch {
    return { ok: false, code: 'invalid_params', message: 'the command payload is not JSON' };
  }
  const make = (type: AgentCommandType, params: Record<string, unknown>): Translation => ({
    ok: true,
    command: { id: row.command_id, type, params, expiresAt: new Date(row.expires_at).toISOString() },
  });
  if (row.kind === 'raw') {
    if (row.platform !== 'agent') return { ok: false, code: 'unsupported_intent', message: `a raw ${row.platform ?? 'unknown'} command cannot go to an agent` };
    const { RequestType: type, ...params } = payload;
    const validate = typeof type === 'string' && Object.hasOwn(RAW_SCHEMAS, type) ? RAW_SCHEMAS[type as AgentCommandType] : undefined;
    if (!validate) return { ok: false, code: 'invalid_params', message: `RequestType must be one of ${Object.keys(RAW_SCHEMAS).join(', ')}` };
    if (!validate(params))
      return {
        ok: false,
        code: 'invalid_params',
        message: `invalid ${type} payload: ${validate.errors?.[0]?.instancePath ?? ''} ${validate.errors?.[0]?.message ?? ''}`.trim(),
      };
    if (type === 'apply_checks' && !isChecksDocument({ checks: params.checks })) return { ok: false, code: 'invalid_params', message: 'invalid checks' };
    return make(type as AgentCommandType, params);
  }
  if (!isIntent(row.type)) return { ok: false, code: 'unsupported_intent', message: `unknown intent ${row.type}` };
  switch (row.type) {
    case 'lock':
      return make('lock_screen', payload.message ? { message: payload.message } : {});
    case 'restart':
      return make('restart', {});
    case 'shutdown':
      return make('shutdown', {});
    case 'run_script':
      return make('run_script', payload);
    case 'install_app':
      if (!PACKAGE_NAME.test(String(payload.identifier))) return { ok: false, code: 'invalid_params', message: 'not a package name' };
      return make('install_package', payload.version ? { name: payload.identifier, version: payload.version } : { name: payload.identifier });
    case 'remove_app':
      if (!PACKAGE_NAME.test(String(payload.identifier))) return { ok: false, code: 'invalid_params', message: 'not a package name' };
      return make('remove_package', { name: payload.identifier });
    case 'refresh_inventory':
      return make('refresh_inventory', {});
    case 'apply_configuration': {
      const content = payload.source === 'raw' && typeof payload.payload === 'string' ? safeJson(payload.payload) : payload.payload;
      if (!isChecksDocument(content)) return { ok: false, code: 'invalid_params', message: 'an agent configuration is a checks document: { "checks": [ … ] }' };
      const checks: AgentCheck[] = content.checks;
      return make('apply_checks', { key: payload.key, version: payload.version, checks });
    }
    case 'remove_configuration':
      return make('remove_checks', { key: payload.key });
    default:
      return { ok: false, code: 'unsupported_intent', message: UNSUPPORTED[row.type] ?? `${row.type} is not supported by the agent` };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
