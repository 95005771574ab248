import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Context } from '../../context.js';
import type { CommandRow } from '../../core/commands/command-queue.js';
import type { Ownership } from '../../core/devices/device-model.js';
import { StewardError } from '../../core/errors.js';
import type { androidmanagement_v1 } from '@googleapis/androidmanagement';
import {
  type Amapi,
  type AmapiDevice,
  type AmapiOperation,
  type ServiceAccount,
  createAmapi,
  messageOf,
  parseServiceAccount,
  retryable,
  statusOf,
  withRetry,
} from './amapi-client.js';
import type { AndroidDeviceRow, AndroidRepository, EnterpriseRow } from './android-repository.js';
import { inventoryOf, timeOf } from './inventory.js';
import { type AmapiPolicy, type AppliedConfiguration, effectivePolicy, policyNameFor, validateRawPolicy } from './policy.js';

/** Notification types Steward asks Google to publish. */
export const NOTIFICATION_TYPES = ['ENROLLMENT', 'STATUS_REPORT', 'COMMAND'] as const;

type Command = androidmanagement_v1.Schema$Command;

/** What to do with a command for one device: an AMAPI command, a device deletion, a policy change, or a local answer. */
type Plan =
  | { kind: 'command'; command: Command }
  | { kind: 'delete'; wipeDataFlags: string[]; wipeReasonMessage?: string }
  | { kind: 'configure'; apply?: { key: string; version: string; source: string; payload: AmapiPolicy }; remove?: string }
  | { kind: 'refresh' }
  | { kind: 'refuse'; reason: string };

export interface PushEnvelope {
  message: { data?: string; attributes?: Record<string, string>; messageId?: string; message_id?: string; publishTime?: string };
  subscription?: string;
}

export type PushOutcome = 'processed' | 'duplicate' | 'malformed' | 'ignored' | 'foreign' | 'stale';

const sha256 = (value: string) => createHash('sha256').update(value).digest();

/**
 * The Android channel's logic: binding the enterprise, policies, enrollment tokens, Pub/Sub
 * notifications, command delivery and operation tracking, and the periodic reconciliation.
 */
export class AndroidService {
  private client: { key: number; amapi: Amapi } | undefined;
  private readonly busy = new Map<string, Promise<unknown>>();

  constructor(
    private readonly ctx: Context,
    readonly repo: AndroidRepository,
    private readonly log: FastifyBaseLogger,
  ) {}

  // ---------- binding ----------

  async enterprise(): Promise<EnterpriseRow> {
    return this.repo.ensureEnterprise(() => this.ctx.box.seal(randomBytes(32).toString('base64url'), 'android:push-secret'));
  }

  pushSecret(row: EnterpriseRow): string {
    return this.ctx.box.open(row.push_secret_sealed, 'android:push-secret').toString();
  }

  pushEndpoint(row: EnterpriseRow): string {
    return `${this.ctx.config.publicUrl}/android/pubsub?token=${this.pushSecret(row)}`;
  }

  async uploadCredentials(json: unknown): Promise<EnterpriseRow> {
    const account = parseServiceAccount(json);
    await this.enterprise();
    await this.repo.updateEnterprise({
      credentials_sealed: this.ctx.box.seal(JSON.stringify(account), 'android:service-account'),
      client_email: account.client_email,
      project_id: account.project_id,
    });
    this.client = undefined;
    return this.enterprise();
  }

  private async amapi(): Promise<{ amapi: Amapi; row: EnterpriseRow }> {
    const row = await this.enterprise();
    if (!row.credentials_sealed) throw new StewardError('android_not_configured', 'Upload the service-account key first.');
    if (!this.client || this.client.key !== row.updated_at) {
      const account = JSON.parse(this.ctx.box.open(row.credentials_sealed, 'android:service-account').toString()) as ServiceAccount;
      this.client = { key: row.updated_at, amapi: createAmapi(this.ctx.config.android.apiUrl, account) };
    }
    return { amapi: this.client.amapi, row };
  }

  private async bound(): Promise<{ amapi: Amapi; row: EnterpriseRow; enterpriseName: string }> {
    const { amapi, row } = await this.amapi();
    if (!row.enterprise_name) throw new StewardError('android_not_configured', 'Bind an Android enterprise first.');
    return { amapi, row, enterpriseName: row.enterprise_name };
  }

