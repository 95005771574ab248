import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Channel, Ownership, Platform } from '../devices/device-model.js';
import { type EffectivePolicy, type PolicyInput, compareVersions, mergePolicies } from './effective-policy.js';
import { uuidFrom, versionOf } from './hashing.js';
import type { PolicySettings, PolicyTranslation, PolicyTranslator, UnsupportedSetting } from './policy-model.js';
import type { AppInstall, AppRow, OsUpdateTargetRow, ProfileRow } from './policy-repository.js';

/** The device facts desired state depends on. */
export interface DeviceFacts {
  readonly id: string;
  readonly platform: Platform;
  readonly channel: Channel;
  readonly ownership: Ownership;
  readonly assignedUser: string | null;
  readonly osVersion: string | null;
}

/** One thing a device should have (or not have), with the command that brings it about. */
export interface DesiredItem {
  readonly key: string;
  readonly itemType: 'policy' | 'profile' | 'app' | 'os_update';
  readonly itemId: string;
  readonly name: string;
  readonly version: string;
  /** present: install it; absent: make sure it isn't there (blocked apps). */
  readonly presence: 'present' | 'absent';
  /** The command that closes the gap. */
  readonly command: { readonly type: 'apply_configuration' | 'install_app' | 'remove_app' | 'os_update'; readonly params: Record<string, unknown> };
  /** What undoing it takes later (stored beside the state). */
  readonly removal: unknown;
  /** Apps: the identifier looked for in facts.apps. OS updates: satisfied already. */
  readonly identifier?: string;
  readonly satisfied?: boolean;
  /** The item couldn't be computed (a translator threw): recorded as failed with this reason, nothing sent. */
  readonly error?: string;
}

export interface DeviceDesiredState {
  readonly effective: EffectivePolicy;
  /** The translation for the device's channel; undefined when the channel has no translator or nothing to translate. */
  readonly translation: PolicyTranslation | undefined;
  readonly translator: PolicyTranslator | undefined;
  readonly profiles: readonly ProfileRow[];
  readonly apps: ReadonlyArray<{ identifier: string; install: AppInstall; appId: string | null; name: string; configuration?: unknown; source: string }>;
  readonly osTarget: { minimumVersion: string; deadline: number | null; targetIds: string[] } | undefined;
  readonly items: readonly DesiredItem[];
}

const appliesTo = (appPlatform: string, device: Platform) => appPlatform === device || (appPlatform === 'ios' && device === 'ipados');
const APP_RANK = { blocked: 3, required: 2, available: 1 } as const;
const hasSettings = (s: PolicySettings) => Object.keys(s).some((k) => k !== 'apps' && k !== 'osUpdate');

/**
 * Everything desired state is computed from, read once per reconcile run (or API request):
 * policies, profiles, apps, OS targets and assignments. Merges and translations are cached by
 * their inputs (the set of policies, the channel, platform and ownership), so 100,000 devices
 * sharing a handful of policy combinations cost a handful of merges and translations.
 */
export class DesiredStateSnapshot {
  private readonly merged = new Map<string, EffectivePolicy>();
  private readonly translated = new Map<string, { translation: PolicyTranslation; version: string; removal: unknown }>();

  private constructor(
    private readonly policies: ReadonlyMap<string, PolicyInput>,
    private readonly profiles: ReadonlyMap<string, ProfileRow>,
    private readonly apps: ReadonlyMap<string, AppRow>,
    private readonly byGroup: ReadonlyMap<
      string,
      { policies: string[]; profiles: string[]; apps: Array<{ appId: string; install: AppInstall; configuration: unknown }> }
    >,
    private readonly osTargets: ReadonlyMap<string, OsUpdateTargetRow[]>,
    private readonly translators: ReadonlyMap<string, PolicyTranslator>,
    readonly now: number,
  ) {}

  static async load(db: Kysely<DB>, translators: readonly PolicyTranslator[], now = Date.now()): Promise<DesiredStateSnapshot> {
    const [policyRows, profileRows, appRows, assignmentRows, targetRows] = await Promise.all([
      db.selectFrom('policies').selectAll().execute(),
      db.selectFrom('profiles').selectAll().execute(),
      db.selectFrom('apps').selectAll().execute(),
      db.selectFrom('assignments').selectAll().execute(),
      db.selectFrom('os_update_targets').selectAll().execute(),
    ]);
    const policies = new Map(
      policyRows.map((p) => [
        p.id,
        { id: p.id, name: p.name, priority: p.priority, createdAt: p.created_at, settings: JSON.parse(p.settings) as PolicySettings } satisfies PolicyInput,
      ]),
    );
    const byGroup = new Map<string, { policies: string[]; profiles: string[]; apps: Array<{ appId: string; install: AppInstall; configuration: unknown }> }>();
    for (const a of assignmentRows) {
      const entry = byGroup.get(a.group_id) ?? { policies: [], profiles: [], apps: [] };
      if (a.item_type === 'policy') entry.policies.push(a.item_id);
      else if (a.item_type === 'profile') entry.profiles.push(a.item_id);
      else if (a.item_type === 'app')
        entry.apps.push({
          appId: a.item_id,
          install: (a.install ?? 'required') as AppInstall,
          configuration: a.configuration ? JSON.parse(a.configuration) : undefined,
        });
      byGroup.set(a.group_id, entry);
    }
    const osTargets = new Map<string, OsUpdateTargetRow[]>();
    for (const t of targetRows) osTargets.set(t.group_id, [...(osTargets.get(t.group_id) ?? []), t]);
    return new DesiredStateSnapshot(
      policies,
      new Map(profileRows.map((p) => [p.id, p])),
      new Map(appRows.map((a) => [a.id, a])),
      byGroup,
      osTargets,
      new Map(translators.map((t) => [t.channel, t])),
      now,
    );
  }

