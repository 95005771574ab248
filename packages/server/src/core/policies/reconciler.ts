import { type Kysely, type Selectable, sql } from 'kysely';
import type { Dialect } from '../../db/database.js';
import type { ConfigurationStatesTable, DB } from '../../db/schema.js';
import type { CommandQueue } from '../commands/command-queue.js';
import { crashPoint } from '../crash-points.js';
import { INTENTS } from '../commands/intents.js';
import type { Channel, Ownership, Platform } from '../devices/device-model.js';
import { type DesiredItem, DesiredStateSnapshot, type DeviceFacts } from './desired-state.js';
import { canonicalJson } from './hashing.js';
import type { PolicyTranslator } from './policy-model.js';

type StateRow = Selectable<ConfigurationStatesTable>;

export interface ReconcilerOptions {
  /** Devices per transaction. */
  readonly batchSize?: number;
  /** Attempts per item and version before it stays failed. */
  readonly maxAttempts?: number;
  /** How long the commands it enqueues stay deliverable. */
  readonly commandTtlMs: number;
  /** Told (in the same transaction) which devices' configuration states changed, so compliance's `policy_installed` is re-evaluated. */
  readonly compliance?: { markDirty(deviceIds: readonly string[], db?: Kysely<DB>): Promise<void> };
  /** Where `policy.failed` is published (in the same transaction) when an item goes to failed. */
  readonly events?: { publish(type: 'policy.failed', data: Record<string, unknown>, db?: Kysely<DB>): Promise<string> };
}

/** What a `policy.failed` event carries. */
interface FailedItem {
  deviceId: string;
  key: string;
  itemId: string;
  name: string;
  reason: string;
}

export interface ReconcileStats {
  devices: number;
  batches: number;
  commands: number;
  deliveries: number;
  failedDevices: number;
  /** The commands enqueued, so the channels can wake their devices. */
  commandIds: string[];
}

export interface RunOptions {
  /** Stop after this many batches (tests simulate a crash with it). */
  readonly maxBatches?: number;
}

interface Planned {
  readonly deviceId: string;
  readonly item: DesiredItem | undefined;
  readonly state: StateRow | undefined;
  /** The command to enqueue, or none (state-only change). */
  readonly command: { type: string; params: Record<string, unknown> } | undefined;
  /** Equal for plans that send the same command (they share one command row). */
  readonly signature?: string;
  readonly next: Pick<StateRow, 'state' | 'attempts' | 'reason' | 'installed_version'> | 'delete';
}

const CREATED_BY = { type: 'system', id: null, label: 'reconciler' } as const;
export const RECONCILE_JOB = 'policies.reconcile';

/**
 * Closes the gap between what devices should have (policies translated for their channel, raw
 * profiles, required and blocked apps, OS targets) and what they have (configuration_states, and
 * inventory facts where the channel reports them), for the devices in the dirty set.
 *
 * - Incremental: only devices marked dirty (policies, assignments, groups, profiles, apps, OS
 *   targets or the device's own inventory changed) are looked at.
 * - Batched and restart-safe: each batch of devices is one transaction that enqueues the commands,
 *   writes the states with the command ids, and clears the batch's dirty marks (only marks not
 *   renewed meanwhile). Killed mid-run, the batches not committed are still dirty; those committed
 *   have states saying what is in flight, so nothing is sent twice.
 * - Idempotent: an item whose state already has its version (installed or in flight) needs nothing.
 * - Isolated: a device whose batch fails is retried alone; a device that still fails stays dirty
 *   and the others go on.
 * - Retries capped: a failed item is resent until it has had `maxAttempts` attempts at that version.
 */
