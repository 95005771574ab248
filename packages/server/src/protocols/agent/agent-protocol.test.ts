import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAppForTests, type App } from '../../test-support/app-for-tests.js';
import { loadConfig } from '../../config/config.js';
import { type Context, createContext } from '../../context.js';
import { ROLES, type RoleName } from '../../core/permissions.js';
import { CertificateAuthority } from '../../pki/certificate-authority.js';
import { migrate, openDatabase } from '../../db/database.js';
import { SecretBox } from '../../pki/secret-box.js';
import { TEST_DATABASES } from '../../test-support/databases.js';
import type { AgentAdapter } from './adapter.js';
import { agentPolicyTranslator } from './policy.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const HEADER = 'client-cert';
const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

async function csr(options: { rsaBits?: number; extensions?: x509.Extension[] } = {}): Promise<string> {
  const algorithm = options.rsaBits
    ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: options.rsaBits }
    : EC;
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'CN=test-agent',
    keys: keys as never,
    signingAlgorithm: algorithm,
    ...(options.extensions ? { extensions: options.extensions } : {}),
  });
  return request.toString('pem');
}

const inventory = (hostname: string, extra: Record<string, unknown> = {}) => ({
  sections: {
    system: { hostname, serialNumber: `SN-${hostname}` },
    os: { family: 'linux', name: 'Debian GNU/Linux', version: '12' },
    security: { diskEncrypted: false, firewall: { enabled: true, product: 'nftables' }, screenLock: { enabled: null } },
    packages: { managers: ['dpkg'], items: [{ name: 'openssl', version: '3.0.15' }] },
    ...extra,
  },
  hashes: { system: '0123456789abcdef', os: '0123456789abcdef', security: '0123456789abcdef', packages: '0123456789abcdef' },
});

const der = (pem: string) => new x509.X509Certificate(pem).rawData;
const header = (pem: string) => ({ [HEADER]: `:${Buffer.from(der(pem)).toString('base64')}:` });

