import { describe, expect, it } from 'vitest';
import { type PolicyInput, compareVersions, mergePolicies } from './effective-policy.js';
import type { PolicySettings } from './policy-model.js';

let n = 0;
const policy = (settings: PolicySettings, priority = 100, name = `p${++n}`): PolicyInput => ({
  id: `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`,
  name,
  priority,
  createdAt: n,
  settings,
});

describe('effective policy: strictest wins for security settings', () => {
  const cases: Array<[string, PolicySettings, PolicySettings, unknown]> = [
    ['longer minimum length', { passcode: { minLength: 6 } }, { passcode: { minLength: 8 } }, { minLength: 8 }],
    ['higher complexity', { passcode: { complexity: 'complex' } }, { passcode: { complexity: 'numeric' } }, { complexity: 'complex' }],
    ['shorter inactivity', { passcode: { maxInactivityMinutes: 15 } }, { passcode: { maxInactivityMinutes: 2 } }, { maxInactivityMinutes: 2 }],
    ['fewer failed attempts', { passcode: { maxFailedAttempts: 4 } }, { passcode: { maxFailedAttempts: 10 } }, { maxFailedAttempts: 4 }],
    ['longer history', { passcode: { historyCount: 3 } }, { passcode: { historyCount: 12 } }, { historyCount: 12 }],
    ['shorter maximum age', { passcode: { maxAgeDays: 90 } }, { passcode: { maxAgeDays: 30 } }, { maxAgeDays: 30 }],
    ['passcode required if any requires it', { passcode: { required: false } }, { passcode: { required: true } }, { required: true }],
  ];
  for (const [rule, a, b, expected] of cases) {
    it(`${rule}, whichever policy has priority`, () => {
      expect(mergePolicies([policy(a, 1), policy(b, 2)]).settings.passcode).toEqual(expected);
      expect(mergePolicies([policy(a, 2), policy(b, 1)]).settings.passcode).toEqual(expected);
    });
  }

  it('credits the value to the policy that set it (and equal values to the one with precedence)', () => {
    const low = policy({ passcode: { minLength: 8 } }, 50, 'Low');
    const high = policy({ passcode: { minLength: 6, historyCount: 5 } }, 1, 'High');
    const same = policy({ passcode: { historyCount: 5 } }, 99, 'Same');
    const merged = mergePolicies([low, high, same]);
    expect(merged.sources['passcode.minLength']?.policyName).toBe('Low');
    expect(merged.sources['passcode.historyCount']?.policyName).toBe('High');
    expect(merged.policies.map((p) => p.policyName)).toEqual(['High', 'Low', 'Same']);
  });

  it('encryption is required if any policy requires it', () => {
    expect(mergePolicies([policy({ encryption: { required: false } }, 1), policy({ encryption: { required: true } }, 9)]).settings.encryption).toEqual({
      required: true,
    });
    expect(mergePolicies([policy({ encryption: { required: false } })]).settings.encryption).toEqual({ required: false });
  });

  it('a restriction is blocked if any policy blocks it; others keep what was said', () => {
    const merged = mergePolicies([
      policy({ restrictions: { camera: true, bluetooth: true } }, 1),
      policy({ restrictions: { camera: false, screenCapture: false } }, 9),
    ]);
    expect(merged.settings.restrictions).toEqual({ camera: false, bluetooth: true, screenCapture: false });
    expect(merged.sources['restrictions.camera']?.policyId).toBe(merged.policies[1]?.policyId);
  });

  it('the highest minimum OS with the earliest deadline', () => {
    const merged = mergePolicies([
      policy({ osUpdate: { minimumVersion: '18.2', deadline: '2030-03-01T00:00:00Z' } }, 1),
      policy({ osUpdate: { minimumVersion: '18.10' } }, 2),
      policy({ osUpdate: { minimumVersion: '17.0', deadline: '2030-01-01T00:00:00Z' } }, 3),
    ]);
    expect(merged.settings.osUpdate).toEqual({ minimumVersion: '18.10', deadline: '2030-01-01T00:00:00Z' });
    expect(compareVersions('18.10', '18.2')).toBeGreaterThan(0);
    expect(compareVersions('9.3', '18.2')).toBeLessThan(0);
    expect(compareVersions('18', '18.0.0')).toBe(0);
  });

  it('blocked apps beat required, required beats available', () => {
    const merged = mergePolicies([
      policy(
        {
          apps: [
            { identifier: 'a', install: 'available' },
            { identifier: 'b', install: 'required' },
            { identifier: 'c', install: 'available' },
          ],
        },
        1,
      ),
      policy(
        {
          apps: [
            { identifier: 'a', install: 'required' },
            { identifier: 'b', install: 'blocked' },
          ],
        },
        2,
      ),
    ]);
    expect(Object.fromEntries((merged.settings.apps ?? []).map((a) => [a.identifier, a.install]))).toEqual({ a: 'required', b: 'blocked', c: 'available' });
  });
});

