import { createSign } from 'node:crypto';
import { createRequire } from 'node:module';
import type { androidmanagement_v1 } from '@googleapis/androidmanagement';
import { StewardError } from '../../core/errors.js';

type GoogleClient = typeof import('@googleapis/androidmanagement');
let google: GoogleClient | undefined;
/** Google's client library (≈ 18 MB resident once loaded) is loaded the first time a server talks to AMAPI, not by every server. */
function googleClient(): GoogleClient {
  google ??= createRequire(import.meta.url)('@googleapis/androidmanagement') as GoogleClient;
  return google;
}

export type Amapi = androidmanagement_v1.Androidmanagement;
export type AmapiDevice = androidmanagement_v1.Schema$Device;
export type AmapiOperation = androidmanagement_v1.Schema$Operation;

/** The fields of a Google service-account key file Steward uses. */
export interface ServiceAccount {
  type: 'service_account';
  project_id: string;
  private_key_id?: string;
  private_key: string;
  client_email: string;
  token_uri: string;
}

export const AMAPI_SCOPE = 'https://www.googleapis.com/auth/androidmanagement';

/** Checks an uploaded key file; returns the service account or throws `android_credentials_invalid`. */
export function parseServiceAccount(value: unknown): ServiceAccount {
  const v = value as Partial<ServiceAccount> | null;
  const problems: string[] = [];
  if (!v || typeof v !== 'object') throw new StewardError('android_credentials_invalid', 'The key file must be a JSON object.');
  if (v.type !== 'service_account') problems.push('type must be "service_account"');
  for (const field of ['project_id', 'private_key', 'client_email', 'token_uri'] as const)
    if (typeof v[field] !== 'string' || !v[field]) problems.push(`${field} is required`);
  if (typeof v.token_uri === 'string' && !/^https?:\/\//.test(v.token_uri)) problems.push('token_uri must be an http(s) URL');
  if (typeof v.private_key === 'string' && !v.private_key.includes('PRIVATE KEY')) problems.push('private_key must be a PEM private key');
  if (problems.length) throw new StewardError('android_credentials_invalid', `The service-account key is not usable: ${problems.join('; ')}.`);
  return {
    type: 'service_account',
    project_id: v.project_id as string,
    private_key: v.private_key as string,
    client_email: v.client_email as string,
    token_uri: v.token_uri as string,
    ...(v.private_key_id ? { private_key_id: v.private_key_id } : {}),
  };
}

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/**
 * An OAuth client for the service-account (JWT bearer, RFC 7523) flow against the key file's own
 * `token_uri`. google-auth-library's `JWT` class (8.x, through gtoken 6) always posts to Google's
 * token URL and ignores `token_uri`, so it could never reach a stand-in; its `OAuth2Client` with a
 * refresh handler gives the same token caching and 401 retry while honouring `token_uri`.
 */
export function serviceAccountAuth(account: ServiceAccount) {
  const client = new (googleClient().auth.OAuth2)();
  client.refreshHandler = async () => {
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', ...(account.private_key_id ? { kid: account.private_key_id } : {}) }));
    const claims = b64url(JSON.stringify({ iss: account.client_email, scope: AMAPI_SCOPE, aud: account.token_uri, iat: now, exp: now + 3600 }));
    const signature = createSign('RSA-SHA256').update(`${header}.${claims}`).sign(account.private_key);
    const response = await fetch(account.token_uri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: `${header}.${claims}.${b64url(signature)}` }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await response.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string };
    if (!response.ok || !body.access_token) {
      const error = new Error(`token endpoint refused the service account: ${response.status} ${body.error ?? ''}`) as Error & { status?: number };
      error.status = response.status >= 500 || response.status === 429 ? response.status : 401;
      throw error;
    }
    return { access_token: body.access_token, expiry_date: Date.now() + (body.expires_in ?? 3600) * 1000 };
  };
  return client;
}

/** Google's client pointed at `rootUrl` (Google's API or a stand-in); retries are ours (see `withRetry`). */
export function createAmapi(rootUrl: string, account: ServiceAccount): Amapi {
  return googleClient().androidmanagement({ version: 'v1', rootUrl, auth: serviceAccountAuth(account), retry: false, timeout: 30_000 });
}

/** HTTP status of a failed call, from gaxios errors or our token errors. */
export function statusOf(error: unknown): number | undefined {
  const e = error as { status?: number; code?: number | string; response?: { status?: number } };
  if (typeof e?.response?.status === 'number') return e.response.status;
  if (typeof e?.status === 'number') return e.status;
  if (typeof e?.code === 'number') return e.code;
  return undefined;
}

/** Worth retrying: rate limits, server errors, and the network failing underneath. */
export function retryable(error: unknown): boolean {
  const status = statusOf(error);
  if (status === undefined) return true;
  return status === 429 || status >= 500 || status === 408;
}

export interface RetryOptions {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

/**
 * Runs an AMAPI call, retrying 429/5xx with full-jitter exponential backoff. Gives up after
 * `attempts` and rethrows: callers that own a command leave it queued so a later job tries again.
 */
export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions = { attempts: 5, baseMs: 200, maxMs: 5_000 }): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= options.attempts || !retryable(error)) throw error;
      const cap = Math.min(options.maxMs, options.baseMs * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * cap));
    }
  }
}

/** Google's error message (`{ error: { message } }`) for logs and command results. */
export function messageOf(error: unknown): string {
  const e = error as { response?: { data?: { error?: { message?: string; status?: string } } }; message?: string };
  const data = e?.response?.data?.error;
  if (data?.message) return `${data.status ?? statusOf(error)}: ${data.message}`;
  return String(e?.message ?? error);
}
