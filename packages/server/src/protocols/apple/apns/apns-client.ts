import http2 from 'node:http2';
import { createSecureContext, rootCertificates } from 'node:tls';

/** Apple's production and sandbox (development) APNs endpoints. */
export const APNS_PRODUCTION_URL = 'https://api.push.apple.com';
export const APNS_SANDBOX_URL = 'https://api.sandbox.push.apple.com';

export type PushResult =
  | { status: 'sent'; apnsId: string }
  /** The token is no longer valid for the topic: stop pushing to it until the device sends a newer token. */
  | { status: 'unregistered'; timestamp?: number }
  /** APNs (or the local token check) refused this push; retrying it unchanged will not help. */
  | { status: 'rejected'; reason: string; httpStatus: number }
  /** Delivery is unknown: connection errors, timeouts, 5xx or 429 after every retry. Try again later. */
  | { status: 'failed'; reason: string }
  /** APNs has been failing; this push was not attempted. Try again after the cooldown. */
  | { status: 'circuit_open' };

export interface CircuitBreakerOptions {
  /** Consecutive failed pushes (after their retries) that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before one trial push is let through. */
  cooldownMs: number;
}

export interface ApnsClientOptions {
  /** `https://api.push.apple.com`, `https://api.sandbox.push.apple.com`, or a local stand-in. */
  url: string;
  certificatePem: string;
  privateKeyPem: string;
  /** The push certificate's topic (its subject UID), `com.apple.mgmt.…`. */
  topic: string;
  /** Extra trust, added to the system roots, for a stand-in with its own CA. */
  ca?: string;
  /** Retries after the first attempt, for connection errors, 429, 500 and 503. Default 3. */
  maxRetries?: number;
  /** The first retry waits about this long; each next one about twice as long. Default 250 ms. */
  baseDelayMs?: number;
  /** Off unless given. */
  circuitBreaker?: CircuitBreakerOptions;
  /** Per attempt, from sending the request to the end of the response. Default 10 s. */
  timeoutMs?: number;
  /** Pushes expire at APNs this long after they are sent. Default one day. */
  expirationSeconds?: number;
}

export interface ApnsClientStats {
  sent: number;
  failed: number;
  unregistered: number;
  rejected: number;
  /** Attempts repeated after a retryable failure. */
  retries: number;
  /** Pushes refused at once because the circuit was open. */
  circuitOpen: number;
  /** HTTP/2 connections opened over the client's life. */
  sessionsOpened: number;
}

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface PushItem {
  token: string;
  pushMagic: string;
}

/** What one attempt came to: a final answer, or a reason to try again. */
type Attempt = { final: PushResult; healthy: boolean } | { retry: string; circuitFailure: boolean };

const TOKEN_PATTERN = /^(?:[0-9a-fA-F]{2}){32,}$/;
const RETRYABLE_STATUSES = new Set([429, 500, 503]);
const MAX_RESPONSE_BYTES = 64 * 1024;
const MAX_BACKOFF_MS = 30_000;

/**
 * Sends MDM wake-up pushes to APNs over one long-lived HTTP/2 connection per push certificate,
 * with retries (jittered exponential backoff) and an optional circuit breaker.
 *
 * @example
 * const apns = new ApnsClient({ url: APNS_PRODUCTION_URL, certificatePem, privateKeyPem, topic });
 * const result = await apns.push(device.pushToken, device.pushMagic);
 * if (result.status === 'unregistered') await devices.forgetPushToken(device.id);
 */
export class ApnsClient {
  private readonly origin: string;
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly timeoutMs: number;
  private readonly expirationSeconds: number;
  private readonly breaker: CircuitBreakerOptions | undefined;
  private connection: Connection | undefined;
  private closed = false;
  private consecutiveFailures = 0;
  private circuit: CircuitState = 'closed';
  private openedAt = 0;
  private trialInFlight = false;
  private readonly counters: ApnsClientStats = { sent: 0, failed: 0, unregistered: 0, rejected: 0, retries: 0, circuitOpen: 0, sessionsOpened: 0 };

  constructor(private readonly options: ApnsClientOptions) {
    const url = new URL(options.url);
    if (url.protocol !== 'https:') throw new Error('APNs URL must be https');
    this.origin = url.origin;
    this.maxRetries = Math.max(0, options.maxRetries ?? 3);
    this.baseDelayMs = Math.max(0, options.baseDelayMs ?? 250);
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.expirationSeconds = options.expirationSeconds ?? 86_400;
    if (options.circuitBreaker && options.circuitBreaker.failureThreshold < 1) throw new Error('circuitBreaker.failureThreshold must be at least 1');
    this.breaker = options.circuitBreaker;
    // Unusable certificate material is a configuration error: say so now, not as a failed push later.
    createSecureContext({ cert: options.certificatePem, key: options.privateKeyPem, ...(options.ca ? { ca: options.ca } : {}) });
  }

  /** Counters since the client was created, for metrics. */
  get stats(): Readonly<ApnsClientStats> {
    return { ...this.counters };
  }

