import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { Context } from '../../context.js';
import type { InventoryUpdate } from '../../core/devices/device-repository.js';
import { StewardError } from '../../core/errors.js';
import { EKU } from '../../pki/certificate-authority.js';
import type { AgentRepository } from './agent-repository.js';
import { type QueuedCommand, type Translation, translate } from './commands.js';
import { AGENT_DEVICE_URI_PREFIX, type AgentCertificate } from './identity.js';
import type { AgentCommand, CheckinBody, EnrollBody, InventorySections, ResultBody } from './protocol.js';

/** Agent certificates live a year; the agent renews them (`/agent/v1/renew`) well before. */
export const AGENT_CERT_LIFETIME_DAYS = 365;
/** How many commands one answer carries at most; the agent comes back for the rest at once. */
const COMMANDS_PER_ANSWER = 10;
const ENROLLMENT_URI_PREFIX = 'urn:steward:enrollment:';
const MIN_RSA_BITS = 2048;
const MAX_RSA_BITS = 8192;
const EC_CURVES = new Set(['prime256v1', 'secp384r1', 'P-256', 'P-384']);
/** How long a certificate's binding to an enrolled device is trusted without reading the database again. */
const BINDING_TTL_MS = 30_000;

export interface EnrollResult {
  deviceId: string;
  certificatePem: string;
  caCertificatePem: string;
}

/** A device the certificate is bound to. */
export interface AgentDevice {
  deviceId: string;
}

/**
 * The agent protocol on top of Steward's core: enrollment (token + CSR → certificate bound to a new
 * device), check-ins with inventory, command delivery and results. The HTTP layer has validated the
 * bodies and proven the certificate.
 */
export class AgentService {
  private readonly bindings = new Map<string, { deviceId: string; until: number }>();
  /** Translations of recently delivered commands: a fan-out translates each command once. */
  private readonly translations = new Map<string, Translation>();

  constructor(
    private readonly ctx: Context,
    private readonly repo: AgentRepository,
  ) {}

  // --- enrollment ------------------------------------------------------------------------------

