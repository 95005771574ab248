import { execFileSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import { verifyCms } from '@steward/server';
import { afterAll, describe, expect, it } from 'vitest';
import { detachedSigner, generateScepKeyPair } from './scep-client.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

describe('detachedSigner (Mdm-Signature)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-signer-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes a standard detached CMS SignedData that Steward and OpenSSL verify over the exact body', async () => {
    const keys = await generateScepKeyPair();
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '00f1e2d3c4b5a697',
      name: 'CN=device, O=Steward',
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 3_600_000),
      keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'],
      signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    });
    const der = Buffer.from(certificate.rawData);
    const sign = detachedSigner(der, keys.privateKey);
    const body = Buffer.from('<plist><dict><key>Status</key><string>Idle</string></dict></plist>');
    const signature = sign(body);

    expect(new x509.X509Certificate(verifyCms(signature, body).signerCertificateDer).serialNumber).toBe(certificate.serialNumber);
    expect(() => verifyCms(signature, Buffer.from(`${body} `))).toThrow(/signature|digest/);
    // A second message gets its own digest and signature.
    const other = Buffer.from('<plist><dict/></plist>');
    expect(verifyCms(sign(other), other).content.equals(other)).toBe(true);

    if (fs.existsSync('/usr/bin/openssl')) {
      fs.writeFileSync(path.join(dir, 'sig.der'), signature);
      fs.writeFileSync(path.join(dir, 'body.plist'), body);
      const out = execFileSync(
        'openssl',
        ['cms', '-verify', '-binary', '-inform', 'DER', '-in', path.join(dir, 'sig.der'), '-content', path.join(dir, 'body.plist'), '-noverify'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      expect(out.equals(body)).toBe(true);
    }
  });
});
