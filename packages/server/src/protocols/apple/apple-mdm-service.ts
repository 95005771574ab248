import { crashPoint } from '../../core/crash-points.js';
import type { Kysely } from 'kysely';
import type { Context } from '../../context.js';
import { INTENTS, type IntentName, isIntent } from '../../core/commands/intents.js';
import type { CommandRow } from '../../core/commands/command-queue.js';
import type { Platform } from '../../core/devices/device-model.js';
import { StewardError } from '../../core/errors.js';
import type { DB } from '../../db/schema.js';
import type { AppleChannelRow, AppleCommandRow, AppleDeviceRow, AppleRepository } from './apple-repository.js';
import { type AppleCommand, appleCommandsFor, commandEnvelope, observedFromResult, toJson } from './commands.js';
import type { DeviceIdentity } from './identity.js';
import { type PlistDict, type PlistValue, buildPlist } from './plist.js';

/** What the HTTP layer sends back. */
export interface AppleResponse {
  status: number;
  body?: Buffer | string;
  contentType?: string;
}

const EMPTY: AppleResponse = { status: 200 };
const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const CHECKIN_TYPES = new Set([
  'Authenticate',
  'TokenUpdate',
  'CheckOut',
  'UserAuthenticate',
  'SetBootstrapToken',
  'GetBootstrapToken',
  'DeclarativeManagement',
  'GetToken',
]);
/** How often the command channel writes a device's last-seen time (check-ins always do). */
const TOUCH_INTERVAL_MS = 30_000;
const APPLE_PLATFORMS: ReadonlySet<string> = new Set(['ios', 'ipados', 'macos']);
const RESULT_STATUSES = new Set(['Idle', 'Acknowledged', 'Error', 'CommandFormatError', 'NotNow']);
const BOOTSTRAP_CONTEXT = (deviceId: string) => `apple-bootstrap:${deviceId}`;
const UNLOCK_CONTEXT = (deviceId: string) => `apple-unlock:${deviceId}`;

export interface AppleHooks {
  /** Wake devices after Steward itself queued commands for them. */
  wake(deviceIds: string[]): void;
  /** A device joined its groups (at enrollment): bring its declarations in line. */
  membershipChanged(deviceIds: string[]): Promise<void>;
  /** Answer a DeclarativeManagement check-in. */
  declarativeManagement(device: AppleDeviceRow, endpoint: string, data: Buffer | undefined): Promise<AppleResponse>;
}

/**
 * Apple's MDM check-in and command protocols, on top of Steward's core. The HTTP layer has already
 * bounded the body, parsed the plist and proven the certificate; this class binds certificates to
 * devices, keeps the device and user channels, and runs the command queue for each device.
 */
export class AppleMdmService {
  constructor(
    private readonly ctx: Context,
    private readonly repo: AppleRepository,
    private readonly topics: () => Promise<Set<string>>,
    private readonly hooks: AppleHooks,
    private readonly options: { userAuthenticate: boolean } = { userAuthenticate: false },
  ) {}

  // --- check-in ------------------------------------------------------------------------------

