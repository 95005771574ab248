import { PASSCODE_COMPLEXITIES, type AppSetting, type PolicySettings, RESTRICTIONS } from './policy-model.js';

/** A policy as the merge sees it. */
export interface PolicyInput {
  readonly id: string;
  readonly name: string;
  readonly priority: number;
  readonly createdAt: number;
  readonly settings: PolicySettings;
}

export interface ValueSource {
  readonly policyId: string;
  readonly policyName: string;
}

export interface EffectivePolicy {
  readonly settings: PolicySettings;
  /** Where each value came from, by setting path (`passcode.minLength`, `restrictions.camera`, `wifi[Corp]`, `apps[com.example]`). */
  readonly sources: Readonly<Record<string, ValueSource>>;
  /** The policies merged, in precedence order. */
  readonly policies: readonly ValueSource[];
}

/**
 * Precedence order for settings that aren't security settings: lower `priority` first, then the
 * older policy, then the id (so the order is total and the merge deterministic).
 */
export function byPrecedence<T extends { priority: number; createdAt: number; id: string }>(a: T, b: T): number {
  return a.priority - b.priority || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Compares dotted version numbers numerically ("9.3" < "18.2"); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

type Pick = 'max' | 'min';
const PASSCODE_NUMBERS: Readonly<Record<string, Pick>> = {
  minLength: 'max',
  maxInactivityMinutes: 'min',
  maxFailedAttempts: 'min',
  historyCount: 'max',
  maxAgeDays: 'min',
};
const APP_RANK = { blocked: 3, required: 2, available: 1 } as const;

/**
 * Merges every policy assigned to a device into one. Security settings take the strictest value
 * whichever policy sets it (longer minimum length, higher complexity, shorter inactivity and age,
 * fewer failed attempts, longer history, encryption and passcode required if any policy requires
 * them, a restriction blocked if any policy blocks it, the highest minimum OS with the earliest
 * deadline, blocked apps over required over available). Everything else comes from the policy with
 * the lowest `priority` number (ties: the older policy). See docs/policies.md.
 *
 * @example
 * mergePolicies([a, b]).settings.passcode?.minLength // the larger of a's and b's
 */
export function mergePolicies(input: readonly PolicyInput[]): EffectivePolicy {
  const policies = [...input].sort(byPrecedence);
  const sources: Record<string, ValueSource> = {};
  const out: PolicySettings = {};
  const src = (p: PolicyInput): ValueSource => ({ policyId: p.id, policyName: p.name });

  // Security: strictest wins. Walking in precedence order and replacing only on strictly stricter
  // values means equal values are credited to the policy that wins precedence.
  for (const p of policies) {
    const passcode = p.settings.passcode;
    if (passcode) {
      const merged: Record<string, unknown> = { ...(out.passcode ?? {}) };
      if (passcode.required !== undefined && (merged.required === undefined || (passcode.required && merged.required !== true))) {
        merged.required = passcode.required;
        sources['passcode.required'] = src(p);
      }
      for (const [key, pick] of Object.entries(PASSCODE_NUMBERS)) {
        const value = (passcode as Record<string, number | undefined>)[key];
        if (value === undefined) continue;
        const current = merged[key] as number | undefined;
        if (current === undefined || (pick === 'max' ? value > current : value < current)) {
          merged[key] = value;
          sources[`passcode.${key}`] = src(p);
        }
      }
      if (passcode.complexity !== undefined) {
        const current = merged.complexity as (typeof PASSCODE_COMPLEXITIES)[number] | undefined;
        if (current === undefined || PASSCODE_COMPLEXITIES.indexOf(passcode.complexity) > PASSCODE_COMPLEXITIES.indexOf(current)) {
          merged.complexity = passcode.complexity;
          sources['passcode.complexity'] = src(p);
        }
      }
      out.passcode = merged as PolicySettings['passcode'];
    }
    if (p.settings.encryption) {
      if (!out.encryption || (p.settings.encryption.required && !out.encryption.required)) {
        out.encryption = { required: p.settings.encryption.required };
        sources['encryption.required'] = src(p);
      }
    }
    const restrictions = p.settings.restrictions;
    if (restrictions) {
      const merged: Record<string, boolean> = { ...(out.restrictions ?? {}) };
      for (const key of RESTRICTIONS) {
        const allowed = restrictions[key];
        if (allowed === undefined) continue;
        // false = blocked: a block anywhere beats an allow anywhere.
        if (merged[key] === undefined || (allowed === false && merged[key] === true)) {
          merged[key] = allowed;
          sources[`restrictions.${key}`] = src(p);
        }
      }
      out.restrictions = merged;
    }
    const os = p.settings.osUpdate;
    if (os) {
      const current = out.osUpdate;
      if (!current || compareVersions(os.minimumVersion, current.minimumVersion) > 0) {
        out.osUpdate = { ...(current?.deadline ? { deadline: current.deadline } : {}), minimumVersion: os.minimumVersion };
        sources['osUpdate.minimumVersion'] = src(p);
      }
      const deadline = out.osUpdate?.deadline;
      if (os.deadline && (!deadline || Date.parse(os.deadline) < Date.parse(deadline))) {
        out.osUpdate = { minimumVersion: out.osUpdate?.minimumVersion ?? os.minimumVersion, deadline: os.deadline };
        sources['osUpdate.deadline'] = src(p);
      }
    }
    for (const app of p.settings.apps ?? []) {
      out.apps ??= [];
      const apps = out.apps as AppSetting[];
      const index = apps.findIndex((a) => a.identifier === app.identifier);
      const current = index >= 0 ? apps[index] : undefined;
      if (!current || APP_RANK[app.install] > APP_RANK[current.install]) {
        if (current) apps[index] = app;
        else apps.push(app);
        sources[`apps[${app.identifier}]`] = src(p);
      }
    }
  }

  // The rest: the first policy in precedence order that sets a value wins. Lists are keyed (SSID,
  // connection or account name; certificate name), so two policies can each add their own network.
  for (const p of policies) {
    const s = p.settings;
    mergeList(out, 'wifi', s.wifi, (w) => w.ssid, p, sources);
    mergeList(out, 'vpn', s.vpn, (v) => v.name, p, sources);
    mergeList(out, 'email', s.email, (e) => e.name, p, sources);
    if (s.certificates) {
      const certs = { ...(out.certificates ?? {}) };
      if (s.certificates.identity !== undefined && certs.identity === undefined) {
        certs.identity = s.certificates.identity;
        sources['certificates.identity'] = src(p);
      }
      for (const root of s.certificates.trustedRoots ?? []) {
        const roots = certs.trustedRoots ?? [];
        if (!roots.some((r) => r.name === root.name)) {
          certs.trustedRoots = [...roots, root];
          sources[`certificates.trustedRoots[${root.name}]`] = src(p);
        }
      }
      out.certificates = certs;
    }
    if (s.webFilter && !out.webFilter) {
      out.webFilter = s.webFilter;
      sources.webFilter = src(p);
    }
    if (s.kiosk && !out.kiosk) {
      out.kiosk = s.kiosk;
      sources.kiosk = src(p);
    }
  }
  return { settings: out, sources, policies: policies.map(src) };
}

function mergeList<K extends 'wifi' | 'vpn' | 'email'>(
  out: PolicySettings,
  field: K,
  items: PolicySettings[K] | undefined,
  keyOf: (item: NonNullable<PolicySettings[K]>[number]) => string,
  p: PolicyInput,
  sources: Record<string, ValueSource>,
): void {
  if (!items) return;
  const list = [...((out[field] ?? []) as NonNullable<PolicySettings[K]>[number][])];
  for (const item of items) {
    const key = keyOf(item);
    if (list.some((existing) => keyOf(existing) === key)) continue;
    list.push(item);
    sources[`${field}[${key}]`] = { policyId: p.id, policyName: p.name };
  }
  (out as Record<string, unknown>)[field] = list;
}
