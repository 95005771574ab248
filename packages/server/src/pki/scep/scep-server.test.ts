import { execFile } from 'node:child_process';
import { constants, KeyObject, publicEncrypt, randomBytes, randomUUID, webcrypto } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import * as x509 from '@peculiar/x509';
import { ScepClient, ScepFailureError, ScepProtocolError, generateScepKeyPair, scepEnroll } from '@steward/simulators';
import forge from 'node-forge';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyError } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../api/route-config.js';
import type { Context } from '../../context.js';
import { StewardError } from '../../core/errors.js';
import { migrate, openDatabase, type Database } from '../../db/database.js';
import { scepRoutes } from '../../protocols/scep/routes.js';
import { tempDir } from '../../test-support/databases.js';
import { CertificateAuthority, EKU } from '../certificate-authority.js';
import { SecretBox } from '../secret-box.js';
import { type ScepAuthorizationRequest, type ScepDecision, type ScepPolicy, ScepServer, rsaPkcs1v15Unwrap } from './scep-server.js';

const run = promisify(execFile);
type CryptoKeyPair = webcrypto.CryptoKeyPair;

/** Challenges valid once, each bound to an enrollment; renewals keep the enrollment of the certificate that signs them. */
class TestPolicy implements ScepPolicy {
  private readonly challenges = new Map<string, { enrollmentId: string; expiresAt: number }>();
  readonly issued: x509.X509Certificate[] = [];
  readonly requests: ScepAuthorizationRequest[] = [];

  challenge(ttlMs = 60_000, value = `good-${randomUUID()}`): { value: string; enrollmentId: string } {
    const enrollment = { value, enrollmentId: randomUUID() };
    this.challenges.set(enrollment.value, { enrollmentId: enrollment.enrollmentId, expiresAt: Date.now() + ttlMs });
    return enrollment;
  }

  async authorize(request: ScepAuthorizationRequest): Promise<ScepDecision> {
    this.requests.push(request);
    const onIssued = async (certificate: x509.X509Certificate) => {
      this.issued.push(certificate);
    };
    if (request.messageType === 'RenewalReq') {
      const uris = uriNames(request.signer).filter((uri) => uri.startsWith('urn:steward:enrollment:'));
      if (!uris.length) return { ok: false, failInfo: 'badCertId', reason: 'the certificate is not bound to an enrollment' };
      return { ok: true, lifetimeDays: 30, uris, onIssued };
    }
    const entry = request.challenge ? this.challenges.get(request.challenge) : undefined;
    if (!request.challenge || !entry) return { ok: false, failInfo: 'badRequest', reason: 'unknown or used challenge' };
    this.challenges.delete(request.challenge);
    if (entry.expiresAt <= Date.now()) return { ok: false, failInfo: 'badRequest', reason: 'challenge expired' };
    return { ok: true, lifetimeDays: 365, uris: [`urn:steward:enrollment:${entry.enrollmentId}`], onIssued };
  }
}

function uriNames(certificate: x509.X509Certificate): string[] {
  const san = certificate.getExtension(x509.SubjectAlternativeNameExtension);
  return san?.names.items.filter((name) => name.type === 'url').map((name) => name.value) ?? [];
}

/**
 * The SCEP routes in a bare Fastify with the app's error format (`{ error: { code, message, details } }`),
 * so these tests stand on the SCEP code alone (the app's own tests cover how it mounts route modules).
 */