for (const database of TEST_DATABASES) {
  describe.skipIf(!database.available)(`agent protocol (${database.dialect})`, () => {
    let ctx: Context;
    let app: App;
    let drop: () => Promise<void>;
    const tokens = {} as Record<RoleName, string>;
    const admin = () => ({ authorization: `Bearer ${tokens.admin}` });
    let a: { deviceId: string; certificate: string };
    let b: { deviceId: string; certificate: string };

    const enrollmentToken = async (options: { maxUses?: number; expiresAt?: number; platform?: 'agent' | 'apple' } = {}) => {
      const { token } = await ctx.enrollments.create({
        name: 'agents',
        platform: options.platform ?? 'agent',
        ownership: 'corporate',
        maxUses: options.maxUses,
        expiresAt: options.expiresAt,
      });
      return token;
    };
    const enroll = (token: string, request: string, hostname = `host-${randomBytes(3).toString('hex')}`) =>
      app.inject({ method: 'POST', url: '/agent/v1/enroll', payload: { token, csr: request, agentVersion: '0.1.0', inventory: inventory(hostname) } });
    const deviceCount = async () =>
      Number(
        (
          await ctx.database.db
            .selectFrom('devices')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const command = async (type: string, params: Record<string, unknown>, deviceIds: string[]) => {
      const response = await app.inject({ method: 'POST', url: '/api/v1/commands', headers: admin(), payload: { type, params, target: { deviceIds } } });
      expect(response.statusCode).toBe(202);
      return response.json().command.id as string;
    };

    beforeAll(async () => {
      const created = await database.create();
      drop = created.drop;
      ctx = await createContext(
        loadConfig({ dataDir: created.dataDir, databaseUrl: created.url, noTls: true, listen: '127.0.0.1:0', logLevel: 'silent', clientCertHeader: HEADER }),
      );
      app = await buildAppForTests(ctx);
      for (const role of ROLES) tokens[role] = (await ctx.auth.createToken({ name: `t-${role}`, role, createdBy: null })).secret;
      const token = await enrollmentToken({ maxUses: 2 });
      const first = await enroll(token, await csr(), 'alpha');
      expect(first.statusCode, first.body).toBe(201);
      a = first.json();
      b = (await enroll(token, await csr({ rsaBits: 2048 }), 'beta')).json();
    });
    afterAll(async () => {
      await app?.close();
      await ctx?.close();
      await drop?.();
    });

    it('enrolls: a client certificate bound to a new agent device, with normalised inventory facts', async () => {
      const certificate = new x509.X509Certificate(a.certificate);
      expect(certificate.issuer).toBe(ctx.ca.certificate.subject);
      expect(certificate.subject).toBe(`CN=${a.deviceId}, O=Steward Agent`);
      expect(await ctx.ca.verifies(certificate)).toBe(true);
      const device = await ctx.devices.get(a.deviceId);
      expect(device).toMatchObject({
        platform: 'linux',
        channel: 'agent',
        name: 'alpha',
        serial_number: 'SN-alpha',
        os_version: '12',
        enrollment_state: 'enrolled',
      });
      const facts = JSON.parse(device?.inventory ?? '{}');
      expect(facts.security).toEqual({ encrypted: false, firewall: { enabled: true, product: 'nftables' } });
      expect(facts.apps).toEqual([{ identifier: 'openssl', name: 'openssl', version: '3.0.15' }]);
    });

    it('refuses reused, expired, revoked and non-agent tokens, and bad CSRs, storing nothing', async () => {
      const before = await deviceCount();
      const used = await enrollmentToken({ maxUses: 1 });
      expect((await enroll(used, await csr())).statusCode).toBe(201);
      const reused = await enroll(used, await csr());
      expect(reused.statusCode).toBe(404);
      expect(reused.json().error.code).toBe('enrollment_unavailable');
      expect((await enroll(await enrollmentToken({ expiresAt: Date.now() - 1000 }), await csr())).json().error.code).toBe('enrollment_unavailable');
      expect((await enroll(await enrollmentToken({ platform: 'apple' }), await csr())).json().error.code).toBe('enrollment_unavailable');
      expect((await enroll('not-a-token', await csr())).statusCode).toBe(404);
      const single = await enrollmentToken({ maxUses: 1 });
      const weak = await enroll(single, await csr({ rsaBits: 1024 }));
      expect(weak.json()).toMatchObject({ error: { code: 'validation_failed', details: { reason: 'csr_weak_key' } } });
      const san = await enroll(single, await csr({ extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'evil.example' }])] }));
      expect(san.json()).toMatchObject({ error: { details: { reason: 'csr_san' } } });
      const eku = await enroll(single, await csr({ extensions: [new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.1'])] }));
      expect(eku.json()).toMatchObject({ error: { details: { reason: 'csr_eku' } } });
      const garbage = await enroll(single, `-----BEGIN CERTIFICATE REQUEST-----\n${'A'.repeat(200)}\n-----END CERTIFICATE REQUEST-----`);
      expect(garbage.statusCode).toBe(400);
      expect(await deviceCount()).toBe(before + 1);
      // The refused CSRs did not spend the single-use token.
      expect((await enroll(single, await csr())).statusCode).toBe(201);
    });

    it('refuses calls without a certificate, with another CA’s, with a Steward certificate that is not an agent’s', async () => {
      const checkin = (headers: Record<string, string>) =>
        app.inject({ method: 'POST', url: '/agent/v1/checkin', headers, payload: { agentVersion: '9.9.9', inventory: inventory('mallory') } });
      expect((await checkin({})).json().error.code).toBe('device_identity_required');
      const other = await openDatabase('sqlite::memory:');
      await migrate(other);
      const foreign = await CertificateAuthority.loadOrCreate(other.db, SecretBox.fromKey(randomBytes(32)));
      const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
      // Same subject and device binding as agent A, but signed by another CA.
      const forged = await foreign.issue({
        subject: `CN=${a.deviceId}, O=Steward Agent`,
        publicKey: keys.publicKey as never,
        lifetimeDays: 30,
        uris: [`urn:steward:agent-device:${a.deviceId}`],
        keyUsages: x509.KeyUsageFlags.digitalSignature,
      });
      await other.close();
      const foreignResponse = await checkin(header(forged.toString('pem')));
      expect(foreignResponse.statusCode).toBe(401);
      expect(foreignResponse.json().error.code).toBe('device_identity_invalid');
      // Issued by Steward's CA, but for something else (an Apple device, a server) and bound to no agent.
      const notAgent = await ctx.ca.issue({
        subject: 'CN=apple-device',
        publicKey: keys.publicKey as never,
        lifetimeDays: 30,
        uris: ['urn:steward:enrollment:x'],
        keyUsages: x509.KeyUsageFlags.digitalSignature,
      });
      expect((await checkin(header(notAgent.toString('pem')))).json().error.code).toBe('device_identity_invalid');
      // Steward's CA, claiming agent A's device, but not the certificate A was issued.
      const claim = await ctx.ca.issue({
        subject: 'CN=x',
        publicKey: keys.publicKey as never,
        lifetimeDays: 30,
        uris: [`urn:steward:agent-device:${a.deviceId}`],
        keyUsages: x509.KeyUsageFlags.digitalSignature,
      });
      expect((await checkin(header(claim.toString('pem')))).json().error.code).toBe('device_identity_invalid');
      expect((await checkin({ [HEADER]: ':bm90IGEgY2VydA==:' })).json().error.code).toBe('device_identity_invalid');
      const agentRow = await ctx.database.db.selectFrom('agent_devices').selectAll().where('device_id', '=', a.deviceId).executeTakeFirstOrThrow();
      expect(agentRow.agent_version).toBe('0.1.0');
    });

    it('refuses oversized and malformed bodies, storing nothing', async () => {
      const before = (await ctx.devices.get(a.deviceId))?.inventory;
      const post = (payload: string | object, url = '/agent/v1/checkin') =>
        app.inject({ method: 'POST', url, headers: { ...header(a.certificate), 'content-type': 'application/json' }, payload });
      const huge = {
        agentVersion: '1',
        inventory: inventory('alpha', {
          packages: { managers: ['dpkg'], items: Array.from({ length: 40_000 }, (_, i) => ({ name: `p${i}`, version: 'x'.repeat(100) })) },
        }),
      };
      expect((await post(huge)).statusCode).toBe(413);
      expect((await post('{"agentVersion": "1", "inventory": {')).json().error.code).toBe('invalid_json');
      const extra = await post({ agentVersion: '1', inventory: inventory('alpha'), deviceId: b.deviceId });
      expect(extra.json().error.code).toBe('validation_failed');
      const wrongType = await post({ agentVersion: '1', inventory: { sections: { os: { family: 'beos', name: 'x', version: '1' } }, hashes: {} } });
      expect(wrongType.json().error.code).toBe('validation_failed');
      const text = await app.inject({
        method: 'POST',
        url: '/agent/v1/checkin',
        headers: { ...header(a.certificate), 'content-type': 'text/plain' },
        payload: 'hello',
      });
      expect([400, 415]).toContain(text.statusCode);
      const bigResult = await post({ status: 'acknowledged', output: { stdout: 'x'.repeat(1_100_000) } }, `/agent/v1/commands/${a.deviceId}/result`);
      expect(bigResult.statusCode).toBe(413);
      expect((await ctx.devices.get(a.deviceId))?.inventory).toBe(before);
    });

    it('checks in with changed sections only, and asks again for sections it does not hold', async () => {
      const body = {
        agentVersion: '0.2.0',
        inventory: {
          sections: { system: { hostname: 'alpha-renamed' } },
          hashes: { system: 'aaaaaaaaaaaaaaaa', os: '0123456789abcdef', disks: 'bbbbbbbbbbbbbbbb' },
        },
      };
      const response = await app.inject({ method: 'POST', url: '/agent/v1/checkin', headers: header(a.certificate), payload: body });
      expect(response.statusCode).toBe(200);
      expect(response.json().resend).toEqual(['disks']);
      const device = await ctx.devices.get(a.deviceId);
      expect(device?.name).toBe('alpha-renamed');
      expect(JSON.parse(device?.inventory ?? '{}').apps).toHaveLength(1);
    });

    it('long-polls: a waiting agent gets the command when it is enqueued; results are idempotent; another agent’s result is refused', async () => {
      const empty = await app.inject({ method: 'GET', url: '/agent/v1/commands?wait=0', headers: header(a.certificate) });
      expect(empty.statusCode).toBe(204);
      const adapter = app.adapters.list.find((x) => x.channel === 'agent') as AgentAdapter;
      const started = Date.now();
      const polling = app.inject({ method: 'GET', url: '/agent/v1/commands?wait=20', headers: header(a.certificate) });
      for (let i = 0; i < 100 && adapter.waiting === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(adapter.waiting).toBe(1);
      const id = await command('run_script', { interpreter: 'sh', script: 'echo hi' }, [a.deviceId]);
      const answer = await polling;
      expect(Date.now() - started).toBeLessThan(5000);
      expect(answer.statusCode).toBe(200);
      expect(answer.json().commands).toEqual([{ id, type: 'run_script', params: { interpreter: 'sh', script: 'echo hi' }, expiresAt: expect.any(String) }]);

      const resultUrl = `/agent/v1/commands/${id}/result`;
      const result = { status: 'acknowledged', output: { exitCode: 0, stdout: 'hi\n', stderr: '' } };
      // B never received this command: refused, nothing stored.
      const foreign = await app.inject({ method: 'POST', url: resultUrl, headers: header(b.certificate), payload: result });
      expect(foreign.statusCode).toBe(400);
      expect(foreign.json().error.code).toBe('unknown_command_result');
      expect(await ctx.commands.delivery(b.deviceId, id)).toBeUndefined();
      expect((await ctx.commands.delivery(a.deviceId, id))?.state).toBe('sent');

      const first = await app.inject({ method: 'POST', url: resultUrl, headers: header(a.certificate), payload: result });
      expect(first.json()).toEqual({ status: 'recorded' });
      const again = await app.inject({
        method: 'POST',
        url: resultUrl,
        headers: header(a.certificate),
        payload: { status: 'error', error: { code: 'x', message: 'late' } },
      });
      expect(again.json()).toEqual({ status: 'duplicate' });
      expect(await ctx.commands.delivery(a.deviceId, id)).toMatchObject({ state: 'acknowledged', result: JSON.stringify(result.output) });

      // Unsupported intents never reach the agent: the server answers them with an error result.
      const wipe = await command('wipe', {}, [a.deviceId]);
      expect((await app.inject({ method: 'GET', url: '/agent/v1/commands?wait=0', headers: header(a.certificate) })).statusCode).toBe(204);
      expect(await ctx.commands.delivery(a.deviceId, wipe)).toMatchObject({ state: 'error' });
    });

    it('renews: a new certificate for the same device, and the old one stops working', async () => {
      const token = await enrollmentToken();
      const d = (await enroll(token, await csr(), 'delta')).json();
      const renewed = await app.inject({ method: 'POST', url: '/agent/v1/renew', headers: header(d.certificate), payload: { csr: await csr() } });
      expect(renewed.statusCode).toBe(200);
      expect(renewed.json().deviceId).toBe(d.deviceId);
      const fresh = await buildAppForTests(ctx);
      try {
        expect((await fresh.inject({ method: 'GET', url: '/agent/v1/commands?wait=0', headers: header(renewed.json().certificate) })).statusCode).toBe(204);
        const old = await fresh.inject({ method: 'GET', url: '/agent/v1/commands?wait=0', headers: header(d.certificate) });
        expect(old.json().error.code).toBe('device_identity_invalid');
      } finally {
        await fresh.close();
      }
    });

    it('a closing server answers open long polls at once instead of waiting for them', async () => {
      const fresh = await buildAppForTests(ctx);
      const adapter = fresh.adapters.list.find((x) => x.channel === 'agent') as AgentAdapter;
      const polling = fresh.inject({ method: 'GET', url: '/agent/v1/commands?wait=60', headers: header(b.certificate) });
      for (let i = 0; i < 100 && adapter.waiting === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(adapter.waiting).toBe(1);
      const started = Date.now();
      await fresh.close();
      expect((await polling).statusCode).toBe(204);
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('refuses a retired device’s certificate', async () => {
      const token = await enrollmentToken();
      const c = (await enroll(token, await csr(), 'gamma')).json();
      expect((await app.inject({ method: 'GET', url: '/agent/v1/commands?wait=0', headers: header(c.certificate) })).statusCode).toBe(204);
      await ctx.devices.setEnrollmentState(c.deviceId, 'retired');
      // Bindings are cached briefly per node; a new process (or the cache's expiry) sees the retirement.
      const fresh = await buildAppForTests(ctx);
      const refused = await fresh.inject({ method: 'GET', url: '/agent/v1/commands?wait=0', headers: header(c.certificate) });
      expect(refused.json().error.code).toBe('device_not_enrolled');
      await fresh.close();
    });
  });
}

describe('agent policy translator', () => {
  it('turns policy settings into agent checks and lists what an agent cannot enforce', () => {
    const { payload, unsupported } = agentPolicyTranslator.translate(
      {
        encryption: { required: true },
        passcode: { required: true, maxInactivityMinutes: 5, minLength: 8 },
        osUpdate: { minimumVersion: '12.5' },
        apps: [
          { identifier: 'openssh-server', install: 'blocked' },
          { identifier: 'firefox-esr', install: 'required' },
          { identifier: 'gimp', install: 'available' },
        ],
        restrictions: { camera: false },
        wifi: [{ ssid: 'Office', security: 'wpa2-personal', password: 'password123' }],
      },
      { platform: 'linux', ownership: 'corporate' },
    );
    expect(payload).toEqual({
      checks: [
        { id: 'encryption', type: 'disk_encryption' },
        { id: 'screen-lock', type: 'screen_lock', maxIdleMinutes: 5 },
        { id: 'os-version', type: 'os_version', minimum: '12.5' },
        { id: 'package:openssh-server', type: 'package', name: 'openssh-server', state: 'absent' },
        { id: 'package:firefox-esr', type: 'package', name: 'firefox-esr', state: 'installed' },
      ],
    });
    expect(unsupported.map((u) => u.setting)).toEqual(['passcode.minLength', 'apps[2]', 'restrictions.camera', 'wifi[0]']);
    expect(agentPolicyTranslator.validateRaw?.('{"checks":[{"id":"fw","type":"firewall"}]}')).toEqual([]);
    expect(agentPolicyTranslator.validateRaw?.('{"checks":[{"id":"fw","type":"firewal"}]}').length).toBeGreaterThan(0);
    expect(agentPolicyTranslator.validateRaw?.('not json')).toHaveLength(1);
  });
});
