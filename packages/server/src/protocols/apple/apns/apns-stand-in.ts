import { randomUUID } from 'node:crypto';
import http2 from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { readTopic } from './push-certificate.js';

/** One push the stand-in accepted. */
export interface ApnsDelivery {
  token: string;
  topic: string;
  pushMagic: string;
  at: Date;
  apnsId: string;
  /** The request's APNs headers as received (`apns-priority`, `apns-expiration`, `apns-push-type`, …). */
  headers: Readonly<Record<string, string>>;
  /** The request body exactly as received. */
  body: string;
}

export interface ApnsStandInOptions {
  /** The stand-in's server certificate and key, and the CA that client (push) certificates must chain to. */
  tls: { cert: string; key: string; ca: string };
  port?: number;
  host?: '127.0.0.1';
  /** Keep accepted pushes in `deliveries`. Default true; turn off for long benchmarks. */
  recordDeliveries?: boolean;
  /** Waits this long before answering each request, to imitate the round trip to Apple. */
  responseDelayMs?: number;
  /** Streams a client may have open at once on one connection; APNs allows 1000 to certificate-authenticated providers. */
  maxConcurrentStreams?: number;
}

export interface ApnsStandInStats {
  /** TCP connections accepted, including those refused while down. */
  connections: number;
  /** HTTP/2 sessions established (TLS and client certificate accepted). */
  sessions: number;
  /** Requests answered, whatever the answer. */
  requests: number;
  delivered: number;
}

export type FailingStatus = 503 | 500 | 429;

export interface ApnsStandIn {
  /** Base URL to give an `ApnsClient`, `https://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  readonly deliveries: ApnsDelivery[];
  readonly stats: Readonly<ApnsStandInStats>;
  /** Calls `listener` for every accepted push (a simulated device wakes up here); returns an unsubscribe function. */
  onPush(listener: (delivery: ApnsDelivery) => void): () => void;
  /** From now on, pushes to `token` get 410 Unregistered with this timestamp (ms since the epoch). */
  markUnregistered(token: string, timestamp?: number): void;
  /** While down, new connections are dropped at once and existing ones are cut. */
  setDown(down: boolean): void;
  /** Answer the next `times` valid pushes (all of them when omitted) with this status; `null` stops. */
  setFailing(status: FailingStatus | null, times?: number): void;
  /** Ends every current connection: `goaway` politely (GOAWAY, as Apple does on idle or maintenance), `reset` abruptly. */
  dropSessions(how?: 'goaway' | 'reset'): void;
  close(): Promise<void>;
}

const FAILURE_REASONS: Record<FailingStatus, string> = { 503: 'ServiceUnavailable', 500: 'InternalServerError', 429: 'TooManyRequests' };
const TOKEN_PATTERN = /^(?:[0-9a-fA-F]{2}){32,}$/;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** APNs' limit for a regular (non-VoIP) notification payload. */
const MAX_PAYLOAD_BYTES = 4096;
const PRIORITIES = new Set(['10', '5', '1']);

/**
 * A local APNs (provider API, certificate-based authentication) for tests, demos and the benchmark.
 * It answers the way Apple documents: 200 with `apns-id`, or an error status with `{"reason": …}`.
 * MDM pushes only: `apns-push-type` must be `mdm` and the body `{"mdm": "<PushMagic>"}`.
 *
 * @example
 * const apns = await startApnsStandIn({ tls: { cert, key, ca: ca.certificatePem } });
 * apns.onPush(({ token }) => simulator.wake(token));
 * const client = new ApnsClient({ url: apns.url, ca: ca.certificatePem, certificatePem, privateKeyPem, topic });
 */
