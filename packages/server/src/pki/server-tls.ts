import { X509Certificate as NodeX509, webcrypto } from 'node:crypto';
import fs from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import { type CertificateAuthority, EKU } from './certificate-authority.js';

const RENEW_BEFORE_MS = 30 * 86_400_000;

export interface TlsMaterial {
  cert: string;
  key: string;
  /** True when the certificate was issued by Steward's own CA (devices must be told to trust that root). */
  selfIssued: boolean;
}

/**
 * The server's default TLS certificate: issued by Steward's CA for the public host name, `localhost`
 * and the loopback addresses, kept in the data dir, and re-issued when it no longer covers the host,
 * comes from another CA, or nears expiry.
 */
export async function ensureServerCertificate(ca: CertificateAuthority, dataDir: string, publicUrl: string): Promise<TlsMaterial> {
  const certFile = path.join(dataDir, 'tls', 'server.crt');
  const keyFile = path.join(dataDir, 'tls', 'server.key');
  const host = new URL(publicUrl).hostname.replace(/^\[|\]$/g, '');
  if (fs.existsSync(certFile) && fs.existsSync(keyFile)) {
    const cert = fs.readFileSync(certFile, 'utf8');
    const current = new NodeX509(cert);
    const coversHost = isIP(host) ? current.checkIP(host) !== undefined : current.checkHost(host) !== undefined;
    const fromOurCa = current.checkIssued(new NodeX509(ca.certificatePem)) && current.verify(new NodeX509(ca.certificatePem).publicKey);
    if (coversHost && fromOurCa && new Date(current.validTo).getTime() - Date.now() > RENEW_BEFORE_MS) {
      return { cert, key: fs.readFileSync(keyFile, 'utf8'), selfIssued: true };
    }
  }
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256' };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const dnsNames = new Set(['localhost']);
  const ipAddresses = new Set(['127.0.0.1', '::1']);
  if (isIP(host)) ipAddresses.add(host);
  else dnsNames.add(host);
  const certificate = await ca.issue({
    subject: `CN=${host}`,
    publicKey: keys.publicKey as webcrypto.CryptoKey,
    lifetimeDays: 397,
    dnsNames: [...dnsNames],
    ipAddresses: [...ipAddresses],
    keyUsages: x509.KeyUsageFlags.digitalSignature,
    extendedKeyUsages: [EKU.serverAuth],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as webcrypto.CryptoKey));
  const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd()}\n-----END PRIVATE KEY-----\n`;
  const cert = `${certificate.toString('pem')}\n`;
  fs.mkdirSync(path.dirname(certFile), { recursive: true });
  fs.writeFileSync(keyFile, key, { mode: 0o600 });
  fs.writeFileSync(certFile, cert);
  return { cert, key, selfIssued: true };
}
