import { type Kysely, type Selectable, sql } from 'kysely';
import { sha256 } from '../../core/auth/secrets.js';
import type { EnrollmentRow } from '../../core/enrollment/enrollment-repository.js';
import type { AgentDevicesTable, DB } from '../../db/schema.js';

/** A sent command with no result after this long is delivered again. */
export const REDELIVER_AFTER_MS = 60_000;

export type AgentDeviceRow = Selectable<AgentDevicesTable>;

/** A command ready to go to an agent: its delivery state and what the queue holds for it. */
export interface PendingCommand {
  device_id: string;
  command_id: string;
  kind: string;
  type: string;
  platform: string | null;
  payload: string;
  expires_at: number;
}

/** SQL of the agent channel: agent devices by certificate, enrollment tokens spent, batched command delivery. */
export class AgentRepository {
  constructor(private readonly db: Kysely<DB>) {}

  byFingerprint(fingerprint: string): Promise<(AgentDeviceRow & { enrollment_state: string }) | undefined> {
    return this.db
      .selectFrom('agent_devices')
      .innerJoin('devices', 'devices.id', 'agent_devices.device_id')
      .selectAll('agent_devices')
      .select('devices.enrollment_state')
      .where('agent_devices.cert_fingerprint', '=', fingerprint)
      .executeTakeFirst();
  }

  byDevice(deviceId: string): Promise<AgentDeviceRow | undefined> {
    return this.db.selectFrom('agent_devices').selectAll().where('device_id', '=', deviceId).executeTakeFirst();
  }

  async insert(row: AgentDeviceRow, db: Kysely<DB> = this.db): Promise<void> {
    await db.insertInto('agent_devices').values(row).execute();
  }

  async update(deviceId: string, changes: Partial<Omit<AgentDeviceRow, 'device_id'>>, db: Kysely<DB> = this.db): Promise<void> {
    await db.updateTable('agent_devices').set(changes).where('device_id', '=', deviceId).execute();
  }

  /**
   * Spends one use of an agent enrollment token, atomically: it works while the enrollment is not
   * revoked, not expired and has uses left (a single-use token works exactly once).
   */
  async spendEnrollment(token: string, now: number, db: Kysely<DB> = this.db): Promise<EnrollmentRow | undefined> {
    if (token.length > 100) return undefined;
    const hash = sha256(token);
    const counted = await db
      .updateTable('enrollments')
      .set((eb) => ({ uses: eb('uses', '+', 1) }))
      .where('token_hash', '=', hash)
      .where('platform', '=', 'agent')
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
      .executeTakeFirst();
    if (Number(counted.numUpdatedRows) === 0) return undefined;
    return db.selectFrom('enrollments').selectAll().where('token_hash', '=', hash).executeTakeFirst();
  }

  /** Devices a command is still queued for (to wake the ones waiting on this node). */
  async queuedDevices(commandId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('command_deliveries').select('device_id').where('command_id', '=', commandId).where('state', '=', 'queued').execute();
    return rows.map((r) => r.device_id);
  }

  /**
   * What each of these devices should receive now, in queue order: queued and not-now deliveries,
   * and sent ones whose result hasn't arrived within a minute (the answer was lost on the way: the
   * agent dedupes by command id, so it is simply delivered again). Expired commands never go out.
   */
  async pending(deviceIds: readonly string[], now: number, perDevice: number): Promise<PendingCommand[]> {
    if (deviceIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('command_deliveries')
      .innerJoin('commands', 'commands.id', 'command_deliveries.command_id')
      .select([
        'command_deliveries.device_id',
        'command_deliveries.command_id',
        'commands.kind',
        'commands.type',
        'commands.platform',
        'commands.payload',
        'commands.expires_at',
      ])
      .where('command_deliveries.device_id', 'in', [...deviceIds])
      .where((eb) =>
        eb.or([
          eb('command_deliveries.state', 'in', ['queued', 'not_now']),
          eb.and([eb('command_deliveries.state', '=', 'sent'), eb('command_deliveries.sent_at', '<', now - REDELIVER_AFTER_MS)]),
        ]),
      )
      .where('commands.expires_at', '>', now)
      .orderBy('command_deliveries.seq')
      .execute();
    if (deviceIds.length === 1) return rows.slice(0, perDevice);
    const counts = new Map<string, number>();
    return rows.filter((row) => {
      const n = counts.get(row.device_id) ?? 0;
      counts.set(row.device_id, n + 1);
      return n < perDevice;
    });
  }

  /** Marks these deliveries sent, in one statement. */
  async markSent(pairs: readonly { device_id: string; command_id: string }[], now: number): Promise<void> {
    const byCommand = new Map<string, string[]>();
    for (const pair of pairs) {
      const list = byCommand.get(pair.command_id) ?? [];
      list.push(pair.device_id);
      byCommand.set(pair.command_id, list);
    }
    for (const [commandId, deviceIds] of byCommand) {
      for (let i = 0; i < deviceIds.length; i += 500) {
        await this.db
          .updateTable('command_deliveries')
          .set({ state: 'sent', sent_at: now, updated_at: now, attempts: sql`attempts + 1` })
          .where('command_id', '=', commandId)
          .where('device_id', 'in', deviceIds.slice(i, i + 500))
          .where('state', 'in', ['queued', 'not_now'])
          .execute();
      }
    }
  }
}
