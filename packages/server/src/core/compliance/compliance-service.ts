import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { AuditRepository } from '../audit/audit-repository.js';
import type { CommandQueue } from '../commands/command-queue.js';
import { INTENTS } from '../commands/intents.js';
import type { DeviceRepository } from '../devices/device-repository.js';
import type { EventPublisher } from '../events/event-publisher.js';
import { uuidv7Many } from '../ids.js';
import type { Mailer } from '../mail/mailer.js';
import type { AssignedRule, ComplianceRepository, DeviceFacts, DeviceScope, HistoryRow, StatusRow } from './compliance-repository.js';
import { type ComplianceReason, type ConfigurationStateFact, evaluateCompliance } from './rules.js';

export interface ComplianceDependencies {
  db: Kysely<DB>;
  repo: ComplianceRepository;
  events: EventPublisher;
  audit: AuditRepository;
  commands: CommandQueue;
  devices: DeviceRepository;
  mailer: Mailer;
  commandTtlSeconds: number;
}

export interface EvaluationStats {
  evaluated: number;
  changed: number;
}

/** An episode's actions as they fired. */
export interface FiredAction {
  deviceId: string;
  ruleId: string;
  actions: string[];
}

const SYSTEM = { type: 'system', id: null, label: 'compliance' } as const;

/**
 * Evaluates devices against the compliance rules assigned to their groups, records the outcome
 * (device column, status row with reasons, a history row per change, violation episodes) and fires
 * each rule's actions once per episode after its grace period.
 *
 * `now` is injectable so tests can move time past a grace period.
 */
export class ComplianceService {
  constructor(
    private readonly deps: ComplianceDependencies,
    private readonly now: () => number = Date.now,
  ) {}

  get repo(): ComplianceRepository {
    return this.deps.repo;
  }

  /** Marks devices for re-evaluation (call after changing their configuration states, e.g. from the reconciler). */
  markDirty(deviceIds: readonly string[], db?: Kysely<DB>): Promise<void> {
    return this.deps.repo.devicesChanged(deviceIds, db);
  }

  /** Re-evaluates every enrolled device, in batches. */
  async evaluateAll(batchSize = 2000): Promise<EvaluationStats> {
    const assigned = await this.deps.repo.assignedRules();
    const stats: EvaluationStats = { evaluated: 0, changed: 0 };
    let after: string | null = null;
    for (;;) {
      const devices = await this.deps.repo.devicesPage(after, batchSize);
      if (devices.length === 0) break;
      const first = devices[0]?.id as string;
      const last = devices[devices.length - 1]?.id as string;
      const batch = await this.evaluateBatch(devices, assigned, { from: first, to: last });
      stats.evaluated += devices.length;
      stats.changed += batch;
      after = devices[devices.length - 1]?.id ?? null;
    }
    return stats;
  }

  /** Re-evaluates the devices marked dirty, a bounded number per call. */
  async evaluateDirty(limit = 2000): Promise<EvaluationStats> {
    const stats: EvaluationStats = { evaluated: 0, changed: 0 };
    const marks = await this.deps.repo.takeDirty(limit);
    if (marks.length === 0) return stats;
    const assigned = await this.deps.repo.assignedRules();
    const devices = await this.deps.repo.devicesById(marks.map((m) => m.device_id));
    stats.evaluated = devices.length;
    stats.changed = devices.length ? await this.evaluateBatch(devices, assigned, { ids: devices.map((d) => d.id) }) : 0;
    await this.deps.repo.clearDirty(marks);
    return stats;
  }

  /** Evaluates specific devices now (tests, the API's "evaluate" button). */
  async evaluateDevices(deviceIds: readonly string[]): Promise<EvaluationStats> {
    const assigned = await this.deps.repo.assignedRules();
    const devices = await this.deps.repo.devicesById(deviceIds);
    return { evaluated: devices.length, changed: devices.length ? await this.evaluateBatch(devices, assigned, { ids: devices.map((d) => d.id) }) : 0 };
  }

