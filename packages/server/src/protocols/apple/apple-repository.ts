import type { Kysely, Selectable } from 'kysely';
import { param, prepared } from '../../db/prepared.js';
import type { AppleCommandsTable, AppleDevicesTable, ApnsCertificatesTable, DB } from '../../db/schema.js';

export type AppleDeviceRow = Selectable<AppleDevicesTable>;
export type ApnsCertificateRow = Selectable<ApnsCertificatesTable>;
export type AppleCommandRow = Selectable<AppleCommandsTable>;
/** A device channel with what every message needs from the device itself, read in one statement. */
export type AppleChannelRow = AppleDeviceRow & { platform: string; ownership: string; last_seen_at: number | null };
/** What a device's answer needs to know about the command it answers. */
export type AnsweredCommand = Pick<AppleCommandRow, 'command_id' | 'step' | 'steps' | 'request_type'>;

/** SQL for Apple MDM channels: the device channel per UDID, user channels, the commands sent, push certificates. */
export class AppleRepository {
  /** The statements of every command-channel request, built and compiled once. */
  private readonly hot = {
    channelByUdid: prepared<{ udid: string }, AppleChannelRow, DB>((db) =>
      db
        .selectFrom('apple_devices')
        .innerJoin('devices', 'devices.id', 'apple_devices.device_id')
        .selectAll('apple_devices')
        .select(['devices.platform', 'devices.ownership', 'devices.last_seen_at'])
        .where('apple_devices.udid', '=', param('udid')),
    ),
    channelByEnrollmentId: prepared<{ enrollmentId: string }, AppleChannelRow, DB>((db) =>
      db
        .selectFrom('apple_devices')
        .innerJoin('devices', 'devices.id', 'apple_devices.device_id')
        .selectAll('apple_devices')
        .select(['devices.platform', 'devices.ownership', 'devices.last_seen_at'])
        .where('apple_devices.enrollment_id', '=', param('enrollmentId')),
    ),
    insertCommand: prepared<AppleCommandRow, never, DB>((db) =>
      db
        .insertInto('apple_commands')
        .values({
          device_id: param('device_id'),
          command_uuid: param('command_uuid'),
          command_id: param('command_id'),
          step: param<number>('step'),
          steps: param<number>('steps'),
          request_type: param('request_type'),
          body: param<Buffer>('body'),
          status: null,
          created_at: param<number>('created_at'),
        })
        .onConflict((oc) => oc.doNothing()),
    ),
    answer: prepared<{ deviceId: string; commandUuid: string; status: string }, AnsweredCommand, DB>((db) =>
      db
        .updateTable('apple_commands')
        .set({ status: param('status') })
        .where('device_id', '=', param('deviceId'))
        .where('command_uuid', '=', param('commandUuid'))
        .where((eb) => eb.or([eb('status', 'is', null), eb('status', '=', 'NotNow')]))
        .returning(['command_id', 'step', 'steps', 'request_type']),
    ),
  };

  constructor(private readonly db: Kysely<DB>) {}

  /** The channel of the device with this UDID, with the device's platform and last-seen time. */
  async channelByUdid(udid: string): Promise<AppleChannelRow | undefined> {
    return (await this.hot.channelByUdid(this.db, { udid })).rows[0];
  }

  /** The same, for a User Enrollment (which names no UDID). */
  async channelByEnrollmentId(enrollmentId: string): Promise<AppleChannelRow | undefined> {
    return (await this.hot.channelByEnrollmentId(this.db, { enrollmentId })).rows[0];
  }

  // --- the commands sent, byte for byte ------------------------------------------------------

  /** What was rendered of a command for a device, step by step. */
  renderedSteps(deviceId: string, commandId: string, db: Kysely<DB> = this.db) {
    return db
      .selectFrom('apple_commands')
      .select(['command_uuid', 'step', 'steps', 'body', 'status'])
      .where('device_id', '=', deviceId)
      .where('command_id', '=', commandId)
      .orderBy('step')
      .execute();
  }

  /** Stores a rendered command; false when that command UUID was already stored (its bytes stand). */
  async insertCommand(row: Omit<AppleCommandRow, 'status'>, db: Kysely<DB> = this.db): Promise<boolean> {
    const result = await this.hot.insertCommand(db, { ...row, status: null });
    return Number(result.numAffectedRows ?? 1n) > 0;
  }

  commandByUuid(deviceId: string, commandUuid: string, db: Kysely<DB> = this.db): Promise<AppleCommandRow | undefined> {
    return db.selectFrom('apple_commands').selectAll().where('device_id', '=', deviceId).where('command_uuid', '=', commandUuid).executeTakeFirst();
  }

  /**
   * Records the device's answer on the command it answers, if that command still waits for one
   * (never answered, or answered NotNow). Undefined when it does not: unknown, or already answered.
   */
  async answerCommand(deviceId: string, commandUuid: string, status: string, db: Kysely<DB> = this.db): Promise<AnsweredCommand | undefined> {
    return (await this.hot.answer(db, { deviceId, commandUuid, status })).rows[0];
  }

  byUdid(udid: string): Promise<AppleDeviceRow | undefined> {
    return this.db.selectFrom('apple_devices').selectAll().where('udid', '=', udid).executeTakeFirst();
  }

