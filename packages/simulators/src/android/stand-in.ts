import { createVerify, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { androidmanagement_v1 } from '@googleapis/androidmanagement';
import { type Schemas, check, ENUMS, loadSchemas } from './amapi-schema.js';

type Policy = androidmanagement_v1.Schema$Policy;
type Device = androidmanagement_v1.Schema$Device;
type Operation = androidmanagement_v1.Schema$Operation;
type EnrollmentToken = androidmanagement_v1.Schema$EnrollmentToken;
type Enterprise = androidmanagement_v1.Schema$Enterprise;
type Command = androidmanagement_v1.Schema$Command;

/**
 * A local stand-in for Google's Android Management API and the devices behind it: the REST
 * endpoints Steward calls (with Google's resource shapes, `{ error: { code, message, status } }`
 * errors and long-running operations), the OAuth token endpoint of the service-account flow, a
 * Pub/Sub push subscription, and simulated devices running "Android Device Policy" that enroll
 * with a token, apply their policy, report status and carry out commands. Faults (latency, 429,
 * 5xx) can be injected. Request bodies are checked against the client's schemas (`violations`).
 */

const STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Fault {
  status: 429 | 500 | 502 | 503;
  /** Only requests whose "METHOD path" matches. */
  match?: RegExp;
}

export interface SimDevice {
  id: string;
  enterprise: string;
  resource: Device;
  personal: boolean;
  /** The length of the passcode the simulated user set (0: none). */
  passcodeLength: number;
  compromised: boolean;
  /** Extra non-compliance the test injects (e.g. a user who refuses an update). */
  extraNonCompliance: androidmanagement_v1.Schema$NonComplianceDetail[];
  locked: number;
  lostMode: boolean;
  wiped: boolean;
  reboots: number;
}

export interface StandInOptions {
  port?: number;
  /** Delay before a command's operation completes. */
  commandDelayMs?: number;
  /** Added to every API response. */
  latencyMs?: number;
}

export interface ServiceAccountKey {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  token_uri: string;
}

export class AmapiStandIn {
  readonly projectId = `steward-test-${randomBytes(3).toString('hex')}`;
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private readonly keyId = randomBytes(8).toString('hex');
  readonly clientEmail = `steward@${this.projectId}.iam.gserviceaccount.com`;
  private readonly tokens = new Map<string, number>();
  readonly enterprises = new Map<string, Enterprise>();
  readonly signupUrls = new Map<string, { callbackUrl: string; enterpriseToken: string; used: boolean }>();
  readonly policies = new Map<string, Policy>();
  readonly enrollmentTokens = new Map<string, EnrollmentToken & { used?: boolean }>();
  readonly devices = new Map<string, SimDevice>();
  readonly operations = new Map<string, Operation>();
  /** Pub/Sub push subscriptions: topic → push endpoint. */
  readonly subscriptions = new Map<string, string>();
  /** Every API request, for tests: method, path, query and body. */
  readonly requests: { method: string; path: string; query: URLSearchParams; body: unknown; status: number }[] = [];
  /** Requests whose body or parameters didn't match Google's schemas. */
  readonly violations: string[] = [];
  readonly faults: Fault[] = [];
  readonly pushes: { type: string; status: number; messageId: string }[] = [];
  private nextMessageId = BigInt(Date.now()) * 1000n;
  latencyMs: number;
  commandDelayMs: number;
  /** How long a device takes to apply a new policy and report. */
  applyDelayMs = 5;
  private readonly schemas: Schemas = loadSchemas();
  private server: http.Server | undefined;
  private timers = new Set<NodeJS.Timeout>();
  url = '';

  constructor(options: StandInOptions = {}) {
    this.latencyMs = options.latencyMs ?? 0;
    this.commandDelayMs = options.commandDelayMs ?? 30;
  }

  async start(port = 0): Promise<this> {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error) => {
        res.statusCode = 500;
        res.end(JSON.stringify({ error: { code: 500, message: String(error), status: 'INTERNAL' } }));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The key file an admin downloads from Google Cloud for the service account. */
  serviceAccount(): ServiceAccountKey {
    return {
      type: 'service_account',
      project_id: this.projectId,
      private_key_id: this.keyId,
      private_key: this.keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: this.clientEmail,
      client_id: '1000000000000000000',
      token_uri: `${this.url}/token`,
    };
  }

  /** Creates the push subscription of a topic (what `gcloud pubsub subscriptions create --push-endpoint` does). */
  subscribe(topic: string, pushEndpoint: string): void {
    this.subscriptions.set(topic, pushEndpoint);
  }

  /** What Google does when the admin finishes sign-up: the callback URL with the enterprise token. */
  completeSignup(signupUrl: string): string {
    const name = new URL(signupUrl).searchParams.get('name') ?? '';
    const signup = this.signupUrls.get(name);
    if (!signup) throw new Error('unknown sign-up URL');
    const url = new URL(signup.callbackUrl);
    url.searchParams.set('enterpriseToken', signup.enterpriseToken);
    return url.toString();
  }

  // ---------- devices ----------

  /**
   * A device is set up with an enrollment token (QR code scanned, or the link opened): Android
   * Device Policy registers it, applies the token's policy, and Google notifies the enterprise.
   */
  async enroll(tokenValue: string, options: { serial?: string; model?: string; passcodeLength?: number } = {}): Promise<SimDevice> {
    const token = [...this.enrollmentTokens.values()].find((t) => t.value === tokenValue);
    if (!token?.name) throw new Error('unknown enrollment token');
    if (Date.parse(token.expirationTimestamp ?? '') < Date.now()) throw new Error('enrollment token expired');
    if (token.oneTimeOnly && token.used) throw new Error('enrollment token already used');
    token.used = true;
    const enterprise = token.name.split('/enrollmentTokens/')[0] as string;
    const id = randomBytes(8).toString('hex');
    const personal = token.allowPersonalUsage === 'PERSONAL_USAGE_ALLOWED';
    const serial = options.serial ?? `R${randomBytes(5).toString('hex').toUpperCase()}`;
    const now = new Date().toISOString();
    const device: SimDevice = {
      id,
      enterprise,
      personal,
      passcodeLength: options.passcodeLength ?? 6,
      compromised: false,
      extraNonCompliance: [],
      locked: 0,
      lostMode: false,
      wiped: false,
      reboots: 0,
      resource: {
        name: `${enterprise}/devices/${id}`,
        managementMode: personal ? 'PROFILE_OWNER' : 'DEVICE_OWNER',
        ownership: personal ? 'PERSONALLY_OWNED' : 'COMPANY_OWNED',
        state: 'ACTIVE',
        appliedState: 'ACTIVE',
        policyName: token.policyName ?? null,
        enrollmentTime: now,
        enrollmentTokenName: token.name,
        enrollmentTokenData: token.additionalData ?? null,
        apiLevel: 34,
        hardwareInfo: {
          brand: 'Google',
          hardware: 'husky',
          manufacturer: 'Google',
          model: options.model ?? 'Pixel 8 Pro',
          serialNumber: serial,
          deviceBasebandVersion: 'g5300-00001',
        },
        softwareInfo: {
          androidVersion: '14',
          androidBuildNumber: 'AP2A.240805.005',
          securityPatchLevel: '2024-08-05',
          androidDevicePolicyVersionName: '2.212.0',
          androidDevicePolicyVersionCode: 2212,
          bootloaderVersion: 'ripcurrent-14.5',
        },
        networkInfo: {
          imei: `35${String(Math.floor(Math.random() * 1e13)).padStart(13, '0')}`,
          wifiMacAddress: '02:00:00:00:00:01',
          networkOperatorName: 'Example Mobile',
        },
        memoryInfo: { totalRam: '12884901888', totalInternalStorage: '128000000000' },
        displays: [{ name: 'Built-in Screen', displayId: 0, width: 1344, height: 2992, density: 489, refreshRate: 120, state: 'ON' }],
        deviceSettings: {
          isDeviceSecure: true,
          isEncrypted: true,
          encryptionStatus: 'ENCRYPTED_PER_USER',
          adbEnabled: false,
          developmentSettingsEnabled: false,
          unknownSourcesEnabled: false,
          verifyAppsEnabled: true,
        },
        securityPosture: { devicePosture: 'SECURE', postureDetails: [] },
        applicationReports: [
          { packageName: 'com.google.android.apps.work.clouddpc', displayName: 'Android Device Policy', versionName: '2.212.0', state: 'INSTALLED' },
          { packageName: 'com.android.chrome', displayName: 'Chrome', versionName: '127.0.6533.103', state: 'INSTALLED' },
        ],
      },
    };
    this.devices.set(device.resource.name as string, device);
    this.apply(device);
    await this.publish(enterprise, 'ENROLLMENT', device.resource);
    await this.report(device);
    return device;
  }

  /** The device applies its current policy (version and all) and computes its compliance. */
  private apply(device: SimDevice): void {
    const policy = this.policies.get(device.resource.policyName ?? '');
    const r = device.resource;
    const details: androidmanagement_v1.Schema$NonComplianceDetail[] = [];
    if (policy) {
      r.appliedPolicyName = policy.name ?? null;
      r.appliedPolicyVersion = policy.version ?? null;
      for (const p of policy.passwordPolicies ?? []) {
        if ((p.passwordMinimumLength ?? 0) > device.passcodeLength)
          details.push({ settingName: 'passwordPolicies', nonComplianceReason: 'USER_ACTION', fieldPath: 'passwordPolicies[0].passwordMinimumLength' });
      }
      const reports = (r.applicationReports ?? []).filter(
        (a) => !(policy.applications ?? []).some((p) => p.packageName === a.packageName && p.installType === 'BLOCKED'),
      );
      for (const app of policy.applications ?? []) {
        if ((app.installType === 'FORCE_INSTALLED' || app.installType === 'KIOSK') && !reports.some((a) => a.packageName === app.packageName))
          reports.push({ packageName: app.packageName ?? null, displayName: app.packageName ?? null, versionName: '1.0.0', state: 'INSTALLED' });
      }
      r.applicationReports = reports;
      if (policy.encryptionPolicy && r.deviceSettings) r.deviceSettings.isEncrypted = true;
    }
    details.push(...device.extraNonCompliance);
    r.nonComplianceDetails = details;
    r.policyCompliant = details.length === 0;
    r.securityPosture = device.compromised
      ? {
          devicePosture: 'POTENTIALLY_COMPROMISED',
          postureDetails: [{ securityRisk: 'COMPROMISED_OS', advice: [{ defaultMessage: 'Restore the original OS.' }] }],
        }
      : { devicePosture: 'SECURE', postureDetails: [] };
  }

  /** A status report: `lastStatusReportTime` moves on, and Google publishes STATUS_REPORT. */
  async report(device: SimDevice): Promise<void> {
    if (device.wiped) return;
    this.apply(device);
    const previous = Date.parse(device.resource.lastStatusReportTime ?? '') || 0;
    device.resource.lastStatusReportTime = new Date(Math.max(Date.now(), previous + 1)).toISOString();
    await this.publish(device.enterprise, 'STATUS_REPORT', device.resource);
  }

  /** The device's user lets the passcode fall short, or the test marks other settings non-compliant. */
  async reportNonCompliance(device: SimDevice, detail: androidmanagement_v1.Schema$NonComplianceDetail): Promise<void> {
    device.extraNonCompliance.push(detail);
    await this.report(device);
  }

  async setCompromised(device: SimDevice, compromised = true): Promise<void> {
    device.compromised = compromised;
    await this.report(device);
  }

  /**
   * Builds the Pub/Sub push request Google's topic would deliver, and sends it to the subscription.
   * Message ids are unique like Pub/Sub's: a counter (time and a random suffix collided when many
   * envelopes were built in the same millisecond, and Steward rightly dropped the second as a replay).
   */
  envelope(type: string, resource: unknown, messageId = String(this.nextMessageId++)) {
    return {
      message: {
        data: Buffer.from(JSON.stringify(resource)).toString('base64'),
        attributes: { notificationType: type },
        messageId,
        publishTime: new Date().toISOString(),
      },
      subscription: `projects/${this.projectId}/subscriptions/steward`,
      deliveryAttempt: 1,
    };
  }

  async publish(enterpriseName: string, type: string, resource: unknown): Promise<void> {
    const enterprise = this.enterprises.get(enterpriseName);
    if (!enterprise?.pubsubTopic || !(enterprise.enabledNotificationTypes ?? []).includes(type)) return;
    const endpoint = this.subscriptions.get(enterprise.pubsubTopic);
    if (!endpoint) return;
    const envelope = this.envelope(type, resource);
    // Pub/Sub retries a push that isn't acknowledged (non-2xx), with backoff.
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(envelope) });
        await response.arrayBuffer();
        this.pushes.push({ type, status: response.status, messageId: envelope.message.messageId });
        if (response.ok) return;
      } catch {
        this.pushes.push({ type, status: 0, messageId: envelope.message.messageId });
      }
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }

  // ---------- HTTP ----------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const method = req.method ?? 'GET';
    const send = (status: number, body: unknown) => {
      this.requests.push({ method, path: url.pathname, query: url.searchParams, body: parsed, status });
      res.statusCode = status;
      res.setHeader('content-type', 'application/json; charset=UTF-8');
      res.end(JSON.stringify(body ?? {}));
    };
    let parsed: unknown;
    if (this.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));

    if (method === 'POST' && url.pathname === '/token') {
      const form = new URLSearchParams(raw);
      const result = this.issueToken(form);
      this.requests.push({ method, path: url.pathname, query: url.searchParams, body: null, status: result.status });
      res.statusCode = result.status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(result.body));
      return;
    }
    try {
      if (raw) {
        try {
          parsed = JSON.parse(raw);
        } catch {
          throw new ApiError(400, 'Invalid JSON payload received.');
        }
      }
      const fault = this.faults.findIndex((f) => !f.match || f.match.test(`${method} ${url.pathname}`));
      if (fault >= 0) {
        const [f] = this.faults.splice(fault, 1);
        throw new ApiError(f?.status ?? 503, f?.status === 429 ? 'Quota exceeded for quota metric.' : 'The service is currently unavailable.');
      }
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!bearer || !((this.tokens.get(bearer) ?? 0) > Date.now())) throw new ApiError(401, 'Request had invalid authentication credentials.');
      send(200, await this.route(method, url, parsed));
    } catch (error) {
      if (error instanceof ApiError) send(error.code, { error: { code: error.code, message: error.message, status: STATUS[error.code] ?? 'UNKNOWN' } });
      else throw error;
    }
  }

  /** RFC 7523 JWT bearer grant: the assertion must be signed by the service account's key, for this token URI. */
  private issueToken(form: URLSearchParams): { status: number; body: unknown } {
    const refuse = (description: string) => ({ status: 400, body: { error: 'invalid_grant', error_description: description } });
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return { status: 400, body: { error: 'unsupported_grant_type' } };
    const [header, claims, signature] = (form.get('assertion') ?? '').split('.');
    if (!header || !claims || !signature) return refuse('Invalid JWT.');
    const valid = createVerify('RSA-SHA256').update(`${header}.${claims}`).verify(this.keys.publicKey, Buffer.from(signature, 'base64url'));
    if (!valid) return refuse('Invalid JWT Signature.');
    const c = JSON.parse(Buffer.from(claims, 'base64url').toString()) as { iss?: string; aud?: string; scope?: string; exp?: number; iat?: number };
    if (c.iss !== this.clientEmail) return refuse('Invalid issuer.');
    if (c.aud !== `${this.url}/token`) return refuse('Invalid audience.');
    if (!c.scope?.split(' ').includes('https://www.googleapis.com/auth/androidmanagement')) return refuse('Invalid scope.');
    if (!c.exp || c.exp * 1000 < Date.now()) return refuse('Token expired.');
    const token = `ya29.${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, Date.now() + 3600_000);
    return { status: 200, body: { access_token: token, expires_in: 3599, token_type: 'Bearer' } };
  }

  private validate(schema: string, body: unknown): void {
    const problems = check(this.schemas, schema, body ?? {});
    if (problems.length) {
      this.violations.push(...problems);
      throw new ApiError(400, `Invalid JSON payload received. ${problems.join('; ')}`);
    }
  }

  private violation(problem: string): never {
    this.violations.push(problem);
    throw new ApiError(400, problem);
  }

  private allowOnly(query: URLSearchParams, allowed: readonly string[]): void {
    for (const key of query.keys()) if (!allowed.includes(key) && key !== 'alt' && key !== 'prettyPrint') this.violation(`unknown query parameter ${key}`);
  }

  private async route(method: string, url: URL, body: unknown): Promise<unknown> {
    const path = decodeURIComponent(url.pathname).replace(/^\/v1\//, '');
    const q = url.searchParams;
    let m: RegExpExecArray | null;

    if (method === 'POST' && path === 'signupUrls') {
      this.allowOnly(q, ['projectId', 'callbackUrl', 'adminEmail']);
      if (q.get('projectId') !== this.projectId) throw new ApiError(403, 'The caller does not have permission on this project.');
      const callbackUrl = q.get('callbackUrl');
      if (!callbackUrl || !/^https?:\/\//.test(callbackUrl)) this.violation('callbackUrl is required');
      const name = `signupUrls/C${randomBytes(8).toString('hex')}`;
      this.signupUrls.set(name, { callbackUrl, enterpriseToken: `EAH${randomBytes(16).toString('hex')}`, used: false });
      return { name, url: `${this.url}/signup?name=${encodeURIComponent(name)}` };
    }
    if (method === 'POST' && path === 'enterprises') {
      this.allowOnly(q, ['projectId', 'signupUrlName', 'enterpriseToken', 'agreementAccepted']);
      this.validate('Enterprise', body);
      const signup = this.signupUrls.get(q.get('signupUrlName') ?? '');
      if (q.get('projectId') !== this.projectId) throw new ApiError(403, 'The caller does not have permission on this project.');
      if (!signup || signup.used || signup.enterpriseToken !== q.get('enterpriseToken')) throw new ApiError(400, 'Invalid enterprise token.');
      signup.used = true;
      const name = `enterprises/LC${randomBytes(5).toString('hex')}`;
      const enterprise: Enterprise = { ...(body as Enterprise), name };
      this.enterprises.set(name, enterprise);
      return enterprise;
    }
    m = /^(enterprises\/[^/]+)$/.exec(path);
    if (m) {
      const enterprise = this.enterprise(m[1] as string);
      if (method === 'GET') return enterprise;
      if (method === 'PATCH') {
        this.allowOnly(q, ['updateMask']);
        this.validate('Enterprise', body);
        const mask = (q.get('updateMask') ?? '').split(',').filter(Boolean);
        const patch = body as Record<string, unknown>;
        for (const key of mask.length ? mask : Object.keys(patch)) (enterprise as Record<string, unknown>)[key] = patch[key];
        return enterprise;
      }
    }
    m = /^(enterprises\/[^/]+)\/policies\/([A-Za-z0-9._-]+)$/.exec(path);
    if (m) {
      this.enterprise(m[1] as string);
      const name = path;
      if (method === 'GET') return this.policies.get(name) ?? this.notFound(name);
      if (method === 'PATCH') {
        this.allowOnly(q, ['updateMask']);
        this.validate('Policy', body);
        const previous = this.policies.get(name);
        const policy: Policy = { ...(body as Policy), name, version: String(Number(previous?.version ?? 0) + 1) };
        this.policies.set(name, policy);
        // Devices on this policy pick the new version up and report.
        for (const device of this.devices.values()) if (device.resource.policyName === name) this.later(() => this.report(device), this.applyDelayMs);
        return policy;
      }
    }
    m = /^(enterprises\/[^/]+)\/enrollmentTokens$/.exec(path);
    if (m && method === 'POST') {
      this.enterprise(m[1] as string);
      this.allowOnly(q, []);
      this.validate('EnrollmentToken', body);
      const token = body as EnrollmentToken;
      if (token.policyName && !this.policies.has(token.policyName)) throw new ApiError(400, `Policy ${token.policyName} not found.`);
      const seconds = Number(/^(\d+)s$/.exec(token.duration ?? '3600s')?.[1] ?? 'x');
      if (!Number.isFinite(seconds) || seconds < 60) this.violation('duration must be at least 60s');
      const value = randomBytes(10).toString('hex').toUpperCase();
      const name = `${m[1]}/enrollmentTokens/${randomBytes(8).toString('hex')}`;
      const created: EnrollmentToken = {
        ...token,
        name,
        value,
        expirationTimestamp: new Date(Date.now() + seconds * 1000).toISOString(),
        qrCode: JSON.stringify({
          'android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME': 'com.google.android.apps.work.clouddpc/.receivers.CloudDeviceAdminReceiver',
          'android.app.extra.PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM': 'I5YvS0O5hXY46mb01BlRjq4oJJGs2kuUcHvVkAPEXlg',
          'android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION': 'https://play.google.com/managed/downloadManagingApp?identifier=setup',
          'android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE': { 'com.google.android.apps.work.clouddpc.EXTRA_ENROLLMENT_TOKEN': value },
        }),
      };
      this.enrollmentTokens.set(name, created);
      return created;
    }
    m = /^enterprises\/[^/]+\/enrollmentTokens\/[^/]+$/.exec(path);
    if (m && method === 'DELETE') {
      if (!this.enrollmentTokens.delete(path)) this.notFound(path);
      return {};
    }
    m = /^(enterprises\/[^/]+)\/devices$/.exec(path);
    if (m && method === 'GET') {
      this.enterprise(m[1] as string);
      this.allowOnly(q, ['pageSize', 'pageToken']);
      const size = Math.min(100, Number(q.get('pageSize') ?? 100));
      const all = [...this.devices.values()].filter((d) => d.enterprise === m?.[1] && !d.wiped);
      const start = Number(q.get('pageToken') ?? 0);
      const page = all.slice(start, start + size).map((d) => d.resource);
      return { devices: page, ...(start + size < all.length ? { nextPageToken: String(start + size) } : {}) };
    }
    m = /^(enterprises\/[^/]+\/devices\/[^/:]+):issueCommand$/.exec(path);
    if (m && method === 'POST') {
      const device = this.device(m[1] as string);
      this.allowOnly(q, []);
      this.validate('Command', body);
      return this.issue(device, body as Command);
    }
    m = /^(enterprises\/[^/]+\/devices\/[^/]+)\/operations\/[^/]+$/.exec(path);
    if (m && method === 'GET') {
      return this.operations.get(path) ?? this.notFound(path);
    }
    m = /^(enterprises\/[^/]+\/devices\/[^/]+)$/.exec(path);
    if (m) {
      const device = this.device(m[1] as string);
      if (method === 'GET') return device.resource;
      if (method === 'PATCH') {
        this.allowOnly(q, ['updateMask']);
        this.validate('Device', body);
        const mask = (q.get('updateMask') ?? '').split(',').filter(Boolean);
        if (mask.some((f) => f !== 'policyName' && f !== 'state')) this.violation(`updateMask ${mask.join(',')} names read-only fields`);
        const patch = body as Device;
        if (patch.policyName) {
          if (!this.policies.has(patch.policyName)) throw new ApiError(400, `Policy ${patch.policyName} not found.`);
          device.resource.policyName = patch.policyName;
          this.later(() => this.report(device), this.applyDelayMs);
        }
        return device.resource;
      }
      if (method === 'DELETE') {
        this.allowOnly(q, ['wipeDataFlags', 'wipeReasonMessage']);
        const flags = q.getAll('wipeDataFlags').flatMap((f) => f.split(','));
        for (const flag of flags) if (!ENUMS['Device.wipeDataFlags']?.includes(flag)) this.violation(`wipeDataFlags: ${flag} is not a flag`);
        device.wiped = true;
        device.resource.state = 'DELETED';
        this.devices.delete(device.resource.name as string);
        return {};
      }
    }
    throw new ApiError(404, `Method not found: ${method} ${url.pathname}`);
  }

  private enterprise(name: string): Enterprise {
    const enterprise = this.enterprises.get(name);
    if (!enterprise) throw new ApiError(404, `Enterprise ${name} not found.`);
    return enterprise;
  }

  private device(name: string): SimDevice {
    const device = this.devices.get(name);
    if (!device || device.wiped) throw new ApiError(404, `Device ${name} not found.`);
    return device;
  }

  private notFound(name: string): never {
    throw new ApiError(404, `Resource ${name} not found.`);
  }

  private later(fn: () => Promise<void>, ms = 5): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn().catch(() => undefined);
    }, ms);
    this.timers.add(timer);
  }

  /** A command is a long-running operation: done once the device carried it out, then a COMMAND notification. */
  private issue(device: SimDevice, command: Command): Operation {
    const name = `${device.resource.name}/operations/${randomUUID()}`;
    const metadata = { '@type': 'type.googleapis.com/google.android.devicemanagement.v1.Command', ...command, createTime: new Date().toISOString() };
    const operation: Operation = { name, metadata, done: false };
    this.operations.set(name, operation);
    this.later(async () => {
      let error: { code: number; message: string } | undefined;
      switch (command.type) {
        case 'LOCK':
          device.locked++;
          break;
        case 'REBOOT':
          if (device.personal) error = { code: 400, message: 'REBOOT is only supported on fully managed devices.' };
          else device.reboots++;
          break;
        case 'START_LOST_MODE':
          if (device.personal) error = { code: 400, message: 'Lost mode requires a company-owned device.' };
          else device.lostMode = true;
          break;
        case 'STOP_LOST_MODE':
          device.lostMode = false;
          break;
        case 'RESET_PASSWORD':
          device.passcodeLength = command.newPassword?.length ?? 0;
          break;
        case 'CLEAR_APP_DATA':
          break;
        default:
          error = { code: 400, message: `Unsupported command type ${command.type}.` };
      }
      const done: Operation = { name, metadata, done: true, ...(error ? { error: { code: error.code, message: error.message } } : { response: {} }) };
      this.operations.set(name, done);
      await this.publish(device.enterprise, 'COMMAND', done);
    }, this.commandDelayMs);
    return operation;
  }
}

export async function startAmapiStandIn(options: StandInOptions = {}): Promise<AmapiStandIn> {
  return new AmapiStandIn(options).start(options.port ?? 0);
}

// ---------- demo mode ----------

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/**
 * `node packages/simulators/dist/android/stand-in.js --devices 20 --steward http://127.0.0.1:8443 --api-token stw_…`
 * starts the stand-in, binds Steward to a new enterprise through Steward's own API (credentials,
 * sign-up, Pub/Sub topic), creates an enrollment token, enrolls the devices and keeps them
 * reporting. Steward must run with `--android-api-url` set to the printed URL.
 */