export class Reconciler {
  private readonly batchSize: number;
  private readonly maxAttempts: number;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
    private readonly commands: CommandQueue,
    private readonly translators: () => readonly PolicyTranslator[],
    private readonly options: ReconcilerOptions,
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.maxAttempts = options.maxAttempts ?? 3;
  }

  /** Outcomes first (so failures are retried in the same pass), then the dirty devices. */
  async run(options: RunOptions = {}): Promise<ReconcileStats> {
    await this.syncOutcomes();
    return this.reconcileDirty(options);
  }

  async reconcileDirty(options: RunOptions = {}): Promise<ReconcileStats> {
    const stats: ReconcileStats = { devices: 0, batches: 0, commands: 0, deliveries: 0, failedDevices: 0, commandIds: [] };
    const snapshot = await DesiredStateSnapshot.load(this.db, this.translators());
    let after = '';
    for (;;) {
      if (options.maxBatches !== undefined && stats.batches >= options.maxBatches) break;
      const dirty = await this.db
        .selectFrom('reconcile_dirty')
        .select(['device_id', 'marked_at'])
        .where('device_id', '>', after)
        .orderBy('device_id')
        .limit(this.batchSize)
        .execute();
      if (dirty.length === 0) break;
      after = dirty[dirty.length - 1]?.device_id ?? after;
      stats.batches++;
      const before = { ...stats, commandIds: stats.commandIds.length };
      try {
        await this.db.transaction().execute((trx) => this.reconcileBatch(trx, snapshot, dirty, stats));
        // Test-only: the fault test kills the process here, one batch committed and the rest still dirty.
        crashPoint('reconcile.after-batch');
      } catch {
        // Rolled back: forget what the batch counted.
        Object.assign(stats, { ...before, commandIds: stats.commandIds.slice(0, before.commandIds) });
        // One bad device must not hold up the rest: redo the batch one device at a time.
        for (const one of dirty) {
          const mark = { ...stats, commandIds: stats.commandIds.length };
          try {
            await this.db.transaction().execute((trx) => this.reconcileBatch(trx, snapshot, [one], stats));
          } catch {
            Object.assign(stats, { ...mark, commandIds: stats.commandIds.slice(0, mark.commandIds) });
            stats.failedDevices++;
          }
        }
      }
    }
    return stats;
  }

  private async reconcileBatch(
    trx: Kysely<DB>,
    snapshot: DesiredStateSnapshot,
    dirty: ReadonlyArray<{ device_id: string; marked_at: number }>,
    stats: ReconcileStats,
  ): Promise<void> {
    const ids = dirty.map((d) => d.device_id);
    const [devices, memberships, states] = await Promise.all([
      trx
        .selectFrom('devices')
        .select(['id', 'platform', 'channel', 'ownership', 'assigned_user', 'os_version', 'enrollment_state', 'inventory', 'updated_at'])
        .where('id', 'in', ids)
        .execute(),
      trx.selectFrom('group_members').select(['device_id', 'group_id']).where('device_id', 'in', ids).execute(),
      trx.selectFrom('configuration_states').selectAll().where('device_id', 'in', ids).execute(),
    ]);
    const groupsOf = new Map<string, string[]>();
    for (const m of memberships) {
      const list = groupsOf.get(m.device_id);
      if (list) list.push(m.group_id);
      else groupsOf.set(m.device_id, [m.group_id]);
    }
    const statesOf = new Map<string, Map<string, StateRow>>();
    for (const s of states) {
      const map = statesOf.get(s.device_id) ?? new Map<string, StateRow>();
      map.set(s.key, s);
      statesOf.set(s.device_id, map);
    }

    const plans: Planned[] = [];
    for (const device of devices) {
      // Only enrolled devices can receive anything; they are looked at again when they enroll.
      if (device.enrollment_state !== 'enrolled') continue;
      stats.devices++;
      const facts: DeviceFacts = {
        id: device.id,
        platform: device.platform as Platform,
        channel: device.channel as Channel,
        ownership: device.ownership as Ownership,
        assignedUser: device.assigned_user,
        osVersion: device.os_version,
      };
      const desired = snapshot.forDevice(facts, groupsOf.get(device.id) ?? []);
      const observed = observedFacts(device.inventory);
      plans.push(...this.plan(facts, desired.items, statesOf.get(device.id) ?? new Map(), observed, device.updated_at));
    }

    // Devices that need the same command share one command row (one per payload per batch).
    const groups = new Map<string, { type: string; params: Record<string, unknown>; devices: string[]; platforms: Set<Platform> }>();
    const platformOf = new Map(devices.map((d) => [d.id, d.platform as Platform]));
    for (const p of plans) {
      if (!p.command) continue;
      const signature = p.signature ?? `${p.command.type}|${canonicalJson(p.command.params)}`;
      const entry = groups.get(signature) ?? { type: p.command.type, params: p.command.params, devices: [], platforms: new Set<Platform>() };
      entry.devices.push(p.deviceId);
      entry.platforms.add(platformOf.get(p.deviceId) as Platform);
      groups.set(signature, entry);
    }
    const commandOf = new Map<string, string>();
    for (const [signature, group] of groups) {
      const { command } = await this.commands.enqueueWithin(trx, {
        kind: 'intent',
        type: group.type,
        platform: null,
        payload: group.params,
        target: { deviceIds: group.devices },
        platforms: INTENTS[group.type as keyof typeof INTENTS].platforms,
        createdBy: CREATED_BY,
        ttlMs: this.options.commandTtlMs,
      });
      stats.commands++;
      stats.deliveries += command.device_count;
      stats.commandIds.push(command.id);
      for (const deviceId of group.devices) commandOf.set(`${deviceId}|${signature}`, command.id);
    }

    const now = Date.now();
    const upserts: StateRow[] = [];
    const deletes: Array<{ device_id: string; key: string }> = [];
    for (const p of plans) {
      const key = p.item?.key ?? p.state?.key ?? '';
      if (p.next === 'delete') {
        deletes.push({ device_id: p.deviceId, key });
        continue;
      }
      const commandId = p.command ? commandOf.get(`${p.deviceId}|${p.signature ?? `${p.command.type}|${canonicalJson(p.command.params)}`}`) : undefined;
      upserts.push({
        device_id: p.deviceId,
        key,
        item_type: p.item?.itemType ?? p.state?.item_type ?? 'policy',
        item_id: p.item?.itemId ?? p.state?.item_id ?? '',
        name: p.item?.name ?? p.state?.name ?? '',
        desired_version: p.item ? p.item.version : (p.state?.desired_version ?? null),
        installed_version: p.next.installed_version,
        state: p.next.state,
        reason: p.next.reason,
        command_id: commandId ?? (p.command ? null : (p.state?.command_id ?? null)),
        attempts: p.next.attempts,
        updated_at: now,
        removal: p.item ? (p.item.removal === null || p.item.removal === undefined ? null : JSON.stringify(p.item.removal)) : (p.state?.removal ?? null),
      });
    }
    for (let i = 0; i < upserts.length; i += 400) {
      await trx
        .insertInto('configuration_states')
        .values(upserts.slice(i, i + 400))
        .onConflict((oc) =>
          oc.columns(['device_id', 'key']).doUpdateSet((eb) => ({
            item_type: eb.ref('excluded.item_type'),
            item_id: eb.ref('excluded.item_id'),
            name: eb.ref('excluded.name'),
            desired_version: eb.ref('excluded.desired_version'),
            installed_version: eb.ref('excluded.installed_version'),
            state: eb.ref('excluded.state'),
            reason: eb.ref('excluded.reason'),
            command_id: eb.ref('excluded.command_id'),
            attempts: eb.ref('excluded.attempts'),
            updated_at: eb.ref('excluded.updated_at'),
            removal: eb.ref('excluded.removal'),
          })),
        )
        .execute();
    }
    for (const d of deletes) await trx.deleteFrom('configuration_states').where('device_id', '=', d.device_id).where('key', '=', d.key).execute();
    await this.announce(
      trx,
      [...upserts.map((u) => u.device_id), ...deletes.map((d) => d.device_id)],
      upserts.filter((u) => u.state === 'failed').map((u) => ({ deviceId: u.device_id, key: u.key, itemId: u.item_id, name: u.name, reason: u.reason ?? '' })),
    );

    // Clear only the marks this pass saw: a device marked again meanwhile stays dirty for the next pass.
    const byMark = new Map<number, string[]>();
    for (const d of dirty) {
      const list = byMark.get(d.marked_at);
      if (list) list.push(d.device_id);
      else byMark.set(d.marked_at, [d.device_id]);
    }
    for (const [markedAt, deviceIds] of byMark) {
      await trx.deleteFrom('reconcile_dirty').where('device_id', 'in', deviceIds).where('marked_at', '<=', markedAt).execute();
    }
  }

  /** What to do for each desired item and each state no longer desired, on one device. */
  private plan(
    device: DeviceFacts,
    items: readonly DesiredItem[],
    states: ReadonlyMap<string, StateRow>,
    observed: ObservedFacts,
    inventoryAt: number,
  ): Planned[] {
    const out: Planned[] = [];
    const translator = this.translators().find((t) => t.channel === device.channel);
    const wanted = new Set<string>();
    for (const item of items) {
      wanted.add(item.key);
      const state = states.get(item.key);
      const same = state?.desired_version === item.version;
      const send = (): Planned => {
        const attempts = same && (state?.state === 'failed' || state?.state === 'installing' || state?.state === 'removing') ? (state?.attempts ?? 0) + 1 : 1;
        return {
          deviceId: device.id,
          item,
          state,
          command: item.command,
          // The payload is named by its key and version (a hash of it): no need to serialise it to compare.
          signature: `${item.command.type}|${item.key}|${item.version}|${item.name}`,
          next: { state: item.presence === 'absent' ? 'removing' : 'installing', attempts, reason: null, installed_version: state?.installed_version ?? null },
        };
      };
      const settle = (next: 'installed' | 'removed'): Planned | undefined =>
        state?.state === next && same
          ? undefined
          : {
              deviceId: device.id,
              item,
              state,
              command: undefined,
              next: { state: next, attempts: state?.attempts ?? 0, reason: null, installed_version: next === 'installed' ? item.version : null },
            };

      if (item.error) {
        if (!(same && state?.state === 'failed'))
          out.push({
            deviceId: device.id,
            item,
            state,
            command: undefined,
            next: { state: 'failed', attempts: state?.attempts ?? 0, reason: item.error, installed_version: state?.installed_version ?? null },
          });
        continue;
      }
      // What the device itself reports wins over what the queue says.
      if (item.itemType === 'os_update' && item.satisfied) {
        const p = settle('installed');
        if (p) out.push(p);
        continue;
      }
      if (item.itemType === 'app' && observed.apps) {
        const present = observed.apps.has(item.identifier ?? '');
        if (item.presence === 'present' && present) {
          const p = settle('installed');
          if (p) out.push(p);
          continue;
        }
        if (item.presence === 'absent' && !present) {
          const p = settle('removed');
          if (p) out.push(p);
          continue;
        }
      }
      if ((item.itemType === 'policy' || item.itemType === 'profile') && observed.configurations) {
        const reported = observed.configurations.get(item.key);
        if (reported === item.version) {
          const p = settle('installed');
          if (p) out.push(p);
          continue;
        }
        // Installed by our records but gone from a report newer than that record: put it back.
        if (same && state?.state === 'installed' && inventoryAt > state.updated_at) {
          out.push(send());
          continue;
        }
      }

      if (!state || !same) {
        out.push(send());
        continue;
      }
      switch (state.state) {
        case 'installed':
        case 'installing':
        case 'removed':
          if (state.state === 'removed' && item.presence === 'present') out.push(send());
          break;
        case 'removing':
          if (item.presence === 'present') out.push(send());
          break;
        case 'failed':
          if (state.attempts < this.maxAttempts) out.push(send());
          break;
        default:
          // pending (written by someone else): send.
          out.push(send());
      }
    }

    // States of items no longer desired: undo what Steward installed.
    for (const state of states.values()) {
      if (wanted.has(state.key)) continue;
      if (state.state === 'removed') continue;
      if (state.state === 'removing') continue;
      if (state.item_type === 'os_update' || (state.item_type === 'app' && state.state !== 'installed' && state.state !== 'installing')) {
        // Nothing to undo: an OS update isn't rolled back; a blocked app that's no longer blocked stays as it is.
        out.push({ deviceId: device.id, item: undefined, state, command: undefined, next: 'delete' });
        continue;
      }
      if (state.state === 'failed' && state.attempts >= this.maxAttempts && state.reason?.startsWith('removal:')) continue;
      let command: Planned['command'];
      if (state.item_type === 'app') {
        const identifier = (JSON.parse(state.removal ?? '{}') as { identifier?: string }).identifier;
        if (identifier) command = { type: 'remove_app', params: { identifier } };
      } else if (translator) {
        const removal = state.removal === null ? undefined : (JSON.parse(state.removal) as unknown);
        command = { type: 'remove_configuration', params: removal === undefined ? { key: state.key } : { key: state.key, payload: removal } };
      }
      if (!command) {
        out.push({ deviceId: device.id, item: undefined, state, command: undefined, next: 'delete' });
        continue;
      }
      const attempts = state.state === 'failed' && state.reason?.startsWith('removal:') ? state.attempts + 1 : 1;
      out.push({
        deviceId: device.id,
        item: undefined,
        state,
        command,
        next: { state: 'removing', attempts, reason: null, installed_version: state.installed_version },
      });
    }
    return out;
  }

  /**
   * Moves states on from their commands' outcomes: acknowledged → installed (or removed), error →
   * failed with the device's reason, expired or cancelled → failed. A failed device is marked dirty
   * so the next pass retries it (up to the cap). OS updates stay installing until inventory shows
   * the version. Returns how many states changed.
   */
  async syncOutcomes(limit = 2000): Promise<number> {
    let changed = 0;
    for (;;) {
      const rows = await this.db
        .selectFrom('configuration_states as cs')
        .innerJoin('command_deliveries as cd', (join) => join.onRef('cd.command_id', '=', 'cs.command_id').onRef('cd.device_id', '=', 'cs.device_id'))
        .select(['cs.device_id', 'cs.key', 'cs.state', 'cs.item_type', 'cs.item_id', 'cs.name', 'cs.desired_version', 'cd.state as delivery', 'cd.error'])
        .where('cs.state', 'in', ['installing', 'removing'])
        .where('cd.state', 'in', ['acknowledged', 'error', 'expired', 'cancelled'])
        .limit(limit)
        .execute();
      if (rows.length === 0) return changed;
      const now = Date.now();
      await this.db.transaction().execute(async (trx) => {
        const failedDevices: string[] = [];
        const failed: FailedItem[] = [];
        for (const row of rows) {
          const removing = row.state === 'removing';
          let set: Partial<StateRow>;
          if (row.delivery === 'acknowledged') {
            if (removing) set = { state: 'removed', installed_version: null, reason: null, command_id: null };
            else if (row.item_type === 'os_update') set = { reason: 'update scheduled; waiting for the device to report the version', command_id: null };
            else set = { state: 'installed', installed_version: row.desired_version, reason: null, command_id: null };
          } else {
            const why = row.delivery === 'error' ? (row.error ?? 'the device reported an error') : `command ${row.delivery}`;
            set = { state: 'failed', reason: `${removing ? 'removal: ' : ''}${why}`.slice(0, 2000), command_id: null };
            failedDevices.push(row.device_id);
            failed.push({ deviceId: row.device_id, key: row.key, itemId: row.item_id, name: row.name, reason: set.reason ?? '' });
          }
          await trx
            .updateTable('configuration_states')
            .set({ ...set, updated_at: now })
            .where('device_id', '=', row.device_id)
            .where('key', '=', row.key)
            .execute();
          changed++;
        }
        for (let i = 0; i < failedDevices.length; i += 500) {
          const values = [...new Set(failedDevices.slice(i, i + 500))].map((device_id) => ({ device_id, marked_at: now }));
          await trx
            .insertInto('reconcile_dirty')
            .values(values)
            .onConflict((oc) => oc.column('device_id').doUpdateSet({ marked_at: now }))
            .execute();
        }
        await this.announce(
          trx,
          rows.map((r) => r.device_id),
          failed,
        );
      });
      if (rows.length < limit) return changed;
    }
  }

  /**
   * Within the transaction that changed the states: compliance re-evaluates those devices, and each
   * item that went to failed becomes a `policy.failed` event (so both exist exactly when the change does).
   */
  private async announce(trx: Kysely<DB>, deviceIds: readonly string[], failed: readonly FailedItem[]): Promise<void> {
    if (deviceIds.length > 0 && this.options.compliance) await this.options.compliance.markDirty([...new Set(deviceIds)], trx);
    if (this.options.events) for (const f of failed) await this.options.events.publish('policy.failed', { ...f }, trx);
  }

  /** How many devices wait for the reconciler. */
  async dirtyCount(): Promise<number> {
    const row = await this.db.selectFrom('reconcile_dirty').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  get databaseDialect(): Dialect {
    return this.dialect;
  }
}

interface ObservedFacts {
  /** Present only when the channel reports them. */
  readonly configurations: ReadonlyMap<string, string> | undefined;
  readonly apps: ReadonlySet<string> | undefined;
}

/** facts.configurations and facts.apps from the inventory JSON, when the channel reports them. */
function observedFacts(inventory: string): ObservedFacts {
  // Most inventories carry neither: skip the parse.
  if (!inventory.includes('"configurations"') && !inventory.includes('"apps"')) return { configurations: undefined, apps: undefined };
  const facts = JSON.parse(inventory) as { configurations?: unknown; apps?: unknown };
  const configurations = Array.isArray(facts.configurations)
    ? new Map(
        (facts.configurations as Array<{ key?: unknown; version?: unknown }>)
          .filter((c) => typeof c?.key === 'string')
          .map((c) => [c.key as string, String(c.version ?? '')]),
      )
    : undefined;
  const apps = Array.isArray(facts.apps)
    ? new Set((facts.apps as Array<{ identifier?: unknown }>).filter((a) => typeof a?.identifier === 'string').map((a) => a.identifier as string))
    : undefined;
  return { configurations, apps };
}
