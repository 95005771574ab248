import { type Expression, type ExpressionBuilder, type Kysely, type Selectable, type SqlBool, sql } from 'kysely';
import type { Dialect } from '../../db/database.js';
import type { ComplianceHistoryTable, ComplianceRulesTable, ComplianceStatusTable, DB } from '../../db/schema.js';
import type { DeviceChangeListener } from '../events/event-publisher.js';
import { uuidv7 } from '../ids.js';
import type { ComplianceRule, RuleParams, RuleType } from './rules.js';

export type RuleRow = Selectable<ComplianceRulesTable>;
export type StatusRow = Selectable<ComplianceStatusTable>;
export type HistoryRow = Selectable<ComplianceHistoryTable>;

/** What happens after a rule's grace period when a device still violates it. */
export interface RuleActions {
  /** Publish a `compliance.grace_expired` event (webhooks). */
  notify: boolean;
  /** E-mail these addresses (SMTP). */
  email: string[];
  /** Enqueue the `lock` intent. */
  lock: boolean;
  /** Retire the device: stop managing it and remove what Steward installed. */
  retire: boolean;
}

export interface RuleInput {
  name: string;
  type: RuleType;
  params: RuleParams;
  enabled: boolean;
  graceSeconds: number;
  actions: RuleActions;
}

export interface AssignedRule extends ComplianceRule {
  graceSeconds: number;
  actions: RuleActions;
}

/** A device row as the evaluator reads it. */
export interface DeviceFacts {
  id: string;
  platform: string;
  os_version: string | null;
  os_version_key: string | null;
  last_seen_at: number | null;
  inventory: string;
  compliance_state: string;
}

/**
 * Which devices a batch reads: a list of ids, or an id range. A pass over the whole fleet reads by
 * range: an IN list of thousands of ids costs far more to build and bind than a range scan.
 */
export type DeviceScope = { ids: readonly string[] } | { from: string; to: string };

function inScope<T extends 'group_members' | 'configuration_states' | 'compliance_status' | 'compliance_violations'>(
  eb: ExpressionBuilder<DB, T>,
  column: 'device_id',
  scope: DeviceScope,
): Expression<SqlBool> {
  const ref = sql.ref(column);
  if ('ids' in scope) return scope.ids.length ? eb(ref, 'in', [...scope.ids]) : sql<SqlBool>`1 = 0`;
  return eb.and([eb(ref, '>=', scope.from), eb(ref, '<=', scope.to)]);
}

export const PERIODIC_DIRTY_KEY = 'periodic:compliance.evaluate-dirty';
export const PERIODIC_ACTIONS_KEY = 'periodic:compliance.actions';

