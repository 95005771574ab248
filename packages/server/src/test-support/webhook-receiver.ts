import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Whether `Steward-Signature` verified against the secret (when one was given). */
  signatureValid: boolean;
  at: number;
}

/**
 * A webhook receiver on http://127.0.0.1 that verifies Steward's signature the way a receiver in
 * production should: recompute HMAC-SHA256 over "<t>.<raw body>" and compare in constant time.
 * `respond` picks each answer's status (default 200).
 */
export async function startWebhookReceiver(options: { secret?: () => string | undefined; respond?: (n: number) => number } = {}) {
  const received: ReceivedWebhook[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({
        headers: req.headers,
        body,
        signatureValid: verify(String(req.headers['steward-signature'] ?? ''), body, options.secret?.()),
        at: Date.now(),
      });
      res.statusCode = options.respond?.(received.length) ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function verify(header: string, body: string, secret: string | undefined): boolean {
  if (!secret) return false;
  const t = /(?:^|,)t=(\d+)/.exec(header)?.[1];
  const v1 = /(?:^|,)v1=([0-9a-f]{64})/.exec(header)?.[1];
  if (!t || !v1) return false;
  if (Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(v1, 'hex'));
}