  private async evaluateBatch(
    devices: DeviceFacts[],
    assigned: { rules: AssignedRule[]; byGroup: Map<string, AssignedRule[]> },
    scope: DeviceScope,
  ): Promise<number> {
    const { repo } = this.deps;
    const now = this.now();
    const groupIds = [...assigned.byGroup.keys()];
    const itemIds = [...new Set(assigned.rules.filter((r) => r.type === 'policy_installed' && r.params.itemId).map((r) => r.params.itemId as string))];
    const [members, states, statuses, violations] = await Promise.all([
      repo.memberships(scope, groupIds),
      repo.configurationStates(scope, itemIds),
      repo.statuses(scope),
      repo.violations(scope),
    ]);

    // Devices in the same groups share one rule list (usually a handful of distinct combinations).
    const groupsOf = new Map<string, string[]>();
    for (const m of members) {
      const list = groupsOf.get(m.device_id);
      if (list) list.push(m.group_id);
      else groupsOf.set(m.device_id, [m.group_id]);
    }
    const combos = new Map<string, { rules: AssignedRule[]; byId: Map<string, AssignedRule> }>();
    const rulesFor = (deviceId: string) => {
      const groups = groupsOf.get(deviceId);
      if (!groups) return undefined;
      const key = groups.sort().join(',');
      let combo = combos.get(key);
      if (!combo) {
        const byId = new Map<string, AssignedRule>();
        for (const g of groups) for (const rule of assigned.byGroup.get(g) ?? []) byId.set(rule.id, rule);
        combo = { rules: [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1)), byId };
        combos.set(key, combo);
      }
      return combo;
    };
    const statesOf = new Map<string, ConfigurationStateFact[]>();
    for (const s of states) statesOf.set(s.device_id, [...(statesOf.get(s.device_id) ?? []), { itemId: s.item_id, state: s.state, reason: s.reason }]);
    const statusOf = new Map(statuses.map((s) => [s.device_id, s]));
    const violated = new Map<string, Set<string>>();
    for (const v of violations) violated.set(v.device_id, (violated.get(v.device_id) ?? new Set()).add(v.rule_id));

    const statusInserts: StatusRow[] = [];
    const statusUpdates: StatusRow[] = [];
    const stateChanges: { deviceId: string; state: string }[] = [];
    const history: HistoryRow[] = [];
    const newViolations: { device_id: string; rule_id: string; since: number; due_at: number; fired: null }[] = [];
    const resolvedViolations: { deviceId: string; ruleId: string }[] = [];
    const changedEvents: { deviceId: string; state: string; previousState: string; reasons: ComplianceReason[] }[] = [];

    for (const device of devices) {
      const combo = rulesFor(device.id);
      const ruleMap = combo?.byId;
      const rules = combo?.rules ?? [];
      const result = evaluateCompliance(
        {
          id: device.id,
          platform: device.platform,
          osVersion: device.os_version,
          lastSeenAt: device.last_seen_at,
          inventory: parseInventory(device.inventory),
        },
        statesOf.get(device.id) ?? [],
        rules,
        now,
      );
      const reasons = JSON.stringify(result.reasons);
      const previous = statusOf.get(device.id);
      const stateChanged = device.compliance_state !== result.state;
      if (!previous) {
        statusInserts.push({ device_id: device.id, state: result.state, reasons, evaluated_at: now, changed_at: now });
      } else if (previous.state !== result.state || previous.reasons !== reasons) {
        statusUpdates.push({ device_id: device.id, state: result.state, reasons, evaluated_at: now, changed_at: now });
      }
      if (!previous || previous.state !== result.state || previous.reasons !== reasons) {
        history.push({ id: '', device_id: device.id, at: now, state: result.state, previous_state: previous?.state ?? null, reasons });
      }
      if (stateChanged) {
        stateChanges.push({ deviceId: device.id, state: result.state });
        changedEvents.push({ deviceId: device.id, state: result.state, previousState: device.compliance_state, reasons: result.reasons });
      }
      // Violation episodes: one per failed rule, from the evaluation that first saw it to the one that no longer does.
      const failing = new Set(result.reasons.filter((r) => r.outcome === 'fail').map((r) => r.ruleId));
      const open = violated.get(device.id) ?? new Set<string>();
      for (const ruleId of failing) {
        if (open.has(ruleId)) continue;
        const grace = ruleMap?.get(ruleId)?.graceSeconds ?? 0;
        newViolations.push({ device_id: device.id, rule_id: ruleId, since: now, due_at: now + grace * 1000, fired: null });
      }
      for (const ruleId of open) if (!failing.has(ruleId)) resolvedViolations.push({ deviceId: device.id, ruleId });
    }

