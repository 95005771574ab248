import type { FastifyBaseLogger } from 'fastify';
import type { Context } from '../../context.js';
import type { AppleRepository, ApnsCertificateRow } from './apple-repository.js';
import { ApnsClient } from './apns/apns-client.js';

export const PUSH_KEY_CONTEXT = (topic: string) => `apns-key:${topic}`;
/** A device with pending commands that has been silent this long is pushed again by the sweep. */
const SWEEP_SILENCE_MS = 10 * 60_000;

/** `retryable`: pushes whose fate is unknown (APNs unreachable, 5xx, circuit open): worth sending again later. */
export interface PushOutcome {
  sent: number;
  failed: number;
  retryable: number;
}

/**
 * Wakes Apple devices through APNs: one client (one HTTP/2 connection) per push certificate,
 * rebuilt when the certificate is replaced. A 410 from APNs marks the token dead until the device
 * sends a new one.
 */
export class PushService {
  private clients = new Map<string, { client: ApnsClient; uploadedAt: number }>();

  constructor(
    private readonly ctx: Context,
    private readonly repo: AppleRepository,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Pushes every device with a live token among these devices, or with queued deliveries of this command. */
  async push(target: { deviceIds?: readonly string[]; commandId?: string }): Promise<PushOutcome> {
    const targets = await this.repo.pushTargets(target);
    return this.send(targets);
  }

  /** Re-pushes devices that have commands waiting and have been silent. */
  async sweep(now = Date.now()): Promise<PushOutcome> {
    const targets = await this.repo.pushTargets({ silentSince: now - SWEEP_SILENCE_MS, pushedBefore: now - SWEEP_SILENCE_MS, limit: 50_000 });
    return this.send(targets);
  }

  async close(): Promise<void> {
    for (const { client } of this.clients.values()) client.close();
    this.clients.clear();
  }

  private async send(targets: { device_id: string; topic: string; push_token: string | null; push_magic: string | null }[]): Promise<PushOutcome> {
    let sent = 0;
    let failed = 0;
    let retryable = 0;
    const byTopic = new Map<string, typeof targets>();
    for (const t of targets) byTopic.set(t.topic, [...(byTopic.get(t.topic) ?? []), t]);
    for (const [topic, devices] of byTopic) {
      const client = await this.clientFor(topic);
      if (!client) {
        failed += devices.length;
        retryable += devices.length;
        this.log.warn({ topic }, 'no push certificate for this topic');
        continue;
      }
      const results = await client.pushMany(devices.map((d) => ({ token: d.push_token ?? '', pushMagic: d.push_magic ?? '' })));
      const pushed: string[] = [];
      for (const [i, result] of results.entries()) {
        const device = devices[i];
        if (!device) continue;
        if (result.status === 'sent') {
          sent++;
          pushed.push(device.device_id);
        } else {
          failed++;
          if (result.status === 'failed' || result.status === 'circuit_open') retryable++;
          if (result.status === 'unregistered') await this.repo.markTokenDead(device.device_id);
        }
      }
      await this.repo.markPushed(pushed);
    }
    return { sent, failed, retryable };
  }

  private async clientFor(topic: string): Promise<ApnsClient | undefined> {
    const rows = await this.repo.pushCertificates();
    const row: ApnsCertificateRow | undefined = rows.find((r) => r.topic === topic);
    if (!row) return undefined;
    const cached = this.clients.get(topic);
    if (cached && cached.uploadedAt === row.uploaded_at) return cached.client;
    cached?.client.close();
    const client = new ApnsClient({
      url: this.ctx.config.apple.apnsUrl,
      certificatePem: row.certificate_pem,
      privateKeyPem: this.ctx.box.open(row.private_key_sealed, PUSH_KEY_CONTEXT(topic)).toString(),
      topic,
      ...(this.ctx.config.apple.apnsCa ? { ca: this.ctx.config.apple.apnsCa } : {}),
      circuitBreaker: { failureThreshold: 20, cooldownMs: 30_000 },
    });
    this.clients.set(topic, { client, uploadedAt: row.uploaded_at });
    return client;
  }
}