  get policyCount(): number {
    return this.policies.size;
  }

  translatorFor(channel: string): PolicyTranslator | undefined {
    return this.translators.get(channel);
  }

  /** The effective policy of a set of policies (cached by the set). */
  effective(policyIds: readonly string[]): EffectivePolicy {
    const ids = [...new Set(policyIds)].filter((id) => this.policies.has(id)).sort();
    const cacheKey = ids.join(',');
    let merged = this.merged.get(cacheKey);
    if (!merged) {
      merged = mergePolicies(ids.map((id) => this.policies.get(id) as PolicyInput));
      this.merged.set(cacheKey, merged);
    }
    return merged;
  }

  /**
   * The configuration key of a set of policies: `policy.<uuid>`, where the UUID is derived from
   * the sorted policy ids. Devices with the same policies share the key (and, on the same platform
   * and ownership, the payload); a device gets one policy configuration per channel, and a change
   * of a policy's settings keeps the key and changes the version.
   */
  static policyKey(policyIds: readonly string[]): string {
    return `policy.${uuidFrom([...new Set(policyIds)].sort().join(','))}`;
  }

  /** The translation of a set of policies for one kind of device, with its version (cached). */
  translate(
    policyIds: readonly string[],
    device: Pick<DeviceFacts, 'channel' | 'platform' | 'ownership' | 'assignedUser'>,
  ): { translation: PolicyTranslation; version: string; removal: unknown; key: string } | undefined {
    const translator = this.translators.get(device.channel);
    if (!translator) return undefined;
    const effective = this.effective(policyIds);
    const key = DesiredStateSnapshot.policyKey(effective.policies.map((p) => p.policyId));
    // Only e-mail accounts depend on the user: keep one translation per user only when there are some.
    const user = effective.settings.email?.length ? (device.assignedUser ?? '') : '';
    const cacheKey = `${key}|${device.channel}|${device.platform}|${device.ownership}|${user}`;
    let entry = this.translated.get(cacheKey);
    if (!entry) {
      const translation = translator.translate(effective.settings, {
        platform: device.platform,
        ownership: device.ownership,
        assignedUser: device.assignedUser,
        key,
      });
      entry = { translation, version: versionOf(translation.payload), removal: translator.removal?.(translation.payload) ?? null };
      this.translated.set(cacheKey, entry);
    }
    return { ...entry, key };
  }

