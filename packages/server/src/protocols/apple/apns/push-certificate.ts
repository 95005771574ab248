import { createPrivateKey, type KeyObject, X509Certificate as NodeX509 } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { createRequire } from 'node:module';
import type Forge from 'node-forge';

let forgeModule: typeof Forge | undefined;
/** node-forge is large and rarely needed: loaded on first use, not at start-up. */
function forge(): typeof Forge {
  forgeModule ??= createRequire(import.meta.url)('node-forge') as typeof Forge;
  return forgeModule;
}

/** The subject attribute (`UID`, RFC 4519 userId) that carries an APNs certificate's topic. */
export const UID_OID = '0.9.2342.19200300.100.1.1';
/** Every MDM push topic starts with this; app and VoIP push certificates use other topics. */
export const MDM_TOPIC_PREFIX = 'com.apple.mgmt.';

const DAY_MS = 86_400_000;

export type PushCertificateErrorCode = 'invalid_certificate' | 'wrong_password' | 'key_mismatch' | 'not_mdm_push_certificate' | 'expired';

/** Why an uploaded push certificate was refused; `code` is stable and safe to show to an admin. */
export class PushCertificateError extends Error {
  override readonly name = 'PushCertificateError';
  constructor(
    readonly code: PushCertificateErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface PushCertificateInput {
  /** Certificate and private key in PEM, in one text or in `certificatePem` / `privateKeyPem`. */
  pem?: string;
  certificatePem?: string;
  /** PKCS#1 (`RSA PRIVATE KEY`), PKCS#8 (`PRIVATE KEY`) or encrypted PKCS#8 / legacy encrypted PEM with `password`. */
  privateKeyPem?: string;
  /** A PKCS#12 bundle (`.p12`, `.pfx`) as exported by Keychain Access or OpenSSL. */
  p12?: Buffer;
  /** The PKCS#12 password, or the passphrase of an encrypted PEM key. */
  password?: string;
}

export interface PushCertificate {
  /** The certificate, normalised to one PEM block. */
  certificatePem: string;
  /** The private key as unencrypted PKCS#8 PEM: seal it before storing it. */
  privateKeyPem: string;
  /** The APNs topic (`com.apple.mgmt.External.<uuid>`), sent as `apns-topic` and in the enrollment profile. */
  topic: string;
  notBefore: Date;
  notAfter: Date;
  /** Serial number in lower-case hex. */
  serialNumber: string;
}

/**
 * Reads an Apple MDM push certificate and its private key, and checks that they belong together,
 * that the certificate is an MDM push certificate, and that it has not expired.
 *
 * @example
 * const push = parsePushCertificate({ p12: fs.readFileSync('push.p12'), password: 'secret' });
 * push.topic; // 'com.apple.mgmt.External.8d0c…'
 * @throws PushCertificateError
 */
export function parsePushCertificate(input: PushCertificateInput, options: { now?: Date } = {}): PushCertificate {
  const { certificates, key } = input.p12 ? readPkcs12(input.p12, input.password) : readPem(input);
  if (certificates.length === 0) throw new PushCertificateError('invalid_certificate', 'no certificate was found');
  if (!key) throw new PushCertificateError('invalid_certificate', 'no private key was found');

  // A bundle may carry Apple's intermediate too: the push certificate is the one whose public key is ours.
  const certificate = certificates.find((candidate) => candidate.checkPrivateKey(key));
  if (!certificate) throw new PushCertificateError('key_mismatch', 'the private key does not belong to the certificate');

  const topic = readTopic(certificate.raw);
  if (!topic) throw new PushCertificateError('not_mdm_push_certificate', 'the certificate has no UID (topic) in its subject');
  if (!topic.startsWith(MDM_TOPIC_PREFIX) || topic.length === MDM_TOPIC_PREFIX.length) {
    throw new PushCertificateError('not_mdm_push_certificate', `the certificate's topic ${topic} is not an MDM topic (${MDM_TOPIC_PREFIX}…)`);
  }

  const notBefore = new Date(certificate.validFrom);
  const notAfter = new Date(certificate.validTo);
  const now = options.now ?? new Date();
  if (notAfter.getTime() <= now.getTime()) {
    throw new PushCertificateError('expired', `the push certificate expired on ${notAfter.toISOString()}; renew it at identity.apple.com`);
  }
  return {
    certificatePem: certificate.toString().trim() + '\n',
    privateKeyPem: String(key.export({ type: 'pkcs8', format: 'pem' })),
    topic,
    notBefore,
    notAfter,
    serialNumber: certificate.serialNumber.toLowerCase(),
  };
}

/** True when the certificate expires within `days` of `now`: time to warn the admin to renew. */
export function expiresSoon(notAfter: Date, now: Date = new Date(), days = 30): boolean {
  return notAfter.getTime() - now.getTime() <= days * DAY_MS;
}

/** The subject UID (APNs topic) of a DER certificate, or undefined when it has none. */
export function readTopic(certificateDer: Uint8Array): string | undefined {
  const subject = new x509.X509Certificate(certificateDer).subjectName;
  return subject.getField(UID_OID)[0];
}

interface KeyMaterial {
  certificates: NodeX509[];
  key: KeyObject | undefined;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
const KEY_LABELS = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY']);

function readPem(input: PushCertificateInput): KeyMaterial {
  const text = [input.pem, input.certificatePem, input.privateKeyPem].filter((part): part is string => typeof part === 'string').join('\n');
  const certificates: NodeX509[] = [];
  let key: KeyObject | undefined;
  for (const match of text.matchAll(PEM_BLOCK)) {
    const [block, label] = match;
    if (label === 'CERTIFICATE') {
      certificates.push(readCertificate(block));
    } else if (label && KEY_LABELS.has(label) && !key) {
      key = readPemKey(block, input.password);
    }
  }
  return { certificates, key };
}

function readPemKey(block: string, password: string | undefined): KeyObject {
  const encrypted = block.includes('ENCRYPTED');
  if (encrypted && !password) throw new PushCertificateError('wrong_password', 'the private key is encrypted: give its password');
  try {
    return createPrivateKey(encrypted ? { key: block, format: 'pem', passphrase: password } : { key: block, format: 'pem' });
  } catch {
    if (encrypted) throw new PushCertificateError('wrong_password', 'the private key could not be decrypted with this password');
    throw new PushCertificateError('invalid_certificate', 'the private key could not be read');
  }
}

function readPkcs12(bundle: Buffer, password: string | undefined): KeyMaterial {
  let asn1: Forge.asn1.Asn1;
  try {
    asn1 = forge().asn1.fromDer(bundle.toString('binary'));
  } catch {
    throw new PushCertificateError('invalid_certificate', 'the file is not a PKCS#12 bundle');
  }
  // An "empty" password means either no password or the empty string, depending on the exporter.
  const candidates: Array<string | undefined> = password ? [password] : ['', undefined];
  let p12: Forge.pkcs12.Pkcs12Pfx | undefined;
  let lastError: unknown;
  for (const candidate of candidates) {
    try {
      p12 = forge().pkcs12.pkcs12FromAsn1(asn1, false, candidate as string);
      break;
    } catch (error) {
      lastError = error;
    }
  }
  if (!p12) {
    const message = lastError instanceof Error ? lastError.message : String(lastError);
    if (/password|mac|decrypt/i.test(message)) throw new PushCertificateError('wrong_password', 'the PKCS#12 bundle could not be opened with this password');
    throw new PushCertificateError('invalid_certificate', 'the file is not a readable PKCS#12 bundle');
  }

  // forge leaves `cert` / `key` null for what it cannot model (non-RSA keys) and keeps the ASN.1 in `asn1` instead.
  const certificates: NodeX509[] = [];
  const certBag = forge().pki.oids.certBag as string;
  for (const bag of p12.getBags({ bagType: certBag })[certBag] ?? []) {
    const asn1 = bag.cert ? forge().pki.certificateToAsn1(bag.cert) : bag.asn1;
    if (asn1) certificates.push(readCertificate(der(asn1)));
  }
  let key: KeyObject | undefined;
  for (const bagType of [forge().pki.oids.pkcs8ShroudedKeyBag, forge().pki.oids.keyBag] as string[]) {
    for (const bag of p12.getBags({ bagType })[bagType] ?? []) {
      if (key) break;
      const privateKeyInfo = bag.key ? forge().pki.wrapRsaPrivateKey(forge().pki.privateKeyToAsn1(bag.key)) : bag.asn1;
      if (!privateKeyInfo) continue;
      try {
        key = createPrivateKey({ key: der(privateKeyInfo), format: 'der', type: 'pkcs8' });
      } catch {
        throw new PushCertificateError('invalid_certificate', 'the private key in the PKCS#12 bundle could not be read');
      }
    }
  }
  return { certificates, key };
}

/** DER of a forge ASN.1 object. */
function der(asn1: Forge.asn1.Asn1): Buffer {
  return Buffer.from(forge().asn1.toDer(asn1).getBytes(), 'binary');
}

function readCertificate(data: string | Buffer): NodeX509 {
  try {
    return new NodeX509(data);
  } catch {
    throw new PushCertificateError('invalid_certificate', 'a certificate could not be read');
  }
}