async function demo(): Promise<void> {
  const port = Number(arg('port', '8470'));
  const count = Number(arg('devices', '20'));
  const steward = arg('steward');
  const apiToken = arg('api-token') ?? process.env.STEWARD_API_TOKEN;
  const standIn = await startAmapiStandIn({ port });
  process.stdout.write(`AMAPI stand-in listening on ${standIn.url}/ (start Steward with --android-api-url ${standIn.url}/)\n`);
  if (!steward || !apiToken) {
    process.stdout.write('Pass --steward URL and --api-token TOKEN (an admin API token) to bind Steward and enroll devices.\n');
    return;
  }
  const { bindSteward } = await import('./bind.js');
  const bound = await bindSteward(standIn, steward, apiToken);
  process.stdout.write(`Bound ${bound.enterpriseName}; enrolling ${count} devices…\n`);
  const devices: SimDevice[] = [];
  for (let i = 0; i < count; i++) devices.push(await standIn.enroll(bound.tokenValue, { serial: `DEMO${String(i).padStart(4, '0')}` }));
  process.stdout.write(`${devices.length} devices enrolled; each reports every 30 s. Ctrl-C to stop.\n`);
  setInterval(() => {
    for (const d of devices) if (!d.wiped) standIn.report(d).catch(() => undefined);
  }, 30_000);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  demo().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
