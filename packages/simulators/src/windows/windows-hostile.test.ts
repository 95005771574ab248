import { webcrypto } from 'node:crypto';
import https from 'node:https';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WindowsLab, startWindowsLab } from '../test-support/windows-lab.js';
import { type HttpAnswer, WindowsDevice, WindowsEnrollmentFault, generateWindowsKeyPair, httpsRequest } from './windows-device.js';

const SYNCML = 'application/vnd.syncml.dm+xml';
const SOAP = 'application/soap+xml; charset=utf-8';
const DISCOVER_ACTION = 'http://schemas.microsoft.com/windows/management/2012/01/enrollment/IDiscoveryService/Discover';

const envelope = (action: string, body: string) =>
  `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header><a:Action>${action}</a:Action><a:MessageID>urn:uuid:1</a:MessageID></s:Header><s:Body>${body}</s:Body></s:Envelope>`;
const discover = `<Discover xmlns="http://schemas.microsoft.com/windows/management/2012/01/enrollment"><request><EmailAddress>a@example.com</EmailAddress><RequestVersion>4.0</RequestVersion></request></Discover>`;

describe('Windows MDM refuses hostile input, storing nothing', () => {
  let lab: WindowsLab;
  let pc: WindowsDevice;
  let other: WindowsDevice;
  let token: string;

  /** What a refused request must leave untouched. */
  const snapshot = async () => {
    const db = lab.server.ctx.database.db;
    const count = async (table: 'devices' | 'windows_devices' | 'command_deliveries') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const sessions = await db
      .selectFrom('windows_devices')
      .select(['device_id', 'session_id', 'server_msg_id', 'session_sent', 'inflight'])
      .orderBy('device_id')
      .execute();
    const uses = await db.selectFrom('enrollments').select(['id', 'uses']).orderBy('id').execute();
    const deliveries = await db.selectFrom('command_deliveries').select(['command_id', 'state']).orderBy('command_id').execute();
    return { devices: await count('devices'), windows: await count('windows_devices'), sessions, uses, deliveries };
  };
  const post = (path: string, body: string | Buffer, contentType: string, device?: WindowsDevice) =>
    httpsRequest(`${lab.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
      ca: lab.ca,
      ...(device ? { cert: device.certificatePem, key: device.keyPem } : {}),
    });
  const syncml = (device: WindowsDevice, body: string, sessionId = '1', msgId = 1) =>
    `<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>${sessionId}</SessionID><MsgID>${msgId}</MsgID><Target><LocURI>${lab.url}/ManagementServer/MDM.svc</LocURI></Target><Source><LocURI>${device.deviceId}</LocURI></Source></SyncHdr><SyncBody>${body}<Final/></SyncBody></SyncML>`;
  const expectFault = (answer: HttpAnswer, subcode: string) => {
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.body.toString()).toContain(`<s:Value>s:${subcode}</s:Value>`);
  };

  beforeAll(async () => {
    lab = await startWindowsLab({ clientCertHeader: 'x-client-cert' });
    token = (await lab.enrollment({ maxUses: 10 })).token;
    pc = new WindowsDevice({ serverUrl: lab.url, ca: lab.ca, upn: 'ada@example.com', token });
    other = new WindowsDevice({ serverUrl: lab.url, ca: lab.ca, upn: 'bob@example.com', token });
    await pc.enroll();
    await other.enroll();
    await pc.session();
    await other.session();
  }, 60_000);
  afterAll(async () => {
    pc?.close();
    other?.close();
    await lab?.close();
  });

  it('a management message without a client certificate: 401', async () => {
    const before = await snapshot();
    const answer = await post('/ManagementServer/MDM.svc', syncml(pc, '<Alert><CmdID>1</CmdID><Data>1201</Data></Alert>'), SYNCML);
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body.toString()).error.code).toBe('device_identity_required');
    expect(await snapshot()).toEqual(before);
  });

  it('another device’s certificate, or one Steward never issued: refused', async () => {
    const before = await snapshot();
    const stolen = await post('/ManagementServer/MDM.svc', syncml(pc, '<Alert><CmdID>1</CmdID><Data>1201</Data></Alert>'), SYNCML, other);
    expect(stolen.status).toBe(403);
    expect(JSON.parse(stolen.body.toString()).error.code).toBe('device_identity_mismatch');
    // A certificate from another CA, through the trusted proxy header.
    const keys = (await webcrypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 },
      true,
      ['sign', 'verify'],
    )) as webcrypto.CryptoKeyPair;
    const forged = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: `CN=${pc.deviceId}`,
      keys: keys as never,
      signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as never,
    });
    const viaHeader = await httpsRequest(`${lab.url}/ManagementServer/MDM.svc`, {
      method: 'POST',
      headers: { 'content-type': SYNCML, 'x-client-cert': `:${Buffer.from(forged.rawData).toString('base64')}:` },
      body: syncml(pc, '<Alert><CmdID>1</CmdID><Data>1201</Data></Alert>'),
      ca: lab.ca,
    });
    expect(viaHeader.status).toBe(401);
    const after = await snapshot();
    expect(after).toEqual(before);
    // The trusted proxy's header with the PC's real certificate is accepted.
    const real = new x509.X509Certificate(pc.certificatePem ?? '');
    const proxied = await httpsRequest(`${lab.url}/ManagementServer/MDM.svc`, {
      method: 'POST',
      headers: { 'content-type': SYNCML, 'x-client-cert': `:${Buffer.from(real.rawData).toString('base64')}:` },
      body: syncml(pc, '<Alert><CmdID>1</CmdID><Data>1201</Data></Alert>', 'A0'),
      ca: lab.ca,
    });
    expect(proxied.status).toBe(200);
  });

  it('DOCTYPE/ENTITY (XXE, billion laughs) in SOAP and SyncML: refused before parsing', async () => {
    const before = await snapshot();
    const xxe = `<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>${envelope(DISCOVER_ACTION, discover.replace('a@example.com', '&x;'))}`;
    expectFault(await post('/EnrollmentServer/Discovery.svc', xxe, SOAP), 'MessageFormat');
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>${envelope(DISCOVER_ACTION, discover.replace('a@example.com', '&lol3;'))}`;
    expectFault(await post('/EnrollmentServer/Discovery.svc', laughs, SOAP), 'MessageFormat');
    const syncXxe = `<!DOCTYPE SyncML [<!ENTITY x SYSTEM "file:///etc/passwd">]>${syncml(pc, '<Alert><CmdID>1</CmdID><Data>1201</Data></Alert>')}`;
    const answer = await post('/ManagementServer/MDM.svc', syncXxe, SYNCML, pc);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body.toString()).error.code).toBe('invalid_syncml');
    // An undeclared entity is not expanded either.
    const undeclared = await post('/ManagementServer/MDM.svc', syncml(pc, '<Alert><CmdID>1</CmdID><Data>&x;</Data></Alert>'), SYNCML, pc);
    expect(undeclared.status).toBe(400);
    expect(await snapshot()).toEqual(before);
  });

  it('100,000 nested elements and several root elements: refused', async () => {
    const before = await snapshot();
    const deep = `${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`;
    const soapDeep = await post('/EnrollmentServer/Discovery.svc', envelope(DISCOVER_ACTION, deep), SOAP);
    expect(soapDeep.status).toBe(413); // beyond the SOAP body limit before any parsing
    const syncDeep = await post('/ManagementServer/MDM.svc', syncml(pc, deep), SYNCML, pc);
    expect(syncDeep.status).toBe(400);
    expect(syncDeep.body.toString()).toMatch(/nest deeper/);
    const twoRoots = envelope(DISCOVER_ACTION, discover) + envelope(DISCOVER_ACTION, discover);
    expectFault(await post('/EnrollmentServer/Discovery.svc', twoRoots, SOAP), 'MessageFormat');
    const twoSync = syncml(pc, '<Alert><CmdID>1</CmdID><Data>1201</Data></Alert>') + syncml(pc, '<Alert><CmdID>1</CmdID><Data>1201</Data></Alert>');
    expect((await post('/ManagementServer/MDM.svc', twoSync, SYNCML, pc)).status).toBe(400);
    expect(await snapshot()).toEqual(before);
  });

  it('a wrong SOAP action: a MessageFormat fault', async () => {
    const before = await snapshot();
    const answer = await post('/EnrollmentServer/Discovery.svc', envelope('http://example.com/Other', discover), SOAP);
    expectFault(answer, 'MessageFormat');
    expect(answer.body.toString()).toContain('<a:RelatesTo>urn:uuid:1</a:RelatesTo>');
    const onPolicy = await post('/EnrollmentServer/Policy.svc', envelope(DISCOVER_ACTION, discover), SOAP);
    expectFault(onPolicy, 'MessageFormat');
    expect(await snapshot()).toEqual(before);
  });

  it('a CSR with a foreign subject, extended key usage, SAN, a short key or SHA-1: a CertificateRequest fault', async () => {
    const before = await snapshot();
    const attempts: ConstructorParameters<typeof WindowsDevice>[0]['csr'][] = [
      { subject: 'CN=Steward Root CA, O=Steward' },
      { subject: 'CN=admin@example.com' },
      { extensions: [new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.1'])] },
      { extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'steward.example.com' }])] },
      { extensions: [new x509.BasicConstraintsExtension(true, 0, true)] },
      { hash: 'SHA-1' },
    ];
    const shared = await generateWindowsKeyPair();
    const sha1Keys = (await webcrypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 },
      true,
      ['sign', 'verify'],
    )) as webcrypto.CryptoKeyPair;
    for (const csr of attempts) {
      const device = new WindowsDevice({
        serverUrl: lab.url,
        ca: lab.ca,
        upn: 'mallory@example.com',
        token,
        csr,
        keys: csr?.hash === 'SHA-1' ? sha1Keys : shared,
      });
      const error = await device.enroll().catch((e: unknown) => e);
      expect(error, JSON.stringify(csr)).toBeInstanceOf(WindowsEnrollmentFault);
      expect((error as WindowsEnrollmentFault).subcode).toBe('s:CertificateRequest');
    }
    const small = (await webcrypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 1024 },
      true,
      ['sign', 'verify'],
    )) as webcrypto.CryptoKeyPair;
    const weak = await new WindowsDevice({ serverUrl: lab.url, ca: lab.ca, upn: 'mallory@example.com', token, keys: small }).enroll().catch((e: unknown) => e);
    expect((weak as WindowsEnrollmentFault).subcode).toBe('s:CertificateRequest');
    expect(await snapshot()).toEqual(before);
  });

  it('a 100 MB body: 413 before it is read; a chunked body: 411', async () => {
    const before = await snapshot();
    const status = await new Promise<number>((resolve, reject) => {
      const request = https.request(`${lab.url}/ManagementServer/MDM.svc`, {
        method: 'POST',
        ca: lab.ca,
        cert: pc.certificatePem,
        key: pc.keyPem,
        headers: { 'content-type': SYNCML, 'content-length': String(100 * 1024 * 1024) },
      });
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      request.write(Buffer.alloc(1024 * 1024, 0x41));
    });
    expect(status).toBe(413);
    const chunked = await new Promise<number>((resolve, reject) => {
      const request = https.request(`${lab.url}/ManagementServer/MDM.svc`, {
        method: 'POST',
        ca: lab.ca,
        cert: pc.certificatePem,
        key: pc.keyPem,
        headers: { 'content-type': SYNCML, 'transfer-encoding': 'chunked' },
      });
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      request.end(syncml(pc, '<Alert><CmdID>1</CmdID><Data>1201</Data></Alert>'));
    });
    expect(chunked).toBe(411);
    expect(await snapshot()).toEqual(before);
  });

  it('SyncML whose MsgRef/CmdRef point nowhere: refused, nothing stored', async () => {
    const id = (await lab.server.ctx.devices.list({ filter: {}, sort: 'name', order: 'asc', offset: 0, limit: 10 })).items.find(
      (d) => d.hardware_id === pc.hardwareId,
    )?.id;
    expect(id).toBeDefined();
    await lab.server.ctx.commands.enqueue({
      kind: 'intent',
      type: 'lock',
      platform: null,
      payload: {},
      target: { deviceIds: [id ?? ''] },
      platforms: ['windows'],
      createdBy: { type: 'system', id: null, label: 'test' },
      ttlMs: 60_000,
    });
    // The session opens and the server sends the lock …
    const open = await post(
      '/ManagementServer/MDM.svc',
      syncml(
        pc,
        '<Alert><CmdID>1</CmdID><Data>1201</Data></Alert><Replace><CmdID>2</CmdID><Item><Source><LocURI>./DevInfo/Mod</LocURI></Source><Data>x</Data></Item></Replace>',
        'B1',
        1,
      ),
      SYNCML,
      pc,
    );
    expect(open.status).toBe(200);
    expect(open.body.toString()).toContain('RemoteLock/Lock');
    const before = await snapshot();
    // … and a status that answers a command never sent, or a message never sent, is refused whole.
    for (const [msgRef, cmdRef] of [
      ['1', '99'],
      ['7', '3'],
    ]) {
      const body = `<Status><CmdID>1</CmdID><MsgRef>1</MsgRef><CmdRef>0</CmdRef><Cmd>SyncHdr</Cmd><Data>200</Data></Status><Status><CmdID>2</CmdID><MsgRef>${msgRef}</MsgRef><CmdRef>${cmdRef}</CmdRef><Cmd>Exec</Cmd><Data>200</Data></Status>`;
      const answer = await post('/ManagementServer/MDM.svc', syncml(pc, body, 'B1', 2), SYNCML, pc);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body.toString()).error.code).toBe('invalid_syncml');
    }
    expect(await snapshot()).toEqual(before);
  });
});
