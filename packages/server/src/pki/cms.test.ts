import { execFileSync } from 'node:child_process';
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openDatabase, type Database } from '../db/database.js';
import { tempDir } from '../test-support/databases.js';
import { CertificateAuthority } from './certificate-authority.js';
import { CmsError, signCms, verifyCms } from './cms.js';
import { SecretBox } from './secret-box.js';

describe('CMS signing and verification', () => {
  let database: Database;
  let ca: CertificateAuthority;
  beforeAll(async () => {
    database = await openDatabase('sqlite::memory:');
    await migrate(database);
    ca = await CertificateAuthority.loadOrCreate(database.db, SecretBox.fromKey(randomBytes(32)));
  });
  afterAll(() => database?.close());

  const signer = () => ({ certificateDer: ca.certificateDer, privateKey: ca.key });

  it('signs attached content that verifies here and with openssl', async () => {
    const content = Buffer.from('<plist>hello</plist>');
    const der = await signCms(content, signer());
    const verified = verifyCms(der);
    expect(verified.content.equals(content)).toBe(true);
    expect(verified.signerCertificateDer.equals(ca.certificateDer)).toBe(true);
    if (fs.existsSync('/usr/bin/openssl')) {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'signed.der'), der);
      fs.writeFileSync(path.join(dir, 'ca.pem'), ca.certificatePem);
      const out = execFileSync(
        'openssl',
        ['cms', '-verify', '-inform', 'DER', '-in', path.join(dir, 'signed.der'), '-CAfile', path.join(dir, 'ca.pem'), '-purpose', 'any'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      expect(out.toString()).toBe(content.toString());
    }
  });

  it('verifies detached signatures over the exact body only', async () => {
    const body = Buffer.from('body bytes');
    const der = await signCms(body, signer(), { detached: true });
    expect(verifyCms(der, body).signerCertificateDer.equals(ca.certificateDer)).toBe(true);
    expect(() => verifyCms(der, Buffer.from('body bytez'))).toThrow(CmsError);
    expect(() => verifyCms(der)).toThrow(/no content/);
    const tampered = Buffer.from(der);
    tampered[tampered.length - 5] = (tampered[tampered.length - 5] ?? 0) ^ 0xff;
    expect(() => verifyCms(tampered, body)).toThrow(CmsError);
    expect(() => verifyCms(Buffer.from('not der at all'), body)).toThrow(CmsError);
    expect(() => verifyCms(Buffer.alloc(0), body)).toThrow(CmsError);
  });

  it('verifies RSA and EC (P-256) signers, many times over, without keeping a key per certificate', async () => {
    const body = Buffer.from('<plist>idle</plist>');
    const rsa = await signCms(body, signer(), { detached: true });
    for (let i = 0; i < 3; i++) expect(verifyCms(rsa, body).signerCertificateDer.equals(ca.certificateDer)).toBe(true);
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '02',
      name: 'CN=EC device',
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 86_400_000),
      keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'],
      signingAlgorithm: algorithm,
    });
    const certificateDer = Buffer.from(certificate.rawData);
    const ec = await signCms(body, { certificateDer, privateKey: keys.privateKey }, { detached: true });
    for (let i = 0; i < 3; i++) expect(verifyCms(ec, body).signerCertificateDer.equals(certificateDer)).toBe(true);
    expect(() => verifyCms(ec, Buffer.from('<plist>other</plist>'))).toThrow(CmsError);
  });
});
