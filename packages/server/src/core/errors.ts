/**
 * The error catalogue: every error a client can see has a stable code, an HTTP status and a message.
 * Clients branch on `code`; messages may be reworded. Documented in `docs/errors.md`.
 */
export const ERRORS = Object.freeze({
  bad_request: { status: 400, message: 'The request is malformed.' },
  validation_failed: { status: 400, message: 'The request does not match the schema.' },
  invalid_json: { status: 400, message: 'The body is not valid JSON.' },
  invalid_path: { status: 400, message: 'The request path is not in canonical form.' },
  invalid_sort: { status: 400, message: 'The sort key is not one of the allowed keys.' },
  invalid_cursor: { status: 400, message: 'The paging cursor is not valid.' },
  invalid_filter: { status: 400, message: 'The filter is not valid.' },
  unauthenticated: { status: 401, message: 'Sign in or present a valid API token.' },
  invalid_credentials: { status: 401, message: 'E-mail or password is wrong.' },
  mfa_required: { status: 401, message: 'This account requires a one-time code.' },
  invalid_mfa_code: { status: 401, message: 'The one-time code is wrong.' },
  account_locked: { status: 423, message: 'Too many failed sign-ins; the account is locked for a while.' },
  too_many_requests: { status: 429, message: 'Too many requests; slow down.' },
  forbidden: { status: 403, message: 'Your role does not allow this.' },
  not_found: { status: 404, message: 'Not found.' },
  route_not_found: { status: 404, message: 'No such route.' },
  method_not_allowed: { status: 405, message: 'Method not allowed.' },
  conflict: { status: 409, message: 'The request conflicts with the current state.' },
  email_taken: { status: 409, message: 'A user with this e-mail already exists.' },
  name_taken: { status: 409, message: 'The name is already in use.' },
  setup_done: { status: 409, message: 'Setup is already complete.' },
  invalid_setup_token: { status: 401, message: 'The setup link is invalid or has been used.' },
  last_admin: { status: 409, message: 'The last admin cannot be removed or demoted.' },
  mfa_not_enrolled: { status: 409, message: 'Multi-factor authentication has not been set up.' },
  mfa_already_enabled: { status: 409, message: 'Multi-factor authentication is already enabled.' },
  command_not_cancellable: { status: 409, message: 'The command has no deliveries left to cancel.' },
  command_not_applicable: { status: 422, message: 'The command does not apply to these devices.' },
  empty_target: { status: 422, message: 'The target matches no device.' },
  personal_device: {
    status: 409,
    message: 'This is a personal (BYOD) device: Steward never wipes it or asks for its location. Retire it to remove what Steward installed.',
  },
  invalid_profile: { status: 400, message: 'The profile is not valid for its channel.' },
  package_hash_mismatch: { status: 400, message: 'The package does not match its SHA-256.' },
  device_identity_required: { status: 401, message: 'The device must prove its identity (Mdm-Signature or client certificate).' },
  device_identity_invalid: { status: 401, message: 'The device identity does not verify or was not issued by Steward.' },
  device_identity_mismatch: { status: 403, message: 'The identity does not belong to the device named in the message.' },
  device_not_enrolled: { status: 403, message: 'The device has not authenticated with this identity.' },
  unknown_message_type: { status: 400, message: 'Unknown message type.' },
  invalid_plist: { status: 400, message: 'The body is not an acceptable property list.' },
  topic_mismatch: { status: 403, message: 'The push topic is not one of this server’s.' },
  unknown_command_result: { status: 400, message: 'The result is for a command never sent to this device.' },
  enrollment_unavailable: { status: 404, message: 'This enrollment link is invalid, expired, used up or revoked.' },
  apns_not_configured: { status: 409, message: 'Upload an APNs push certificate before enrolling Apple devices.' },
  invalid_syncml: { status: 400, message: 'The body is not an acceptable OMA-DM (SyncML) message for this session.' },
  recovery_key_not_escrowed: { status: 404, message: 'The device has not escrowed a BitLocker recovery key.' },
  length_required: { status: 411, message: 'Device requests must carry a Content-Length (no chunked bodies).' },
  android_credentials_invalid: { status: 400, message: 'The service-account key is not usable for the Android Management API.' },
  android_not_configured: { status: 409, message: 'Upload service-account credentials and bind an Android enterprise first.' },
  android_signup_invalid: { status: 400, message: 'The enterprise sign-up callback is unknown, used or incomplete.' },
  android_api_error: { status: 424, message: 'The Android Management API refused or failed the request.' },
  pubsub_unauthenticated: { status: 401, message: 'The Pub/Sub push does not carry this server’s secret.' },
  invalid_webhook_url: { status: 422, message: 'The webhook URL is not acceptable.' },
  smtp_not_configured: { status: 409, message: 'No SMTP server is configured (--smtp-url).' },
  unknown_report: { status: 404, message: 'No such report.' },
  report_too_large: { status: 422, message: 'The report has too many rows for this format; narrow the filter or use CSV.' },
  unsupported: { status: 400, message: 'Not supported.' },
  payload_too_large: { status: 413, message: 'The body is too large.' },
  unsupported_media_type: { status: 415, message: 'Unsupported content type.' },
  service_unavailable: { status: 503, message: 'A dependency is unavailable.' },
  internal: { status: 500, message: 'Internal error.' },
} as const satisfies Record<string, { status: number; message: string }>);

export type ErrorCode = keyof typeof ERRORS;

/** An error that maps onto the catalogue; thrown anywhere, rendered by the API's error handler. */
export class StewardError extends Error {
  override name = 'StewardError';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: unknown,
  ) {
    super(message ?? ERRORS[code].message);
    this.status = ERRORS[code].status;
  }
}

export const notFound = (what: string): StewardError => new StewardError('not_found', `${what} not found.`);