  /** Runs an API call with retries; what Google refuses becomes `android_api_error` with its message. */
  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await withRetry(fn);
    } catch (error) {
      this.log.warn({ err: error, what }, 'Android Management API call failed');
      throw new StewardError('android_api_error', `${what}: ${messageOf(error)}`, { status: statusOf(error) ?? null });
    }
  }

  /** Step 1 of binding: a sign-up URL whose callback comes back to Steward with a one-time state. */
  async createSignupUrl(input: { pubsubTopic?: string | undefined; displayName?: string | undefined }): Promise<{ url: string; name: string }> {
    const { amapi, row } = await this.amapi();
    const state = randomBytes(24).toString('base64url');
    const callbackUrl = `${this.ctx.config.publicUrl}/android/signup-callback?state=${state}`;
    const { data } = await this.call('signupUrls.create', () => amapi.signupUrls.create({ projectId: row.project_id as string, callbackUrl }));
    if (!data.url || !data.name) throw new StewardError('android_api_error', 'signupUrls.create returned no URL.');
    await this.repo.updateEnterprise({
      signup_url_name: data.name,
      signup_state_hash: sha256(state).toString('hex'),
      ...(input.pubsubTopic !== undefined ? { pubsub_topic: input.pubsubTopic } : {}),
      ...(input.displayName !== undefined ? { display_name: input.displayName } : {}),
    });
    return { url: data.url, name: data.name };
  }

  /** Step 2: Google redirects the admin back with `enterpriseToken`; Steward creates the enterprise. */
  async completeSignup(state: string, enterpriseToken: string): Promise<EnterpriseRow> {
    const row = await this.repo.takeSignupState(sha256(state).toString('hex'));
    if (!row?.signup_url_name) throw new StewardError('android_signup_invalid');
    const { amapi } = await this.amapi();
    const types = row.pubsub_topic ? [...NOTIFICATION_TYPES] : [];
    const { data } = await this.call('enterprises.create', () =>
      amapi.enterprises.create({
        projectId: row.project_id as string,
        signupUrlName: row.signup_url_name as string,
        enterpriseToken,
        requestBody: {
          ...(row.display_name ? { enterpriseDisplayName: row.display_name } : {}),
          ...(row.pubsub_topic ? { pubsubTopic: row.pubsub_topic, enabledNotificationTypes: types } : {}),
        },
      }),
    );
    if (!data.name) throw new StewardError('android_api_error', 'enterprises.create returned no name.');
    await this.repo.updateEnterprise({ enterprise_name: data.name, notification_types: JSON.stringify(types), bound_at: Date.now(), signup_url_name: null });
    return this.enterprise();
  }

  /** Points the enterprise's notifications at a Pub/Sub topic (`projects/P/topics/T`). */
  async configureNotifications(pubsubTopic: string, types: readonly string[]): Promise<EnterpriseRow> {
    const { amapi, enterpriseName } = await this.bound();
    await this.call('enterprises.patch', () =>
      amapi.enterprises.patch({
        name: enterpriseName,
        updateMask: 'pubsubTopic,enabledNotificationTypes',
        requestBody: { pubsubTopic, enabledNotificationTypes: [...types] },
      }),
    );
    await this.repo.updateEnterprise({ pubsub_topic: pubsubTopic, notification_types: JSON.stringify(types) });
    return this.enterprise();
  }

  // ---------- policies ----------

  /** Makes sure the content-addressed policy for this set of configurations exists at Google; returns its name and version. */
  async ensurePolicy(configs: readonly AppliedConfiguration[]): Promise<{ name: string; version: string | null }> {
    const { amapi, enterpriseName } = await this.bound();
    const body = effectivePolicy(configs);
    const { name, hash } = policyNameFor(enterpriseName, body);
    const existing = await this.repo.policy(name);
    if (existing && existing.content_hash === hash && existing.version) return { name, version: existing.version };
    const { data } = await this.call('policies.patch', () => amapi.enterprises.policies.patch({ name, requestBody: body }));
    const version = data.version ?? null;
    await this.repo.putPolicy({
      name,
      content_hash: hash,
      body: JSON.stringify(body),
      version,
      configurations: JSON.stringify(configs.map((c) => ({ key: c.key, version: c.version }))),
      updated_at: Date.now(),
    });
    return { name, version };
  }

  private async configsOf(deviceId: string): Promise<AppliedConfiguration[]> {
    return (await this.repo.configurations(deviceId)).map((c) => ({ key: c.key, version: c.version, payload: JSON.parse(c.payload) as AmapiPolicy }));
  }

  /** Computes the device's effective policy, writes it, and points the device at it. */
  private async repointDevice(device: AndroidDeviceRow): Promise<{ name: string; version: string | null }> {
    const policy = await this.ensurePolicy(await this.configsOf(device.device_id));
    if (device.policy_name !== policy.name) {
      const { amapi } = await this.bound();
      await withRetry(() => amapi.enterprises.devices.patch({ name: device.amapi_name, updateMask: 'policyName', requestBody: { policyName: policy.name } }));
      await this.repo.updateDevice(device.device_id, { policy_name: policy.name });
    }
    return policy;
  }

  // ---------- enrollment ----------

  async createEnrollmentToken(input: {
    name: string;
    ownership: Ownership;
    workProfile: boolean;
    groupId?: string | undefined;
    assignedUser?: string | undefined;
    oneTime: boolean;
    expiresAt: number;
    createdBy: string;
  }) {
    const { amapi, enterpriseName } = await this.bound();
    const base = await this.ensurePolicy([]);
    const { row } = await this.ctx.enrollments.create({
      name: input.name,
      platform: 'android',
      ownership: input.ownership,
      groupId: input.groupId,
      assignedUser: input.assignedUser,
      maxUses: input.oneTime ? 1 : null,
      expiresAt: input.expiresAt,
      createdBy: input.createdBy,
    });
    const seconds = Math.max(60, Math.floor((input.expiresAt - Date.now()) / 1000));
    const workProfile = input.ownership === 'personal' || input.workProfile;
    try {
      const { data } = await this.call('enrollmentTokens.create', () =>
        amapi.enterprises.enrollmentTokens.create({
          parent: enterpriseName,
          requestBody: {
            policyName: base.name,
            duration: `${seconds}s`,
            oneTimeOnly: input.oneTime,
            allowPersonalUsage: workProfile ? 'PERSONAL_USAGE_ALLOWED' : 'PERSONAL_USAGE_DISALLOWED',
            additionalData: JSON.stringify({ steward: row.id }),
          },
        }),
      );
      if (!data.value || !data.name) throw new StewardError('android_api_error', 'enrollmentTokens.create returned no token.');
      await this.repo.putToken({
        enrollment_id: row.id,
        token_name: data.name,
        value_sealed: this.ctx.box.seal(data.value, `android-token:${row.id}`),
        qr_code: data.qrCode ?? '',
        mode: workProfile ? 'work_profile' : 'fully_managed',
        one_time: input.oneTime ? 1 : 0,
        expires_at: timeOf(data.expirationTimestamp) ?? input.expiresAt,
        created_at: Date.now(),
      });
    } catch (error) {
      await this.ctx.enrollments.revoke(row.id);
      throw error;
    }
    return row;
  }

  tokenValue(enrollmentId: string, sealed: string): string {
    return this.ctx.box.open(sealed, `android-token:${enrollmentId}`).toString();
  }

  /** Revokes the Steward enrollment and deletes the token at Google (devices already enrolled stay). */
  async revokeEnrollmentToken(enrollmentId: string): Promise<void> {
    const token = await this.repo.token(enrollmentId);
    if (token) {
      const { amapi } = await this.bound();
      await this.call('enrollmentTokens.delete', () => amapi.enterprises.enrollmentTokens.delete({ name: token.token_name })).catch((error) => {
        if ((error as StewardError).details && (error as { details: { status: number } }).details.status === 404) return;
        throw error;
      });
    }
    await this.ctx.enrollments.revoke(enrollmentId);
  }

  // ---------- Pub/Sub ----------

  /** Constant-time comparison of the secret the push carries with ours. */
  async checkPushSecret(presented: string | undefined): Promise<EnterpriseRow> {
    const row = await this.enterprise();
    if (!presented || !timingSafeEqual(sha256(presented), sha256(this.pushSecret(row)))) throw new StewardError('pubsub_unauthenticated');
    return row;
  }

  /**
   * One Pub/Sub push. Redeliveries (same messageId) change nothing; malformed data, unknown types
   * and resources of another enterprise are acknowledged and ignored, so Pub/Sub stops retrying
   * them; a failure of Steward itself forgets the id and throws, so Pub/Sub delivers again.
   */
  async handlePush(envelope: PushEnvelope, row: EnterpriseRow): Promise<PushOutcome> {
    const messageId = envelope.message.messageId ?? envelope.message.message_id;
    if (!messageId) return 'malformed';
    const type = envelope.message.attributes?.notificationType ?? null;
    // Recorded as processed up front (the common case, one write less); corrected when it wasn't.
    if (!(await this.repo.rememberMessage(messageId, type, 'processed'))) return 'duplicate';
    try {
      const outcome = await this.process(type, envelope.message.data, row);
      if (outcome !== 'processed') await this.repo.setMessageOutcome(messageId, outcome);
      return outcome;
    } catch (error) {
      await this.repo.forgetMessage(messageId);
      throw error;
    }
  }

  private async process(type: string | null, data: string | undefined, row: EnterpriseRow): Promise<PushOutcome> {
    if (!row.enterprise_name) return 'ignored';
    if (type === 'test') return 'ignored';
    if (type !== 'ENROLLMENT' && type !== 'STATUS_REPORT' && type !== 'COMMAND') return 'ignored';
    let resource: unknown;
    try {
      if (!data || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(data)) return 'malformed';
      resource = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
    } catch {
      return 'malformed';
    }
    if (!resource || typeof resource !== 'object' || typeof (resource as { name?: unknown }).name !== 'string') return 'malformed';
    const name = (resource as { name: string }).name;
    if (!name.startsWith(`${row.enterprise_name}/devices/`)) return 'foreign';
    if (type === 'COMMAND') return this.operationDone(resource as AmapiOperation);
    return this.syncDevice(resource as AmapiDevice, row.enterprise_name, type === 'ENROLLMENT');
  }

  private async exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.busy.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const settled = run.catch(() => undefined);
    this.busy.set(key, settled);
    try {
      return await run;
    } finally {
      if (this.busy.get(key) === settled) this.busy.delete(key);
    }
  }

  /** Creates or updates Steward's device from an AMAPI `Device` (notification or reconciliation). */
  syncDevice(device: AmapiDevice, enterpriseName: string, enrollment: boolean): Promise<PushOutcome> {
    const name = device.name as string;
    return this.exclusive(`device:${name}`, async () => {
      let row = await this.repo.byName(name);
      if (!row) {
        if (device.state === 'DELETED' || device.state === 'PROVISIONING') return 'ignored';
        row = await this.adopt(device, enterpriseName);
      } else if (enrollment) {
        const steward = await this.ctx.devices.get(row.device_id);
        if (steward && steward.enrollment_state !== 'enrolled') await this.ctx.devices.setEnrollmentState(row.device_id, 'enrolled');
      }
      const reportedAt = timeOf(device.lastStatusReportTime) ?? timeOf(device.enrollmentTime) ?? Date.now();
      if (!(await this.repo.advanceReport(row.device_id, reportedAt))) return 'stale';
      const update = inventoryOf(device);
      const applied = device.appliedPolicyName ?? null;
      const appliedVersion = device.appliedPolicyVersion ?? null;
      if (applied) {
        const policy = await this.repo.policy(applied);
        if (policy) (update.facts as Record<string, unknown>).configurations = JSON.parse(policy.configurations);
      }
      await this.ctx.devices.applyInventory(row.device_id, update);
      await this.repo.updateDevice(row.device_id, {
        applied_policy_name: applied,
        applied_policy_version: appliedVersion,
        state: device.state ?? null,
        management_mode: device.managementMode ?? row.management_mode,
      });
      if (device.state === 'DELETED') await this.ctx.devices.setEnrollmentState(row.device_id, 'unenrolled');
      await this.settlePolicyWaits(row.device_id, applied, appliedVersion);
      return 'processed';
    });
  }

  /** A device Steward hasn't seen: created with the ownership, group and user of the enrollment behind its token. */
  private async adopt(device: AmapiDevice, enterpriseName: string): Promise<AndroidDeviceRow> {
    let enrollmentId: string | null = null;
    try {
      const data = JSON.parse(device.enrollmentTokenData ?? 'null') as { steward?: unknown } | null;
      if (typeof data?.steward === 'string') enrollmentId = data.steward;
    } catch {
      enrollmentId = null;
    }
    const enrollment = enrollmentId ? await this.ctx.enrollments.get(enrollmentId) : undefined;
    const ownership: Ownership =
      (enrollment?.ownership as Ownership | undefined) ??
      (device.ownership === 'PERSONALLY_OWNED' || device.managementMode === 'PROFILE_OWNER' ? 'personal' : 'corporate');
    const hw = device.hardwareInfo ?? {};
    const label = [hw.brand, hw.model].filter(Boolean).join(' ') || `Android ${String(device.name).split('/').pop()}`;
    const row = await this.ctx.database.db.transaction().execute(async (trx) => {
      const created = await this.ctx.devices.create(
        {
          platform: 'android',
          channel: 'android',
          ownership,
          enrollmentState: 'enrolled',
          name: label,
          serialNumber: hw.serialNumber ?? null,
          model: hw.model ?? null,
          osVersion: device.softwareInfo?.androidVersion ?? null,
          imei: device.networkInfo?.imei ?? null,
          assignedUser: enrollment?.assigned_user ?? null,
        },
        trx,
      );
      const androidRow: AndroidDeviceRow = {
        device_id: created.id,
        amapi_name: device.name as string,
        enterprise_name: enterpriseName,
        enrollment_id: enrollment?.id ?? null,
        management_mode: device.managementMode ?? null,
        policy_name: device.policyName ?? null,
        applied_policy_name: null,
        applied_policy_version: null,
        last_status_report_at: null,
        state: device.state ?? null,
        updated_at: Date.now(),
      };
      await this.repo.insertDevice(androidRow, trx);
      if (enrollment) await this.repo.countEnrollmentUse(enrollment.id, trx);
      return androidRow;
    });
    if (enrollment?.group_id) {
      await this.ctx.groups.addMembers(enrollment.group_id, [row.device_id]);
    }
    await this.ctx.groups.refreshSmartMembership([row.device_id]);
    await this.ctx.audit.append({
      actorType: 'device',
      actorId: row.device_id,
      actorLabel: 'android',
      action: 'android.device_enrolled',
      targetType: 'device',
      targetId: row.device_id,
      outcome: 'success',
      details: { name: row.amapi_name, enrollmentId: row.enrollment_id },
    });
    // The token pointed it at the base policy; configurations applied since then need their own.
    await this.repointDevice(row).catch((error) => this.log.warn({ err: error }, 'could not point a new Android device at its policy'));
    return (await this.repo.byDevice(row.device_id)) as AndroidDeviceRow;
  }

  /**
   * Policy changes wait for the device to report it applied the version Steward wrote. A wait for a
   * policy the device was since moved off (another configuration changed before it applied the
   * first) settles when the device applies its current policy, which carries the whole current set.
   */
  private async settlePolicyWaits(deviceId: string, applied: string | null, version: string | null): Promise<void> {
    if (!applied) return;
    const waits = await this.repo.pendingFor(deviceId, 'policy');
    if (waits.length === 0) return;
    const current = (await this.repo.byDevice(deviceId))?.policy_name ?? null;
    const atLeast = (wanted: string | null) => {
      if (!wanted) return true;
      try {
        return version !== null && BigInt(version) >= BigInt(wanted);
      } catch {
        return version === wanted;
      }
    };
    const currentApplied = applied === current && waits.filter((w) => w.policy_name === current).every((w) => atLeast(w.policy_version));
    for (const wait of waits) {
      const done = wait.policy_name === applied ? atLeast(wait.policy_version) : currentApplied;
      if (!done) continue;
      const result =
        wait.policy_name === applied
          ? { appliedPolicyName: applied, appliedPolicyVersion: version }
          : { appliedPolicyName: applied, appliedPolicyVersion: version, supersedes: wait.policy_name };
      await this.ctx.commands.recordResult(deviceId, wait.command_id, 'acknowledged', result);
      await this.repo.removePending(deviceId, wait.command_id);
    }
  }

  /** A finished long-running operation (COMMAND notification or a poll) → the command's result. */
  private async operationDone(operation: AmapiOperation): Promise<PushOutcome> {
    if (!operation.name || !operation.done) return 'ignored';
    const pending = await this.repo.pendingByOperation(operation.name);
    if (!pending) return 'ignored';
    const outcome = operation.error ? 'error' : 'acknowledged';
    const result = operation.error
      ? {
          operation: operation.name,
          error: { code: operation.error.code ?? null, message: operation.error.message ?? null },
          metadata: operation.metadata ?? null,
        }
      : { operation: operation.name, metadata: operation.metadata ?? null };
    await this.ctx.commands.recordResult(pending.device_id, pending.command_id, outcome, result);
    await this.repo.removePending(pending.device_id, pending.command_id);
    return 'processed';
  }

  /** Polls operations still open (the COMMAND notification may be lost or disabled). */
  async pollOperations(): Promise<number> {
    const pending = await this.repo.pendingOperations();
    if (pending.length === 0) return 0;
    const { amapi } = await this.bound();
    let done = 0;
    for (const p of pending) {
      try {
        const { data } = await withRetry(() => amapi.enterprises.devices.operations.get({ name: p.operation_name as string }));
        if (data.done && (await this.operationDone(data)) === 'processed') done++;
      } catch (error) {
        if (statusOf(error) === 404) {
          await this.ctx.commands.recordResult(p.device_id, p.command_id, 'error', { operation: p.operation_name, error: 'The operation no longer exists.' });
          await this.repo.removePending(p.device_id, p.command_id);
        } else this.log.warn({ err: error }, 'operation poll failed');
      }
    }
    return done;
  }

  // ---------- commands ----------

  /** Delivers the queued commands of every Android device the command targets. */
  async deliverCommand(commandId: string): Promise<void> {
    let after: number | undefined;
    for (;;) {
      const deliveries = await this.ctx.commands.deliveries(commandId, { state: 'queued', afterSeq: after, limit: 500 });
      if (deliveries.length === 0) return;
      for (const d of deliveries) {
        if (await this.repo.byDevice(d.device_id)) await this.deliverDevice(d.device_id);
      }
      after = deliveries[deliveries.length - 1]?.seq;
    }
  }

  /** Every Android device with something queued (the periodic safety net). */
  async sweep(): Promise<void> {
    const row = await this.enterprise();
    if (!row.enterprise_name || !row.credentials_sealed) return;
    for (const deviceId of await this.repo.devicesWithQueued()) await this.deliverDevice(deviceId);
  }

  /**
   * Sends the device's queued commands in order. A command is marked sent only once Google
   * accepted it; if Google keeps failing (429/5xx past the retries) it stays queued and the
   * error propagates, so the job that called us runs again later.
   */
  deliverDevice(deviceId: string): Promise<void> {
    return this.exclusive(`deliver:${deviceId}`, async () => {
      const device = await this.repo.byDevice(deviceId);
      if (!device) return;
      const skip: string[] = [];
      for (;;) {
        const next = await this.ctx.commands.next(deviceId, skip);
        if (!next) return;
        skip.push(next.command.id);
        if (next.delivery.state === 'sent') continue;
        await this.deliverOne(device, next.command);
      }
    });
  }

  private async deliverOne(device: AndroidDeviceRow, command: CommandRow): Promise<void> {
    const steward = await this.ctx.devices.get(device.device_id);
    const plan = planFor(command, steward?.ownership === 'personal' || device.management_mode === 'PROFILE_OWNER');
    const commandId = command.id;
    const deviceId = device.device_id;
    if (plan.kind === 'refuse') {
      await this.ctx.commands.markSent(deviceId, commandId);
      await this.ctx.commands.recordResult(deviceId, commandId, 'error', { error: plan.reason });
      return;
    }
    const { amapi } = await this.bound();
    try {
      if (plan.kind === 'command') {
        const { data } = await withRetry(() => amapi.enterprises.devices.issueCommand({ name: device.amapi_name, requestBody: plan.command }));
        await this.ctx.commands.markSent(deviceId, commandId);
        if (data.done) {
          await this.repo.addPending({
            device_id: deviceId,
            command_id: commandId,
            kind: 'operation',
            operation_name: data.name ?? null,
            policy_name: null,
            policy_version: null,
            created_at: Date.now(),
          });
          await this.operationDone(data);
        } else {
          await this.repo.addPending({
            device_id: deviceId,
            command_id: commandId,
            kind: 'operation',
            operation_name: data.name ?? null,
            policy_name: null,
            policy_version: null,
            created_at: Date.now(),
          });
        }
      } else if (plan.kind === 'delete') {
        await withRetry(() =>
          amapi.enterprises.devices.delete({
            name: device.amapi_name,
            ...(plan.wipeDataFlags.length ? { wipeDataFlags: plan.wipeDataFlags } : {}),
            ...(plan.wipeReasonMessage ? { wipeReasonMessage: plan.wipeReasonMessage } : {}),
          }),
        );
        await this.ctx.commands.markSent(deviceId, commandId);
        // devices.delete is not long-running: once Google accepted it, the wipe (or the work profile's removal) is under way.
        await this.ctx.commands.recordResult(deviceId, commandId, 'acknowledged', { deleted: device.amapi_name, wipeDataFlags: plan.wipeDataFlags });
        await this.ctx.devices.setEnrollmentState(deviceId, 'unenrolled');
        await this.ctx.commands.cancelForDevice(deviceId);
      } else if (plan.kind === 'refresh') {
        const { data } = await withRetry(() => amapi.enterprises.devices.get({ name: device.amapi_name }));
        await this.ctx.commands.markSent(deviceId, commandId);
        await this.syncDevice({ ...data, lastStatusReportTime: new Date().toISOString() }, device.enterprise_name, false);
        await this.ctx.commands.recordResult(deviceId, commandId, 'acknowledged', { refreshed: true });
      } else {
        if (plan.apply) await this.repo.putConfiguration(deviceId, plan.apply.key, plan.apply.version, plan.apply.source, plan.apply.payload);
        if (plan.remove) await this.repo.removeConfiguration(deviceId, plan.remove);
        const policy = await this.repointDevice((await this.repo.byDevice(deviceId)) as AndroidDeviceRow);
        await this.ctx.commands.markSent(deviceId, commandId);
        await this.repo.addPending({
          device_id: deviceId,
          command_id: commandId,
          kind: 'policy',
          operation_name: null,
          policy_name: policy.name,
          policy_version: policy.version,
          created_at: Date.now(),
        });
        const fresh = await this.repo.byDevice(deviceId);
        // Already reported (the same effective policy was applied before): settle now.
        await this.settlePolicyWaits(deviceId, fresh?.applied_policy_name ?? null, fresh?.applied_policy_version ?? null);
      }
    } catch (error) {
      if (error instanceof StewardError && error.code !== 'android_api_error') throw error;
      if (retryable(error) || (error instanceof StewardError && retryable({ status: (error.details as { status?: number })?.status }))) throw error;
      // Google refused the request itself (400, 403, 404): retrying can't help, the command fails.
      await this.ctx.commands.markSent(deviceId, commandId);
      await this.ctx.commands.recordResult(deviceId, commandId, 'error', { error: messageOf(error), status: statusOf(error) ?? null });
    }
  }

  // ---------- reconciliation ----------

  /** Lists every device of the enterprise and brings Steward's view in line (missed notifications, deletions). */
  async reconcile(): Promise<{ seen: number; missing: number }> {
    const row = await this.enterprise();
    if (!row.enterprise_name || !row.credentials_sealed) return { seen: 0, missing: 0 };
    const { amapi, enterpriseName } = await this.bound();
    const seen = new Set<string>();
    let pageToken: string | undefined;
    do {
      const { data } = await withRetry(() => amapi.enterprises.devices.list({ parent: enterpriseName, pageSize: 100, ...(pageToken ? { pageToken } : {}) }));
      for (const device of data.devices ?? []) {
        if (!device.name?.startsWith(`${enterpriseName}/devices/`)) continue;
        seen.add(device.name);
        await this.syncDevice(device, enterpriseName, false);
      }
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
    let missing = 0;
    for (const known of await this.repo.allDevices(enterpriseName)) {
      if (seen.has(known.amapi_name)) continue;
      const device = await this.ctx.devices.get(known.device_id);
      if (device?.enrollment_state === 'enrolled') {
        await this.ctx.devices.setEnrollmentState(known.device_id, 'unenrolled');
        missing++;
      }
    }
    await this.repo.pruneMessages(Date.now() - 8 * 86_400_000);
    await this.repo.prunePending();
    return { seen: seen.size, missing };
  }
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);
const message = (value: string) => ({ defaultMessage: value });

