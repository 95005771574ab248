import type { Kysely, Selectable } from 'kysely';
import type {
  AndroidDevicesTable,
  AndroidEnrollmentTokensTable,
  AndroidEnterprisesTable,
  AndroidPendingTable,
  AndroidPoliciesTable,
  DB,
} from '../../db/schema.js';

export type EnterpriseRow = Selectable<AndroidEnterprisesTable>;
export type AndroidDeviceRow = Selectable<AndroidDevicesTable>;
export type PolicyRow = Selectable<AndroidPoliciesTable>;
export type PendingRow = Selectable<AndroidPendingTable>;
export type EnrollmentTokenRow = Selectable<AndroidEnrollmentTokensTable>;

const ENTERPRISE_ID = 'default';

/** All SQL of the Android channel. */
export class AndroidRepository {
  constructor(readonly db: Kysely<DB>) {}

  enterprise(): Promise<EnterpriseRow | undefined> {
    return this.db.selectFrom('android_enterprises').selectAll().where('id', '=', ENTERPRISE_ID).executeTakeFirst();
  }

  /** Creates the enterprise row with its push secret if there is none yet. */
  async ensureEnterprise(pushSecretSealed: () => string): Promise<EnterpriseRow> {
    const existing = await this.enterprise();
    if (existing) return existing;
    await this.db
      .insertInto('android_enterprises')
      .values({ id: ENTERPRISE_ID, push_secret_sealed: pushSecretSealed(), notification_types: '[]', updated_at: Date.now() })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    return (await this.enterprise()) as EnterpriseRow;
  }

  async updateEnterprise(changes: Partial<Omit<EnterpriseRow, 'id'>>): Promise<void> {
    await this.db
      .updateTable('android_enterprises')
      .set({ ...changes, updated_at: Date.now() })
      .where('id', '=', ENTERPRISE_ID)
      .execute();
  }

  /** Takes the sign-up state once: a second callback with the same state finds nothing. */
  async takeSignupState(stateHash: string): Promise<EnterpriseRow | undefined> {
    const result = await this.db
      .updateTable('android_enterprises')
      .set({ signup_state_hash: null, updated_at: Date.now() })
      .where('id', '=', ENTERPRISE_ID)
      .where('signup_state_hash', '=', stateHash)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0 ? this.enterprise() : undefined;
  }

  byName(amapiName: string): Promise<AndroidDeviceRow | undefined> {
    return this.db.selectFrom('android_devices').selectAll().where('amapi_name', '=', amapiName).executeTakeFirst();
  }

  byDevice(deviceId: string): Promise<AndroidDeviceRow | undefined> {
    return this.db.selectFrom('android_devices').selectAll().where('device_id', '=', deviceId).executeTakeFirst();
  }

  allDevices(enterpriseName: string): Promise<AndroidDeviceRow[]> {
    return this.db.selectFrom('android_devices').selectAll().where('enterprise_name', '=', enterpriseName).execute();
  }

  async insertDevice(row: AndroidDeviceRow, db: Kysely<DB> = this.db): Promise<void> {
    await db.insertInto('android_devices').values(row).execute();
  }

  async updateDevice(deviceId: string, changes: Partial<Omit<AndroidDeviceRow, 'device_id'>>, db: Kysely<DB> = this.db): Promise<void> {
    await db
      .updateTable('android_devices')
      .set({ ...changes, updated_at: Date.now() })
      .where('device_id', '=', deviceId)
      .execute();
  }

