import { randomBytes, randomUUID, webcrypto } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import { type ApnsStandIn, type ConfigInput, type RunningServer, loadConfig, startApnsStandIn, startServer } from '@steward/server';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };

const pem = (label: string, der: ArrayBuffer) =>
  `-----BEGIN ${label}-----\n${Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd()}\n-----END ${label}-----\n`;

/** A stand-in for Apple: its CA, an MDM push certificate it "issued", and a TLS certificate for the APNs stand-in. */
export async function fakeApple(): Promise<{
  caPem: string;
  push: { certificatePem: string; privateKeyPem: string; topic: string };
  tls: { cert: string; key: string };
}> {
  const caKeys = (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=Fake Apple Root',
    notBefore: new Date(now - 86_400_000),
    notAfter: new Date(now + 365 * 86_400_000),
    keys: caKeys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'],
    signingAlgorithm: RSA,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  const issue = async (subject: string | x509.Name, extensions: x509.Extension[]) => {
    const keys = (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: randomBytes(8).toString('hex'),
      subject,
      issuer: ca.subject,
      notBefore: new Date(now - 3_600_000),
      notAfter: new Date(now + 300 * 86_400_000),
      signingAlgorithm: RSA,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey as never,
      extensions,
    });
    return { certificatePem: cert.toString('pem'), privateKeyPem: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)) };
  };
  const topic = `com.apple.mgmt.External.${randomUUID()}`;
  const push = await issue(new x509.Name(`UID=${topic}, CN=APSP:${randomUUID()}, C=US`, { UID: '0.9.2342.19200300.100.1.1' }), [
    new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.2']),
  ]);
  const server = await issue('CN=127.0.0.1', [
    new x509.SubjectAlternativeNameExtension([
      { type: 'ip', value: '127.0.0.1' },
      { type: 'dns', value: 'localhost' },
    ]),
  ]);
  return { caPem: ca.toString('pem'), push: { ...push, topic }, tls: { cert: server.certificatePem, key: server.privateKeyPem } };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface AppleLab {
  server: RunningServer;
  apns: ApnsStandIn;
  url: string;
  /** Bearer headers per role. */
  as(role: 'admin' | 'operator' | 'helpdesk' | 'auditor'): Record<string, string>;
  api<T = unknown>(method: string, path: string, role: 'admin' | 'operator' | 'helpdesk' | 'auditor', body?: unknown): Promise<{ status: number; json: T }>;
  topic: string;
  close(): Promise<void>;
}

/** Steward (SQLite or PostgreSQL) with an uploaded push certificate, and an APNs stand-in, on loopback. */
export async function startAppleLab(options: { databaseUrl?: string; config?: Partial<ConfigInput> } = {}): Promise<AppleLab> {
  const apple = await fakeApple();
  const apns = await startApnsStandIn({ tls: { cert: apple.tls.cert, key: apple.tls.key, ca: apple.caPem } });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-apple-'));
  fs.writeFileSync(path.join(dataDir, 'apns-ca.pem'), apple.caPem);
  const port = await freePort();
  const server = await startServer(
    loadConfig({
      listen: `127.0.0.1:${port}`,
      publicUrl: `http://127.0.0.1:${port}`,
      noTls: true,
      dataDir,
      logLevel: 'silent',
      apnsUrl: apns.url,
      apnsCaFile: path.join(dataDir, 'apns-ca.pem'),
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
      ...options.config,
    }),
    { logger: false },
  );
  const tokens: Record<string, string> = {};
  for (const role of ['admin', 'operator', 'helpdesk', 'auditor'] as const)
    tokens[role] = (await server.ctx.auth.createToken({ name: `lab-${role}`, role, createdBy: null })).secret;
  const as = (role: string) => ({ authorization: `Bearer ${tokens[role]}` });
  const api = async <T>(method: string, p: string, role: 'admin' | 'operator' | 'helpdesk' | 'auditor', body?: unknown) => {
    const response = await fetch(`${server.url}${p}`, {
      method,
      headers: { ...as(role), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: (text ? JSON.parse(text) : null) as T };
  };
  const uploaded = await api('POST', '/api/v1/apple/push-certificates', 'admin', {
    certificatePem: apple.push.certificatePem,
    privateKeyPem: apple.push.privateKeyPem,
  });
  if (uploaded.status !== 201) throw new Error(`push certificate upload failed: ${JSON.stringify(uploaded.json)}`);
  return {
    server,
    apns,
    url: server.url,
    as,
    api,
    topic: apple.push.topic,
    async close() {
      await server.close();
      await apns.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
