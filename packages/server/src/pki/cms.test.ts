import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
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
});