  /** What one device should have, given the groups it is in. */
  forDevice(device: DeviceFacts, groupIds: readonly string[], extraPolicyIds: readonly string[] = []): DeviceDesiredState {
    // Previews add a policy the device doesn't have (yet).
    const policyIds = new Set<string>(extraPolicyIds);
    const profileIds = new Set<string>();
    const assignedApps: Array<{ appId: string; install: AppInstall; configuration: unknown }> = [];
    const targets: OsUpdateTargetRow[] = [];
    for (const groupId of groupIds) {
      const entry = this.byGroup.get(groupId);
      if (entry) {
        for (const id of entry.policies) policyIds.add(id);
        for (const id of entry.profiles) profileIds.add(id);
        assignedApps.push(...entry.apps);
      }
      for (const t of this.osTargets.get(groupId) ?? []) if (t.platform === device.platform) targets.push(t);
    }
    const effective = this.effective([...policyIds]);
    const translator = this.translators.get(device.channel);
    const items: DesiredItem[] = [];

    let translation: PolicyTranslation | undefined;
    if (translator && effective.policies.length > 0 && hasSettings(effective.settings)) {
      let t: ReturnType<DesiredStateSnapshot['translate']>;
      try {
        t = this.translate([...policyIds], device);
      } catch (error) {
        // One broken translation fails this item only; the device's profiles, apps and OS target go on.
        const message = `translation failed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500);
        const key = DesiredStateSnapshot.policyKey(effective.policies.map((p) => p.policyId));
        items.push({
          key,
          itemType: 'policy',
          itemId: effective.policies.map((p) => p.policyId).join(','),
          name: effective.policies
            .map((p) => p.policyName)
            .join(' + ')
            .slice(0, 200),
          version: versionOf({ error: message }),
          presence: 'present',
          command: { type: 'apply_configuration', params: {} },
          removal: null,
          error: message,
        });
      }
      if (t) {
        translation = t.translation;
        items.push({
          key: t.key,
          itemType: 'policy',
          // Compliance's "policy installed" looks the policy up here: the ids of the policies merged into this configuration.
          itemId: effective.policies.map((p) => p.policyId).join(','),
          name: effective.policies
            .map((p) => p.policyName)
            .join(' + ')
            .slice(0, 200),
          version: t.version,
          presence: 'present',
          command: {
            type: 'apply_configuration',
            params: { key: t.key, name: 'Steward policy', version: t.version, source: 'policy', payload: t.translation.payload },
          },
          removal: t.removal,
        });
      }
    }

    const profiles = [...profileIds]
      .map((id) => this.profiles.get(id))
      .filter((p): p is ProfileRow => p !== undefined && p.channel === device.channel)
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    if (translator) {
      for (const profile of profiles) {
        const payload = translator.rawPayload ? translator.rawPayload(profile.content, profile.identifier) : { content: profile.content };
        const version = versionOf(payload);
        const key = `profile.${profile.id}`;
        items.push({
          key,
          itemType: 'profile',
          itemId: profile.id,
          name: profile.name,
          version,
          presence: 'present',
          command: { type: 'apply_configuration', params: { key, name: profile.name.slice(0, 200), version, source: 'raw', payload } },
          removal: translator.removal?.(payload) ?? null,
        });
      }
    }

    // Apps: catalogue assignments (for the device's platform) and the policies' app lists; blocked > required > available.
    const apps = new Map<string, { identifier: string; install: AppInstall; appId: string | null; name: string; configuration?: unknown; source: string }>();
    const offer = (entry: { identifier: string; install: AppInstall; appId: string | null; name: string; configuration?: unknown; source: string }) => {
      const current = apps.get(entry.identifier);
      if (!current || APP_RANK[entry.install] > APP_RANK[current.install]) apps.set(entry.identifier, entry);
    };
    for (const a of assignedApps) {
      const app = this.apps.get(a.appId);
      if (!app || !appliesTo(app.platform, device.platform)) continue;
      offer({ identifier: app.identifier, install: a.install, appId: app.id, name: app.name, configuration: a.configuration, source: 'assignment' });
    }
    for (const setting of effective.settings.apps ?? []) {
      const catalogued = [...this.apps.values()].filter((a) => a.identifier === setting.identifier);
      if (catalogued.length > 0 && !catalogued.some((a) => appliesTo(a.platform, device.platform))) continue;
      const app = catalogued.find((a) => appliesTo(a.platform, device.platform));
      offer({
        identifier: setting.identifier,
        install: setting.install,
        appId: app?.id ?? null,
        name: app?.name ?? setting.identifier,
        configuration: setting.configuration,
        source: effective.sources[`apps[${setting.identifier}]`]?.policyName ?? 'policy',
      });
    }
    for (const app of [...apps.values()].sort((a, b) => (a.identifier < b.identifier ? -1 : 1))) {
      if (app.install === 'available') continue;
      const key = `app.${uuidFrom(`${device.platform === 'ipados' ? 'ios' : device.platform}:${app.identifier}`)}`;
      const blocked = app.install === 'blocked';
      items.push({
        key,
        itemType: 'app',
        itemId: app.appId ?? app.identifier,
        name: app.name.slice(0, 200),
        version: versionOf({ identifier: app.identifier, install: app.install }),
        presence: blocked ? 'absent' : 'present',
        command: { type: blocked ? 'remove_app' : 'install_app', params: { identifier: app.identifier } },
        removal: { identifier: app.identifier },
        identifier: app.identifier,
      });
    }

    // OS: the highest minimum version of the device's groups' targets, with the earliest deadline.
    let osTarget: DeviceDesiredState['osTarget'];
    for (const t of targets) {
      if (!osTarget) osTarget = { minimumVersion: t.minimum_version, deadline: t.deadline, targetIds: [t.id] };
      else {
        if (compareVersions(t.minimum_version, osTarget.minimumVersion) > 0) osTarget.minimumVersion = t.minimum_version;
        if (t.deadline !== null && (osTarget.deadline === null || t.deadline < osTarget.deadline)) osTarget.deadline = t.deadline;
        osTarget.targetIds.push(t.id);
      }
    }
    if (osTarget) {
      const due = osTarget.deadline !== null && osTarget.deadline <= this.now;
      const satisfied = device.osVersion !== null && compareVersions(numericVersion(device.osVersion), osTarget.minimumVersion) >= 0;
      const params = { version: osTarget.minimumVersion, action: due ? 'install' : 'default' };
      items.push({
        key: `os_update.${device.platform}`,
        itemType: 'os_update',
        itemId: osTarget.targetIds.sort().join(','),
        name: `${device.platform} ${osTarget.minimumVersion}`,
        version: versionOf(params),
        presence: 'present',
        command: { type: 'os_update', params },
        removal: null,
        satisfied,
      });
    }

    return { effective, translation, translator, profiles, apps: [...apps.values()], osTarget, items };
  }
}

/** "18.2.1 (22C161)" → "18.2.1". */
function numericVersion(version: string): string {
  return (version.match(/\d+/g) ?? ['0']).slice(0, 4).join('.');
}

export type { UnsupportedSetting };
