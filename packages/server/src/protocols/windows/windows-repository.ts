import type { Kysely, Selectable, Updateable } from 'kysely';
import type { DB, WindowsDevicesTable } from '../../db/schema.js';

export type WindowsDeviceRow = Selectable<WindowsDevicesTable>;

/** The Windows MDM tables: every SQL statement the Windows adapter runs. */
export class WindowsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  byFingerprint(fingerprint: string): Promise<WindowsDeviceRow | undefined> {
    return this.db.selectFrom('windows_devices').selectAll().where('cert_fingerprint', '=', fingerprint).executeTakeFirst();
  }

  byWindowsId(windowsDeviceId: string): Promise<WindowsDeviceRow | undefined> {
    return this.db.selectFrom('windows_devices').selectAll().where('windows_device_id', '=', windowsDeviceId).executeTakeFirst();
  }

  byDevice(deviceId: string): Promise<WindowsDeviceRow | undefined> {
    return this.db.selectFrom('windows_devices').selectAll().where('device_id', '=', deviceId).executeTakeFirst();
  }

  async insert(row: WindowsDeviceRow, db: Kysely<DB> = this.db): Promise<void> {
    await db.insertInto('windows_devices').values(row).execute();
  }

  async update(deviceId: string, changes: Updateable<WindowsDevicesTable>, db: Kysely<DB> = this.db): Promise<void> {
    await db.updateTable('windows_devices').set(changes).where('device_id', '=', deviceId).execute();
  }

  /**
   * Saves a session's state only if no other node moved it on meanwhile (the message counter is the
   * version): two nodes answering the same device at once can't interleave their bookkeeping.
   */
  async saveSession(
    deviceId: string,
    expected: { sessionId: string | null; serverMsgId: number },
    changes: Pick<WindowsDeviceRow, 'session_id' | 'server_msg_id' | 'client_msg_id' | 'session_sent' | 'inflight' | 'session_at'>,
    db: Kysely<DB> = this.db,
  ): Promise<boolean> {
    let query = db.updateTable('windows_devices').set(changes).where('device_id', '=', deviceId).where('server_msg_id', '=', expected.serverMsgId);
    query = expected.sessionId === null ? query.where('session_id', 'is', null) : query.where('session_id', '=', expected.sessionId);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}

/** A command row as the session needs it to re-plan a command it is carrying out. */
export interface PlannedCommandRow {
  id: string;
  kind: string;
  type: string;
  payload: string;
}

export async function commandsByIds(db: Kysely<DB>, ids: readonly string[]): Promise<PlannedCommandRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('commands')
    .select(['id', 'kind', 'type', 'payload'])
    .where('id', 'in', [...ids])
    .execute();
}

/** The device's Windows row with its enrollment state, in one query (every management message needs both). */
export async function deviceByFingerprint(
  db: Kysely<DB>,
  fingerprint: string,
): Promise<(WindowsDeviceRow & { enrollment_state: string; ownership: string; model: string | null }) | undefined> {
  return db
    .selectFrom('windows_devices')
    .innerJoin('devices', 'devices.id', 'windows_devices.device_id')
    .selectAll('windows_devices')
    .select(['devices.enrollment_state', 'devices.ownership', 'devices.model'])
    .where('windows_devices.cert_fingerprint', '=', fingerprint)
    .executeTakeFirst();
}