  async enroll(body: EnrollBody): Promise<EnrollResult & { groupId: string | null }> {
    const csr = await checkCsr(body.csr);
    const { os, system } = body.inventory.sections;
    if (!os || !system) throw new StewardError('validation_failed', 'Enrollment carries the full inventory (at least the os and system sections).');
    const now = Date.now();
    const result = await this.ctx.database.db.transaction().execute(async (trx) => {
      const enrollment = await this.repo.spendEnrollment(body.token, now, trx);
      if (!enrollment) return undefined;
      const update = normalise(body.inventory.sections);
      const device = await this.ctx.devices.create(
        {
          platform: os.family,
          channel: 'agent',
          ownership: enrollment.ownership === 'personal' ? 'personal' : 'corporate',
          enrollmentState: 'enrolled',
          name: system.hostname,
          serialNumber: system.serialNumber ?? null,
          hardwareId: system.hardwareUuid ?? null,
          model: update.model ?? null,
          osVersion: os.version,
          assignedUser: enrollment.assigned_user,
        },
        trx,
      );
      const certificate = await this.ctx.ca.issue({
        subject: `CN=${device.id}, O=Steward Agent`,
        publicKey: csr.publicKey,
        lifetimeDays: AGENT_CERT_LIFETIME_DAYS,
        uris: [`${AGENT_DEVICE_URI_PREFIX}${device.id}`, `${ENROLLMENT_URI_PREFIX}${enrollment.id}`],
        keyUsages: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        extendedKeyUsages: [EKU.clientAuth],
      });
      await this.repo.insert(
        {
          device_id: device.id,
          enrollment_ref: enrollment.id,
          cert_fingerprint: fingerprintOf(certificate),
          cert_not_after: certificate.notAfter.getTime(),
          agent_version: body.agentVersion,
          os_family: os.family,
          inventory_hashes: JSON.stringify(body.inventory.hashes),
          enrolled_at: now,
          last_checkin_at: now,
        },
        trx,
      );
      await this.ctx.devices.applyInventory(device.id, update, trx);
      if (enrollment.group_id) {
        await trx
          .insertInto('group_members')
          .values({ group_id: enrollment.group_id, device_id: device.id, added_at: now })
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      return { deviceId: device.id, certificatePem: certificate.toString('pem'), groupId: enrollment.group_id, enrollmentId: enrollment.id };
    });
    if (!result) throw new StewardError('enrollment_unavailable', 'The enrollment token is unknown, used up, expired, revoked or not for the agent.');
    await this.ctx.audit.append({
      actorType: 'device',
      actorId: result.deviceId,
      actorLabel: 'agent',
      action: 'agent.enrolled',
      targetType: 'device',
      targetId: result.deviceId,
      outcome: 'success',
      details: { enrollmentId: result.enrollmentId, agentVersion: body.agentVersion },
    });
    return { deviceId: result.deviceId, certificatePem: result.certificatePem, caCertificatePem: this.ctx.ca.certificatePem, groupId: result.groupId };
  }

  /** A new certificate for the same device, asked for with the current one. */
  async renew(identity: AgentCertificate, csrPem: string): Promise<EnrollResult> {
    const device = await this.device(identity);
    const csr = await checkCsr(csrPem);
    const agent = await this.repo.byDevice(device.deviceId);
    const certificate = await this.ctx.ca.issue({
      subject: `CN=${device.deviceId}, O=Steward Agent`,
      publicKey: csr.publicKey,
      lifetimeDays: AGENT_CERT_LIFETIME_DAYS,
      uris: [`${AGENT_DEVICE_URI_PREFIX}${device.deviceId}`, ...(agent?.enrollment_ref ? [`${ENROLLMENT_URI_PREFIX}${agent.enrollment_ref}`] : [])],
      keyUsages: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      extendedKeyUsages: [EKU.clientAuth],
    });
    await this.repo.update(device.deviceId, { cert_fingerprint: fingerprintOf(certificate), cert_not_after: certificate.notAfter.getTime() });
    this.bindings.delete(identity.fingerprint);
    await this.ctx.audit.append({
      actorType: 'device',
      actorId: device.deviceId,
      actorLabel: 'agent',
      action: 'agent.identity_renewed',
      targetType: 'device',
      targetId: device.deviceId,
      outcome: 'success',
    });
    return { deviceId: device.deviceId, certificatePem: certificate.toString('pem'), caCertificatePem: this.ctx.ca.certificatePem };
  }

  /**
   * The enrolled agent device this certificate is bound to. A certificate Steward issued for
   * something else, one replaced by renewal, or one of a retired device is refused.
   */
  async device(identity: AgentCertificate): Promise<AgentDevice> {
    const now = Date.now();
    const cached = this.bindings.get(identity.fingerprint);
    if (cached && cached.until > now) return { deviceId: cached.deviceId };
    const row = await this.repo.byFingerprint(identity.fingerprint);
    if (!row || row.device_id !== identity.deviceId) throw new StewardError('device_identity_invalid', 'The certificate belongs to no enrolled agent.');
    if (row.enrollment_state !== 'enrolled') throw new StewardError('device_not_enrolled', 'The device has been retired or unenrolled.');
    if (this.bindings.size > 200_000) this.bindings.clear();
    this.bindings.set(identity.fingerprint, { deviceId: row.device_id, until: now + BINDING_TTL_MS });
    return { deviceId: row.device_id };
  }

  /** Forgets cached bindings (a device was retired on this node). */
  forget(): void {
    this.bindings.clear();
  }

  // --- check-in --------------------------------------------------------------------------------

  /** Stores the sections that changed; returns the names of sections the server wants again. */
  async checkin(device: AgentDevice, body: CheckinBody): Promise<{ resend: string[] }> {
    const agent = await this.repo.byDevice(device.deviceId);
    if (!agent) throw new StewardError('device_identity_invalid');
    const stored = JSON.parse(agent.inventory_hashes) as Record<string, string>;
    const sent = body.inventory.sections as Record<string, unknown>;
    const hashes: Record<string, string> = { ...stored };
    const resend: string[] = [];
    for (const [name, hash] of Object.entries(body.inventory.hashes)) {
      if (sent[name] !== undefined) hashes[name] = hash;
      else if (stored[name] !== hash) resend.push(name);
    }
    const now = Date.now();
    await this.ctx.database.db.transaction().execute(async (trx) => {
      await this.ctx.devices.applyInventory(device.deviceId, normalise(body.inventory.sections), trx);
      await this.repo.update(
        device.deviceId,
        {
          inventory_hashes: JSON.stringify(hashes),
          agent_version: body.agentVersion,
          last_checkin_at: now,
          ...(body.inventory.sections.os ? { os_family: body.inventory.sections.os.family } : {}),
        },
        trx,
      );
    });
    return { resend };
  }

  // --- commands --------------------------------------------------------------------------------

  /**
   * What each device should run now, marked sent. Commands the agent can't carry out (wipe, an
   * invalid raw payload) are answered here with an error result and never sent.
   */
  async take(deviceIds: readonly string[]): Promise<Map<string, AgentCommand[]>> {
    const now = Date.now();
    const rows = await this.repo.pending(deviceIds, now, COMMANDS_PER_ANSWER);
    const out = new Map<string, AgentCommand[]>();
    const sent: { device_id: string; command_id: string }[] = [];
    for (const row of rows) {
      const translation = this.translation(row);
      if (!translation.ok) {
        await this.ctx.commands.markSent(row.device_id, row.command_id);
        await this.ctx.commands.recordResult(row.device_id, row.command_id, 'error', { error: { code: translation.code, message: translation.message } });
        continue;
      }
      const list = out.get(row.device_id) ?? [];
      list.push(translation.command);
      out.set(row.device_id, list);
      sent.push(row);
    }
    await this.repo.markSent(sent, now);
    return out;
  }

  private translation(row: QueuedCommand): Translation {
    let translation = this.translations.get(row.command_id);
    if (!translation) {
      translation = translate(row);
      if (this.translations.size >= 256) this.translations.delete(this.translations.keys().next().value as string);
      this.translations.set(row.command_id, translation);
    }
    return translation;
  }

  /** Stores a result. Idempotent by command id; a command never sent to this device stores nothing. */
  async result(device: AgentDevice, commandId: string, body: ResultBody): Promise<'recorded' | 'duplicate'> {
    const stored =
      body.status === 'error'
        ? { error: body.error ?? { code: 'error', message: 'the agent reported an error' }, ...(body.output ? { output: body.output } : {}) }
        : (body.output ?? {});
    const outcome = await this.ctx.commands.recordResult(device.deviceId, commandId, body.status, stored);
    if (outcome === 'unknown') throw new StewardError('unknown_command_result');
    return outcome;
  }
}

// --- certificate requests -------------------------------------------------------------------------

/** The CSR must prove possession of an RSA (2048–8192 bits) or EC P-256/P-384 key and ask for nothing but client authentication. */
export async function checkCsr(pem: string): Promise<x509.Pkcs10CertificateRequest> {
  let csr: x509.Pkcs10CertificateRequest;
  let key: KeyObject;
  try {
    csr = new x509.Pkcs10CertificateRequest(pem.trim());
    key = createPublicKey({ key: Buffer.from(csr.publicKey.rawData), format: 'der', type: 'spki' });
  } catch {
    throw new StewardError('validation_failed', 'The CSR is not a PKCS#10 certificate request.', { reason: 'csr_unreadable' });
  }
  let verified = false;
  try {
    verified = await csr.verify();
  } catch {
    verified = false;
  }
  if (!verified) throw new StewardError('validation_failed', 'The CSR signature does not verify.', { reason: 'csr_bad_signature' });
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS)
      throw new StewardError('validation_failed', `RSA keys must have ${MIN_RSA_BITS} to ${MAX_RSA_BITS} bits.`, { reason: 'csr_weak_key' });
  } else if (key.asymmetricKeyType !== 'ec' || !EC_CURVES.has(details.namedCurve ?? '')) {
    throw new StewardError('validation_failed', 'The key must be RSA or EC P-256/P-384.', { reason: 'csr_weak_key' });
  }
  for (const extension of csr.extensions) {
    if (extension.type === '2.5.29.17') throw new StewardError('validation_failed', 'Subject alternative names are not accepted.', { reason: 'csr_san' });
    if (extension.type === '2.5.29.37') {
      const usages = extension instanceof x509.ExtendedKeyUsageExtension ? extension.usages.map(String) : [undefined];
      if (usages.some((usage) => usage !== EKU.clientAuth))
        throw new StewardError('validation_failed', 'Only the clientAuth extended key usage is accepted.', { reason: 'csr_eku' });
    }
  }
  return csr;
}

