import { createPrivateKey, randomBytes, randomUUID, webcrypto } from 'node:crypto';
import http2 from 'node:http2';
import * as x509 from '@peculiar/x509';
import forge from 'node-forge';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApnsClient, type ApnsClientOptions } from './apns-client.js';
import { type ApnsStandIn, startApnsStandIn } from './apns-stand-in.js';
import { expiresSoon, type PushCertificateInput, PushCertificateError, parsePushCertificate, UID_OID } from './push-certificate.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKeyPair = webcrypto.CryptoKeyPair;
const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
const EC = { name: 'ECDSA', namedCurve: 'P-256' };
const DAY_MS = 86_400_000;

interface Pki {
  caPem: string;
  topic: string;
  pushCertPem: string;
  pushKeyPem: string;
  otherKeyPem: string;
  appCertPem: string;
  noUidCertPem: string;
  expiredCertPem: string;
  serverCertPem: string;
  serverKeyPem: string;
}

let pki: Pki;

async function keyPair(algorithm: typeof RSA | typeof EC): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function pkcs8Pem(keys: CryptoKeyPair): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

async function buildPki(): Promise<Pki> {
  const [caKeys, pushKeys, otherKeys, serverKeys] = await Promise.all([keyPair(RSA), keyPair(RSA), keyPair(RSA), keyPair(EC)]);
  const now = Date.now();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=APNs Test CA',
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 30 * DAY_MS),
    keys: caKeys,
    signingAlgorithm: RSA,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  const issue = (subject: string, publicKey: webcrypto.CryptoKey, options: { notBefore?: number; notAfter?: number; server?: boolean } = {}) =>
    x509.X509CertificateGenerator.create({
      serialNumber: randomBytes(8)
        .toString('hex')
        .replace(/^[89a-f]/, '1'),
      subject: new x509.Name(subject, { UID: UID_OID }),
      issuer: ca.subject,
      notBefore: new Date(options.notBefore ?? now - DAY_MS),
      notAfter: new Date(options.notAfter ?? now + 365 * DAY_MS),
      publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: RSA,
      extensions: options.server
        ? [
            new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.1']),
            new x509.SubjectAlternativeNameExtension([
              { type: 'ip', value: '127.0.0.1' },
              { type: 'dns', value: 'localhost' },
            ]),
          ]
        : [new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.2'])],
    });
  const id = randomUUID();
  const topic = `com.apple.mgmt.External.${id}`;
  const [push, app, noUid, expired, server] = await Promise.all([
    issue(`UID=${topic}, CN=APSP:${id}, C=US`, pushKeys.publicKey),
    issue(`UID=com.example.app, CN=Apple Push Services: com.example.app`, pushKeys.publicKey),
    issue(`CN=APSP:${id}`, pushKeys.publicKey),
    issue(`UID=${topic}, CN=APSP:${id}`, pushKeys.publicKey, { notBefore: now - 400 * DAY_MS, notAfter: now - DAY_MS }),
    issue('CN=127.0.0.1', serverKeys.publicKey, { server: true }),
  ]);
  return {
    caPem: ca.toString('pem'),
    topic,
    pushCertPem: push.toString('pem'),
    pushKeyPem: await pkcs8Pem(pushKeys),
    otherKeyPem: await pkcs8Pem(otherKeys),
    appCertPem: app.toString('pem'),
    noUidCertPem: noUid.toString('pem'),
    expiredCertPem: expired.toString('pem'),
    serverCertPem: server.toString('pem'),
    serverKeyPem: await pkcs8Pem(serverKeys),
  };
}

function makeP12(password: string | null, algorithm: '3des' | 'aes256' = 'aes256'): Buffer {
  const key = forge.pki.privateKeyFromPem(pki.pushKeyPem);
  const certs = [forge.pki.certificateFromPem(pki.pushCertPem), forge.pki.certificateFromPem(pki.caPem)];
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certs, password, { algorithm, friendlyName: 'Steward MDM push' });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

function codeOf(input: PushCertificateInput): string {
  try {
    parsePushCertificate(input);
  } catch (error) {
    if (error instanceof PushCertificateError) return error.code;
    throw error;
  }
  return 'accepted';
}

const newToken = () => randomBytes(32).toString('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  pki = await buildPki();
});

