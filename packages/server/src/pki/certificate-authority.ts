import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { SecretBox } from './secret-box.js';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const RSA_SIGN: webcrypto.RsaHashedImportParams & webcrypto.RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};
const CA_NAME = 'root';
const CA_LIFETIME_YEARS = 20;
const DAY_MS = 86_400_000;

export interface IssueOptions {
  /** Distinguished name, e.g. `CN=device-1, O=Steward`. */
  subject: string | x509.Name;
  publicKey: CryptoKey | x509.PublicKey;
  lifetimeDays: number;
  /** DNS names and IP addresses for a server certificate. */
  dnsNames?: string[];
  ipAddresses?: string[];
  /** Subject alternative name URIs (identity bindings such as `urn:steward:device:<id>`). */
  uris?: string[];
  keyUsages: x509.KeyUsageFlags;
  extendedKeyUsages?: string[];
}

export const EKU = Object.freeze({ serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' });

/**
 * Steward's own certificate authority. Its certificate and sealed private key live in the database,
 * so every node of a deployment shares one CA; the key is opened with the deployment's secret key.
 */
export class CertificateAuthority {
  private authorityKeyIdentifier: Promise<x509.AuthorityKeyIdentifierExtension> | undefined;

  private constructor(
    readonly certificate: x509.X509Certificate,
    private readonly privateKey: CryptoKey,
  ) {}

  get certificatePem(): string {
    return this.certificate.toString('pem');
  }

  get certificateDer(): Buffer {
    return Buffer.from(this.certificate.rawData);
  }

  /** The CA's private key, for protocol code that must sign or decrypt as the CA (SCEP, CMS). */
  get key(): CryptoKey {
    return this.privateKey;
  }

  /**
   * Loads the CA from the database, creating it on first start. Two nodes starting together
   * race on one insert; the loser loads the winner's CA.
   */
  static async loadOrCreate(db: Kysely<DB>, box: SecretBox, organisation = 'Steward'): Promise<CertificateAuthority> {
    const existing = await CertificateAuthority.load(db, box);
    if (existing) return existing;
    const keys = (await webcrypto.subtle.generateKey(RSA_SIGN, true, ['sign', 'verify'])) as CryptoKeyPair;
    const now = Date.now();
    const name = `CN=${organisation} Root CA ${new Date(now).toISOString().slice(0, 10)}, O=${organisation}`;
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomSerial(),
      name,
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + CA_LIFETIME_YEARS * 365 * DAY_MS),
      keys,
      signingAlgorithm: RSA_SIGN,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
    await db
      .insertInto('certificate_authorities')
      .values({
        name: CA_NAME,
        certificate_pem: certificate.toString('pem'),
        private_key_sealed: box.seal(pkcs8, `ca:${CA_NAME}`),
        created_at: now,
      })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const stored = await CertificateAuthority.load(db, box);
    if (!stored) throw new Error('certificate authority was not stored');
    return stored;
  }

  private static async load(db: Kysely<DB>, box: SecretBox): Promise<CertificateAuthority | undefined> {
    const row = await db.selectFrom('certificate_authorities').selectAll().where('name', '=', CA_NAME).executeTakeFirst();
    if (!row) return undefined;
    let pkcs8: Buffer;
    try {
      pkcs8 = box.open(row.private_key_sealed, `ca:${CA_NAME}`);
    } catch {
      throw new Error('cannot open the CA key: the secret key differs from the one that sealed it (STEWARD_SECRET_KEY or <data-dir>/secret.key)');
    }
    const privateKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, RSA_SIGN, true, ['sign']);
    return new CertificateAuthority(new x509.X509Certificate(row.certificate_pem), privateKey as CryptoKey);
  }

  /** Issues a certificate signed by this CA. */
  async issue(options: IssueOptions): Promise<x509.X509Certificate> {
    const now = Date.now();
    const names: x509.JsonGeneralName[] = [
      ...(options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
      ...(options.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
      ...(options.uris ?? []).map((value) => ({ type: 'url' as const, value })),
    ];
    // An x509.PublicKey goes in as it is (its SPKI bytes): importing it into WebCrypto only to export
    // it again cost more than signing. The authority key identifier is the same for every certificate.
    const publicKey = options.publicKey;
    this.authorityKeyIdentifier ??= x509.AuthorityKeyIdentifierExtension.create(this.certificate);
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(options.keyUsages, true),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
      await this.authorityKeyIdentifier,
    ];
    if (options.extendedKeyUsages?.length) extensions.push(new x509.ExtendedKeyUsageExtension(options.extendedKeyUsages, false));
    if (names.length) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
    return x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(),
      subject: options.subject,
      issuer: this.certificate.subject,
      notBefore: new Date(now - 5 * 60_000),
      notAfter: new Date(Math.min(now + options.lifetimeDays * DAY_MS, this.certificate.notAfter.getTime())),
      signingAlgorithm: RSA_SIGN,
      publicKey,
      signingKey: this.privateKey,
      extensions,
    });
  }

  /** True when `certificate` was signed by this CA and is within its validity period. */
  async verifies(certificate: x509.X509Certificate, at = new Date()): Promise<boolean> {
    if (certificate.issuer !== this.certificate.subject) return false;
    if (at < certificate.notBefore || at > certificate.notAfter) return false;
    return certificate.verify({ publicKey: this.certificate.publicKey, signatureOnly: true });
  }
}

/** A positive 128-bit serial number as hex. */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}
