import Ajv from 'ajv';
import { type Static, Type } from 'typebox';
import type { PolicySettings, PolicyTranslation, PolicyTranslator, UnsupportedSetting } from '../../core/policies/policy-model.js';

const strict = { additionalProperties: false } as const;
const id = Type.String({ minLength: 1, maxLength: 200 });

/**
 * What the agent can evaluate on its machine and report back as facts. Checks observe and report;
 * compliance (a pure function of the facts) decides what follows. The agent changes nothing to make
 * a check pass — a package is installed or removed only by an explicit command.
 */
export const AgentCheck = Type.Union([
  Type.Object({ id, type: Type.Literal('disk_encryption') }, strict),
  Type.Object({ id, type: Type.Literal('firewall') }, strict),
  Type.Object({ id, type: Type.Literal('screen_lock'), maxIdleMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440 })) }, strict),
  Type.Object({ id, type: Type.Literal('os_version'), minimum: Type.String({ pattern: '^[0-9]+(\\.[0-9]+){0,3}$' }) }, strict),
  Type.Object(
    {
      id,
      type: Type.Literal('package'),
      name: Type.String({ minLength: 1, maxLength: 255 }),
      state: Type.Union([Type.Literal('installed'), Type.Literal('absent')]),
    },
    strict,
  ),
]);
export type AgentCheck = Static<typeof AgentCheck>;

/** The payload of an agent configuration: a policy's translation, or a raw document an admin uploads. */
export const AgentChecksDocument = Type.Object({ checks: Type.Array(AgentCheck, { minItems: 1, maxItems: 500 }) }, strict);
export type AgentChecksDocument = Static<typeof AgentChecksDocument>;

const validateDocument = new Ajv.default({ allErrors: true, strict: false }).compile(AgentChecksDocument as object);

export function isChecksDocument(value: unknown): value is AgentChecksDocument {
  return validateDocument(value) === true;
}

/** Turns Steward's platform-neutral policy into agent checks; what an agent can't check is listed. */
export const agentPolicyTranslator: PolicyTranslator = {
  channel: 'agent',
  translate(settings: PolicySettings): PolicyTranslation {
    const checks: AgentCheck[] = [];
    const unsupported: UnsupportedSetting[] = [];
    const no = (setting: string, reason: string) => unsupported.push({ setting, reason });

    if (settings.encryption?.required) checks.push({ id: 'encryption', type: 'disk_encryption' });
    const passcode = settings.passcode;
    if (passcode) {
      if (passcode.required || passcode.maxInactivityMinutes !== undefined) {
        checks.push({
          id: 'screen-lock',
          type: 'screen_lock',
          ...(passcode.maxInactivityMinutes !== undefined ? { maxIdleMinutes: passcode.maxInactivityMinutes } : {}),
        });
      }
      for (const field of ['minLength', 'complexity', 'maxFailedAttempts', 'historyCount', 'maxAgeDays'] as const) {
        if (passcode[field] !== undefined)
          no(`passcode.${field}`, 'the agent checks that the screen locks; local password rules belong to the OS account policy');
      }
    }
    if (settings.osUpdate) {
      checks.push({ id: 'os-version', type: 'os_version', minimum: settings.osUpdate.minimumVersion });
      if (settings.osUpdate.deadline) no('osUpdate.deadline', 'the agent reports the OS version; it does not install OS updates on a deadline');
    }
    for (const [index, app] of (settings.apps ?? []).entries()) {
      if (app.install === 'available') no(`apps[${index}]`, 'the agent has no self-service catalogue; send install_app to install a package');
      else checks.push({ id: `package:${app.identifier}`, type: 'package', name: app.identifier, state: app.install === 'required' ? 'installed' : 'absent' });
      if (app.configuration) no(`apps[${index}].configuration`, 'desktop packages take no managed configuration');
    }
    for (const [name, value] of Object.entries(settings.restrictions ?? {})) {
      if (value !== undefined) no(`restrictions.${name}`, 'the agent does not restrict desktop features');
    }
    for (const index of (settings.wifi ?? []).keys()) no(`wifi[${index}]`, 'the agent does not configure Wi-Fi');
    for (const index of (settings.vpn ?? []).keys()) no(`vpn[${index}]`, 'the agent does not configure VPNs');
    for (const index of (settings.email ?? []).keys()) no(`email[${index}]`, 'the agent does not configure mail accounts');
    if (settings.certificates) no('certificates', 'the agent does not install certificates');
    if (settings.webFilter) no('webFilter', 'the agent does not filter the web');
    if (settings.kiosk) no('kiosk', 'desktops have no single-app mode through the agent');
    return { payload: { checks } satisfies AgentChecksDocument, unsupported };
  },
  validateRaw(content: string): readonly string[] {
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch {
      return ['the agent configuration must be JSON: { "checks": [ … ] }'];
    }
    if (validateDocument(parsed)) return [];
    return (validateDocument.errors ?? []).slice(0, 20).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
  },
};
