import { describe, expect, it } from 'vitest';
import { type ComplianceRule, type ConfigurationStateFact, type EvaluatedDevice, evaluateCompliance, type RuleType } from './rules.js';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const DAY = 86_400_000;

const device = (over: Partial<EvaluatedDevice> = {}): EvaluatedDevice => ({
  id: 'd1',
  platform: 'ios',
  osVersion: '18.2',
  lastSeenAt: NOW - 3600_000,
  inventory: {},
  ...over,
});
const rule = (type: RuleType, params: ComplianceRule['params'] = {}, id = `r-${type}`): ComplianceRule => ({ id, name: `Rule ${type}`, type, params });
const evaluate = (d: EvaluatedDevice, rules: ComplianceRule[], states: ConfigurationStateFact[] = []) => evaluateCompliance(d, states, rules, NOW);

describe('evaluateCompliance', () => {
  it('a device with no rules is compliant', () => {
    expect(evaluate(device(), [])).toEqual({ state: 'compliant', reasons: [] });
  });

  it('encrypted: true passes, false fails with a reason, missing is unknown', () => {
    const r = rule('encrypted');
    expect(evaluate(device({ inventory: { security: { encrypted: true } } }), [r]).state).toBe('compliant');
    const off = evaluate(device({ inventory: { security: { encrypted: false } } }), [r]);
    expect(off).toEqual({
      state: 'noncompliant',
      reasons: [{ ruleId: 'r-encrypted', rule: 'Rule encrypted', type: 'encrypted', outcome: 'fail', message: 'Storage is not encrypted.' }],
    });
    const missing = evaluate(device(), [r]);
    expect(missing.state).toBe('unknown');
    expect(missing.reasons[0]?.outcome).toBe('unknown');
  });

  it('passcode_set reads security.passcodePresent', () => {
    const r = rule('passcode_set');
    expect(evaluate(device({ inventory: { security: { passcodePresent: true } } }), [r]).state).toBe('compliant');
    expect(evaluate(device({ inventory: { security: { passcodePresent: false } } }), [r]).reasons[0]?.message).toBe('No passcode is set.');
    expect(evaluate(device({ inventory: { security: { passcodePresent: 'yes' } } }), [r]).state).toBe('unknown');
  });

  it('not_compromised: true fails, false passes, unreported counts as compliant by default (Apple never reports it)', () => {
    const r = rule('not_compromised');
    expect(evaluate(device({ inventory: { security: { compromised: true } } }), [r]).state).toBe('noncompliant');
    expect(evaluate(device({ inventory: { security: { compromised: false } } }), [r]).state).toBe('compliant');
    expect(evaluate(device(), [r])).toEqual({ state: 'compliant', reasons: [] });
    // An admin may choose to treat "not reported" as unknown or as a violation instead.
    expect(evaluate(device(), [rule('not_compromised', { unknownAs: 'unknown' })]).state).toBe('unknown');
    expect(evaluate(device(), [rule('not_compromised', { unknownAs: 'noncompliant' })]).state).toBe('noncompliant');
  });

  it('unknownAs compliant lets a rule with a missing fact pass', () => {
    expect(evaluate(device(), [rule('encrypted', { unknownAs: 'compliant' })]).state).toBe('compliant');
  });

  it('os_version_at_least compares part by part', () => {
    const r = rule('os_version_at_least', { version: '18.2' });
    expect(evaluate(device({ osVersion: '18.2' }), [r]).state).toBe('compliant');
    expect(evaluate(device({ osVersion: '18.10' }), [r]).state).toBe('compliant');
    const old = evaluate(device({ osVersion: '17.9.1' }), [r]);
    expect(old.state).toBe('noncompliant');
    expect(old.reasons[0]?.message).toBe('OS version 17.9.1 is below 18.2.');
    expect(evaluate(device({ osVersion: null }), [r]).state).toBe('unknown');
  });

  it('checked_in_within_days uses the evaluation time', () => {
    const r = rule('checked_in_within_days', { days: 7 });
    expect(evaluate(device({ lastSeenAt: NOW - 6 * DAY }), [r]).state).toBe('compliant');
    expect(evaluate(device({ lastSeenAt: NOW - 8 * DAY }), [r]).reasons[0]?.message).toBe('No check-in for more than 7 days.');
    // Never checked in: a violation by default.
    expect(evaluate(device({ lastSeenAt: null }), [r]).state).toBe('noncompliant');
  });

  it('required_apps_present and blocked_apps_absent read facts.apps[].identifier', () => {
    const apps = { apps: [{ identifier: 'com.example.mail', version: '2' }, { identifier: 'com.games.poker' }] };
    const required = rule('required_apps_present', { identifiers: ['com.example.mail', 'com.example.vpn'] });
    const blocked = rule('blocked_apps_absent', { identifiers: ['com.games.poker', 'com.games.slots'] });
    const result = evaluate(device({ inventory: apps }), [required, blocked]);
    expect(result.state).toBe('noncompliant');
    expect(result.reasons.map((r) => r.message)).toEqual(['Required apps missing: com.example.vpn.', 'Blocked apps installed: com.games.poker.']);
    expect(evaluate(device({ inventory: { apps: [{ identifier: 'com.example.mail' }, { identifier: 'com.example.vpn' }] } }), [required, blocked]).state).toBe(
      'compliant',
    );
    expect(evaluate(device(), [required]).state).toBe('unknown');
    expect(evaluate(device(), [blocked]).state).toBe('unknown');
  });

  it('firewall_enabled applies to desktops only unless told otherwise', () => {
    const r = rule('firewall_enabled');
    expect(evaluate(device({ platform: 'ios' }), [r]).state).toBe('compliant');
    expect(evaluate(device({ platform: 'macos', inventory: { security: { firewall: { enabled: false } } } }), [r]).reasons[0]?.message).toBe(
      'The firewall is off.',
    );
    expect(evaluate(device({ platform: 'windows', inventory: { security: { firewall: { enabled: true } } } }), [r]).state).toBe('compliant');
    expect(evaluate(device({ platform: 'linux' }), [r]).state).toBe('unknown');
    expect(evaluate(device({ platform: 'ios' }), [rule('firewall_enabled', { platforms: ['ios'] })]).state).toBe('unknown');
  });

  it('policy_installed reads the configuration state of the policy', () => {
    const r = rule('policy_installed', { itemId: 'p1' });
    const states = (state: string, reason: string | null = null): ConfigurationStateFact[] => [{ itemId: 'p1', state, reason }];
    expect(evaluate(device(), [r], states('installed')).state).toBe('compliant');
    expect(evaluate(device(), [r], states('failed', 'Profile rejected')).reasons[0]?.message).toBe('The configuration failed to install: Profile rejected');
    expect(evaluate(device(), [r], states('pending')).reasons[0]?.message).toBe('The configuration is not installed (pending).');
    expect(evaluate(device(), [r], [{ itemId: 'other', state: 'installed', reason: null }]).state).toBe('noncompliant');
  });

  it('policy_installed finds a policy inside the merged configuration the reconciler writes (item_id lists the policy ids)', () => {
    const r = rule('policy_installed', { itemId: 'p2' });
    expect(evaluate(device(), [r], [{ itemId: 'p1,p2,p3', state: 'installed', reason: null }]).state).toBe('compliant');
    expect(evaluate(device(), [r], [{ itemId: 'p1,p2', state: 'failed', reason: 'no' }]).reasons[0]?.message).toBe('The configuration failed to install: no');
    // A prefix of another id is not a match.
    expect(evaluate(device(), [r], [{ itemId: 'p1,p22', state: 'installed', reason: null }]).state).toBe('noncompliant');
  });

  it('a failure outranks an unknown; reasons list both, in rule order', () => {
    const result = evaluate(device({ inventory: { security: { encrypted: false } } }), [rule('passcode_set', {}, 'a'), rule('encrypted', {}, 'b')]);
    expect(result.state).toBe('noncompliant');
    expect(result.reasons.map((r) => [r.ruleId, r.outcome])).toEqual([
      ['a', 'unknown'],
      ['b', 'fail'],
    ]);
  });
});