  /**
   * Moves the device's last status report time forward, only forward: false when the report is
   * older than what was already applied (Pub/Sub reorders).
   */
  async advanceReport(deviceId: string, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable('android_devices')
      .set({ last_status_report_at: at, updated_at: Date.now() })
      .where('device_id', '=', deviceId)
      .where((eb) => eb.or([eb('last_status_report_at', 'is', null), eb('last_status_report_at', '<=', at)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Counts one use of an enrollment (a device enrolled with its token). */
  async countEnrollmentUse(enrollmentId: string, db: Kysely<DB> = this.db): Promise<void> {
    await db
      .updateTable('enrollments')
      .set((eb) => ({ uses: eb('uses', '+', 1) }))
      .where('id', '=', enrollmentId)
      .execute();
  }

  /** Whether a command has deliveries for Android devices (other channels' commands need no Android job). */
  async targetsAndroid(commandId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('command_deliveries')
      .innerJoin('android_devices', 'android_devices.device_id', 'command_deliveries.device_id')
      .select('command_deliveries.device_id')
      .where('command_deliveries.command_id', '=', commandId)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Android devices with commands still queued (what the sweep delivers), oldest first. */
  async devicesWithQueued(limit = 1000): Promise<string[]> {
    const rows = await this.db
      .selectFrom('command_deliveries')
      .innerJoin('android_devices', 'android_devices.device_id', 'command_deliveries.device_id')
      .innerJoin('commands', 'commands.id', 'command_deliveries.command_id')
      .select('command_deliveries.device_id')
      .where('command_deliveries.state', '=', 'queued')
      .where('commands.expires_at', '>', Date.now())
      .groupBy('command_deliveries.device_id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.device_id);
  }

  configurations(deviceId: string) {
    return this.db.selectFrom('android_device_configurations').selectAll().where('device_id', '=', deviceId).orderBy('key').execute();
  }

  async putConfiguration(deviceId: string, key: string, version: string, source: string, payload: unknown): Promise<void> {
    const now = Date.now();
    await this.db
      .insertInto('android_device_configurations')
      .values({ device_id: deviceId, key, version, source, payload: JSON.stringify(payload), updated_at: now })
      .onConflict((oc) => oc.columns(['device_id', 'key']).doUpdateSet({ version, source, payload: JSON.stringify(payload), updated_at: now }))
      .execute();
  }

  async removeConfiguration(deviceId: string, key: string): Promise<void> {
    await this.db.deleteFrom('android_device_configurations').where('device_id', '=', deviceId).where('key', '=', key).execute();
  }

  policy(name: string): Promise<PolicyRow | undefined> {
    return this.db.selectFrom('android_policies').selectAll().where('name', '=', name).executeTakeFirst();
  }

  async putPolicy(row: PolicyRow): Promise<void> {
    await this.db
      .insertInto('android_policies')
      .values(row)
      .onConflict((oc) =>
        oc.column('name').doUpdateSet({
          content_hash: row.content_hash,
          body: row.body,
          version: row.version,
          configurations: row.configurations,
          updated_at: row.updated_at,
        }),
      )
      .execute();
  }

  async addPending(row: PendingRow): Promise<void> {
    await this.db
      .insertInto('android_pending')
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(['device_id', 'command_id'])
          .doUpdateSet({ operation_name: row.operation_name, policy_name: row.policy_name, policy_version: row.policy_version }),
      )
      .execute();
  }

  pendingFor(deviceId: string, kind: 'operation' | 'policy'): Promise<PendingRow[]> {
    return this.db.selectFrom('android_pending').selectAll().where('device_id', '=', deviceId).where('kind', '=', kind).execute();
  }

  pendingOperations(limit = 200): Promise<PendingRow[]> {
    return this.db.selectFrom('android_pending').selectAll().where('kind', '=', 'operation').orderBy('created_at').limit(limit).execute();
  }

  pendingByOperation(operationName: string): Promise<PendingRow | undefined> {
    return this.db.selectFrom('android_pending').selectAll().where('operation_name', '=', operationName).executeTakeFirst();
  }

  /** Forgets waits whose delivery ended otherwise (expired, cancelled, device deleted). */
  async prunePending(): Promise<number> {
    const result = await this.db
      .deleteFrom('android_pending')
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('command_deliveries')
              .select('command_deliveries.device_id')
              .whereRef('command_deliveries.device_id', '=', 'android_pending.device_id')
              .whereRef('command_deliveries.command_id', '=', 'android_pending.command_id')
              .where('command_deliveries.state', '=', 'sent'),
          ),
        ),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async removePending(deviceId: string, commandId: string): Promise<void> {
    await this.db.deleteFrom('android_pending').where('device_id', '=', deviceId).where('command_id', '=', commandId).execute();
  }

  /** Remembers a Pub/Sub message id; false when it was already seen (a redelivery). */
  async rememberMessage(messageId: string, notificationType: string | null, outcome: string): Promise<boolean> {
    const result = await this.db
      .insertInto('android_pubsub_messages')
      .values({ message_id: messageId, notification_type: notificationType, outcome, received_at: Date.now() })
      .onConflict((oc) => oc.column('message_id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async forgetMessage(messageId: string): Promise<void> {
    await this.db.deleteFrom('android_pubsub_messages').where('message_id', '=', messageId).execute();
  }

  async setMessageOutcome(messageId: string, outcome: string): Promise<void> {
    await this.db.updateTable('android_pubsub_messages').set({ outcome }).where('message_id', '=', messageId).execute();
  }

  /** Pub/Sub redelivers for at most 7 days; older ids are dropped. */
  async pruneMessages(before: number): Promise<void> {
    await this.db.deleteFrom('android_pubsub_messages').where('received_at', '<', before).execute();
  }

  async putToken(row: EnrollmentTokenRow): Promise<void> {
    await this.db.insertInto('android_enrollment_tokens').values(row).execute();
  }

  token(enrollmentId: string): Promise<EnrollmentTokenRow | undefined> {
    return this.db.selectFrom('android_enrollment_tokens').selectAll().where('enrollment_id', '=', enrollmentId).executeTakeFirst();
  }

  tokens(): Promise<EnrollmentTokenRow[]> {
    return this.db.selectFrom('android_enrollment_tokens').selectAll().orderBy('created_at', 'desc').execute();
  }
}
