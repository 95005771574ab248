import { randomBytes, randomUUID, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateAuthority } from '../../pki/certificate-authority.js';
import { signCms } from '../../pki/cms.js';
import { SecretBox } from '../../pki/secret-box.js';
import { migrate, openDatabase } from '../../db/database.js';
import { TEST_DATABASES } from '../../test-support/databases.js';
import { type Harness, createHarness } from '../../test-support/harness.js';
import { validateCheckin } from '../../test-support/apple-schema.js';
import { ENROLLMENT_URI_PREFIX } from './identity.js';
import { type PlistDict, buildPlist } from './plist.js';

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
const CHECKIN = 'application/x-apple-aspen-mdm-checkin';
const CONNECT = 'application/x-apple-aspen-mdm';

interface Identity {
  certificateDer: Uint8Array;
  privateKey: webcrypto.CryptoKey;
}

async function issueIdentity(ca: CertificateAuthority, enrollmentId: string | undefined): Promise<Identity> {
  const keys = (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await ca.issue({
    subject: `CN=device ${randomUUID()}`,
    publicKey: keys.publicKey,
    lifetimeDays: 30,
    keyUsages: x509.KeyUsageFlags.digitalSignature,
    extendedKeyUsages: ['1.3.6.1.5.5.7.3.2'],
    ...(enrollmentId ? { uris: [`${ENROLLMENT_URI_PREFIX}${enrollmentId}`] } : {}),
  });
  return { certificateDer: new Uint8Array(cert.rawData), privateKey: keys.privateKey };
}

for (const database of TEST_DATABASES) {
  describe.skipIf(!database.available)(`Apple check-in and command channel on ${database.dialect}`, () => {
    let h: Harness;
    let topic: string;
    let enrollmentId: string;
    let a: Identity;
    let b: Identity;
    const udidA = randomUUID().toUpperCase();
    const udidB = randomUUID().toUpperCase();

    const put = async (url: string, type: string, body: Buffer, identity?: Identity, signed: Buffer = body) => {
      const headers: Record<string, string> = { 'content-type': type };
      if (identity) headers['mdm-signature'] = (await signCms(signed, identity, { detached: true })).toString('base64');
      return h.app.inject({ method: 'PUT', url, headers, payload: body });
    };
    const checkin = (message: PlistDict, identity?: Identity) => put('/mdm/checkin', CHECKIN, buildPlist(message), identity);
    const counts = async () => {
      const db = h.ctx.database.db;
      const devices = await db
        .selectFrom('devices')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const apple = await db
        .selectFrom('apple_devices')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return `${devices.n}/${apple.n}`;
    };
    const authenticate = (udid: string) => ({
      MessageType: 'Authenticate',
      UDID: udid,
      Topic: topic,
      DeviceName: 'iPhone',
      Model: 'MU663LL/A',
      ModelName: 'iPhone',
      ProductName: 'iPhone16,2',
      OSVersion: '18.1',
      BuildVersion: '22B83',
      SerialNumber: 'C02TEST',
    });
    const tokenUpdate = (udid: string) => ({
      MessageType: 'TokenUpdate',
      UDID: udid,
      Topic: topic,
      Token: randomBytes(32),
      PushMagic: randomUUID(),
      UnlockToken: randomBytes(32),
    });

    beforeAll(async () => {
      h = await createHarness(database);
      topic = `com.apple.mgmt.External.${randomUUID()}`;
      const keys = (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
      const push = await h.ctx.ca.issue({
        subject: new x509.Name(`UID=${topic}, CN=APSP:${randomUUID()}`, { UID: '0.9.2342.19200300.100.1.1' }),
        publicKey: keys.publicKey,
        lifetimeDays: 300,
        keyUsages: x509.KeyUsageFlags.digitalSignature,
      });
      const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
      const uploaded = await h.app.inject({
        method: 'POST',
        url: '/api/v1/apple/push-certificates',
        headers: h.auth('admin'),
        payload: { certificatePem: push.toString('pem'), privateKeyPem: `-----BEGIN PRIVATE KEY-----\n${pkcs8}\n-----END PRIVATE KEY-----\n` },
      });
      expect(uploaded.statusCode, uploaded.body).toBe(201);
      expect(uploaded.json().topic).toBe(topic);
      const enrollment = await h.app.inject({
        method: 'POST',
        url: '/api/v1/enrollments',
        headers: h.auth('operator'),
        payload: { name: 'test', platform: 'apple', ownership: 'corporate' },
      });
      expect(enrollment.statusCode, enrollment.body).toBe(201);
      enrollmentId = enrollment.json().id;
      a = await issueIdentity(h.ctx.ca, enrollmentId);
      b = await issueIdentity(h.ctx.ca, enrollmentId);
    });
    afterAll(() => h?.close());

    it('sends check-in messages that match Apple’s schema (the simulator’s and these)', () => {
      expect(validateCheckin('Authenticate', authenticate(udidA))).toEqual([]);
      expect(validateCheckin('TokenUpdate', tokenUpdate(udidA))).toEqual([]);
    });

    it('refuses hostile check-ins with a 4xx and stores nothing', async () => {
      const before = await counts();
      const foreignCa = await CertificateAuthority.loadOrCreate(
        await (async () => {
          const other = await openDatabase('sqlite::memory:');
          await migrate(other);
          return other.db;
        })(),
        SecretBox.fromKey(randomBytes(32)),
      );
      const foreign = await issueIdentity(foreignCa, enrollmentId);
      const noBinding = await issueIdentity(h.ctx.ca, undefined);
      const body = buildPlist(authenticate(udidA));
      const cases: [string, () => ReturnType<typeof put>, number, string][] = [
        ['no signature', () => put('/mdm/checkin', CHECKIN, body), 401, 'device_identity_required'],
        [
          'garbage signature',
          async () => h.app.inject({ method: 'PUT', url: '/mdm/checkin', headers: { 'content-type': CHECKIN, 'mdm-signature': 'AAAA' }, payload: body }),
          401,
          'device_identity_invalid',
        ],
        ['certificate from another CA', () => checkin(authenticate(udidA), foreign), 401, 'device_identity_invalid'],
        ['certificate without an enrollment', () => checkin(authenticate(udidA), noBinding), 401, 'device_identity_invalid'],
        ['signature over a different body', () => put('/mdm/checkin', CHECKIN, body, a, buildPlist(authenticate(udidB))), 401, 'device_identity_invalid'],
        ['TokenUpdate before Authenticate', () => checkin(tokenUpdate(udidA), a), 403, 'device_not_enrolled'],
        ['a topic that is not ours', () => checkin({ ...authenticate(udidA), Topic: 'com.apple.mgmt.External.evil' }, a), 403, 'topic_mismatch'],
        ['unknown MessageType', () => checkin({ ...authenticate(udidA), MessageType: 'Reboot' }, a), 400, 'unknown_message_type'],
        ['UDID with quotes', () => checkin(authenticate('"; DROP TABLE devices; --'), a), 400, 'invalid_plist'],
        ['UDID with NUL', () => put('/mdm/checkin', CHECKIN, Buffer.from(body.toString().replace(udidA, `${udidA}&#0;`)), a), 400, 'invalid_plist'],
        ['UDID of 10 KB', () => checkin(authenticate('A'.repeat(10_240)), a), 400, 'invalid_plist'],
        [
          '__proto__ key',
          () => put('/mdm/checkin', CHECKIN, Buffer.from(body.toString().replace('<key>UDID</key>', '<key>__proto__</key><dict/><key>UDID</key>')), a),
          400,
          'invalid_plist',
        ],
        [
          'constructor key',
          () =>
            put('/mdm/checkin', CHECKIN, Buffer.from(body.toString().replace('<key>UDID</key>', '<key>constructor</key><string>x</string><key>UDID</key>')), a),
          400,
          'invalid_plist',
        ],
        [
          'entity declaration',
          () =>
            put(
              '/mdm/checkin',
              CHECKIN,
              Buffer.from(
                '<?xml version="1.0"?><!DOCTYPE plist [<!ENTITY x "y">]><plist version="1.0"><dict><key>MessageType</key><string>&x;</string></dict></plist>',
              ),
              a,
            ),
          400,
          'invalid_plist',
        ],
        [
          'billion laughs',
          () =>
            put(
              '/mdm/checkin',
              CHECKIN,
              Buffer.from(
                `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><plist><dict><key>UDID</key><string>&lol9;</string></dict></plist>`,
              ),
              a,
            ),
          400,
          'invalid_plist',
        ],
        ['binary plist bomb: self-reference', () => put('/mdm/checkin', CHECKIN, selfReferencingBplist(), a), 400, 'invalid_plist'],
        [
          'binary plist: lengths past the end',
          () =>
            put(
              '/mdm/checkin',
              CHECKIN,
              Buffer.concat([Buffer.from('bplist00'), Buffer.from([0x5f, 0x13, 0xff, 0xff, 0xff, 0xff]), Buffer.alloc(32, 0xff)]),
              a,
            ),
          400,
          'invalid_plist',
        ],
        ['not a dictionary', () => put('/mdm/checkin', CHECKIN, buildPlist(['a']), a), 400, 'invalid_plist'],
        [
          'wrong content type',
          () => h.app.inject({ method: 'PUT', url: '/mdm/checkin', headers: { 'content-type': 'application/json' }, payload: '{}' }),
          400,
          'unsupported_media_type',
        ],
        [
          '100 MB body',
          () => h.app.inject({ method: 'PUT', url: '/mdm/checkin', headers: { 'content-type': CHECKIN }, payload: Buffer.alloc(100 * 1024 * 1024, 0x20) }),
          413,
          'payload_too_large',
        ],
      ];
      for (const [name, send, status, code] of cases) {
        const res = await send();
        expect(res.statusCode, `${name}: ${res.body}`).toBe(status === 400 && code === 'unsupported_media_type' ? 415 : status);
        expect(res.json().error.code, name).toBe(code);
      }
      expect(await counts()).toBe(before);
    });

    it('binds the certificate at Authenticate and refuses it for another device', async () => {
      const authRes = await checkin(authenticate(udidA), a);
      expect(authRes.statusCode, authRes.body).toBe(200);
      expect((await checkin(tokenUpdate(udidA), a)).statusCode).toBe(200);
      const before = await counts();
      // Device A's certificate with device B's UDID: at Authenticate, on TokenUpdate, on the command channel.
      expect((await checkin(authenticate(udidB), a)).json().error.code).toBe('device_identity_mismatch');
      expect((await checkin(authenticate(udidB), b)).statusCode).toBe(200);
      expect((await checkin(tokenUpdate(udidB), a)).json().error.code).toBe('device_identity_mismatch');
      const idle = await put('/mdm/connect', CONNECT, buildPlist({ UDID: udidB, Status: 'Idle' }), a);
      expect(idle.statusCode).toBe(403);
      expect(await counts()).not.toBe(before); // B enrolled with its own certificate
      const refused = await h.ctx.audit.list({ action: 'apple.identity_mismatch', limit: 10 });
      expect(refused.length).toBeGreaterThanOrEqual(3);
    });

    it('refuses results for commands never sent, and treats a repeated result as a no-op', async () => {
      const unknown = await put('/mdm/connect', CONNECT, buildPlist({ UDID: udidA, Status: 'Acknowledged', CommandUUID: randomUUID() }), a);
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().error.code).toBe('unknown_command_result');
      // The first command after enrolling is the inventory refresh; answer its first step twice.
      const first = await put('/mdm/connect', CONNECT, buildPlist({ UDID: udidA, Status: 'Idle' }), a);
      expect(first.statusCode).toBe(200);
      expect(first.body).toContain('<key>RequestType</key>');
      const uuid = /<key>CommandUUID<\/key>\s*<string>([^<]+)<\/string>/.exec(first.body)?.[1] ?? '';
      const error = buildPlist({
        UDID: udidA,
        Status: 'Error',
        CommandUUID: uuid,
        ErrorChain: [{ ErrorCode: 1, ErrorDomain: 'Test', LocalizedDescription: 'nope' }],
      });
      expect((await put('/mdm/connect', CONNECT, error, a)).statusCode).toBe(200);
      expect((await put('/mdm/connect', CONNECT, error, a)).statusCode).toBe(200);
      const commandId = uuid.split('.')[0] ?? '';
      const device = await h.ctx.database.db.selectFrom('apple_devices').select('device_id').where('udid', '=', udidA).executeTakeFirstOrThrow();
      const delivery = await h.ctx.commands.delivery(device.device_id, commandId);
      expect(delivery?.state).toBe('error');
      expect(JSON.parse(delivery?.result ?? '{}').ErrorChain[0].LocalizedDescription).toBe('nope');
    });

    it('ends a raw command that is not a valid plist as an error, without blocking the device', async () => {
      const device = await h.ctx.database.db.selectFrom('apple_devices').select('device_id').where('udid', '=', udidA).executeTakeFirstOrThrow();
      for (const payload of [{ RequestType: 'Settings', Settings: null }, { Settings: [] }]) {
        const sent = await h.app.inject({
          method: 'POST',
          url: '/api/v1/commands',
          headers: h.auth('operator'),
          payload: { type: 'raw', platform: 'apple', payload, target: { deviceIds: [device.device_id] } },
        });
        expect(sent.statusCode, sent.body).toBe(202);
        let reply = await put('/mdm/connect', CONNECT, buildPlist({ UDID: udidA, Status: 'Idle' }), a);
        // Answer whatever else is queued until the channel is empty; the broken command never goes out.
        for (let i = 0; i < 10 && reply.statusCode === 200 && reply.body.length > 0; i++) {
          const uuid = /<key>CommandUUID<\/key>\s*<string>([^<]+)<\/string>/.exec(reply.body)?.[1] ?? '';
          expect(uuid.startsWith(sent.json().command.id)).toBe(false);
          reply = await put('/mdm/connect', CONNECT, buildPlist({ UDID: udidA, Status: 'Acknowledged', CommandUUID: uuid }), a);
        }
        expect(reply.statusCode).toBe(200);
        expect((await h.ctx.commands.delivery(device.device_id, sent.json().command.id))?.state).toBe('error');
      }
    });

    it('declines UserAuthenticate and escrows the bootstrap token', async () => {
      expect((await checkin({ MessageType: 'UserAuthenticate', UDID: udidA, UserID: 'U1', UserShortName: 'ann', UserLongName: 'Ann' }, a)).statusCode).toBe(
        410,
      );
      const token = randomBytes(48);
      expect((await checkin({ MessageType: 'SetBootstrapToken', UDID: udidA, BootstrapToken: token }, a)).statusCode).toBe(200);
      const row = await h.ctx.database.db.selectFrom('apple_devices').select('bootstrap_token_sealed').where('udid', '=', udidA).executeTakeFirstOrThrow();
      expect(row.bootstrap_token_sealed).not.toContain(token.toString('base64'));
      const got = await checkin({ MessageType: 'GetBootstrapToken', UDID: udidA }, a);
      expect(got.statusCode).toBe(200);
      expect(got.body).toContain(token.toString('base64'));
    });

    it('serves Declarative Device Management and tells devices when their set changes', async () => {
      const device = await h.ctx.database.db.selectFrom('apple_devices').select('device_id').where('udid', '=', udidA).executeTakeFirstOrThrow();
      const group = await h.app.inject({ method: 'POST', url: '/api/v1/groups', headers: h.auth('operator'), payload: { name: 'ddm', kind: 'static' } });
      await h.app.inject({
        method: 'POST',
        url: `/api/v1/groups/${group.json().id}/members`,
        headers: h.auth('operator'),
        payload: { add: [device.device_id] },
      });
      const ddm = (endpoint: string, data?: unknown) =>
        checkin(
          {
            MessageType: 'DeclarativeManagement',
            UDID: udidA,
            Endpoint: endpoint,
            ...(data === undefined ? {} : { Data: Buffer.isBuffer(data) ? data : Buffer.from(JSON.stringify(data)) }),
          },
          a,
        );
      const emptyTokens = (await ddm('tokens')).json().SyncTokens.DeclarationsToken;

      const created = await h.app.inject({
        method: 'POST',
        url: '/api/v1/apple/declarations',
        headers: h.auth('operator'),
        payload: {
          identifier: 'com.example.passcode',
          type: 'com.apple.configuration.passcode.settings',
          payload: { MinimumLength: 6, RequireAlphanumericPasscode: false },
          groupIds: [group.json().id],
        },
      });
      expect(created.statusCode, created.body).toBe(201);
      // The change queues the DeclarativeManagement command for the device.
      const pending = await h.ctx.database.db
        .selectFrom('command_deliveries')
        .innerJoin('commands', 'commands.id', 'command_deliveries.command_id')
        .select(['commands.type', 'command_deliveries.state'])
        .where('command_deliveries.device_id', '=', device.device_id)
        .where('commands.type', '=', 'DeclarativeManagement')
        .execute();
      expect(pending.map((p) => p.state)).toContain('queued');

      const tokens = (await ddm('tokens')).json();
      expect(tokens.SyncTokens.DeclarationsToken).not.toBe(emptyTokens);
      const items = (await ddm('declaration-items')).json();
      expect(items.Declarations.Configurations).toEqual([{ Identifier: 'com.example.passcode', ServerToken: expect.any(String) }]);
      expect(items.Declarations.Activations).toHaveLength(1);
      const activation = (await ddm(`declaration/activation/${items.Declarations.Activations[0].Identifier}`)).json();
      expect(activation).toMatchObject({ Type: 'com.apple.activation.simple', Payload: { StandardConfigurations: ['com.example.passcode'] } });
      const configuration = (await ddm('declaration/configuration/com.example.passcode')).json();
      expect(configuration).toMatchObject({
        Type: 'com.apple.configuration.passcode.settings',
        Identifier: 'com.example.passcode',
        Payload: { MinimumLength: 6 },
      });
      expect((await ddm('declaration/configuration/com.example.other')).statusCode).toBe(404);

      const status = {
        StatusItems: {
          management: {
            declarations: { configurations: [{ identifier: 'com.example.passcode', active: true, valid: 'valid', 'server-token': configuration.ServerToken }] },
          },
        },
        Errors: [],
      };
      expect((await ddm('status', status)).statusCode).toBe(200);
      const stored = await h.ctx.devices.get(device.device_id);
      expect(JSON.parse(stored?.inventory ?? '{}').declarativeStatus.StatusItems.management.declarations.configurations[0].active).toBe(true);
      expect((await ddm('status', Buffer.from('{not json'))).statusCode).toBe(400);

      // Joining a group that carries declarations changes the set too.
      const ddmCommands = async () =>
        (
          await h.ctx.database.db
            .selectFrom('command_deliveries')
            .innerJoin('commands', 'commands.id', 'command_deliveries.command_id')
            .select('commands.id')
            .where('command_deliveries.device_id', '=', device.device_id)
            .where('commands.type', '=', 'DeclarativeManagement')
            .execute()
        ).length;
      const other = await h.app.inject({ method: 'POST', url: '/api/v1/groups', headers: h.auth('operator'), payload: { name: 'ddm-2', kind: 'static' } });
      await h.app.inject({
        method: 'POST',
        url: '/api/v1/apple/declarations',
        headers: h.auth('operator'),
        payload: {
          identifier: 'com.example.asset',
          type: 'com.apple.asset.data',
          payload: { Reference: { DataURL: 'https://example.com/a', ContentType: 'text/plain' } },
          groupIds: [other.json().id],
        },
      });
      const before = await ddmCommands();
      await h.app.inject({
        method: 'POST',
        url: `/api/v1/groups/${other.json().id}/members`,
        headers: h.auth('operator'),
        payload: { add: [device.device_id] },
      });
      expect(await ddmCommands()).toBe(before + 1);
      expect((await ddm('status', 'a string, not a report')).statusCode).toBe(400);
    });

    it('checks out', async () => {
      expect((await checkin({ MessageType: 'CheckOut', UDID: udidB, Topic: topic }, b)).statusCode).toBe(200);
      const device = await h.ctx.database.db.selectFrom('devices').select('enrollment_state').where('udid', '=', udidB).executeTakeFirstOrThrow();
      expect(device.enrollment_state).toBe('unenrolled');
    });
  });
}

/** A binary plist whose root array contains itself. */
function selfReferencingBplist(): Buffer {
  const header = Buffer.from('bplist00');
  const array = Buffer.from([0xa1, 0x00]); // array of one element: object 0, itself
  const offsetTable = Buffer.from([8]);
  const trailer = Buffer.alloc(32);
  trailer[6] = 1; // offset int size
  trailer[7] = 1; // object ref size
  trailer.writeBigUInt64BE(1n, 8); // number of objects
  trailer.writeBigUInt64BE(0n, 16); // top object
  trailer.writeBigUInt64BE(10n, 24); // offset table offset
  return Buffer.concat([header, array, offsetTable, trailer]);
}