async function scepApp(ca: CertificateAuthority, scep: ScepServer): Promise<App> {
  const app = Fastify({ logger: false }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;
  app.setErrorHandler((error: FastifyError | StewardError, _request, reply) => {
    const known =
      error instanceof StewardError
        ? error
        : new StewardError(error.statusCode === 413 ? 'payload_too_large' : error.statusCode === 400 ? 'bad_request' : 'internal');
    return reply
      .code(known.status)
      .send({ error: { code: known.code, message: known.message, ...(known.details === undefined ? {} : { details: known.details }) } });
  });
  await app.register(async (scope) => scepRoutes(scep)(scope as App, { ca } as Context));
  return app;
}

describe('SCEP server', () => {
  let database: Database;
  let ca: CertificateAuthority;
  let app: App;
  let foreignDatabase: Database;
  let foreign: CertificateAuthority;
  let scep: ScepServer;
  let url: string;
  let client: ScepClient;
  let keys: CryptoKeyPair;
  const policy = new TestPolicy();

  beforeAll(async () => {
    database = await openDatabase('sqlite::memory:');
    await migrate(database);
    ca = await CertificateAuthority.loadOrCreate(database.db, SecretBox.fromKey(randomBytes(32)));
    // Legacy algorithms on, for Debian's scepclient (single DES, SHA-1); a second server below checks the default.
    scep = new ScepServer(ca, policy, { legacyAlgorithms: true });
    app = await scepApp(ca, scep);
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/scep`;
    client = new ScepClient({ url });
    keys = await generateScepKeyPair();
    // Another Steward CA with the very same name: only its key tells it apart.
    foreignDatabase = await openDatabase('sqlite::memory:');
    await migrate(foreignDatabase);
    foreign = await CertificateAuthority.loadOrCreate(foreignDatabase.db, SecretBox.fromKey(randomBytes(32)));
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
    await foreignDatabase?.close();
  });

  const failInfoOf = async (promise: Promise<unknown>): Promise<string> => {
    const error = await promise.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(ScepFailureError);
    return (error as ScepFailureError).failInfo;
  };

  const post = (body: Uint8Array | string, contentType = 'application/x-pki-message') =>
    fetch(`${url}?operation=PKIOperation`, { method: 'POST', headers: { 'content-type': contentType }, body });

  it('answers GetCACaps and GetCACert', async () => {
    const caps = await fetch(`${url}?operation=GetCACaps`);
    expect(caps.status).toBe(200);
    expect(caps.headers.get('content-type')).toMatch(/^text\/plain/);
    const lines = (await caps.text()).split('\n');
    expect(lines).toEqual(expect.arrayContaining(['POSTPKIOperation', 'SHA-256', 'SHA-512', 'AES', 'SCEPStandard', 'Renewal']));
    expect(lines).not.toContain('DES3');
    expect(lines).not.toContain('SHA-1');

    const cert = await fetch(`${url}?operation=GetCACert&message=anything`);
    expect(cert.status).toBe(200);
    expect(cert.headers.get('content-type')).toBe('application/x-x509-ca-cert');
    expect(Buffer.from(await cert.arrayBuffer()).equals(ca.certificateDer)).toBe(true);

    const unknown = await fetch(`${url}?operation=GetNextCACert`);
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { code: 'bad_request', details: { reason: 'scep_unknown_operation' } } });
    expect((await fetch(url)).status).toBe(400);
  });

  it('enrolls with a valid challenge: a clientAuth certificate bound to the enrollment, chaining to the CA', async () => {
    const { value, enrollmentId } = policy.challenge();
    const enrollment = await client.enroll({ challenge: value, subject: 'CN=device-1, O=Steward Simulators', keyPair: keys });
    const { certificate } = enrollment;
    expect(certificate.issuer).toBe(ca.certificate.subject);
    expect(certificate.subject).toBe('CN=device-1, O=Steward Simulators');
    expect(await ca.verifies(certificate)).toBe(true);
    expect(certificate.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual([EKU.clientAuth]);
    const usages = certificate.getExtension(x509.KeyUsagesExtension)?.usages ?? 0;
    expect(usages & x509.KeyUsageFlags.digitalSignature).toBeTruthy();
    expect(usages & x509.KeyUsageFlags.keyCertSign).toBeFalsy();
    expect(uriNames(certificate)).toEqual([`urn:steward:enrollment:${enrollmentId}`]);
    expect(policy.issued.at(-1)?.serialNumber).toBe(certificate.serialNumber);
    expect(policy.requests.at(-1)).toMatchObject({ messageType: 'PKCSReq', challenge: value });
    expect(enrollment.caCertificate.equal(ca.certificate)).toBe(true);

    // Steward's challenges are base64url: `_` is not PrintableString, so the CSR carries a UTF8String.
    const utf8 = policy.challenge(60_000, `good_${randomBytes(18).toString('base64url')}~é`);
    expect((await client.enroll({ challenge: utf8.value, subject: 'CN=device-utf8', keyPair: keys })).certificate.subject).toBe('CN=device-utf8');
    expect(policy.requests.at(-1)?.challenge).toBe(utf8.value);
  });

  it('answers a refusal with a signed FAILURE CertRep (HTTP 200) — reused and expired challenges', async () => {
    const { value } = policy.challenge();
    await client.enroll({ challenge: value, subject: 'CN=device-2', keyPair: keys });
    expect(await failInfoOf(client.enroll({ challenge: value, subject: 'CN=device-2', keyPair: keys }))).toBe('badRequest');

    const expired = policy.challenge(-1_000);
    const pending = await client.createRequest({ challenge: expired.value, subject: 'CN=device-3', keyPair: keys });
    const response = await post(pending.message);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-pki-message');
    const error = await client.readResponse(pending, Buffer.from(await response.arrayBuffer())).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ScepFailureError);
    expect(error).toMatchObject({ failInfo: 'badRequest', failInfoText: 'challenge expired' });

    expect(await failInfoOf(client.enroll({ subject: 'CN=no-challenge', keyPair: keys }))).toBe('badRequest');
  });

  it('refuses weak keys, SANs, EKUs other than clientAuth and a signer key that is not the CSR key', async () => {
    const weak = (await webcrypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 1024 },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    const seen = policy.requests.length;
    expect(await failInfoOf(client.enroll({ challenge: policy.challenge().value, subject: 'CN=weak', keyPair: weak }))).toBe('badAlg');

    const san = new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'evil.example.com' }]);
    expect(await failInfoOf(client.enroll({ challenge: policy.challenge().value, subject: 'CN=san', keyPair: keys, extensions: [san] }))).toBe('badRequest');

    const serverAuth = new x509.ExtendedKeyUsageExtension([EKU.serverAuth, EKU.clientAuth]);
    expect(await failInfoOf(client.enroll({ challenge: policy.challenge().value, subject: 'CN=server', keyPair: keys, extensions: [serverAuth] }))).toBe(
      'badRequest',
    );

    const other = await generateScepKeyPair();
    expect(await failInfoOf(client.enroll({ challenge: policy.challenge().value, subject: 'CN=swap', keyPair: keys, signerKeyPair: other }))).toBe(
      'badMessageCheck',
    );
    expect(await failInfoOf(client.enroll({ challenge: policy.challenge().value, subject: '', keyPair: keys }))).toBe('badRequest');
    // None of these reached the policy, so no challenge was spent on them.
    expect(policy.requests.length).toBe(seen);

    const clientAuthOnly = new x509.ExtendedKeyUsageExtension([EKU.clientAuth]);
    const allowed = await client.enroll({ challenge: policy.challenge().value, subject: 'CN=eku', keyPair: keys, extensions: [clientAuthOnly] });
    expect(allowed.certificate.subject).toBe('CN=eku');
  });

  it('renews with a certificate this CA issued, keeping the enrollment binding; refuses a foreign CA certificate', async () => {
    const first = await client.enroll({ challenge: policy.challenge().value, subject: 'CN=renewing', keyPair: keys });
    const next = await generateScepKeyPair();
    const renewed = await client.enroll({ subject: 'CN=renewing', keyPair: next, renewWith: { certificate: first.certificate, privateKey: first.privateKey } });
    expect(renewed.certificate.serialNumber).not.toBe(first.certificate.serialNumber);
    expect(await ca.verifies(renewed.certificate)).toBe(true);
    expect(uriNames(renewed.certificate)).toEqual(uriNames(first.certificate));
    expect(policy.requests.at(-1)).toMatchObject({ messageType: 'RenewalReq', challenge: undefined });

    const foreignCertificate = await foreign.issue({
      subject: 'CN=renewing',
      publicKey: keys.publicKey,
      lifetimeDays: 30,
      uris: uriNames(first.certificate),
      keyUsages: x509.KeyUsageFlags.digitalSignature,
      extendedKeyUsages: [EKU.clientAuth],
    });
    expect(foreignCertificate.issuer).toBe(ca.certificate.subject);
    const seen = policy.requests.length;
    expect(
      await failInfoOf(client.enroll({ subject: 'CN=renewing', keyPair: next, renewWith: { certificate: foreignCertificate, privateKey: keys.privateKey } })),
    ).toBe('badCertId');
    expect(policy.requests.length).toBe(seen);
  });

  it('refuses renewal with an expired certificate (badTime)', async () => {
    const first = await client.enroll({ challenge: policy.challenge().value, subject: 'CN=old', keyPair: keys });
    const later = new ScepServer(ca, policy, { clock: () => new Date(Date.now() + 400 * 86_400_000) });
    const pending = await client.createRequest({
      subject: 'CN=old',
      keyPair: keys,
      renewWith: { certificate: first.certificate, privateKey: first.privateKey },
    });
    const error = await client.readResponse(pending, await later.pkiOperation(pending.message)).catch((reason: unknown) => reason);
    expect(error).toMatchObject({ failInfo: 'badTime' });
  });

  it('enrolls through scepEnroll, sharing the CA material per URL', async () => {
    const first = await scepEnroll({ url, challenge: policy.challenge().value, subject: 'CN=fleet-1', keyPair: keys });
    const second = await scepEnroll({ url, challenge: policy.challenge().value, subject: 'CN=fleet-2', keyPair: keys });
    expect(first.certificate.subject).toBe('CN=fleet-1');
    expect(second.certificate.subject).toBe('CN=fleet-2');
    expect(second.caCertificate).toBe(first.caCertificate);
  });

  it('takes PKIOperation over GET too', async () => {
    const pending = await client.createRequest({ challenge: policy.challenge().value, subject: 'CN=over-get', keyPair: keys });
    const response = await fetch(`${url}?operation=PKIOperation&message=${encodeURIComponent(pending.message.toString('base64'))}`);
    expect(response.status).toBe(200);
    const certificate = await client.readResponse(pending, Buffer.from(await response.arrayBuffer()));
    expect(certificate.subject).toBe('CN=over-get');
    // Go's client sends URL-safe base64, and some clients leave `+` unescaped.
    const again = await client.createRequest({ challenge: policy.challenge().value, subject: 'CN=over-get', keyPair: keys });
    const urlSafe = await fetch(`${url}?operation=PKIOperation&message=${again.message.toString('base64url')}`);
    expect(urlSafe.status).toBe(200);
  });

  it('answers malformed messages with 400 and a stable reason', async () => {
    const reasonOf = async (response: Response) => {
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { code: string; details?: { reason?: string } } };
      expect(body.error.code).toBe('bad_request');
      return body.error.details?.reason;
    };
    expect(await reasonOf(await post(randomBytes(300)))).toBe('scep_not_der');
    expect(await reasonOf(await post(ca.certificateDer))).toBe('scep_malformed');
    expect(await reasonOf(await post(Buffer.alloc(0)))).toBe('scep_not_der');
    expect(await reasonOf(await fetch(`${url}?operation=PKIOperation&message=%25%25%25`))).toBe('scep_not_der');
    expect(await reasonOf(await fetch(`${url}?operation=GetCACaps`, { method: 'POST', body: 'x' }))).toBe('scep_unknown_operation');

    const pending = await client.createRequest({ challenge: policy.challenge().value, subject: 'CN=tampered', keyPair: keys });
    const tampered = Buffer.from(pending.message);
    tampered[tampered.length - 5] = (tampered[tampered.length - 5] ?? 0) ^ 0x01;
    expect(await reasonOf(await post(tampered))).toBe('scep_bad_signature');

    const misaddressed = await new ScepClient({ url, caCertificate: foreign.certificate }).createRequest({
      challenge: policy.challenge().value,
      subject: 'CN=x',
      keyPair: keys,
    });
    expect(await reasonOf(await post(misaddressed.message))).toBe('scep_undecryptable');

    // Clients disagree on the content type (micromdm's scepclient sends application/octet-stream); any or none is taken as DER.
    const untyped = await fetch(`${url}?operation=PKIOperation`, { method: 'POST', body: randomBytes(10) });
    expect(await reasonOf(untyped)).toBe('scep_not_der');

    const tooLarge = await post(Buffer.alloc(70 * 1024, 0x30));
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ error: { code: 'payload_too_large' } });

    const protocolError = await client.enroll({ challenge: 'x', subject: 'CN=x', keyPair: keys, transactionId: '' }).catch((error: unknown) => error);
    expect(protocolError).toBeInstanceOf(ScepProtocolError);
  });

  it('unwraps PKCS#1 v1.5 keys like node-forge, and turns bad padding into a random key', async () => {
    const { privateKey, publicKey } = (await webcrypto.subtle.generateKey(
      { name: 'RSA-OAEP', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 },
      true,
      ['encrypt', 'decrypt'],
    )) as CryptoKeyPair;
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', privateKey));
    const forgeKey = forge.pki.privateKeyFromAsn1(forge.asn1.fromDer(forge.util.createBuffer(pkcs8.toString('binary')))) as forge.pki.rsa.PrivateKey;
    const key = KeyObject.from(privateKey);
    const publicKeyObject = KeyObject.from(publicKey);
    for (const length of [16, 24, 32]) {
      const secret = randomBytes(length);
      const wrapped = publicEncrypt({ key: publicKeyObject, padding: constants.RSA_PKCS1_PADDING }, secret);
      expect(rsaPkcs1v15Unwrap(key, wrapped, length).equals(secret)).toBe(true);
      expect(Buffer.from(forgeKey.decrypt(wrapped.toString('binary'), 'RSAES-PKCS1-V1_5'), 'binary').equals(secret)).toBe(true);
      // The right block for another key length is rejected, implicitly.
      expect(rsaPkcs1v15Unwrap(key, wrapped, length === 32 ? 16 : 32).length).toBe(length === 32 ? 16 : 32);
    }
    const secret = randomBytes(32);
    const wrapped = publicEncrypt({ key: publicKeyObject, padding: constants.RSA_PKCS1_PADDING }, secret);
    const corrupted = Buffer.from(wrapped);
    corrupted[10] = (corrupted[10] ?? 0) ^ 0xff;
    const first = rsaPkcs1v15Unwrap(key, corrupted, 32);
    const second = rsaPkcs1v15Unwrap(key, corrupted, 32);
    expect(first.length).toBe(32);
    expect(first.equals(second)).toBe(false);
    expect(() => forgeKey.decrypt(corrupted.toString('binary'), 'RSAES-PKCS1-V1_5')).toThrow();
    expect(rsaPkcs1v15Unwrap(key, wrapped.subarray(1), 32).length).toBe(32);
  });

  it('measures server CPU time per PKCSReq', async () => {
    const count = 50;
    // Warm up the JIT and the CA's caches, then time only the server's work on prepared messages.
    for (let i = 0; i < 5; i++) await client.enroll({ challenge: policy.challenge().value, subject: `CN=warm-${i}`, keyPair: keys });
    const pending = [];
    for (let i = 0; i < count; i++) pending.push(await client.createRequest({ challenge: policy.challenge().value, subject: `CN=bench-${i}`, keyPair: keys }));
    const answers: Buffer[] = [];
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (const request of pending) answers.push(await scep.pkiOperation(request.message));
    const elapsed = performance.now() - started;
    const used = process.cpuUsage(cpu);
    for (const [i, request] of pending.entries()) expect((await client.readResponse(request, answers[i]!)).subject).toBe(`CN=bench-${i}`);

    const httpCpu = process.cpuUsage();
    const httpStarted = performance.now();
    for (let i = 0; i < count; i++) await client.enroll({ challenge: policy.challenge().value, subject: `CN=http-${i}`, keyPair: keys });
    const httpElapsed = performance.now() - httpStarted;
    const httpUsed = process.cpuUsage(httpCpu);

    const perEnrollment = (used.user + used.system) / 1000 / count;
    console.log(
      `SCEP PKCSReq: server CPU ${perEnrollment.toFixed(2)} ms per enrollment (wall ${(elapsed / count).toFixed(2)} ms); ` +
        `client + HTTP + server in one process: CPU ${((httpUsed.user + httpUsed.system) / 1000 / count).toFixed(2)} ms, wall ${(httpElapsed / count).toFixed(2)} ms`,
    );
    // The target is 10 ms; this bound only catches a gross regression (e.g. pure-JS RSA).
    expect(perEnrollment).toBeLessThan(50);
  });

  describe("Debian's scepclient (micromdm)", () => {
    const binary = '/usr/bin/scepclient';
    const present = fs.existsSync(binary);
    if (!present && !process.env.CI) {
      it.skip('scepclient is not installed (apt-get install scep) — interoperability not checked', () => {});
      return;
    }

    const scepclient = async (dir: string, challenge: string, serverUrl = url) => {
      const args = [
        '-server-url',
        serverUrl,
        '-private-key',
        path.join(dir, 'key.pem'),
        '-challenge',
        challenge,
        '-cn',
        'sim-mac',
        '-organization',
        'Steward',
        '-ou',
        'Lab',
      ];
      return run(binary, args, { cwd: dir, timeout: 20_000 }).then(
        ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
        (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? -1, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
      );
    };

    it('obtains a certificate that chains to the CA, renews it, and is refused reused or expired challenges and legacy algorithms by default', async () => {
      expect(present, `${binary} is missing: apt-get install scep`).toBe(true);
      const dir = tempDir('steward-scepclient-');
      try {
        fs.writeFileSync(path.join(dir, 'ca.pem'), ca.certificatePem);
        const { value, enrollmentId } = policy.challenge();
        const enrolled = await scepclient(dir, value);
        expect(enrolled.code, enrolled.output).toBe(0);
        const certPath = path.join(dir, 'client.pem');
        const names = await run('openssl', ['x509', '-noout', '-issuer', '-subject', '-in', certPath]);
        expect(names.stdout).toContain('issuer=CN = Steward Root CA');
        expect(names.stdout).toMatch(/subject=.*CN = sim-mac/);
        expect((await run('openssl', ['verify', '-CAfile', path.join(dir, 'ca.pem'), certPath])).stdout).toContain(': OK');
        const issued = new x509.X509Certificate(fs.readFileSync(certPath, 'utf8'));
        expect(uriNames(issued)).toEqual([`urn:steward:enrollment:${enrollmentId}`]);

        // With client.pem present, scepclient sends a RenewalReq signed by it.
        const renewed = await scepclient(dir, value);
        expect(renewed.code, renewed.output).toBe(0);
        const renewal = new x509.X509Certificate(fs.readFileSync(certPath, 'utf8'));
        expect(renewal.serialNumber).not.toBe(issued.serialNumber);
        expect(policy.requests.at(-1)?.messageType).toBe('RenewalReq');

        const reusedDir = tempDir('steward-scepclient-');
        const reused = await scepclient(reusedDir, value);
        expect(reused.code).not.toBe(0);
        expect(reused.output).toMatch(/failInfo|badRequest|failed/i);
        expect(fs.existsSync(path.join(reusedDir, 'client.pem'))).toBe(false);

        // Without legacyAlgorithms, this client's single DES and SHA-1 are refused, with a FAILURE it understands.
        const strict = await scepApp(ca, new ScepServer(ca, policy));
        await strict.listen({ host: '127.0.0.1', port: 0 });
        const strictDir = tempDir('steward-scepclient-');
        try {
          const strictUrl = `http://127.0.0.1:${(strict.server.address() as AddressInfo).port}/scep`;
          const refused = await scepclient(strictDir, policy.challenge().value, strictUrl);
          expect(refused.code).not.toBe(0);
          expect(refused.output).toMatch(/badAlg/);
        } finally {
          await strict.close();
          fs.rmSync(strictDir, { recursive: true, force: true });
        }

        const expiredDir = tempDir('steward-scepclient-');
        const expired = await scepclient(expiredDir, policy.challenge(-1_000).value);
        expect(expired.code).not.toBe(0);
        expect(fs.existsSync(path.join(expiredDir, 'client.pem'))).toBe(false);
        fs.rmSync(reusedDir, { recursive: true, force: true });
        fs.rmSync(expiredDir, { recursive: true, force: true });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