  get circuitState(): CircuitState {
    if (this.circuit === 'open' && this.breaker && Date.now() - this.openedAt >= this.breaker.cooldownMs) return 'half_open';
    return this.circuit;
  }

  /**
   * Wakes one device: it will connect to the check-in/command server. `token` is the device's push
   * token in hex, `pushMagic` the PushMagic string from its TokenUpdate.
   */
  async push(token: string, pushMagic: string): Promise<PushResult> {
    if (this.closed) return this.finish({ status: 'failed', reason: 'client closed' });
    if (!TOKEN_PATTERN.test(token)) return this.finish({ status: 'rejected', reason: 'BadDeviceToken', httpStatus: 400 });
    if (typeof pushMagic !== 'string' || pushMagic.length === 0) return this.finish({ status: 'rejected', reason: 'PayloadEmpty', httpStatus: 400 });

    const trial = this.admit();
    if (trial === undefined) {
      this.counters.circuitOpen++;
      return { status: 'circuit_open' };
    }
    const body = JSON.stringify({ mdm: pushMagic });
    const attempts = trial ? 1 : this.maxRetries + 1;
    let lastReason = 'no attempt';
    let circuitFailure = false;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) {
        this.counters.retries++;
        await sleep(this.backoff(attempt));
        if (this.closed) break;
      }
      const outcome = await this.attempt(token.toLowerCase(), body);
      if ('final' in outcome) {
        this.recordHealth(outcome.healthy, trial);
        return this.finish(outcome.final);
      }
      lastReason = outcome.retry;
      circuitFailure = outcome.circuitFailure;
    }
    // A 429 proves APNs is up (it is throttling this token), so only other failures count against the circuit.
    this.recordHealth(!circuitFailure, trial);
    return this.finish({ status: 'failed', reason: lastReason });
  }

  /** Pushes to many devices, at most `concurrency` at a time, on the same connection. Results keep the input order. */
  async pushMany(items: readonly PushItem[], concurrency = 100): Promise<PushResult[]> {
    const results: PushResult[] = new Array(items.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < items.length) {
        const index = next++;
        const item = items[index] as PushItem;
        results[index] = await this.push(item.token, item.pushMagic);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
    return results;
  }

  /** Ends the connection after in-flight pushes finish; later pushes fail. */
  async close(): Promise<void> {
    this.closed = true;
    const session = this.connection?.session;
    this.connection = undefined;
    if (!session || session.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => session.destroy(), this.timeoutMs);
      session.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      session.close();
    });
  }

  /**
   * Decides whether a push may go out: `false` for a normal push, `true` for the one trial of a
   * half-open circuit, `undefined` when the circuit is open.
   */
  private admit(): boolean | undefined {
    if (!this.breaker || this.circuit === 'closed') return false;
    if (this.trialInFlight) return undefined;
    if (Date.now() - this.openedAt < this.breaker.cooldownMs) return undefined;
    this.circuit = 'half_open';
    this.trialInFlight = true;
    return true;
  }

  private recordHealth(healthy: boolean, trial: boolean): void {
    if (trial) this.trialInFlight = false;
    if (healthy) {
      this.consecutiveFailures = 0;
      this.circuit = 'closed';
      return;
    }
    this.consecutiveFailures++;
    if (!this.breaker) return;
    if (trial || this.consecutiveFailures >= this.breaker.failureThreshold) {
      this.circuit = 'open';
      this.openedAt = Date.now();
    }
  }

  private finish(result: PushResult): PushResult {
    if (result.status === 'sent') this.counters.sent++;
    else if (result.status === 'unregistered') this.counters.unregistered++;
    else if (result.status === 'rejected') this.counters.rejected++;
    else if (result.status === 'failed') this.counters.failed++;
    return result;
  }

  /** Exponential backoff with jitter: a random delay in the upper half of a window that doubles each retry. */
  private backoff(attempt: number): number {
    const window = Math.min(MAX_BACKOFF_MS, this.baseDelayMs * 2 ** (attempt - 1));
    return window / 2 + Math.random() * (window / 2);
  }

  /**
   * The current connection, or a new one. `ready` settles once the server's SETTINGS arrive (with
   * `undefined`) or the connection fails (with the reason): until then we do not know the server's
   * stream limit, and streams opened beyond it would be refused.
   */
  private connect(): Connection {
    const current = this.connection;
    if (current && !current.session.closed && !current.session.destroyed) return current;
    const session = http2.connect(this.origin, {
      cert: this.options.certificatePem,
      key: this.options.privateKeyPem,
      ...(this.options.ca ? { ca: [...rootCertificates, this.options.ca] } : {}),
    });
    this.counters.sessionsOpened++;
    let markReady: (failure: string | undefined) => void = () => {};
    const connection: Connection = {
      session,
      ready: new Promise((resolve) => {
        markReady = resolve;
      }),
      active: 0,
    };
    const forget = () => {
      if (this.connection === connection) this.connection = undefined;
    };
    session.once('remoteSettings', () => markReady(undefined));
    // Errors reach the streams too; the session only has to be forgotten so the next push reconnects.
    session.on('error', (error) => {
      forget();
      markReady(`connection: ${describe(error)}`);
    });
    session.on('close', () => {
      forget();
      markReady('connection: closed');
    });
    // After GOAWAY the session finishes its open streams and closes; new pushes go to a new connection.
    session.on('goaway', forget);
    session.on('frameError', () => {});
    // An idle connection must not keep the process alive; one with pushes in flight must (see `track`).
    session.unref();
    this.connection = connection;
    return connection;
  }

  /** Keeps the connection's socket referenced while it has attempts in flight. */
  private track(connection: Connection, delta: 1 | -1): void {
    connection.active += delta;
    if (connection.session.destroyed) return;
    if (delta === 1 && connection.active === 1) connection.session.ref();
    if (delta === -1 && connection.active === 0) connection.session.unref();
  }

  private async attempt(token: string, body: string): Promise<Attempt> {
    const deadline = Date.now() + this.timeoutMs;
    let connection: Connection;
    try {
      connection = this.connect();
    } catch (error) {
      return { retry: `connection: ${describe(error)}`, circuitFailure: true };
    }
    this.track(connection, 1);
    try {
      const failure = await withTimeout(connection.ready, this.timeoutMs);
      if (failure === TIMED_OUT) {
        // A connection that never came up is abandoned, so the retry dials again.
        if (this.connection === connection) this.connection = undefined;
        connection.session.destroy();
        return { retry: 'timeout', circuitFailure: true };
      }
      if (failure !== undefined) return { retry: failure, circuitFailure: true };
      return await this.exchange(connection.session, token, body, Math.max(1, deadline - Date.now()));
    } finally {
      this.track(connection, -1);
    }
  }

  /** One request and its response on an established session. */
  private exchange(session: http2.ClientHttp2Session, token: string, body: string, timeoutMs: number): Promise<Attempt> {
    let request: http2.ClientHttp2Stream;
    try {
      request = session.request({
        ':method': 'POST',
        ':path': `/3/device/${token}`,
        'apns-topic': this.options.topic,
        'apns-push-type': 'mdm',
        'apns-priority': '10',
        'apns-expiration': String(Math.floor(Date.now() / 1000) + this.expirationSeconds),
        'content-length': String(Buffer.byteLength(body)),
      });
    } catch (error) {
      // The session went away between our check and the request (GOAWAY, stream ids exhausted).
      if (this.connection?.session === session) this.connection = undefined;
      session.destroy();
      return Promise.resolve({ retry: `connection: ${describe(error)}`, circuitFailure: true });
    }
    return new Promise<Attempt>((resolve) => {
      let settled = false;
      let status = 0;
      let apnsId = '';
      const chunks: Buffer[] = [];
      let size = 0;
      const settle = (outcome: Attempt) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const timer = setTimeout(() => {
        request.close(http2.constants.NGHTTP2_CANCEL);
        settle({ retry: 'timeout', circuitFailure: true });
      }, timeoutMs);
      request.on('response', (headers) => {
        status = Number(headers[':status'] ?? 0);
        const id = headers['apns-id'];
        apnsId = Array.isArray(id) ? (id[0] ?? '') : (id ?? '');
      });
      request.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
      });
      request.on('end', () => settle(interpret(status, apnsId, Buffer.concat(chunks).toString('utf8'))));
      // Refused streams (REFUSED_STREAM, GOAWAY past their id) were not processed and are safe to retry.
      request.on('error', (error) => settle({ retry: `connection: ${describe(error)}`, circuitFailure: true }));
      request.on('close', () => settle({ retry: 'connection: stream closed before a response', circuitFailure: true }));
      request.end(body);
    });
  }
}