describe('effective policy: otherwise the lower priority number wins, ties go to the older policy', () => {
  it('web filter, kiosk and certificate identity come from the first policy in precedence', () => {
    const a = policy({ webFilter: { deny: ['a.example'] }, kiosk: { app: 'a' }, certificates: { identity: false } }, 20, 'A');
    const b = policy({ webFilter: { deny: ['b.example'] }, kiosk: { app: 'b' }, certificates: { identity: true } }, 10, 'B');
    const merged = mergePolicies([a, b]);
    expect(merged.settings.webFilter).toEqual({ deny: ['b.example'] });
    expect(merged.settings.kiosk).toEqual({ app: 'b' });
    expect(merged.settings.certificates?.identity).toBe(true);
    expect(merged.sources.webFilter?.policyName).toBe('B');
  });

  it('ties: the older policy wins', () => {
    const older = policy({ kiosk: { app: 'older' } }, 5);
    const newer = policy({ kiosk: { app: 'newer' } }, 5);
    expect(mergePolicies([newer, older]).settings.kiosk).toEqual({ app: 'older' });
  });

  it('lists are keyed: each policy adds its own networks, accounts and roots; the same key comes from precedence', () => {
    const a = policy(
      {
        wifi: [{ ssid: 'Corp', security: 'wpa2-personal', password: 'aaaaaaaa' }],
        vpn: [{ name: 'HQ', type: 'ikev2', server: 'a', authentication: 'certificate' }],
        email: [{ name: 'Mail', type: 'imap', address: 'a@x', host: 'a' }],
        certificates: { trustedRoots: [{ name: 'Root', pem: 'A' }] },
      },
      2,
    );
    const b = policy(
      {
        wifi: [
          { ssid: 'Corp', security: 'open' },
          { ssid: 'Guest', security: 'open' },
        ],
        vpn: [{ name: 'HQ', type: 'l2tp', server: 'b', authentication: 'password' }],
        certificates: {
          trustedRoots: [
            { name: 'Root', pem: 'B' },
            { name: 'Other', pem: 'C' },
          ],
        },
      },
      1,
    );
    const merged = mergePolicies([a, b]);
    expect(merged.settings.wifi?.map((w) => [w.ssid, w.security])).toEqual([
      ['Corp', 'open'],
      ['Guest', 'open'],
    ]);
    expect(merged.settings.vpn?.map((v) => v.server)).toEqual(['b']);
    expect(merged.settings.email?.map((e) => e.host)).toEqual(['a']);
    expect(merged.settings.certificates?.trustedRoots?.map((r) => r.pem)).toEqual(['B', 'C']);
    expect(merged.sources['wifi[Guest]']?.policyId).toBe(b.id);
  });

  it('no policies, no settings', () => {
    expect(mergePolicies([])).toEqual({ settings: {}, sources: {}, policies: [] });
  });
});