function fingerprintOf(certificate: x509.X509Certificate): string {
  return createHash('sha256').update(Buffer.from(certificate.rawData)).digest('hex');
}

// --- inventory ------------------------------------------------------------------------------------

/** The agent's inventory sections as Steward's normalised facts (see docs/agent.md). */
export function normalise(sections: InventorySections): InventoryUpdate {
  const facts: Record<string, unknown> = {};
  const update: InventoryUpdate = { facts };
  const { system, os } = sections;
  if (system) {
    update.name = system.hostname;
    if (system.serialNumber !== undefined) update.serialNumber = system.serialNumber || null;
    const model = [system.manufacturer, system.model].filter((part) => part?.trim()).join(' ');
    if (model) update.model = model;
    facts.system = system;
  }
  if (os) {
    update.osVersion = os.version;
    facts.os = os;
  }
  if (sections.hardware) facts.hardware = sections.hardware;
  if (sections.disks) facts.disks = sections.disks;
  if (sections.network) facts.network = sections.network;
  if (sections.users) facts.users = sections.users;
  if (sections.packages) {
    facts.apps = sections.packages.items.map((p) => ({ identifier: p.name, name: p.name, ...(p.version ? { version: p.version } : {}) }));
    facts.packageManagers = sections.packages.managers;
  }
  if (sections.security) {
    const { diskEncrypted, firewall, screenLock } = sections.security;
    facts.security = {
      ...(diskEncrypted === null ? {} : { encrypted: diskEncrypted }),
      ...(screenLock.enabled === null ? {} : { passcodePresent: screenLock.enabled }),
      firewall: { ...(firewall.enabled === null ? {} : { enabled: firewall.enabled }), ...(firewall.product ? { product: firewall.product } : {}) },
      ...(screenLock.idleSeconds !== undefined ? { screenLockIdleSeconds: screenLock.idleSeconds } : {}),
    };
  }
  if (sections.status) {
    facts.bootedAt = new Date(sections.status.bootedAt).toISOString();
    facts.uptimeSeconds = Math.max(0, Math.round((Date.now() - sections.status.bootedAt) / 1000));
  }
  if (sections.checks) facts.checks = sections.checks;
  if (sections.configurations) facts.configurations = sections.configurations;
  return update;
}