  byEnrollmentId(enrollmentId: string): Promise<AppleDeviceRow | undefined> {
    return this.db.selectFrom('apple_devices').selectAll().where('enrollment_id', '=', enrollmentId).executeTakeFirst();
  }

  byFingerprint(fingerprint: string): Promise<AppleDeviceRow | undefined> {
    return this.db.selectFrom('apple_devices').selectAll().where('cert_fingerprint', '=', fingerprint).executeTakeFirst();
  }

  byDevice(deviceId: string): Promise<AppleDeviceRow | undefined> {
    return this.db.selectFrom('apple_devices').selectAll().where('device_id', '=', deviceId).executeTakeFirst();
  }

  async insert(row: AppleDeviceRow, db: Kysely<DB> = this.db): Promise<void> {
    await db.insertInto('apple_devices').values(row).execute();
  }

  async update(deviceId: string, changes: Partial<Omit<AppleDeviceRow, 'device_id'>>, db: Kysely<DB> = this.db): Promise<void> {
    await db.updateTable('apple_devices').set(changes).where('device_id', '=', deviceId).execute();
  }

  async upsertUserChannel(row: {
    device_id: string;
    user_id: string;
    user_short_name: string | null;
    user_long_name: string | null;
    push_magic: string | null;
    push_token: string | null;
  }): Promise<void> {
    const now = Date.now();
    await this.db
      .insertInto('apple_user_channels')
      .values({ ...row, updated_at: now })
      .onConflict((oc) =>
        oc.columns(['device_id', 'user_id']).doUpdateSet({
          user_short_name: row.user_short_name,
          user_long_name: row.user_long_name,
          push_magic: row.push_magic,
          push_token: row.push_token,
          updated_at: now,
        }),
      )
      .execute();
  }

  /** Push targets: Apple devices with a live token among `deviceIds`, or with pending commands and silent since `silentSince`. */
  pushTargets(filter: { deviceIds?: readonly string[]; commandId?: string; silentSince?: number; pushedBefore?: number; limit?: number }) {
    let query = this.db
      .selectFrom('apple_devices')
      .innerJoin('devices', 'devices.id', 'apple_devices.device_id')
      .select(['apple_devices.device_id', 'apple_devices.topic', 'apple_devices.push_token', 'apple_devices.push_magic'])
      .where('apple_devices.push_token', 'is not', null)
      .where('apple_devices.push_magic', 'is not', null)
      .where('apple_devices.push_dead_at', 'is', null)
      .where('devices.enrollment_state', '=', 'enrolled');
    if (filter.deviceIds) query = query.where('apple_devices.device_id', 'in', [...filter.deviceIds]);
    if (filter.commandId) {
      const commandId = filter.commandId;
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('command_deliveries')
            .select('command_deliveries.seq')
            .whereRef('command_deliveries.device_id', '=', 'apple_devices.device_id')
            .where('command_deliveries.command_id', '=', commandId)
            .where('command_deliveries.state', '=', 'queued'),
        ),
      );
    }
    if (filter.silentSince !== undefined) {
      const silentSince = filter.silentSince;
      query = query
        .where((eb) => eb.or([eb('devices.last_seen_at', 'is', null), eb('devices.last_seen_at', '<', silentSince)]))
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('command_deliveries')
              .select('command_deliveries.seq')
              .whereRef('command_deliveries.device_id', '=', 'apple_devices.device_id')
              .where('command_deliveries.state', 'in', ['queued', 'sent', 'not_now']),
          ),
        );
    }
    if (filter.pushedBefore !== undefined) {
      const pushedBefore = filter.pushedBefore;
      query = query.where((eb) => eb.or([eb('apple_devices.last_push_at', 'is', null), eb('apple_devices.last_push_at', '<', pushedBefore)]));
    }
    return query.limit(filter.limit ?? 100_000).execute();
  }

  async markPushed(deviceIds: readonly string[], at = Date.now()): Promise<void> {
    for (let i = 0; i < deviceIds.length; i += 500) {
      await this.db
        .updateTable('apple_devices')
        .set({ last_push_at: at })
        .where('device_id', 'in', deviceIds.slice(i, i + 500))
        .execute();
    }
  }

  async markTokenDead(deviceId: string, at = Date.now()): Promise<void> {
    await this.db.updateTable('apple_devices').set({ push_dead_at: at }).where('device_id', '=', deviceId).execute();
  }

  // --- push certificates ---------------------------------------------------------------------

  pushCertificates(): Promise<ApnsCertificateRow[]> {
    return this.db.selectFrom('apns_certificates').selectAll().orderBy('uploaded_at', 'desc').execute();
  }

  async savePushCertificate(row: ApnsCertificateRow): Promise<void> {
    await this.db
      .insertInto('apns_certificates')
      .values(row)
      .onConflict((oc) =>
        oc.column('topic').doUpdateSet({
          certificate_pem: row.certificate_pem,
          private_key_sealed: row.private_key_sealed,
          not_after: row.not_after,
          uploaded_by: row.uploaded_by,
          uploaded_at: row.uploaded_at,
        }),
      )
      .execute();
  }
}
