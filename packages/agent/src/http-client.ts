import http from 'node:http';
import https from 'node:https';

/** How the agent proves who it is on each call after enrollment. */
export interface ClientIdentity {
  keyPem: string;
  certificatePem: string;
}

export interface ClientOptions {
  server: string;
  /** PEM roots to trust for the server's certificate; absent: the system's roots. */
  ca?: string | undefined;
  identity?: ClientIdentity | undefined;
  /**
   * Over plain HTTP (simulators behind a test proxy), send the certificate in this header as a
   * TLS-terminating proxy would (RFC 9440). A real agent always uses TLS.
   */
  proxyCertHeader?: string | undefined;
  /** Only for fetching the CA before pinning it: the fingerprint is what's trusted then. */
  insecure?: boolean;
  /** Connections kept open between calls (one agent: a couple; simulators: one per virtual agent). */
  agent?: http.Agent | undefined;
}

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
  /** The server understood and refused this message: sending it again won't help (identity problems are not the message's fault). */
  get permanent(): boolean {
    return this.status >= 400 && this.status < 500 && ![401, 403, 408, 429].includes(this.status);
  }
}

export interface Response<T> {
  status: number;
  body: T | undefined;
}

/** A tiny JSON-over-HTTPS client that presents the agent's certificate and trusts only what it was told to. */
export class HttpClient {
  private readonly base: URL;
  private readonly transport: typeof http | typeof https;
  private readonly agent: http.Agent;
  /** The RFC 9440 header value, encoded once (a simulator sends it on every call of every agent). */
  private readonly proxyCert: string | undefined;

  constructor(private readonly options: ClientOptions) {
    this.base = new URL(options.server);
    this.transport = this.base.protocol === 'https:' ? https : http;
    this.proxyCert =
      this.base.protocol === 'http:' && options.proxyCertHeader && options.identity
        ? `:${pemToDer(options.identity.certificatePem).toString('base64')}:`
        : undefined;
    this.agent =
      options.agent ??
      (this.base.protocol === 'https:'
        ? new https.Agent({
            keepAlive: true,
            maxSockets: 4,
            ...(options.ca ? { ca: options.ca } : {}),
            ...(options.identity ? { key: options.identity.keyPem, cert: options.identity.certificatePem } : {}),
            rejectUnauthorized: !options.insecure,
          })
        : new http.Agent({ keepAlive: true, maxSockets: 4 }));
  }

  close(): void {
    if (!this.options.agent) this.agent.destroy();
  }

  /**
   * One call. A kept-alive connection the server closed while it sat idle fails at once with
   * ECONNRESET on reuse: that (and only that) is retried once on a fresh connection.
   */
  async request<T>(method: string, path: string, body?: unknown, timeoutMs = 30_000): Promise<Response<T>> {
    try {
      return await this.attempt<T>(method, path, body, timeoutMs);
    } catch (error) {
      if ((error as { reusedSocket?: boolean }).reusedSocket && (error as NodeJS.ErrnoException).code === 'ECONNRESET')
        return this.attempt<T>(method, path, body, timeoutMs);
      throw error;
    }
  }

  private attempt<T>(method: string, path: string, body: unknown, timeoutMs: number): Promise<Response<T>> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    if (this.proxyCert && this.options.proxyCertHeader) headers[this.options.proxyCertHeader] = this.proxyCert;
    const url = new URL(path, this.base);
    return new Promise((resolve, reject) => {
      const request = this.transport.request(url, { method, headers, agent: this.agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = undefined;
          }
          const status = response.statusCode ?? 0;
          if (status >= 400) {
            const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
            reject(new HttpError(status, error?.code, `${method} ${path}: ${status} ${error?.code ?? ''} ${error?.message ?? ''}`.trim()));
            return;
          }
          resolve({ status, body: parsed as T | undefined });
        });
      });
      request.setTimeout(timeoutMs, () => request.destroy(new Error(`${method} ${path}: no answer within ${Math.round(timeoutMs / 1000)} s`)));
      request.on('error', (error) => {
        // Only a request that went out on a reused connection may be retried (see request()).
        reject(Object.assign(error, { reusedSocket: request.reusedSocket }));
      });
      request.end(payload);
    });
  }
}

export function pemToDer(pem: string): Buffer {
  const match = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem);
  if (!match?.[1]) throw new Error('not a PEM certificate');
  return Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
}
