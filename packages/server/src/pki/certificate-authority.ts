import { createHash, KeyObject, randomBytes, sign as signBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { SecretBox } from './secret-box.js';
import { tagged as tlv } from './der.js';

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
  /** What {@link issueDer} needs of the CA, worked out once; null when the CA key is not RSA. */
  private derIssuer: { name: Buffer; key: KeyObject; notAfter: number } | null | undefined;
  private readonly fixedExtensions = new Map<string, Buffer>();

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

  /**
   * The certificate `issue` makes, written as DER and signed with node:crypto: @peculiar/x509's
   * generator cost ~4 ms per SCEP enrollment. Undefined when the CA key or the request's key is not
   * the plain RSA case (the generator then does it).
   */
  private async issueDer(options: IssueOptions): Promise<x509.X509Certificate | undefined> {
    if (this.derIssuer === null) return undefined;
    if (!this.derIssuer) {
      try {
        const key = KeyObject.from(this.privateKey);
        this.derIssuer =
          key.asymmetricKeyType === 'rsa'
            ? { name: Buffer.from(this.certificate.subjectName.toArrayBuffer()), key, notAfter: this.certificate.notAfter.getTime() }
            : null;
      } catch {
        this.derIssuer = null;
      }
      if (!this.derIssuer) return undefined;
    }
    let spki: Buffer;
    try {
      spki =
        options.publicKey instanceof x509.PublicKey
          ? Buffer.from(options.publicKey.rawData)
          : KeyObject.from(options.publicKey).export({ type: 'spki', format: 'der' });
    } catch {
      return undefined;
    }
    const keyId = keyIdentifier(spki);
    if (!keyId) return undefined;
    this.authorityKeyIdentifier ??= x509.AuthorityKeyIdentifierExtension.create(this.certificate);
    const fixed = (key: string, make: () => x509.Extension) => {
      let raw = this.fixedExtensions.get(key);
      if (!raw) {
        raw = Buffer.from(make().rawData);
        this.fixedExtensions.set(key, raw);
      }
      return raw;
    };
    const names: x509.JsonGeneralName[] = [
      ...(options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
      ...(options.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
      ...(options.uris ?? []).map((value) => ({ type: 'url' as const, value })),
    ];
    const extensions = [
      fixed('basic', () => new x509.BasicConstraintsExtension(false, undefined, true)),
      fixed(`usage:${options.keyUsages}`, () => new x509.KeyUsagesExtension(options.keyUsages, true)),
      Buffer.from(new x509.SubjectKeyIdentifierExtension(keyId).rawData),
      Buffer.from((await this.authorityKeyIdentifier).rawData),
    ];
    if (options.extendedKeyUsages?.length) {
      const usages = options.extendedKeyUsages;
      extensions.push(fixed(`eku:${usages.join(',')}`, () => new x509.ExtendedKeyUsageExtension(usages, false)));
    }
    if (names.length) extensions.push(Buffer.from(new x509.SubjectAlternativeNameExtension(names, false).rawData));
    const subject = Buffer.from((typeof options.subject === 'string' ? new x509.Name(options.subject) : options.subject).toArrayBuffer());
    const now = Date.now();
    const tbs = tlv(
      0x30,
      VERSION_3,
      derSerial(randomSerial()),
      SHA256_WITH_RSA,
      this.derIssuer.name,
      tlv(0x30, derTime(now - 5 * 60_000), derTime(Math.min(now + options.lifetimeDays * DAY_MS, this.derIssuer.notAfter))),
      subject,
      spki,
      tlv(0xa3, tlv(0x30, ...extensions)),
    );
    const signature = signBytes('sha256', tbs, this.derIssuer.key);
    return new x509.X509Certificate(tlv(0x30, tbs, SHA256_WITH_RSA, tlv(0x03, Buffer.from([0]), signature)));
  }

  /** Issues a certificate signed by this CA. */
  async issue(options: IssueOptions): Promise<x509.X509Certificate> {
    const fast = await this.issueDer(options);
    if (fast) return fast;
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
// --- issuing, written as DER -------------------------------------------------------------------

const SHA256_WITH_RSA = tlv(0x30, Buffer.from('06092a864886f70d01010b', 'hex'), Buffer.from([0x05, 0x00]));
const VERSION_3 = tlv(0xa0, Buffer.from([0x02, 0x01, 0x02]));

/** UTCTime through 2049, GeneralizedTime after (RFC 5280 §4.1.2.5), to the second. */
function derTime(ms: number): Buffer {
  const date = new Date(Math.floor(ms / 1000) * 1000);
  const text = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${text.slice(2)}Z`, 'latin1')) : tlv(0x18, Buffer.from(`${text}Z`, 'latin1'));
}

/** A positive serial number, minimally encoded. */
function derSerial(hex: string): Buffer {
  let bytes = Buffer.from(hex, 'hex');
  while (bytes.length > 1 && bytes[0] === 0 && ((bytes[1] ?? 0) & 0x80) === 0) bytes = bytes.subarray(1);
  return tlv(0x02, bytes);
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits, as @peculiar/x509 computes it. */
function keyIdentifier(spki: Buffer): string | undefined {
  // SubjectPublicKeyInfo ::= SEQUENCE { algorithm SEQUENCE, subjectPublicKey BIT STRING }
  const skip = (offset: number): { contentStart: number; end: number } | undefined => {
    let length = spki[offset + 1] ?? 0;
    let contentStart = offset + 2;
    if (length & 0x80) {
      const bytes = length & 0x7f;
      length = 0;
      for (let i = 0; i < bytes; i++) length = length * 256 + (spki[contentStart + i] ?? 0);
      contentStart += bytes;
    }
    return contentStart + length <= spki.length ? { contentStart, end: contentStart + length } : undefined;
  };
  if (spki[0] !== 0x30) return undefined;
  const outer = skip(0);
  const algorithm = outer && skip(outer.contentStart);
  if (!outer || !algorithm || spki[algorithm.end] !== 0x03) return undefined;
  const bits = skip(algorithm.end);
  if (!bits) return undefined;
  return createHash('sha1')
    .update(spki.subarray(bits.contentStart + 1, bits.end))
    .digest('hex');
}

function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}
