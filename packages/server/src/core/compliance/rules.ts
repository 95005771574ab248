import { type ComplianceState, osVersionKey, type Platform } from '../devices/device-model.js';

/** The rule types Steward evaluates. Each reads normalised facts every channel writes. */
export const RULE_TYPES = [
  'policy_installed',
  'os_version_at_least',
  'encrypted',
  'passcode_set',
  'not_compromised',
  'checked_in_within_days',
  'required_apps_present',
  'blocked_apps_absent',
  'firewall_enabled',
] as const;
export type RuleType = (typeof RULE_TYPES)[number];

/** What a rule concludes when the fact it needs was never reported. */
export type UnknownAs = 'unknown' | 'compliant' | 'noncompliant';

export interface RuleParams {
  /** policy_installed: the policy's or profile's id (configuration_states.item_id). */
  itemId?: string | undefined;
  /** os_version_at_least */
  version?: string | undefined;
  /** checked_in_within_days */
  days?: number | undefined;
  /** required_apps_present, blocked_apps_absent */
  identifiers?: string[] | undefined;
  /** Only devices of these platforms are held to the rule; others pass it. */
  platforms?: Platform[] | undefined;
  /** Overrides the rule type's default handling of a fact that was never reported. */
  unknownAs?: UnknownAs | undefined;
}

export interface ComplianceRule {
  id: string;
  name: string;
  type: RuleType;
  params: RuleParams;
}

export interface EvaluatedDevice {
  id: string;
  platform: string;
  osVersion: string | null;
  /** The sortable key of `osVersion` when the caller has it (the devices table stores it); computed otherwise. */
  osVersionKey?: string | null | undefined;
  lastSeenAt: number | null;
  /** The device's inventory JSON, parsed. */
  inventory: Record<string, unknown>;
}

export interface ConfigurationStateFact {
  itemId: string;
  state: string;
  reason: string | null;
}

export type RuleOutcome = 'pass' | 'fail' | 'unknown';

export interface ComplianceReason {
  ruleId: string;
  rule: string;
  type: RuleType;
  outcome: 'fail' | 'unknown';
  message: string;
}

export interface ComplianceResult {
  state: ComplianceState;
  /** Failed and undetermined rules, in rule order; empty when compliant. */
  reasons: ComplianceReason[];
}

/**
 * Facts Apple (and others) never report are not evidence of a problem for every rule: no
 * jailbreak signal exists on Apple MDM, so an unreported `compromised` counts as compliant.
 * Everything else that was never reported leaves the device `unknown`, which is shown but fires no action.
 */
export const DEFAULT_UNKNOWN: Readonly<Record<RuleType, UnknownAs>> = Object.freeze({
  policy_installed: 'noncompliant',
  os_version_at_least: 'unknown',
  encrypted: 'unknown',
  passcode_set: 'unknown',
  not_compromised: 'compliant',
  checked_in_within_days: 'noncompliant',
  required_apps_present: 'unknown',
  blocked_apps_absent: 'unknown',
  firewall_enabled: 'unknown',
});

/** Platforms a rule type applies to when its params don't say. */
const DEFAULT_PLATFORMS: Partial<Record<RuleType, readonly Platform[]>> = {
  firewall_enabled: ['macos', 'windows', 'linux'],
};

const DAY_MS = 86_400_000;

const record = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

const bool = (value: unknown): boolean | undefined => (typeof value === 'boolean' ? value : undefined);

function appIdentifiers(inventory: Record<string, unknown>): Set<string> | undefined {
  const apps = inventory.apps;
  if (!Array.isArray(apps)) return undefined;
  const ids = new Set<string>();
  for (const app of apps) {
    const id = record(app)?.identifier;
    if (typeof id === 'string') ids.add(id);
  }
  return ids;
}

/** Rules compare against the same few versions over and over (a fleet pass evaluates each rule per device). */
const versionKeys = new Map<string, string | null>();
function wantedVersionKey(version: string | undefined): string | null {
  if (!version) return null;
  let key = versionKeys.get(version);
  if (key === undefined) {
    key = osVersionKey(version);
    if (versionKeys.size < 1000) versionKeys.set(version, key);
  }
  return key;
}

type Check = { outcome: RuleOutcome; message: string };
const pass: Check = { outcome: 'pass', message: '' };
const unknown = (message: string): Check => ({ outcome: 'unknown', message });
const fail = (message: string): Check => ({ outcome: 'fail', message });