/** All SQL of compliance: rules and their groups, status, history, violations, the dirty set, snapshots. */
export class ComplianceRepository implements DeviceChangeListener {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
  ) {}

  // --- rules -----------------------------------------------------------------------------------

  async createRule(input: RuleInput, groupIds: readonly string[]): Promise<RuleRow> {
    const now = Date.now();
    const row: RuleRow = {
      id: uuidv7(now),
      name: input.name,
      type: input.type,
      params: JSON.stringify(input.params),
      enabled: input.enabled ? 1 : 0,
      grace_seconds: input.graceSeconds,
      actions: JSON.stringify(input.actions),
      created_at: now,
      updated_at: now,
    };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('compliance_rules').values(row).execute();
      if (groupIds.length)
        await trx
          .insertInto('compliance_rule_groups')
          .values(groupIds.map((group_id) => ({ rule_id: row.id, group_id })))
          .execute();
    });
    return row;
  }

  async updateRule(id: string, input: Partial<RuleInput>, groupIds?: readonly string[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('compliance_rules')
        .set({
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.params !== undefined ? { params: JSON.stringify(input.params) } : {}),
          ...(input.enabled !== undefined ? { enabled: input.enabled ? 1 : 0 } : {}),
          ...(input.graceSeconds !== undefined ? { grace_seconds: input.graceSeconds } : {}),
          ...(input.actions !== undefined ? { actions: JSON.stringify(input.actions) } : {}),
          updated_at: Date.now(),
        })
        .where('id', '=', id)
        .execute();
      if (groupIds) {
        await trx.deleteFrom('compliance_rule_groups').where('rule_id', '=', id).execute();
        if (groupIds.length)
          await trx
            .insertInto('compliance_rule_groups')
            .values(groupIds.map((group_id) => ({ rule_id: id, group_id })))
            .execute();
      }
    });
  }

  async deleteRule(id: string): Promise<void> {
    await this.db.deleteFrom('compliance_rules').where('id', '=', id).execute();
  }

  getRule(id: string): Promise<RuleRow | undefined> {
    return this.db.selectFrom('compliance_rules').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listRules(): Promise<RuleRow[]> {
    return this.db.selectFrom('compliance_rules').selectAll().orderBy('name').execute();
  }

  async groupsOfRules(ruleIds: readonly string[]): Promise<Map<string, string[]>> {
    const map = new Map<string, string[]>();
    if (ruleIds.length === 0) return map;
    const rows = await this.db
      .selectFrom('compliance_rule_groups')
      .selectAll()
      .where('rule_id', 'in', [...ruleIds])
      .execute();
    for (const r of rows) map.set(r.rule_id, [...(map.get(r.rule_id) ?? []), r.group_id]);
    return map;
  }

  /** Enabled rules with the groups they are assigned to. */
  async assignedRules(): Promise<{ rules: AssignedRule[]; byGroup: Map<string, AssignedRule[]> }> {
    const rows = await this.db.selectFrom('compliance_rules').selectAll().where('enabled', '=', 1).orderBy('id').execute();
    const rules = rows.map(toAssignedRule);
    const groups = await this.groupsOfRules(rows.map((r) => r.id));
    const byGroup = new Map<string, AssignedRule[]>();
    for (const rule of rules) for (const g of groups.get(rule.id) ?? []) byGroup.set(g, [...(byGroup.get(g) ?? []), rule]);
    return { rules, byGroup };
  }

  // --- the inputs of one batch -----------------------------------------------------------------

  /** Enrolled devices by id, in id order, after `afterId` (keyset paging through the fleet). */
  devicesPage(afterId: string | null, limit: number): Promise<DeviceFacts[]> {
    let query = this.db
      .selectFrom('devices')
      .select(['id', 'platform', 'os_version', 'os_version_key', 'last_seen_at', 'inventory', 'compliance_state'])
      .where('enrollment_state', '=', 'enrolled');
    if (afterId) query = query.where('id', '>', afterId);
    return query.orderBy('id').limit(limit).execute();
  }

  devicesById(ids: readonly string[]): Promise<DeviceFacts[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('devices')
      .select(['id', 'platform', 'os_version', 'os_version_key', 'last_seen_at', 'inventory', 'compliance_state'])
      .where('enrollment_state', '=', 'enrolled')
      .where('id', 'in', [...ids])
      .execute();
  }

  memberships(scope: DeviceScope, groupIds: readonly string[]): Promise<{ device_id: string; group_id: string }[]> {
    if (groupIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('group_members')
      .select(['device_id', 'group_id'])
      .where((eb) => inScope(eb, 'device_id', scope))
      .where('group_id', 'in', [...groupIds])
      .execute();
  }

  configurationStates(scope: DeviceScope, itemIds: readonly string[]) {
    if (itemIds.length === 0) return Promise.resolve([]);
    return (
      this.db
        .selectFrom('configuration_states')
        .select(['device_id', 'item_id', 'state', 'reason'])
        .where((eb) => inScope(eb, 'device_id', scope))
        // The reconciler merges a device's policies into one configuration whose item_id lists their ids
        // (comma-separated), so a policy's id may be one of several. Ids are UUIDs: no LIKE wildcards in them.
        .where((eb) => eb.or([eb('item_id', 'in', [...itemIds]), ...itemIds.map((id) => eb('item_id', 'like', `%${id.replace(/[%_\\]/g, '')}%`))]))
        .execute()
    );
  }

  statuses(scope: DeviceScope): Promise<StatusRow[]> {
    return this.db
      .selectFrom('compliance_status')
      .selectAll()
      .where((eb) => inScope(eb, 'device_id', scope))
      .execute();
  }

  violations(scope: DeviceScope) {
    return this.db
      .selectFrom('compliance_violations')
      .select(['device_id', 'rule_id'])
      .where((eb) => inScope(eb, 'device_id', scope))
      .execute();
  }

  // --- writing a batch's outcome ---------------------------------------------------------------

  async writeBatch(
    trx: Kysely<DB>,
    batch: {
      statusInserts: StatusRow[];
      statusUpdates: StatusRow[];
      stateChanges: { deviceId: string; state: string }[];
      history: HistoryRow[];
      newViolations: { device_id: string; rule_id: string; since: number; due_at: number; fired: null }[];
      resolvedViolations: { deviceId: string; ruleId: string }[];
    },
  ): Promise<void> {
    for (let i = 0; i < batch.statusInserts.length; i += 500) {
      await trx
        .insertInto('compliance_status')
        .values(batch.statusInserts.slice(i, i + 500))
        .onConflict((oc) =>
          oc.column('device_id').doUpdateSet((eb) => ({
            state: eb.ref('excluded.state'),
            reasons: eb.ref('excluded.reasons'),
            evaluated_at: eb.ref('excluded.evaluated_at'),
            changed_at: eb.ref('excluded.changed_at'),
          })),
        )
        .execute();
    }
    for (const s of batch.statusUpdates) {
      await trx
        .updateTable('compliance_status')
        .set({ state: s.state, reasons: s.reasons, evaluated_at: s.evaluated_at, changed_at: s.changed_at })
        .where('device_id', '=', s.device_id)
        .execute();
    }
    // One UPDATE per target state rather than per device.
    const byState = new Map<string, string[]>();
    for (const c of batch.stateChanges) byState.set(c.state, [...(byState.get(c.state) ?? []), c.deviceId]);
    for (const [state, ids] of byState) {
      for (let i = 0; i < ids.length; i += 500) {
        await trx
          .updateTable('devices')
          .set({ compliance_state: state })
          .where('id', 'in', ids.slice(i, i + 500))
          .execute();
      }
    }
    for (let i = 0; i < batch.history.length; i += 200)
      await trx
        .insertInto('compliance_history')
        .values(batch.history.slice(i, i + 200))
        .execute();
    for (let i = 0; i < batch.newViolations.length; i += 500) {
      await trx
        .insertInto('compliance_violations')
        .values(batch.newViolations.slice(i, i + 500))
        .onConflict((oc) => oc.columns(['device_id', 'rule_id']).doNothing())
        .execute();
    }
    for (const v of batch.resolvedViolations) {
      await trx.deleteFrom('compliance_violations').where('device_id', '=', v.deviceId).where('rule_id', '=', v.ruleId).execute();
    }
  }

  // --- the dirty set ---------------------------------------------------------------------------

  /** Marks devices for re-evaluation, in the caller's transaction; the periodic job is nudged to run now. */
  async devicesChanged(deviceIds: readonly string[], db: Kysely<DB> = this.db): Promise<void> {
    if (deviceIds.length === 0) return;
    const now = Date.now();
    for (let i = 0; i < deviceIds.length; i += 500) {
      await db
        .insertInto('compliance_dirty')
        .values(deviceIds.slice(i, i + 500).map((device_id) => ({ device_id, marked_at: now })))
        .onConflict((oc) => oc.column('device_id').doUpdateSet({ marked_at: now }))
        .execute();
    }
    this.scheduleKick();
  }

  private kickTimer: NodeJS.Timeout | undefined;

  /**
   * Brings the dirty-set job forward, shortly and at most once per 200 ms, outside the caller's
   * transaction: an UPDATE of the job row inside every device's transaction would make concurrent
   * check-ins queue behind one row lock on PostgreSQL, and the short delay lets the mark commit first.
   */
  private scheduleKick(): void {
    if (this.kickTimer) return;
    this.kickTimer = setTimeout(() => {
      this.kickTimer = undefined;
      this.kickDirty().catch(() => {});
    }, 200);
    this.kickTimer.unref();
  }

  /** Brings the periodic actions job forward to `at` (a violation with a short grace period was opened). */
  async kickActions(at: number, db: Kysely<DB> = this.db): Promise<void> {
    await db
      .updateTable('jobs')
      .set({ run_at: at })
      .where('unique_key', '=', PERIODIC_ACTIONS_KEY)
      .where('state', '=', 'queued')
      .where('run_at', '>', at)
      .execute();
  }

  /** Brings the periodic dirty-set job forward to now. */
  async kickDirty(db: Kysely<DB> = this.db): Promise<void> {
    const now = Date.now();
    await db
      .updateTable('jobs')
      .set({ run_at: now })
      .where('unique_key', '=', PERIODIC_DIRTY_KEY)
      .where('state', '=', 'queued')
      .where('run_at', '>', now)
      .execute();
  }

  takeDirty(limit: number): Promise<{ device_id: string; marked_at: number }[]> {
    return this.db.selectFrom('compliance_dirty').selectAll().orderBy('marked_at').limit(limit).execute();
  }

  /** Clears marks that are no newer than when they were read (a mark made meanwhile survives). */
  async clearDirty(rows: readonly { device_id: string; marked_at: number }[]): Promise<void> {
    for (const r of rows) await this.db.deleteFrom('compliance_dirty').where('device_id', '=', r.device_id).where('marked_at', '<=', r.marked_at).execute();
  }

  // --- actions ---------------------------------------------------------------------------------

  dueViolations(now: number, limit: number) {
    return this.db
      .selectFrom('compliance_violations')
      .selectAll()
      .where('fired', 'is', null)
      .where('due_at', '<=', now)
      .orderBy('due_at')
      .limit(limit)
      .execute();
  }

  /** Takes a due violation for firing; false when another worker (or an earlier run) already took it. */
  async claimViolation(deviceId: string, ruleId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('compliance_violations')
      .set({ fired: '[]' })
      .where('device_id', '=', deviceId)
      .where('rule_id', '=', ruleId)
      .where('fired', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async markFired(deviceId: string, ruleId: string, fired: string[]): Promise<void> {
    await this.db
      .updateTable('compliance_violations')
      .set({ fired: JSON.stringify(fired) })
      .where('device_id', '=', deviceId)
      .where('rule_id', '=', ruleId)
      .execute();
  }

  // --- reading ---------------------------------------------------------------------------------

  status(deviceId: string): Promise<StatusRow | undefined> {
    return this.db.selectFrom('compliance_status').selectAll().where('device_id', '=', deviceId).executeTakeFirst();
  }

  history(deviceId: string, limit: number): Promise<HistoryRow[]> {
    return this.db
      .selectFrom('compliance_history')
      .selectAll()
      .where('device_id', '=', deviceId)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  violationsOf(deviceId: string) {
    return this.db.selectFrom('compliance_violations').selectAll().where('device_id', '=', deviceId).execute();
  }

  /** Each device's state as of `at`: its last history row at or before then. */
  async stateAt(at: number, state: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('compliance_history as h')
      .select('h.device_id')
      .where('h.state', '=', state)
      .where('h.at', '<=', at)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('compliance_history as later')
              .select(sql.lit(1).as('one'))
              .whereRef('later.device_id', '=', 'h.device_id')
              .where('later.at', '<=', at)
              .whereRef('later.id', '>', 'h.id'),
          ),
        ),
      )
      .execute();
    return rows.map((r) => r.device_id);
  }

  async summary(): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('devices')
      .select(['compliance_state', sql<number>`count(*)`.as('n')])
      .where('enrollment_state', '=', 'enrolled')
      .groupBy('compliance_state')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.compliance_state, Number(r.n)]));
  }

  async violationCounts(): Promise<{ rule_id: string; n: number }[]> {
    const rows = await this.db
      .selectFrom('compliance_violations')
      .select(['rule_id', sql<number>`count(*)`.as('n')])
      .groupBy('rule_id')
      .execute();
    return rows.map((r) => ({ rule_id: r.rule_id, n: Number(r.n) }));
  }

  async snapshot(day: string, counts: { compliant: number; noncompliant: number; unknown: number }, at: number): Promise<void> {
    const total = counts.compliant + counts.noncompliant + counts.unknown;
    await this.db
      .insertInto('compliance_snapshots')
      .values({ day, ...counts, total, taken_at: at })
      .onConflict((oc) => oc.column('day').doUpdateSet({ ...counts, total, taken_at: at }))
      .execute();
  }

  snapshots(fromDay: string, toDay: string) {
    return this.db.selectFrom('compliance_snapshots').selectAll().where('day', '>=', fromDay).where('day', '<=', toDay).orderBy('day').execute();
  }

  get dialectName(): Dialect {
    return this.dialect;
  }
}

export function toAssignedRule(row: RuleRow): AssignedRule {
  return {
    id: row.id,
    name: row.name,
    type: row.type as RuleType,
    params: JSON.parse(row.params) as RuleParams,
    graceSeconds: row.grace_seconds,
    actions: JSON.parse(row.actions) as RuleActions,
  };
}
