import { CompiledQuery, type Kysely, type Selectable, type Updateable } from 'kysely';
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
    const fresh = expected.sessionId === null;
    const statement = compiledOnce(db, fresh ? 'saveSession:fresh' : 'saveSession', 9 - (fresh ? 1 : 0), (p) => {
      const query = db
        .updateTable('windows_devices')
        .set({ session_id: p[0], server_msg_id: p[1], client_msg_id: p[2], session_sent: p[3], inflight: p[4], session_at: p[5] } as never)
        .where('device_id', '=', p[6] as never)
        .where('server_msg_id', '=', p[7] as never);
      return (fresh ? query.where('session_id', 'is', null) : query.where('session_id', '=', p[8] as never)).compile();
    });
    const parameters: unknown[] = [
      changes.session_id,
      changes.server_msg_id,
      changes.client_msg_id,
      changes.session_sent,
      changes.inflight,
      changes.session_at,
      deviceId,
      expected.serverMsgId,
    ];
    if (!fresh) parameters.push(expected.sessionId);
    const result = await db.executeQuery(CompiledQuery.raw(statement, parameters));
    return Number(result.numAffectedRows ?? 0) > 0;
  }
}

/**
 * Kysely builds and compiles a query anew on each call, which cost about as much CPU as SQLite
 * running it; the statements every management message runs are built once per database handle
 * (their SQL text) and then run with their parameters. `build` gets placeholders and must use each
 * once, in order: that is checked, so a reordered query can't bind a value to the wrong column.
 */
const compiledStatements = new WeakMap<object, Map<string, string>>();
function compiledOnce(db: Kysely<DB>, key: string, count: number, build: (p: readonly string[]) => { sql: string; parameters: readonly unknown[] }): string {
  let statements = compiledStatements.get(db);
  if (!statements) {
    statements = new Map();
    compiledStatements.set(db, statements);
  }
  let statement = statements.get(key);
  if (statement === undefined) {
    const placeholders = Array.from({ length: count }, (_, i) => `\u0000${key}:${i}`);
    const compiled = build(placeholders);
    if (compiled.parameters.length !== count || compiled.parameters.some((value, i) => value !== placeholders[i]))
      throw new Error(`the compiled statement ${key} does not take its parameters in order`);
    statement = compiled.sql;
    statements.set(key, statement);
  }
  return statement;
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
  const statement = compiledOnce(db, 'deviceByFingerprint', 1, (p) =>
    db
      .selectFrom('windows_devices')
      .innerJoin('devices', 'devices.id', 'windows_devices.device_id')
      .selectAll('windows_devices')
      .select(['devices.enrollment_state', 'devices.ownership', 'devices.model'])
      .where('windows_devices.cert_fingerprint', '=', p[0] as string)
      .compile(),
  );
  const result = await db.executeQuery<WindowsDeviceRow & { enrollment_state: string; ownership: string; model: string | null }>(
    CompiledQuery.raw(statement, [fingerprint]),
  );
  return result.rows[0];
}