/** Steward's intents (and raw Android commands) → what to ask Google for. */
export function planFor(command: CommandRow, workProfile: boolean): Plan {
  const payload = JSON.parse(command.payload) as Record<string, unknown>;
  if (command.kind === 'raw') {
    const type = text(payload.type);
    if (!type) return { kind: 'refuse', reason: 'A raw Android command needs a type (an AMAPI Command type, or DELETE).' };
    if (type === 'DELETE') {
      const flags = Array.isArray(payload.wipeDataFlags) ? payload.wipeDataFlags.filter((f): f is string => typeof f === 'string') : [];
      const reason = text(payload.wipeReasonMessage);
      return { kind: 'delete', wipeDataFlags: flags, ...(reason ? { wipeReasonMessage: reason } : {}) };
    }
    return { kind: 'command', command: payload as Command };
  }
  switch (command.type) {
    case 'lock':
      return { kind: 'command', command: { type: 'LOCK' } };
    case 'restart':
      if (workProfile) return { kind: 'refuse', reason: 'A work profile can’t reboot the device.' };
      return { kind: 'command', command: { type: 'REBOOT' } };
    case 'clear_passcode':
      return { kind: 'command', command: { type: 'RESET_PASSWORD', resetPasswordFlags: ['REQUIRE_ENTRY'] } };
    case 'enable_lost_mode': {
      const params: Record<string, unknown> = {};
      if (text(payload.message)) params.lostMessage = message(payload.message as string);
      if (text(payload.phoneNumber)) params.lostPhoneNumber = message(payload.phoneNumber as string);
      if (text(payload.footnote)) params.lostOrganization = message(payload.footnote as string);
      if (Object.keys(params).length === 0) params.lostMessage = message('This device is lost. Please return it.');
      return { kind: 'command', command: { type: 'START_LOST_MODE', startLostModeParams: params } as Command };
    }
    case 'disable_lost_mode':
      return { kind: 'command', command: { type: 'STOP_LOST_MODE', stopLostModeParams: {} } as Command };
    case 'wipe':
      // On a work profile, devices.delete removes only the work profile; flags apply to full wipes.
      return { kind: 'delete', wipeDataFlags: workProfile || payload.preserveDataPlan ? [] : ['WIPE_ESIMS'], wipeReasonMessage: 'Wiped by your organisation.' };
    case 'refresh_inventory':
      return { kind: 'refresh' };
    case 'apply_configuration': {
      const source = payload.source === 'raw' ? 'raw' : 'policy';
      let body: unknown = payload.payload;
      if (source === 'raw') {
        const content = typeof body === 'string' ? body : JSON.stringify(body);
        const problems = validateRawPolicy(content);
        if (problems.length) return { kind: 'refuse', reason: `Raw AMAPI policy refused: ${problems.join(' ')}` };
        body = JSON.parse(content);
      }
      if (!body || typeof body !== 'object' || Array.isArray(body)) return { kind: 'refuse', reason: 'The configuration is not an AMAPI policy object.' };
      return { kind: 'configure', apply: { key: String(payload.key), version: String(payload.version), source, payload: body as AmapiPolicy } };
    }
    case 'remove_configuration':
      return { kind: 'configure', remove: String(payload.key) };
    default:
      return { kind: 'refuse', reason: `${command.type} is not available through the Android Management API.` };
  }
}
