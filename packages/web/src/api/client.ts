import createClient from 'openapi-fetch';
import type { paths } from './schema';

/** The body of every error the API answers with (see the error catalogue in the server). */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** An API call that failed: the HTTP status and the catalogue's stable `code`, which the UI branches on. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** The field-level problems of a `validation_failed` answer, as the server listed them. */
  get fieldErrors(): { path: string; message: string }[] {
    return Array.isArray(this.details)
      ? (this.details as { path?: string; message?: string }[]).map((d) => ({ path: d.path ?? '/', message: d.message ?? '' }))
      : [];
  }
}

const isErrorBody = (value: unknown): value is ApiErrorBody =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as ApiErrorBody).error === 'object' &&
  typeof (value as ApiErrorBody).error?.code === 'string' &&
  typeof (value as ApiErrorBody).error?.message === 'string';

/** Turns whatever a failed response carried into an {@link ApiError}. */
export function toApiError(status: number, body: unknown): ApiError {
  if (isErrorBody(body)) return new ApiError(status, body.error.code, body.error.message, body.error.details);
  return new ApiError(status, status >= 500 ? 'internal' : 'bad_response', `The server answered ${status}.`);
}

/**
 * The typed API client. Requests go to the console's own origin with the session cookie (which is
 * HttpOnly and SameSite=Strict, so scripts never see it).
 *
 * @example
 * const me = await call(api.GET('/api/v1/auth/me'));
 */
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin', headers: { accept: 'application/json' } });

type Listener = (error: ApiError) => void;
const unauthenticatedListeners = new Set<Listener>();

/** Called whenever the API says the session is missing or has ended (not for a wrong password). */
export function onUnauthenticated(listener: Listener): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

/**
 * Awaits an `api.GET/POST/…` call and returns its data, or throws an {@link ApiError}.
 * Network failures become an ApiError with status 0 and code `network_error`.
 */
export async function call<D>(request: Promise<{ data?: D; error?: unknown; response: Response }>): Promise<D> {
  let result: { data?: D; error?: unknown; response: Response };
  try {
    result = await request;
  } catch (cause) {
    throw new ApiError(0, 'network_error', 'The server could not be reached. Check your connection and try again.', cause);
  }
  if (result.response.ok) return result.data as D;
  const error = toApiError(result.response.status, result.error);
  if (error.status === 401 && error.code === 'unauthenticated') for (const listener of unauthenticatedListeners) listener(error);
  throw error;
}

/** A message fit to show a person for any error thrown by a query or mutation. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = error.fieldErrors.filter((f) => f.message);
    return fields.length > 0 ? `${error.message} ${fields.map((f) => `${f.path.replace(/^\//, '') || 'request'}: ${f.message}`).join('; ')}` : error.message;
  }
  return error instanceof Error ? error.message : 'Something went wrong.';
}
