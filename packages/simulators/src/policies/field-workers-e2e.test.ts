import { createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Agent, HttpClient, type InventorySource, MemoryResultStore, RecordingActions, enroll } from '@steward/agent';
import { type ApnsStandIn, type RunningServer, cspCatalogue, loadConfig, startApnsStandIn, startServer } from '@steward/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateProfile } from '../../../server/src/test-support/apple-schema.js';
import { bindSteward } from '../android/bind.js';
import { type AmapiStandIn, type SimDevice, startAmapiStandIn } from '../android/stand-in.js';
import { AppleDevice } from '../apple/apple-device.js';
import { fakeApple, freePort } from '../test-support/apple-lab.js';
import { POSTGRES_URL, postgresSchema } from '../test-support/steward-nodes.js';
import { WindowsDevice } from '../windows/windows-device.js';

type Role = 'admin' | 'operator' | 'auditor';
const CERT_HEADER = 'x-client-cert';

async function until<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!check(value)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 150));
    value = await read();
  }
  return value;
}

/** A webhook receiver that checks Steward-Signature (HMAC-SHA256 of "<t>.<raw body>"). */
async function startWebhookReceiver(secret: () => string | undefined) {
  const received: { event: string; data: Record<string, unknown>; signatureValid: boolean; at: number }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = String(req.headers['steward-signature'] ?? '');
      const t = /t=(\d+)/.exec(header)?.[1] ?? '';
      const v1 = Buffer.from(/v1=([0-9a-f]{64})/.exec(header)?.[1] ?? '', 'hex');
      const expected = createHmac('sha256', secret() ?? '')
        .update(`${t}.${body}`)
        .digest();
      const parsed = JSON.parse(body) as { event: string; data: Record<string, unknown> };
      received.push({ ...parsed, signatureValid: v1.length === 32 && timingSafeEqual(expected, v1), at: Date.now() });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A desktop whose disk is encrypted, for the agent. */
const desktop: InventorySource = {
  async collect() {
    return {
      system: { hostname: 'field-laptop', manufacturer: 'Steward', model: 'Virtual Laptop', serialNumber: 'AGENT0001', virtual: true },
      os: { family: 'linux', name: 'Debian GNU/Linux', version: '12' },
      hardware: { cpu: { brand: 'Virtual CPU', cores: 4 }, memoryBytes: 8 * 1024 ** 3 },
      disks: [{ name: 'vda', mount: '/', sizeBytes: 256e9, encrypted: true }],
      network: [{ name: 'eth0', ipv4: ['10.0.0.9'], up: true }],
      users: [{ name: 'user', uid: 1000 }],
      packages: { managers: ['virtual'], items: [] },
      security: { diskEncrypted: true, firewall: { enabled: true }, screenLock: { enabled: true, idleSeconds: 300 } },
      status: { bootedAt: 1_700_000_000_000 },
    };
  },
};

interface Effective {
  translation: { channel: string; supported: boolean; payload: unknown; unsupported: { setting: string }[] };
  states: { key: string; itemType: string; itemId: string; state: string; reason: string | null }[];
}
interface Compliance {
  state: string;
  history: { state: string }[];
  reasons: { rule: string; message: string; outcome: string }[];
  violations: { actionsFired: string[] | null }[];
}

/**
 * Issue 7's must-show, over real HTTP with every channel's simulator against one Steward: a group
 * "field workers" with a 6-digit passcode + encryption + no camera policy; an iPhone, a Windows PC,
 * an Android phone (through the AMAPI stand-in) and a desktop agent in it each receive their
 * platform's translation (Apple's checked against Apple's schema, Windows' against the CSP table),
 * report it installed, and with "policy installed" and "encrypted" rules become compliant. Then the
 * iPhone loses encryption: non-compliant with the reason, and after the grace period a signed
 * webhook fires and the phone is locked.
 */
const targets = [{ dialect: 'sqlite' as const }, ...(POSTGRES_URL ? [{ dialect: 'postgres' as const }] : [])];
for (const { dialect } of targets)
  describe(`field workers: one policy, four channels, compliance and its action (${dialect})`, () => {
    let server: RunningServer;
    let apns: ApnsStandIn;
    let amapi: AmapiStandIn;
    let dataDir: string;
    let dropSchema: (() => Promise<void>) | undefined;
    let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
    let secret: string | undefined;
    const tokens: Partial<Record<Role, string>> = {};
    let groupId: string;
    let policyId: string;
    let iphone: AppleDevice;
    let pc: WindowsDevice;
    let phone: SimDevice;
    let agent: Agent;
    const agentCommands: string[] = [];
    const plain = new http.Agent({ keepAlive: true });
    const ids: Record<'apple' | 'windows' | 'android' | 'agent', string> = { apple: '', windows: '', android: '', agent: '' };
    const GRACE_SECONDS = 2;

    const api = async <T>(method: string, p: string, role: Role, body?: unknown) => {
      const response = await fetch(`${server.url}${p}`, {
        method,
        headers: { authorization: `Bearer ${tokens[role]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, json: (text ? JSON.parse(text) : null) as T };
    };
    const effective = async (channel: keyof typeof ids) => (await api<Effective>('GET', `/api/v1/devices/${ids[channel]}/effective-policy`, 'auditor')).json;
    const compliance = async (channel: keyof typeof ids) => (await api<Compliance>('GET', `/api/v1/devices/${ids[channel]}/compliance`, 'auditor')).json;
    /** Results are read back into states every 10 s; wake that job rather than wait. The PC polls (it has no push here). */
    const policyState = async (channel: keyof typeof ids) => {
      if (channel === 'windows') await pc.session();
      await server.ctx.jobs.wake('periodic:policies.outcomes');
      return (await effective(channel)).states.find((s) => s.itemType === 'policy');
    };

    beforeAll(async () => {
      receiver = await startWebhookReceiver(() => secret);
      const apple = await fakeApple();
      apns = await startApnsStandIn({ tls: { cert: apple.tls.cert, key: apple.tls.key, ca: apple.caPem } });
      amapi = await startAmapiStandIn();
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-field-'));
      fs.writeFileSync(path.join(dataDir, 'apns-ca.pem'), apple.caPem);
      const port = await freePort();
      let databaseUrl: string | undefined;
      if (dialect === 'postgres') {
        const schema = await postgresSchema();
        databaseUrl = schema.url;
        dropSchema = schema.drop;
      }
      // Plain HTTP on loopback; Windows PCs and agents present their certificates the way they would
      // through a TLS-terminating proxy (RFC 9440 header), so all four channels share one server.
      server = await startServer(
        loadConfig({
          listen: `127.0.0.1:${port}`,
          publicUrl: `http://127.0.0.1:${port}`,
          noTls: true,
          dataDir,
          logLevel: 'silent',
          apnsUrl: apns.url,
          apnsCaFile: path.join(dataDir, 'apns-ca.pem'),
          androidApiUrl: `${amapi.url}/`,
          clientCertHeader: CERT_HEADER,
          webhooksAllowHttp: true,
          ...(databaseUrl ? { databaseUrl } : {}),
        }),
        { logger: false },
      );
      for (const role of ['admin', 'operator', 'auditor'] as const)
        tokens[role] = (await server.ctx.auth.createToken({ name: `field-${role}`, role, createdBy: null })).secret;
      expect(
        (await api('POST', '/api/v1/apple/push-certificates', 'admin', { certificatePem: apple.push.certificatePem, privateKeyPem: apple.push.privateKeyPem }))
          .status,
      ).toBe(201);
      const hook = await api<{ secret: string }>('POST', '/api/v1/webhooks', 'admin', {
        name: 'SOC',
        url: receiver.url,
        eventTypes: ['compliance.changed', 'compliance.grace_expired', 'policy.failed'],
      });
      expect(hook.status).toBe(201);
      secret = hook.json.secret;

      groupId = (await api<{ id: string }>('POST', '/api/v1/groups', 'operator', { name: 'field workers', kind: 'static' })).json.id;

      // Apple: enrolled through a profile that puts it in the group; APNs pushes wake it.
      const appleEnrollment = await api<{ profileUrl: string }>('POST', '/api/v1/enrollments', 'operator', {
        name: 'Field iPhones',
        platform: 'apple',
        ownership: 'corporate',
        groupId,
      });
      iphone = new AppleDevice({ model: 'iPhone' });
      apns.onPush((push) => {
        if (push.token === iphone.pushTokenHex) void iphone.wake().catch(() => {});
      });
      await iphone.enroll(appleEnrollment.json.profileUrl);

      // Windows: MS-MDE2 enrollment, then OMA-DM sessions.
      const windowsEnrollment = await server.ctx.enrollments.create({ name: 'Field PCs', platform: 'windows', ownership: 'corporate', maxUses: 5, groupId });
      pc = new WindowsDevice({
        serverUrl: server.url,
        ca: '',
        upn: 'field@example.com',
        token: windowsEnrollment.token,
        agent: plain,
        clientCertHeader: CERT_HEADER,
      });
      await pc.enroll();
      await pc.session();

      // Android: the enterprise bound to the AMAPI stand-in, a phone enrolled with its token.
      const bound = await bindSteward(amapi, server.url, tokens.admin as string, { groupId });
      phone = await amapi.enroll(bound.tokenValue, { serial: 'FIELD0001', model: 'Pixel 8', passcodeLength: 6 });

      // The agent: enrolled with a token, then long-polling.
      const agentEnrollment = await api<{ url: string }>('POST', '/api/v1/enrollments', 'operator', {
        name: 'Field laptops',
        platform: 'agent',
        ownership: 'corporate',
        groupId,
      });
      expect(agentEnrollment.status).toBe(201);
      const enrolled = await enroll({ server: server.url, token: agentEnrollment.json.url.split('/').at(-1) ?? '', inventory: desktop, agent: plain });
      agent = new Agent({
        client: new HttpClient({
          server: server.url,
          identity: { keyPem: enrolled.keyPem, certificatePem: enrolled.certificatePem },
          proxyCertHeader: CERT_HEADER,
          agent: plain,
        }),
        inventory: desktop,
        actions: new RecordingActions(),
        results: new MemoryResultStore(),
        virtual: true,
        sentHashes: enrolled.sentHashes,
        waitSeconds: 2,
        checkinAtStart: true,
        backoffBaseMs: 200,
        backoffCapMs: 1000,
        onCommand: (command) => agentCommands.push(command.type),
      });
      void agent.run();

      const devices = await until(
        'all four devices enrolled',
        () => api<{ items: { id: string; channel: string; serialNumber: string | null; name: string }[] }>('GET', '/api/v1/devices?limit=50', 'auditor'),
        (r) => new Set(r.json.items.map((d) => d.channel)).size === 4,
      );
      for (const d of devices.json.items) ids[d.channel as keyof typeof ids] = d.id;
      // Android and the agent join the group by their enrollment; make sure every device is a member.
      const group = await api<{ memberCount: number }>('GET', `/api/v1/groups/${groupId}`, 'auditor');
      expect(group.json.memberCount).toBe(4);
    }, 60_000);

    afterAll(async () => {
      agent?.stop();
      plain.destroy();
      await server?.close();
      await apns?.close();
      await amapi?.close();
      await receiver?.close();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      await dropSchema?.();
    });

    it('rules first: with "policy installed" on the group, no device is compliant before it has the policy', async () => {
      const created = await api<{ id: string }>('POST', '/api/v1/policies', 'operator', {
        name: 'Field security',
        settings: { passcode: { minLength: 6, complexity: 'numeric' }, encryption: { required: true }, restrictions: { camera: false } },
      });
      expect(created.status).toBe(201);
      policyId = created.json.id;
      // A rollout takes a while: this rule only notifies, after an hour.
      const res = await api('POST', '/api/v1/compliance/rules', 'operator', {
        name: 'Field policy installed',
        type: 'policy_installed',
        params: { itemId: policyId },
        gracePeriodSeconds: 3600,
        actions: { notify: true },
        groupIds: [groupId],
      });
      expect(res.status, JSON.stringify(res.json)).toBe(201);
      for (const channel of ['apple', 'windows', 'android', 'agent'] as const) {
        const status = await until(
          `${channel}: non-compliant`,
          () => compliance(channel),
          (c) => c.state === 'noncompliant',
        );
        expect(status.reasons).toContainEqual(
          expect.objectContaining({ rule: 'Field policy installed', message: 'The configuration is not assigned to this device.' }),
        );
      }
    });

    it('each channel receives its own translation of the one policy and reports it installed', async () => {
      // A second policy on the same group: each device gets one merged configuration whose item_id lists
      // both policies, and the "policy installed" rule must still find its policy in it.
      const second = await api<{ id: string }>('POST', '/api/v1/policies', 'operator', {
        name: 'Field screen capture',
        settings: { restrictions: { screenCapture: false } },
        groupIds: [groupId],
      });
      expect(second.status).toBe(201);
      const assigned = await api('PUT', `/api/v1/policies/${policyId}/assignments`, 'operator', { groupIds: [groupId] });
      expect(assigned.status).toBe(200);

      for (const channel of ['apple', 'windows', 'android', 'agent'] as const) {
        const state = await until(
          `${channel}: installed`,
          () => policyState(channel),
          (s) => s?.state === 'installed',
          30_000,
        );
        expect(state?.itemId.split(',').sort()).toEqual([policyId, second.json.id].sort());
        expect(state?.reason).toBeNull();
      }

      // Apple: the profile the iPhone installed, as it received it, conforms to Apple's schema on iOS.
      const applePayload = (await effective('apple')).translation.payload as { identifier: string };
      const installed = iphone.state.profiles.get(applePayload.identifier);
      expect(installed?.content).toBeDefined();
      expect(validateProfile(installed?.content as Record<string, unknown>, { os: 'iOS' })).toEqual([]);
      const types = ((installed?.content?.PayloadContent ?? []) as Array<{ PayloadType: string }>).map((p) => p.PayloadType);
      expect(types).toEqual(expect.arrayContaining(['com.apple.mobiledevice.passwordpolicy', 'com.apple.applicationaccess']));

      // Windows: every operation is a node and verb the CSP table has, and the PC holds the values.
      const ops = (
        (await effective('windows')).translation.payload as { ops: { verb: 'Add' | 'Replace' | 'Delete' | 'Exec' | 'Get'; locUri: string; data?: string }[] }
      ).ops;
      const catalogue = cspCatalogue();
      expect(ops.filter((op) => !catalogue.allows(op.locUri, op.verb)).map((op) => `${op.verb} ${op.locUri}`)).toEqual([]);
      expect(pc.state.nodes.get('./Device/Vendor/MSFT/Policy/Config/DeviceLock/MinDevicePasswordLength')).toBe('6');
      expect(pc.state.nodes.get('./Device/Vendor/MSFT/Policy/Config/Camera/AllowCamera')).toBe('0');
      expect(pc.state.encrypted).toBe(true);

      // Android: the AMAPI policy the phone was pointed at carries the password, encryption and camera fields.
      const policy = amapi.policies.get(phone.resource.appliedPolicyName as string);
      expect(policy).toMatchObject({
        passwordPolicies: [expect.objectContaining({ passwordMinimumLength: 6, passwordQuality: 'NUMERIC' })],
        encryptionPolicy: 'ENABLED_WITHOUT_PASSWORD',
        cameraAccess: 'CAMERA_ACCESS_DISABLED',
      });
      expect(amapi.violations).toEqual([]);

      // The agent: it got its checks (and reports them back evaluated).
      expect(agentCommands).toContain('apply_checks');
      const agentPayload = (await effective('agent')).translation.payload as { checks: { kind?: string; type?: string }[] };
      expect(agentPayload.checks.length).toBeGreaterThan(0);
    }, 60_000);

    it('once installed (and the PC has reported its encryption), all four become compliant', async () => {
      // The PC encrypted itself when BitLocker's RequireDeviceEncryption arrived; Steward sees it at the
      // next inventory (DeviceStatus), which an operator (or the periodic refresh) asks for.
      const refresh = await api('POST', '/api/v1/commands', 'operator', { type: 'refresh_inventory', target: { deviceIds: [ids.windows] } });
      expect(refresh.status).toBe(202);
      await until(
        'the PC reports encryption',
        async () => {
          await pc.session();
          return (await api<{ inventory: { security?: { encrypted?: boolean } } }>('GET', `/api/v1/devices/${ids.windows}`, 'auditor')).json.inventory.security;
        },
        (security) => security?.encrypted === true,
      );
      // Encryption is enforced hard: a short grace period, then a webhook and a lock.
      const rule = await api('POST', '/api/v1/compliance/rules', 'operator', {
        name: 'Storage encrypted',
        type: 'encrypted',
        gracePeriodSeconds: GRACE_SECONDS,
        actions: { notify: true, lock: true },
        groupIds: [groupId],
      });
      expect(rule.status, JSON.stringify(rule.json)).toBe(201);
      for (const channel of ['apple', 'windows', 'android', 'agent'] as const) {
        const status = await until(
          `${channel}: compliant`,
          () => compliance(channel),
          (c) => c.state === 'compliant',
        );
        expect(status.reasons).toEqual([]);
        // Newest first: compliant now, non-compliant before the policy was installed.
        expect(status.history[0]?.state).toBe('compliant');
        expect(status.history.some((h) => h.state === 'noncompliant')).toBe(true);
      }
    }, 60_000);

    it('the iPhone turns encryption off: non-compliant with the reason, and after the grace period the webhook and the lock fire', async () => {
      iphone.state.security.passcodePresent = false;
      const refresh = await api('POST', '/api/v1/commands', 'operator', { type: 'refresh_inventory', target: { deviceIds: [ids.apple] } });
      expect(refresh.status).toBe(202);
      const failedAt = Date.now();
      const status = await until(
        'non-compliant',
        () => compliance('apple'),
        (c) => c.state === 'noncompliant',
      );
      expect(status.reasons).toEqual([expect.objectContaining({ rule: 'Storage encrypted', outcome: 'fail', message: 'Storage is not encrypted.' })]);
      // The others are untouched.
      for (const channel of ['windows', 'android', 'agent'] as const)
        expect(await compliance(channel), channel).toMatchObject({ state: 'compliant', reasons: [] });

      // Not before the grace period: nothing fired yet.
      expect(receiver.received.some((r) => r.event === 'compliance.grace_expired')).toBe(false);
      expect(iphone.state.locked).toBeUndefined();
      // The actions job runs every 30 s; past the grace period, wake it rather than wait.
      await until(
        'the actions fired',
        async () => {
          if (Date.now() - failedAt > GRACE_SECONDS * 1000) await server.ctx.jobs.wake('periodic:compliance.actions');
          return compliance('apple');
        },
        (c) => Boolean(c.violations[0]?.actionsFired),
      );
      await until(
        'locked',
        async () => iphone.state.locked,
        (locked) => locked !== undefined,
      );
      expect(iphone.state.locked?.message).toContain('Storage encrypted');
      const expired = await until('the webhook', async () => receiver.received.find((r) => r.event === 'compliance.grace_expired'), Boolean);
      expect(expired?.data.deviceId).toBe(ids.apple);
      expect(expired?.at ?? 0).toBeGreaterThanOrEqual(failedAt + GRACE_SECONDS * 1000);
      expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
      // Non-compliant twice for the iPhone (during the rollout, and now), once for each of the others (the rollout).
      const noncompliant = (id: string) =>
        receiver.received.filter((r) => r.event === 'compliance.changed' && r.data.state === 'noncompliant' && r.data.deviceId === id);
      expect(noncompliant(ids.apple)).toHaveLength(2);
      for (const channel of ['windows', 'android', 'agent'] as const) expect(noncompliant(ids[channel]), channel).toHaveLength(1);
      // Only the iPhone was locked.
      expect(pc.state.locks).toBe(0);
    }, 60_000);
  });
