import type { InstalledChecks } from './state.js';
import type { CheckResult, InventorySections } from './protocol.js';

/** Compares dotted version numbers: negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = (a.match(/\d+/g) ?? []).map(Number);
  const pb = (b.match(/\d+/g) ?? []).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Evaluates the checks the server installed against what the inventory found. `passed: null` means
 * this machine can't tell (no desktop session to read a screen-lock setting from, a probe that needs
 * privileges it doesn't have): unknown is reported as unknown, never as a pass.
 */
export function evaluateChecks(installed: readonly InstalledChecks[], inventory: InventorySections): CheckResult[] {
  const results: CheckResult[] = [];
  const packages = new Set((inventory.packages?.items ?? []).map((p) => p.name.toLowerCase()));
  const security = inventory.security;
  for (const configuration of installed) {
    for (const check of configuration.checks) {
      const base = { id: check.id, key: configuration.key, type: check.type };
      switch (check.type) {
        case 'disk_encryption': {
          const actual = security?.diskEncrypted ?? null;
          results.push({
            ...base,
            passed: actual,
            actual,
            detail:
              actual === null
                ? 'encryption of the system disk could not be read'
                : actual
                  ? 'the system disk is encrypted'
                  : 'the system disk is not encrypted',
          });
          break;
        }
        case 'firewall': {
          const actual = security?.firewall.enabled ?? null;
          results.push({ ...base, passed: actual, actual, ...(security?.firewall.product ? { detail: security.firewall.product } : {}) });
          break;
        }
        case 'screen_lock': {
          const lock = security?.screenLock;
          let passed = lock?.enabled ?? null;
          if (passed && check.maxIdleMinutes !== undefined && lock?.idleSeconds !== undefined)
            passed = lock.idleSeconds > 0 && lock.idleSeconds <= check.maxIdleMinutes * 60;
          results.push({ ...base, passed, actual: lock ?? null });
          break;
        }
        case 'os_version': {
          const version = inventory.os?.version;
          results.push({ ...base, passed: version ? compareVersions(version, check.minimum) >= 0 : null, actual: version ?? null });
          break;
        }
        case 'package': {
          const present = packages.has(check.name.toLowerCase());
          results.push({ ...base, passed: check.state === 'installed' ? present : !present, actual: present ? 'installed' : 'absent' });
          break;
        }
        default:
          results.push({ ...base, passed: null, detail: 'this agent does not know the check' });
      }
    }
  }
  return results;
}