  async checkin(identity: DeviceIdentity, message: PlistDict): Promise<AppleResponse> {
    const type = message.MessageType;
    if (typeof type !== 'string' || !CHECKIN_TYPES.has(type)) throw new StewardError('unknown_message_type');
    if (type === 'Authenticate') return this.authenticate(identity, message);
    const device = await this.boundDevice(identity, message, type);
    switch (type) {
      case 'TokenUpdate':
        return this.tokenUpdate(device, message);
      case 'CheckOut':
        await this.ctx.devices.setEnrollmentState(device.device_id, 'unenrolled');
        await this.ctx.commands.cancelForDevice(device.device_id);
        await this.repo.update(device.device_id, { push_token: null, push_magic: null });
        await this.audit(device.device_id, 'apple.checkout', 'success', {});
        return EMPTY;
      case 'UserAuthenticate':
        // Declined: Steward does not run a user-authentication step for macOS user channels.
        if (!this.options.userAuthenticate) return { status: 410 };
        return EMPTY;
      case 'SetBootstrapToken': {
        const token = message.BootstrapToken;
        if (token !== undefined && !(token instanceof Uint8Array)) throw new StewardError('invalid_plist', 'BootstrapToken must be data.');
        await this.repo.update(device.device_id, {
          bootstrap_token_sealed: token?.length ? this.ctx.box.seal(Buffer.from(token), BOOTSTRAP_CONTEXT(device.device_id)) : null,
        });
        await this.audit(device.device_id, 'apple.bootstrap_token_escrowed', 'success', {});
        return EMPTY;
      }
      case 'GetBootstrapToken': {
        const sealed = device.bootstrap_token_sealed;
        const body: PlistDict = sealed ? { BootstrapToken: this.ctx.box.open(sealed, BOOTSTRAP_CONTEXT(device.device_id)) } : {};
        return { status: 200, body: buildPlist(body), contentType: 'application/xml' };
      }
      case 'DeclarativeManagement': {
        const endpoint = message.Endpoint;
        if (typeof endpoint !== 'string' || endpoint.length > 512) throw new StewardError('invalid_plist', 'Endpoint is missing.');
        const data = message.Data;
        if (data !== undefined && !(data instanceof Uint8Array)) throw new StewardError('invalid_plist', 'Data must be data.');
        return this.hooks.declarativeManagement(device, endpoint, data ? Buffer.from(data) : undefined);
      }
      default:
        // GetToken serves Apple-specific token services (managed Apple ID, watch pairing) Steward does not provide.
        throw new StewardError('unsupported', 'Steward provides no token service.');
    }
  }