describe('parsePushCertificate', () => {
  it('reads certificate and key from one PEM text, and picks the push certificate out of a chain', () => {
    const parsed = parsePushCertificate({ pem: `${pki.caPem}\n${pki.pushKeyPem}\n${pki.pushCertPem}` });
    expect(parsed.topic).toBe(pki.topic);
    expect(parsed.topic.startsWith('com.apple.mgmt.External.')).toBe(true);
    expect(parsed.certificatePem).toContain('BEGIN CERTIFICATE');
    expect(parsed.privateKeyPem).toContain('BEGIN PRIVATE KEY');
    expect(parsed.serialNumber).toBe(new x509.X509Certificate(pki.pushCertPem).serialNumber.toLowerCase());
    expect(parsed.notAfter.getTime()).toBeGreaterThan(Date.now() + 300 * DAY_MS);
    expect(parsed.notBefore.getTime()).toBeLessThan(Date.now());
  });

  it('accepts a PKCS#1 key, and an encrypted PKCS#8 key with its password', () => {
    const key = createPrivateKey(pki.pushKeyPem);
    const pkcs1 = String(key.export({ type: 'pkcs1', format: 'pem' }));
    expect(pkcs1).toContain('BEGIN RSA PRIVATE KEY');
    expect(parsePushCertificate({ certificatePem: pki.pushCertPem, privateKeyPem: pkcs1 }).topic).toBe(pki.topic);

    const encrypted = String(key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'hunter2' }));
    expect(parsePushCertificate({ certificatePem: pki.pushCertPem, privateKeyPem: encrypted, password: 'hunter2' }).topic).toBe(pki.topic);
    expect(codeOf({ certificatePem: pki.pushCertPem, privateKeyPem: encrypted, password: 'wrong' })).toBe('wrong_password');
    expect(codeOf({ certificatePem: pki.pushCertPem, privateKeyPem: encrypted })).toBe('wrong_password');
  });

  it('opens a password-protected PKCS#12 and refuses a wrong password', () => {
    for (const algorithm of ['aes256', '3des'] as const) {
      const p12 = makeP12('s3cret', algorithm);
      const parsed = parsePushCertificate({ p12, password: 's3cret' });
      expect(parsed.topic).toBe(pki.topic);
      expect(parsed.certificatePem).toBe(parsePushCertificate({ pem: pki.pushCertPem + pki.pushKeyPem }).certificatePem);
      expect(createPrivateKey(parsed.privateKeyPem).asymmetricKeyType).toBe('rsa');
      expect(codeOf({ p12, password: 'not-it' })).toBe('wrong_password');
      expect(codeOf({ p12 })).toBe('wrong_password');
    }
  });

  it('opens a PKCS#12 exported without a password', () => {
    expect(parsePushCertificate({ p12: makeP12(null) }).topic).toBe(pki.topic);
    expect(parsePushCertificate({ p12: makeP12('') }).topic).toBe(pki.topic);
  });

  it('refuses a key that does not match, a non-MDM or missing topic, an expired certificate, and garbage', () => {
    expect(codeOf({ certificatePem: pki.pushCertPem, privateKeyPem: pki.otherKeyPem })).toBe('key_mismatch');
    expect(codeOf({ certificatePem: pki.appCertPem, privateKeyPem: pki.pushKeyPem })).toBe('not_mdm_push_certificate');
    expect(codeOf({ certificatePem: pki.noUidCertPem, privateKeyPem: pki.pushKeyPem })).toBe('not_mdm_push_certificate');
    expect(codeOf({ certificatePem: pki.expiredCertPem, privateKeyPem: pki.pushKeyPem })).toBe('expired');
    expect(codeOf({ pem: pki.pushCertPem })).toBe('invalid_certificate');
    expect(codeOf({ privateKeyPem: pki.pushKeyPem })).toBe('invalid_certificate');
    expect(codeOf({ p12: Buffer.from('not a p12 at all') })).toBe('invalid_certificate');
    expect(codeOf({ pem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' })).toBe('invalid_certificate');
    const error = (() => {
      try {
        parsePushCertificate({ certificatePem: pki.expiredCertPem, privateKeyPem: pki.pushKeyPem });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(PushCertificateError);
    expect((error as Error).message).toMatch(/expired/);
  });

  it('says when a certificate expires soon', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(expiresSoon(new Date('2026-01-20T00:00:00Z'), now)).toBe(true);
    expect(expiresSoon(new Date('2026-03-01T00:00:00Z'), now)).toBe(false);
    expect(expiresSoon(new Date('2026-03-01T00:00:00Z'), now, 90)).toBe(true);
    expect(expiresSoon(new Date('2025-12-01T00:00:00Z'), now)).toBe(true);
  });
});

describe('APNs client against the stand-in', () => {
  let standIn: ApnsStandIn;
  const clients: ApnsClient[] = [];

  const client = (options: Partial<ApnsClientOptions> = {}) => {
    const created = new ApnsClient({
      url: standIn.url,
      ca: pki.caPem,
      certificatePem: pki.pushCertPem,
      privateKeyPem: pki.pushKeyPem,
      topic: pki.topic,
      baseDelayMs: 5,
      timeoutMs: 2000,
      ...options,
    });
    clients.push(created);
    return created;
  };

  /** Sends one request with exactly these headers and body, as a (possibly misbehaving) provider would. */
  const raw = async (headers: http2.OutgoingHttpHeaders, body?: string) => {
    const session = http2.connect(standIn.url, { cert: pki.pushCertPem, key: pki.pushKeyPem, ca: pki.caPem });
    try {
      return await new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
        const defined = Object.fromEntries(Object.entries({ ':method': 'POST', ...headers }).filter(([, value]) => value !== undefined));
        const request = session.request(defined);
        let status = 0;
        let text = '';
        request.on('response', (h) => {
          status = Number(h[':status']);
        });
        request.setEncoding('utf8');
        request.on('data', (chunk: string) => {
          text += chunk;
        });
        request.on('end', () => resolve({ status, body: text ? JSON.parse(text) : {} }));
        request.on('error', reject);
        request.end(body);
      });
    } finally {
      session.destroy();
    }
  };

  beforeEach(async () => {
    standIn = await startApnsStandIn({ tls: { cert: pki.serverCertPem, key: pki.serverKeyPem, ca: pki.caPem } });
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await standIn.close();
  });

  it('delivers an MDM push with the topic, headers and body APNs expects', async () => {
    const apns = client();
    const token = newToken();
    const pushMagic = randomUUID().toUpperCase();
    const woken: string[] = [];
    standIn.onPush((delivery) => woken.push(delivery.token));

    const result = await apns.push(token, pushMagic);

    expect(result).toEqual({ status: 'sent', apnsId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(standIn.deliveries).toHaveLength(1);
    const delivery = standIn.deliveries[0]!;
    expect(delivery).toMatchObject({ token, topic: pki.topic, pushMagic, body: `{"mdm":"${pushMagic}"}` });
    expect(result.status === 'sent' && result.apnsId).toBe(delivery.apnsId);
    expect(delivery.headers).toMatchObject({ 'apns-topic': pki.topic, 'apns-push-type': 'mdm', 'apns-priority': '10' });
    const expiration = Number(delivery.headers['apns-expiration']);
    expect(expiration).toBeGreaterThan(Date.now() / 1000 + 86_000);
    expect(expiration).toBeLessThan(Date.now() / 1000 + 87_000);
    expect(woken).toEqual([token]);
    expect(apns.stats).toMatchObject({ sent: 1, failed: 0, retries: 0, sessionsOpened: 1 });
  });

  it('sends many concurrent pushes over one HTTP/2 session', async () => {
    const apns = client();
    const items = Array.from({ length: 300 }, () => ({ token: newToken(), pushMagic: randomUUID() }));

    const results = await apns.pushMany(items, 150);

    expect(results.every((r) => r.status === 'sent')).toBe(true);
    expect(standIn.deliveries.map((d) => d.token).sort()).toEqual(items.map((i) => i.token).sort());
    expect(apns.stats.sessionsOpened).toBe(1);
    expect(standIn.stats.sessions).toBe(1);
    expect(standIn.stats.connections).toBe(1);
  });

  it('queues streams beyond the server concurrency limit instead of failing them', async () => {
    await standIn.close();
    standIn = await startApnsStandIn({ tls: { cert: pki.serverCertPem, key: pki.serverKeyPem, ca: pki.caPem }, maxConcurrentStreams: 5, responseDelayMs: 5 });
    const apns = client({ maxRetries: 0 });
    const results = await apns.pushMany(
      Array.from({ length: 60 }, () => ({ token: newToken(), pushMagic: 'magic' })),
      60,
    );
    expect(results.filter((r) => r.status !== 'sent')).toEqual([]);
    expect(apns.stats.sessionsOpened).toBe(1);
  });

  it('refuses unusable certificate material when constructed', () => {
    expect(() => client({ privateKeyPem: 'not a key' })).toThrow();
  });

  it('reports an unregistered token without retrying', async () => {
    const apns = client();
    const token = newToken();
    standIn.markUnregistered(token, 1_700_000_000_000);

    expect(await apns.push(token, randomUUID())).toEqual({ status: 'unregistered', timestamp: 1_700_000_000_000 });
    expect(standIn.stats.requests).toBe(1);
    expect(apns.stats).toMatchObject({ unregistered: 1, retries: 0 });
  });

  it('retries 503 with backoff and then delivers', async () => {
    const apns = client({ maxRetries: 3 });
    standIn.setFailing(503, 2);
    const token = newToken();

    expect((await apns.push(token, 'magic')).status).toBe('sent');
    expect(standIn.stats.requests).toBe(3);
    expect(standIn.deliveries.map((d) => d.token)).toEqual([token]);
    expect(apns.stats).toMatchObject({ sent: 1, retries: 2, failed: 0 });
  });

  it('gives up after maxRetries and reports the last reason', async () => {
    const apns = client({ maxRetries: 2 });
    standIn.setFailing(500);

    expect(await apns.push(newToken(), 'magic')).toEqual({ status: 'failed', reason: 'InternalServerError (500)' });
    expect(standIn.stats.requests).toBe(3);
    expect(apns.stats).toMatchObject({ failed: 1, retries: 2 });
  });

  it('does not retry rejections, and refuses a malformed token without sending it', async () => {
    const wrongTopic = client({ topic: 'com.apple.mgmt.External.someone-else' });
    expect(await wrongTopic.push(newToken(), 'magic')).toEqual({ status: 'rejected', reason: 'BadTopic', httpStatus: 400 });
    expect(standIn.stats.requests).toBe(1);

    const apns = client();
    for (const token of ['abc', 'zz'.repeat(32), 'a'.repeat(63), '']) {
      expect(await apns.push(token, 'magic')).toEqual({ status: 'rejected', reason: 'BadDeviceToken', httpStatus: 400 });
    }
    expect(standIn.stats.requests).toBe(1);
    expect(apns.stats.sessionsOpened).toBe(0);
    expect((await apns.push('AB'.repeat(40), 'magic')).status).toBe('sent');
  });

  it('opens the circuit when APNs is unreachable, fails fast, and closes it after a successful trial', async () => {
    const apns = client({ maxRetries: 1, circuitBreaker: { failureThreshold: 2, cooldownMs: 300 } });
    expect((await apns.push(newToken(), 'magic')).status).toBe('sent');

    standIn.setDown(true);
    const first = await apns.push(newToken(), 'magic');
    expect(first.status).toBe('failed');
    expect(apns.circuitState).toBe('closed');
    expect((await apns.push(newToken(), 'magic')).status).toBe('failed');
    expect(apns.circuitState).toBe('open');
    expect(apns.stats.retries).toBe(2);

    const attemptsBefore = standIn.stats.connections;
    expect(await apns.push(newToken(), 'magic')).toEqual({ status: 'circuit_open' });
    expect(await apns.push(newToken(), 'magic')).toEqual({ status: 'circuit_open' });
    expect(standIn.stats.connections).toBe(attemptsBefore);

    standIn.setDown(false);
    expect(await apns.push(newToken(), 'magic')).toEqual({ status: 'circuit_open' });
    await sleep(320);
    expect(apns.circuitState).toBe('half_open');
    const token = newToken();
    const [trial, concurrent] = await Promise.all([apns.push(token, 'magic'), apns.push(newToken(), 'magic')]);
    expect(trial.status).toBe('sent');
    expect(concurrent).toEqual({ status: 'circuit_open' });
    expect(apns.circuitState).toBe('closed');
    expect((await apns.push(newToken(), 'magic')).status).toBe('sent');
    expect(apns.stats).toMatchObject({ circuitOpen: 4, failed: 2 });
  });

  it('reopens the circuit when the half-open trial fails', async () => {
    const apns = client({ maxRetries: 0, circuitBreaker: { failureThreshold: 1, cooldownMs: 100 } });
    standIn.setFailing(503);
    expect((await apns.push(newToken(), 'magic')).status).toBe('failed');
    expect(apns.circuitState).toBe('open');
    await sleep(120);
    expect((await apns.push(newToken(), 'magic')).status).toBe('failed');
    expect(apns.circuitState).toBe('open');
    expect(await apns.push(newToken(), 'magic')).toEqual({ status: 'circuit_open' });
    standIn.setFailing(null);
    await sleep(120);
    expect((await apns.push(newToken(), 'magic')).status).toBe('sent');
    expect(apns.circuitState).toBe('closed');
  });

  it('reconnects when the server drops the session', async () => {
    const apns = client({ maxRetries: 2 });
    expect((await apns.push(newToken(), 'magic')).status).toBe('sent');

    standIn.dropSessions('reset');
    // The next push may race the close: either it finds the session gone, or its attempt fails and is retried.
    expect((await apns.push(newToken(), 'magic')).status).toBe('sent');
    expect(apns.stats.sessionsOpened).toBe(2);

    // GOAWAY: the client forgets the session when the frame arrives; a push racing it is refused and retried.
    standIn.dropSessions('goaway');
    await sleep(20);
    expect((await apns.push(newToken(), 'magic')).status).toBe('sent');
    expect(apns.stats.sessionsOpened).toBe(3);
    expect(standIn.stats.sessions).toBe(3);
    expect(standIn.deliveries).toHaveLength(3);
  });

  it('times out an attempt that gets no answer', async () => {
    await standIn.close();
    standIn = await startApnsStandIn({ tls: { cert: pki.serverCertPem, key: pki.serverKeyPem, ca: pki.caPem }, responseDelayMs: 300 });
    const apns = client({ timeoutMs: 100, maxRetries: 1 });
    expect(await apns.push(newToken(), 'magic')).toEqual({ status: 'failed', reason: 'timeout' });
    expect(apns.stats.retries).toBe(1);
  });

  it('answers malformed requests the way APNs documents', async () => {
    const token = newToken();
    const good = { ':path': `/3/device/${token}`, 'apns-topic': pki.topic, 'apns-push-type': 'mdm', 'apns-priority': '10' };
    const body = '{"mdm":"magic"}';
    expect(await raw({ ...good, ':method': 'GET' })).toEqual({ status: 405, body: { reason: 'MethodNotAllowed' } });
    expect(await raw({ ...good, ':path': '/3/device/xyz' }, body)).toEqual({ status: 400, body: { reason: 'BadDeviceToken' } });
    expect(await raw({ ...good, ':path': '/4/whatever' }, body)).toEqual({ status: 404, body: { reason: 'BadPath' } });
    expect(await raw({ ...good, 'apns-topic': undefined }, body)).toEqual({ status: 400, body: { reason: 'MissingTopic' } });
    expect(await raw({ ...good, 'apns-topic': 'com.apple.mgmt.other' }, body)).toEqual({ status: 400, body: { reason: 'BadTopic' } });
    expect(await raw({ ...good, 'apns-push-type': 'alert' }, body)).toEqual({ status: 400, body: { reason: 'InvalidPushType' } });
    expect(await raw({ ...good, 'apns-push-type': undefined }, body)).toEqual({ status: 400, body: { reason: 'InvalidPushType' } });
    expect(await raw({ ...good, 'apns-priority': '7' }, body)).toEqual({ status: 400, body: { reason: 'BadPriority' } });
    expect(await raw({ ...good, 'apns-id': 'nope' }, body)).toEqual({ status: 400, body: { reason: 'BadMessageId' } });
    expect(await raw(good)).toEqual({ status: 400, body: { reason: 'PayloadEmpty' } });
    expect(await raw(good, '{"aps":{}}')).toEqual({ status: 400, body: { reason: 'BadPayload' } });
    expect(await raw(good, 'not json')).toEqual({ status: 400, body: { reason: 'BadPayload' } });
    expect(await raw(good, JSON.stringify({ mdm: 'x'.repeat(5000) }))).toEqual({ status: 413, body: { reason: 'PayloadTooLarge' } });
    expect(standIn.deliveries).toHaveLength(0);
    expect(await raw(good, body)).toEqual({ status: 200, body: {} });
    expect(standIn.deliveries).toHaveLength(1);
  });

  it('requires a client certificate from its CA', async () => {
    const anonymous = http2.connect(standIn.url, { ca: pki.caPem });
    const outcome = await new Promise<string>((resolve) => {
      anonymous.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      const request = anonymous.request({ ':method': 'POST', ':path': `/3/device/${newToken()}` });
      request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      request.on('response', () => resolve('answered'));
      request.end('{"mdm":"x"}');
    });
    anonymous.destroy();
    expect(outcome).not.toBe('answered');
    expect(standIn.stats.requests).toBe(0);
  });
});