export async function startApnsStandIn(options: ApnsStandInOptions): Promise<ApnsStandIn> {
  const host = options.host ?? '127.0.0.1';
  const recordDeliveries = options.recordDeliveries ?? true;
  const deliveries: ApnsDelivery[] = [];
  const listeners = new Set<(delivery: ApnsDelivery) => void>();
  const unregistered = new Map<string, number>();
  const sockets = new Set<Socket>();
  const sessions = new Set<http2.ServerHttp2Session>();
  const topics = new WeakMap<http2.ServerHttp2Session, string | undefined>();
  const stats: ApnsStandInStats = { connections: 0, sessions: 0, requests: 0, delivered: 0 };
  let down = false;
  let failing: { status: FailingStatus; remaining: number } | undefined;

  const server = http2.createSecureServer({
    cert: options.tls.cert,
    key: options.tls.key,
    ca: options.tls.ca,
    requestCert: true,
    rejectUnauthorized: true,
    allowHTTP1: false,
    settings: { maxConcurrentStreams: options.maxConcurrentStreams ?? 1000 },
  });

  server.on('connection', (socket: Socket) => {
    stats.connections++;
    if (down) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  server.on('session', (session) => {
    stats.sessions++;
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    session.on('error', () => {});
  });
  server.on('tlsClientError', () => {});
  server.on('sessionError', () => {});

  /** The topic the client's certificate allows: its subject UID. */
  const topicOf = (session: http2.ServerHttp2Session): string | undefined => {
    if (!topics.has(session)) {
      const peer = (session.socket as TLSSocket).getPeerX509Certificate?.();
      let topic: string | undefined;
      try {
        topic = peer ? readTopic(peer.raw) : undefined;
      } catch {
        topic = undefined;
      }
      topics.set(session, topic);
    }
    return topics.get(session);
  };

  server.on('stream', (stream, headers) => {
    stream.on('error', () => {});
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_PAYLOAD_BYTES + 1) chunks.push(chunk);
    });
    stream.on('end', () => {
      const answer = (status: number, reason?: string, extra: Record<string, unknown> = {}, apnsId: string = randomUUID()) => {
        stats.requests++;
        const send = () => {
          if (stream.destroyed || stream.closed) return;
          const body = reason ? JSON.stringify({ reason, ...extra }) : undefined;
          stream.respond({ ':status': status, 'apns-id': apnsId, ...(body ? { 'content-type': 'application/json; charset=utf-8' } : {}) });
          stream.end(body);
        };
        if (options.responseDelayMs) setTimeout(send, options.responseDelayMs);
        else send();
      };
      const method = headers[':method'];
      const path = headers[':path'] ?? '';
      if (method !== 'POST') return answer(405, 'MethodNotAllowed');
      const match = /^\/3\/device\/([^/?]*)$/.exec(path);
      if (!match) return answer(404, 'BadPath');
      const token = match[1] ?? '';
      if (!token) return answer(400, 'MissingDeviceToken');
      if (!TOKEN_PATTERN.test(token)) return answer(400, 'BadDeviceToken');

      const apnsIdHeader = header(headers, 'apns-id');
      if (apnsIdHeader !== undefined && !UUID_PATTERN.test(apnsIdHeader)) return answer(400, 'BadMessageId');
      const apnsId = apnsIdHeader ?? randomUUID();
      const topic = header(headers, 'apns-topic');
      if (topic === undefined || topic === '') return answer(400, 'MissingTopic', {}, apnsId);
      if (topic !== topicOf(stream.session as http2.ServerHttp2Session)) return answer(400, 'BadTopic', {}, apnsId);
      if (header(headers, 'apns-push-type') !== 'mdm') return answer(400, 'InvalidPushType', {}, apnsId);
      const priority = header(headers, 'apns-priority');
      if (priority !== undefined && !PRIORITIES.has(priority)) return answer(400, 'BadPriority', {}, apnsId);
      const expiration = header(headers, 'apns-expiration');
      if (expiration !== undefined && !/^\d+$/.test(expiration)) return answer(400, 'BadExpirationDate', {}, apnsId);

      if (size === 0) return answer(400, 'PayloadEmpty', {}, apnsId);
      if (size > MAX_PAYLOAD_BYTES) return answer(413, 'PayloadTooLarge', {}, apnsId);
      const body = Buffer.concat(chunks).toString('utf8');
      const pushMagic = readPushMagic(body);
      // Apple documents no reason for a malformed MDM payload; the stand-in is stricter, to catch client bugs.
      if (pushMagic === undefined) return answer(400, 'BadPayload', {}, apnsId);

      if (failing) {
        const { status } = failing;
        failing.remaining--;
        if (failing.remaining <= 0) failing = undefined;
        return answer(status, FAILURE_REASONS[status], {}, apnsId);
      }
      const deadSince = unregistered.get(token.toLowerCase());
      if (deadSince !== undefined) return answer(410, 'Unregistered', { timestamp: deadSince }, apnsId);

      const delivery: ApnsDelivery = {
        token: token.toLowerCase(),
        topic,
        pushMagic,
        at: new Date(),
        apnsId,
        headers: apnsHeaders(headers),
        body,
      };
      stats.delivered++;
      if (recordDeliveries) deliveries.push(delivery);
      answer(200, undefined, {}, apnsId);
      for (const listener of listeners) {
        try {
          listener(delivery);
        } catch {
          // a listener's failure is the listener's problem, not the push's
        }
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  const dropSessions = (how: 'goaway' | 'reset' = 'reset') => {
    for (const session of sessions) {
      if (how === 'goaway') session.close();
      else session.destroy();
    }
    if (how === 'reset') for (const socket of sockets) socket.destroy();
  };

  return {
    url: `https://${host}:${port}`,
    port,
    deliveries,
    get stats() {
      return { ...stats };
    },
    onPush(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    markUnregistered(token, timestamp = Date.now()) {
      unregistered.set(token.toLowerCase(), timestamp);
    },
    setDown(value) {
      down = value;
      if (down) dropSessions('reset');
    },
    setFailing(status, times) {
      failing = status === null ? undefined : { status, remaining: times ?? Number.POSITIVE_INFINITY };
    },
    dropSessions,
    close() {
      listeners.clear();
      dropSessions('reset');
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function header(headers: http2.IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function apnsHeaders(headers: http2.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('apns-') && value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** The PushMagic of an MDM payload, which must be exactly an object with one string `mdm`. */
function readPushMagic(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    const keys = Object.keys(parsed);
    const mdm = (parsed as { mdm?: unknown }).mdm;
    return keys.length === 1 && typeof mdm === 'string' && mdm.length > 0 ? mdm : undefined;
  } catch {
    return undefined;
  }
}