  private async authenticate(identity: DeviceIdentity, message: PlistDict): Promise<AppleResponse> {
    const udid = identifier(message.UDID, 'UDID');
    await this.checkTopic(message.Topic);
    if (!identity.enrollmentId) throw new StewardError('device_identity_invalid', 'The certificate was not issued for an enrollment.');
    const enrollment = await this.ctx.enrollments.get(identity.enrollmentId);
    if (!enrollment) throw new StewardError('device_identity_invalid', 'The certificate’s enrollment no longer exists.');
    const holder = await this.repo.byFingerprint(identity.fingerprint);
    if (holder && holder.udid !== udid) {
      await this.audit(holder.device_id, 'apple.identity_mismatch', 'denied', { claimedUdid: udid });
      throw new StewardError('device_identity_mismatch');
    }
    const now = Date.now();
    const facts = {
      productName: text(message.ProductName),
      model: text(message.Model),
      modelName: text(message.ModelName),
      buildVersion: text(message.BuildVersion),
    };
    const platform = platformOf(facts.productName ?? facts.model ?? facts.modelName ?? '');
    const existing = await this.repo.byUdid(udid);
    const deviceId = await this.ctx.database.db.transaction().execute(async (trx) => {
      if (existing) {
        await this.repo.update(
          existing.device_id,
          {
            cert_fingerprint: identity.fingerprint,
            cert_not_after: identity.notAfter,
            enrollment_ref: enrollment.id,
            topic: text(message.Topic) ?? existing.topic,
            push_token: null,
            push_magic: null,
            push_dead_at: null,
            authenticated_at: now,
          },
          trx,
        );
        await this.ctx.devices.setEnrollmentState(existing.device_id, 'pending', trx);
        return existing.device_id;
      }
      const device = await this.ctx.devices.create(
        {
          platform,
          channel: 'apple',
          ownership: enrollment.ownership as 'corporate',
          enrollmentState: 'pending',
          name: text(message.DeviceName) ?? facts.modelName ?? 'Apple device',
          serialNumber: text(message.SerialNumber) ?? null,
          udid,
          model: facts.productName ?? facts.model ?? null,
          osVersion: text(message.OSVersion) ?? null,
          imei: text(message.IMEI) ?? null,
          assignedUser: enrollment.assigned_user,
          inventory: { apple: facts },
        },
        trx,
      );
      await this.repo.insert(
        {
          device_id: device.id,
          udid,
          enrollment_id: text(message.EnrollmentID) ?? null,
          enrollment_ref: enrollment.id,
          cert_fingerprint: identity.fingerprint,
          cert_not_after: identity.notAfter,
          topic: text(message.Topic) ?? '',
          push_magic: null,
          push_token: null,
          push_dead_at: null,
          unlock_token_sealed: null,
          bootstrap_token_sealed: null,
          awaiting_configuration: 0,
          authenticated_at: now,
          token_updated_at: null,
          last_push_at: null,
          declarations_token: null,
          ddm_status: null,
        },
        trx,
      );
      if (enrollment.group_id) {
        await trx
          .insertInto('group_members')
          .values({ group_id: enrollment.group_id, device_id: device.id, added_at: now })
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      return device.id;
    });
    await this.audit(deviceId, 'apple.authenticate', 'success', { udid, enrollmentId: enrollment.id, platform });
    return EMPTY;
  }

  private async tokenUpdate(device: AppleDeviceRow, message: PlistDict): Promise<AppleResponse> {
    await this.checkTopic(message.Topic);
    const token = message.Token;
    const pushMagic = text(message.PushMagic);
    if (!(token instanceof Uint8Array) || token.length === 0 || token.length > 100 || !pushMagic || pushMagic.length > 200) {
      throw new StewardError('invalid_plist', 'TokenUpdate needs Token (data) and PushMagic (string).');
    }
    const userId = text(message.UserID);
    if (userId) {
      await this.repo.upsertUserChannel({
        device_id: device.device_id,
        user_id: identifier(userId, 'UserID'),
        user_short_name: text(message.UserShortName)?.slice(0, 255) ?? null,
        user_long_name: text(message.UserLongName)?.slice(0, 255) ?? null,
        push_magic: pushMagic,
        push_token: Buffer.from(token).toString('hex'),
      });
      return EMPTY;
    }
    const unlock = message.UnlockToken;
    const now = Date.now();
    await this.repo.update(device.device_id, {
      push_token: Buffer.from(token).toString('hex'),
      push_magic: pushMagic,
      push_dead_at: null,
      token_updated_at: now,
      awaiting_configuration: message.AwaitingConfiguration === true ? 1 : 0,
      ...(unlock instanceof Uint8Array && unlock.length
        ? { unlock_token_sealed: this.ctx.box.seal(Buffer.from(unlock), UNLOCK_CONTEXT(device.device_id)) }
        : {}),
    });
    const row = await this.ctx.devices.get(device.device_id);
    if (row && row.enrollment_state !== 'enrolled') {
      await this.ctx.devices.setEnrollmentState(device.device_id, 'enrolled');
      await this.ctx.devices.touch(device.device_id, now);
      await this.ctx.groups.refreshSmartMembership([device.device_id]);
      await this.audit(device.device_id, 'apple.enrolled', 'success', {});
      // First inventory: every fact the device will tell, right after enrolling.
      await this.ctx.commands.enqueue({
        kind: 'intent',
        type: 'refresh_inventory',
        platform: null,
        payload: {},
        target: { deviceIds: [device.device_id] },
        platforms: INTENTS.refresh_inventory.platforms,
        createdBy: { type: 'system', id: null, label: 'enrollment' },
        ttlMs: this.ctx.config.commandTtlSeconds * 1000,
      });
      await this.hooks.membershipChanged([device.device_id]);
      this.hooks.wake([device.device_id]);
    }
    return EMPTY;
  }

  // --- command channel -----------------------------------------------------------------------

  async connect(identity: DeviceIdentity, message: PlistDict): Promise<AppleResponse> {
    const status = message.Status;
    if (typeof status !== 'string' || !RESULT_STATUSES.has(status)) throw new StewardError('invalid_plist', 'Unknown Status.');
    const device = await this.boundDevice(identity, message, 'connect');
    if (text(message.UserID)) {
      // User-channel commands are not queued yet: acknowledge the idle user channel with nothing to do.
      return EMPTY;
    }
    // A command session is several requests a few milliseconds apart: last-seen is written once per
    // TOUCH_INTERVAL_MS (read with the device row, so every node agrees), in the transaction the
    // request writes anyway when there is one.
    const now = Date.now();
    const touchAt = (device.last_seen_at ?? 0) <= now - TOUCH_INTERVAL_MS ? now : undefined;
    if (status !== 'Idle') {
      const commandUuid = text(message.CommandUUID);
      if (!commandUuid || commandUuid.length > 80) throw new StewardError('invalid_plist', 'A result needs its CommandUUID.');
      await this.recordResult(device.device_id, commandUuid, status, message, touchAt);
      return this.nextCommand(device, false);
    }
    return this.nextCommand(device, true, touchAt);
  }

  /**
   * Stores an answer: the command's status and the delivery's result in one transaction, the status
   * update (`… where status is null or NotNow returning …`) deciding at once whether the answer is
   * new. An answer for a command never sent to this device is refused and audited; a repeated one
   * changes nothing.
   */
  private async recordResult(deviceId: string, commandUuid: string, status: string, message: PlistDict, touchAt?: number): Promise<void> {
    const answered = await this.ctx.database.db.transaction().execute(async (trx) => {
      const sent = await this.repo.answerCommand(deviceId, commandUuid, status, trx);
      if (!sent) return undefined;
      if (touchAt !== undefined) await this.ctx.devices.touch(deviceId, touchAt, trx);
      // Fault tests kill the process here: the result is received and half written, nothing committed.
      crashPoint('apple.result.before-commit');
      if (status === 'NotNow') {
        await this.ctx.commands.recordResult(deviceId, sent.command_id, 'not_now', { Status: 'NotNow', RequestType: sent.request_type }, trx);
        return sent;
      }
      const result = toJson(withoutEnvelope(message)) as Record<string, unknown>;
      if (status === 'Acknowledged') {
        const observed = observedFromResult(sent.request_type, message);
        if (observed) await this.ctx.devices.applyInventory(deviceId, observed, trx);
        if (sent.step + 1 < sent.steps) {
          await this.storePartial(trx, deviceId, sent.command_id, sent.request_type, result);
          return sent;
        }
        const steps = sent.steps > 1 ? await this.partial(trx, deviceId, sent.command_id) : {};
        await this.ctx.commands.recordResult(
          deviceId,
          sent.command_id,
          'acknowledged',
          sent.steps > 1 ? { ...steps, [sent.request_type]: result } : result,
          trx,
        );
        return sent;
      }
      await this.ctx.commands.recordResult(deviceId, sent.command_id, 'error', { RequestType: sent.request_type, ...result }, trx);
      return sent;
    });
    if (!answered) {
      if (!(await this.repo.commandByUuid(deviceId, commandUuid))) {
        await this.audit(deviceId, 'apple.unknown_result', 'denied', { commandUuid: commandUuid.slice(0, 80), status });
        throw new StewardError('unknown_command_result');
      }
      // A repeated answer changes nothing (but that the device was seen).
      if (touchAt !== undefined) await this.ctx.devices.touch(deviceId, touchAt);
      return;
    }
    if (status === 'Acknowledged' && (answered.request_type === 'DeviceInformation' || answered.request_type === 'SecurityInfo')) {
      await this.ctx.groups.refreshSmartMembership([deviceId]);
    }
  }

  private async storePartial(db: Kysely<DB>, deviceId: string, commandId: string, requestType: string, result: unknown): Promise<void> {
    const steps = await this.partial(db, deviceId, commandId);
    await db
      .updateTable('command_deliveries')
      .set({ result: JSON.stringify({ ...steps, [requestType]: result }), updated_at: Date.now() })
      .where('device_id', '=', deviceId)
      .where('command_id', '=', commandId)
      .execute();
  }

  private async partial(db: Kysely<DB>, deviceId: string, commandId: string): Promise<Record<string, unknown>> {
    const row = await db
      .selectFrom('command_deliveries')
      .select('result')
      .where('device_id', '=', deviceId)
      .where('command_id', '=', commandId)
      .executeTakeFirst();
    return row?.result ? (JSON.parse(row.result) as Record<string, unknown>) : {};
  }

  /**
   * The next command in queue order. On Idle every pending command is eligible again; after a
   * NotNow the device is not offered the commands it deferred until its next Idle. The rendered
   * command, its delivery marked sent (and last-seen, when due) are written in one transaction.
   */
  private async nextCommand(device: AppleChannelRow, idle: boolean, touchAt?: number): Promise<AppleResponse> {
    const deviceId = device.device_id;
    const skip: string[] = [];
    for (let guard = 0; guard < 20; guard++) {
      const next = await this.ctx.commands.next(deviceId, skip, { deferred: idle });
      if (!next) break;
      const wire = await this.wireFor(device, next.command, next.delivery.state === 'queued');
      if (!wire) {
        skip.push(next.command.id);
        continue;
      }
      const body = await this.ctx.database.db.transaction().execute(async (trx) => {
        let body = wire.body;
        // Rendered meanwhile by another request of this device (or before a crash): what is stored goes out, byte for byte.
        if (wire.row && !(await this.repo.insertCommand(wire.row, trx))) {
          body = Buffer.from((await this.repo.commandByUuid(deviceId, wire.row.command_uuid, trx))?.body ?? body);
        }
        await this.ctx.commands.markSent(deviceId, next.command.id, trx);
        if (touchAt !== undefined) await this.ctx.devices.touch(deviceId, touchAt, trx);
        return body;
      });
      return { status: 200, body, contentType: 'application/xml' };
    }
    if (touchAt !== undefined) await this.ctx.devices.touch(deviceId, touchAt);
    return EMPTY;
  }

  /**
   * The plist for the delivery's next unanswered step: the stored bytes when it was rendered before
   * (a resend is byte-for-byte the same command), or freshly rendered with the row that stores it.
   * Undefined when the command can't be rendered for this device (it is then completed with an error).
   */
  private async wireFor(
    device: AppleChannelRow,
    command: CommandRow,
    neverSent: boolean,
  ): Promise<{ body: Buffer; row?: Omit<AppleCommandRow, 'status'> } | undefined> {
    const deviceId = device.device_id;
    // A delivery never sent has nothing rendered (but for a crash or a concurrent request, which the
    // insert's conflict reveals): render it without looking first.
    const rendered = neverSent ? [] : await this.repo.renderedSteps(deviceId, command.id);
    const pending = rendered.find((r) => r.status === null || r.status === 'NotNow');
    if (pending) return { body: Buffer.from(pending.body) };
    if (rendered.length > 0 && rendered.length >= (rendered[0]?.steps ?? 0)) return undefined;

    const step = rendered.length;
    const commandUuid = step === 0 ? command.id : `${command.id}.${step}`;
    let commands: AppleCommand[];
    let body: Buffer;
    try {
      // A command that can't be rendered for this device (no unlock token, a raw payload that is not a
      // valid plist) ends as an error result; it must never block the device's queue.
      commands = this.translate(device, command);
      const next = commands[step];
      if (!next || typeof next.RequestType !== 'string') throw new Error('the command has no RequestType');
      body = commandEnvelope(commandUuid, next);
    } catch (error) {
      await this.ctx.commands.markSent(deviceId, command.id);
      await this.ctx.commands.recordResult(deviceId, command.id, 'error', { error: error instanceof Error ? error.message : String(error) });
      return undefined;
    }
    const apple = commands[step] as AppleCommand;
    return {
      body,
      row: {
        device_id: deviceId,
        command_uuid: commandUuid,
        command_id: command.id,
        step,
        steps: commands.length,
        request_type: apple.RequestType,
        body,
        created_at: Date.now(),
      },
    };
  }

  private translate(device: AppleChannelRow, command: CommandRow): AppleCommand[] {
    const payload = JSON.parse(command.payload) as Record<string, unknown>;
    if (command.kind === 'raw') return [fromJsonPlist(payload) as AppleCommand];
    if (!isIntent(command.type)) throw new Error(`unknown intent ${command.type}`);
    const platform = (APPLE_PLATFORMS.has(device.platform) ? device.platform : 'ios') as 'ios' | 'ipados' | 'macos';
    // Only ClearPasscode carries the unlock token: don't open it for every other command.
    const unlockToken =
      command.type === 'clear_passcode' && device.unlock_token_sealed
        ? this.ctx.box.open(device.unlock_token_sealed, UNLOCK_CONTEXT(device.device_id))
        : undefined;
    const ownership = device.ownership === 'personal' ? ('personal' as const) : undefined;
    return appleCommandsFor(command.type as IntentName, payload as never, { platform, unlockToken, ownership });
  }

  // --- helpers --------------------------------------------------------------------------------

  /** The device this message is about, which must be the one bound to the certificate. */
  private async boundDevice(identity: DeviceIdentity, message: PlistDict, what: string): Promise<AppleChannelRow> {
    const enrollmentId = text(message.EnrollmentID);
    const udid = message.UDID === undefined && enrollmentId ? undefined : identifier(message.UDID, 'UDID');
    const device = udid ? await this.repo.channelByUdid(udid) : await this.repo.channelByEnrollmentId(identifier(enrollmentId, 'EnrollmentID'));
    if (!device) throw new StewardError('device_not_enrolled');
    if (device.cert_fingerprint !== identity.fingerprint) {
      await this.audit(device.device_id, 'apple.identity_mismatch', 'denied', { message: what });
      throw new StewardError('device_identity_mismatch');
    }
    return device;
  }

  private async checkTopic(topic: PlistValue | undefined): Promise<void> {
    if (typeof topic !== 'string' || !(await this.topics()).has(topic)) throw new StewardError('topic_mismatch');
  }

  private async audit(deviceId: string, action: string, outcome: 'success' | 'denied', details: unknown): Promise<void> {
    await this.ctx.audit.append({
      actorType: 'device',
      actorId: deviceId,
      actorLabel: 'apple',
      action,
      targetType: 'device',
      targetId: deviceId,
      outcome,
      details,
    });
  }
}

function text(value: PlistValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** UDIDs, enrollment and user ids: short, plain identifiers; anything else is refused, not stored. */
function identifier(value: PlistValue | undefined, name: string): string {
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) throw new StewardError('invalid_plist', `${name} is missing or malformed.`);
  return value;
}

export function platformOf(product: string): Platform {
  if (/^ipad/i.test(product)) return 'ipados';
  if (/^(mac|imac|vmware|virtualmac)/i.test(product)) return 'macos';
  return 'ios';
}

function withoutEnvelope(message: PlistDict): PlistDict {
  const { UDID: _u, Status: _s, CommandUUID: _c, EnrollmentID: _e, ...rest } = message;
  return rest;
}

/**
 * A raw command from the API (JSON) as a plist dict: `{"$data": "<base64>"}` becomes data and
 * `{"$date": "<ISO-8601>"}` a date, so admins can send any Apple command.
 */
export function fromJsonPlist(value: unknown): PlistValue {
  if (Array.isArray(value)) return value.map(fromJsonPlist);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && entries[0]?.[0] === '$data' && typeof entries[0][1] === 'string') return Buffer.from(entries[0][1], 'base64');
    if (entries.length === 1 && entries[0]?.[0] === '$date' && typeof entries[0][1] === 'string') return new Date(entries[0][1]);
    return Object.fromEntries(entries.map(([k, v]) => [k, fromJsonPlist(v)]));
  }
  return value as PlistValue;
}