    if (statusInserts.length + statusUpdates.length + stateChanges.length + newViolations.length + resolvedViolations.length === 0) return 0;
    const historyIds = uuidv7Many(history.length, now);
    history.forEach((h, i) => {
      h.id = historyIds[i] as string;
    });
    await this.deps.db.transaction().execute(async (trx) => {
      await repo.writeBatch(trx, { statusInserts, statusUpdates, stateChanges, history, newViolations, resolvedViolations });
      await this.deps.events.publishMany(
        'compliance.changed',
        changedEvents.map((e) => ({
          deviceId: e.deviceId,
          state: e.state,
          previousState: e.previousState,
          reasons: e.reasons.map(({ ruleId, rule, outcome, message }) => ({ ruleId, rule, outcome, message })),
        })),
        trx,
        now,
      );
      // Actions due sooner than the actions job's next run (a short grace period) shouldn't wait for it.
      if (newViolations.length)
        await repo.kickActions(
          newViolations.reduce((min, v) => Math.min(min, v.due_at), Number.POSITIVE_INFINITY),
          trx,
        );
    });
    return history.length;
  }

  /**
   * Fires the actions of every violation whose grace period is over and that hasn't fired yet.
   * A violation is claimed before its actions run, so each fires once per episode even with
   * several workers; `wake` is called for each lock command (adapters push the device).
   */
  async runDueActions(wake?: (commandId: string) => Promise<void>): Promise<FiredAction[]> {
    const { repo } = this.deps;
    const now = this.now();
    const due = await repo.dueViolations(now, 500);
    const fired: FiredAction[] = [];
    for (const violation of due) {
      if (!(await repo.claimViolation(violation.device_id, violation.rule_id))) continue;
      const ruleRow = await repo.getRule(violation.rule_id);
      const device = await this.deps.devices.get(violation.device_id);
      if (!ruleRow || !device) continue;
      const actions = JSON.parse(ruleRow.actions) as AssignedRule['actions'];
      const status = await repo.status(device.id);
      const reason = (JSON.parse(status?.reasons ?? '[]') as ComplianceReason[]).find((r) => r.ruleId === ruleRow.id);
      const context = { ruleId: ruleRow.id, rule: ruleRow.name, since: new Date(violation.since).toISOString(), message: reason?.message ?? null };
      const done: string[] = [];
      const audit = async (action: string, outcome: 'success' | 'failure', details: Record<string, unknown>) => {
        await this.deps.audit.append({
          actorType: 'system',
          actorLabel: 'compliance',
          action: `compliance.action.${action}`,
          targetType: 'device',
          targetId: device.id,
          outcome,
          details: { ...context, ...details },
        });
      };
      if (actions.notify) {
        await this.deps.events.publish('compliance.grace_expired', { deviceId: device.id, deviceName: device.name, ...context });
        await audit('notify', 'success', {});
        done.push('notify');
      }
      if (actions.email.length) {
        try {
          await this.deps.mailer.send({
            to: actions.email,
            subject: `Steward: ${device.name} is not compliant (${ruleRow.name})`,
            text: [
              `Device: ${device.name} (${device.platform}, serial ${device.serial_number ?? 'unknown'})`,
              `Rule: ${ruleRow.name}`,
              `Reason: ${reason?.message ?? 'not compliant'}`,
              `Non-compliant since: ${context.since}`,
              '',
              'The grace period for this rule is over.',
            ].join('\r\n'),
          });
          await audit('email', 'success', { to: actions.email });
          done.push('email');
        } catch (error) {
          await audit('email', 'failure', { to: actions.email, error: error instanceof Error ? error.message : String(error) });
        }
      }
      if (actions.lock) {
        try {
          const { command } = await this.deps.commands.enqueue({
            kind: 'intent',
            type: 'lock',
            platform: null,
            payload: { message: `Locked by compliance rule "${ruleRow.name}". Contact IT.` },
            target: { deviceIds: [device.id] },
            platforms: INTENTS.lock.platforms,
            createdBy: SYSTEM,
            ttlMs: this.deps.commandTtlSeconds * 1000,
          });
          await wake?.(command.id);
          await audit('lock', 'success', { commandId: command.id });
          done.push('lock');
        } catch (error) {
          await audit('lock', 'failure', { error: error instanceof Error ? error.message : String(error) });
        }
      }
      if (actions.retire && device.enrollment_state !== 'retired') {
        await this.deps.devices.setEnrollmentState(device.id, 'retired');
        await this.deps.commands.cancelForDevice(device.id);
        await audit('retire', 'success', {});
        done.push('retire');
      }
      await repo.markFired(device.id, ruleRow.id, done);
      fired.push({ deviceId: device.id, ruleId: ruleRow.id, actions: done });
    }
    return fired;
  }

  /** Upserts today's (UTC) counts for the "compliance over time" chart. */
  async takeSnapshot(): Promise<void> {
    const now = this.now();
    const counts = await this.deps.repo.summary();
    await this.deps.repo.snapshot(
      new Date(now).toISOString().slice(0, 10),
      { compliant: counts.compliant ?? 0, noncompliant: counts.noncompliant ?? 0, unknown: counts.unknown ?? 0 },
      now,
    );
  }
}

function parseInventory(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