function check(rule: ComplianceRule, device: EvaluatedDevice, states: readonly ConfigurationStateFact[], now: number): Check {
  const security = record(device.inventory.security);
  const p = rule.params;
  switch (rule.type) {
    case 'policy_installed': {
      // A merged policy configuration's item_id is the comma-separated ids of the policies in it.
      const state = states.find((s) => s.itemId === p.itemId) ?? states.find((s) => typeof p.itemId === 'string' && s.itemId.split(',').includes(p.itemId));
      if (!state) return unknown('The configuration is not assigned to this device.');
      if (state.state === 'installed') return pass;
      if (state.state === 'failed') return fail(`The configuration failed to install${state.reason ? `: ${state.reason}` : '.'}`);
      return fail(`The configuration is not installed (${state.state}).`);
    }
    case 'os_version_at_least': {
      const have = device.osVersionKey !== undefined ? device.osVersionKey : osVersionKey(device.osVersion);
      const want = wantedVersionKey(p.version);
      if (!have) return unknown('The OS version was never reported.');
      if (!want || have >= want) return pass;
      return fail(`OS version ${device.osVersion} is below ${p.version}.`);
    }
    case 'encrypted': {
      const value = bool(security?.encrypted);
      if (value === undefined) return unknown('Encryption status was never reported.');
      return value ? pass : fail('Storage is not encrypted.');
    }
    case 'passcode_set': {
      const value = bool(security?.passcodePresent);
      if (value === undefined) return unknown('Passcode status was never reported.');
      return value ? pass : fail('No passcode is set.');
    }
    case 'not_compromised': {
      const value = bool(security?.compromised);
      if (value === undefined) return unknown('The platform does not report jailbreak or root status.');
      return value ? fail('The device is jailbroken or rooted.') : pass;
    }
    case 'checked_in_within_days': {
      const days = p.days ?? 7;
      if (device.lastSeenAt === null) return unknown('The device never checked in.');
      return now - device.lastSeenAt <= days * DAY_MS ? pass : fail(`No check-in for more than ${days} days.`);
    }
    case 'required_apps_present': {
      const installed = appIdentifiers(device.inventory);
      if (!installed) return unknown('The app inventory was never reported.');
      const missing = (p.identifiers ?? []).filter((id) => !installed.has(id));
      return missing.length ? fail(`Required apps missing: ${missing.join(', ')}.`) : pass;
    }
    case 'blocked_apps_absent': {
      const installed = appIdentifiers(device.inventory);
      if (!installed) return unknown('The app inventory was never reported.');
      const present = (p.identifiers ?? []).filter((id) => installed.has(id));
      return present.length ? fail(`Blocked apps installed: ${present.join(', ')}.`) : pass;
    }
    case 'firewall_enabled': {
      const value = bool(record(security?.firewall)?.enabled);
      if (value === undefined) return unknown('Firewall status was never reported.');
      return value ? pass : fail('The firewall is off.');
    }
  }
}

/**
 * Evaluates one device against the rules assigned to it. Pure: the same inputs give the same answer.
 *
 * Any failed rule makes the device noncompliant; otherwise any undetermined rule makes it unknown;
 * otherwise (including no rules at all) it is compliant. A rule whose fact was never reported
 * resolves by `params.unknownAs`, defaulting to {@link DEFAULT_UNKNOWN}.
 *
 * @example
 * evaluateCompliance(device, [], [{ id, name: 'Encrypted', type: 'encrypted', params: {} }], Date.now());
 * // → { state: 'noncompliant', reasons: [{ ruleId: id, rule: 'Encrypted', outcome: 'fail', message: 'Storage is not encrypted.' }] }
 */
export function evaluateCompliance(
  device: EvaluatedDevice,
  states: readonly ConfigurationStateFact[],
  rules: readonly ComplianceRule[],
  now: number,
): ComplianceResult {
  const reasons: ComplianceReason[] = [];
  let failed = false;
  let undetermined = false;
  for (const rule of rules) {
    const platforms = rule.params.platforms ?? DEFAULT_PLATFORMS[rule.type];
    if (platforms && !platforms.includes(device.platform as Platform)) continue;
    let { outcome, message } = check(rule, device, states, now);
    if (outcome === 'unknown') {
      const as = rule.params.unknownAs ?? DEFAULT_UNKNOWN[rule.type];
      if (as === 'compliant') continue;
      if (as === 'noncompliant') outcome = 'fail';
    }
    if (outcome === 'pass') continue;
    if (outcome === 'fail') failed = true;
    else undetermined = true;
    reasons.push({ ruleId: rule.id, rule: rule.name, type: rule.type, outcome, message });
  }
  return { state: failed ? 'noncompliant' : undetermined ? 'unknown' : 'compliant', reasons };
}