interface Connection {
  session: http2.ClientHttp2Session;
  ready: Promise<string | undefined>;
  /** Attempts in flight on this connection. */
  active: number;
}

const TIMED_OUT = Symbol('timed out');

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function interpret(status: number, apnsId: string, body: string): Attempt {
  if (status === 200) return { final: { status: 'sent', apnsId }, healthy: true };
  const { reason, timestamp } = parseErrorBody(body);
  if (status === 410) {
    return { final: timestamp === undefined ? { status: 'unregistered' } : { status: 'unregistered', timestamp }, healthy: true };
  }
  if (RETRYABLE_STATUSES.has(status)) return { retry: `${reason ?? 'HTTP'} (${status})`, circuitFailure: status !== 429 };
  if (status >= 500 || status === 0) return { final: { status: 'failed', reason: `${reason ?? 'HTTP'} (${status})` }, healthy: false };
  return { final: { status: 'rejected', reason: reason ?? `HTTP ${status}`, httpStatus: status }, healthy: true };
}

function parseErrorBody(body: string): { reason?: string; timestamp?: number } {
  if (!body) return {};
  try {
    const parsed: unknown = JSON.parse(body);
    if (!parsed || typeof parsed !== 'object') return {};
    const { reason, timestamp } = parsed as { reason?: unknown; timestamp?: unknown };
    return {
      ...(typeof reason === 'string' ? { reason } : {}),
      ...(typeof timestamp === 'number' && Number.isFinite(timestamp) ? { timestamp } : {}),
    };
  } catch {
    return {};
  }
}

function describe(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') return error.code;
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
