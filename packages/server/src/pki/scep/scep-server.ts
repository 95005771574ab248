import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  createPublicKey,
  KeyObject,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';
import { createRequire } from 'node:module';
import type Forge from 'node-forge';
import { type CertificateAuthority, EKU } from '../certificate-authority.js';
import { PRINTABLE, NULL, seq, set, tagged, octets, printable, utf8, integer, attribute, contentInfo, retag, utcTime, oid } from '../der.js';

let forgeModule: typeof Forge | undefined;
/** node-forge is large and rarely needed: loaded on first use, not at start-up. */
function forge(): typeof Forge {
  forgeModule ??= createRequire(import.meta.url)('node-forge') as typeof Forge;
  return forgeModule;
}

/** The largest pkiMessage accepted; a PKCSReq with a 4096-bit key and its signer certificate is under 8 KiB. */
export const SCEP_MAX_MESSAGE_BYTES = 64 * 1024;

/** What GetCACaps answers: POST, SHA-2, AES, RFC 8894 semantics and renewal — no DES- or SHA-1-only fallbacks. */
export const SCEP_CAPABILITIES = Object.freeze(['POSTPKIOperation', 'SHA-256', 'SHA-512', 'AES', 'SCEPStandard', 'Renewal']);

export type ScepFailInfo = 'badAlg' | 'badMessageCheck' | 'badRequest' | 'badTime' | 'badCertId';

export interface ScepAuthorizationRequest {
  messageType: 'PKCSReq' | 'RenewalReq';
  /** The CSR's challengePassword attribute; usually absent in a RenewalReq. */
  challenge: string | undefined;
  /** The certificate request, already checked: self-signature, key type and size, no SAN, no EKU but clientAuth. */
  csr: x509.Pkcs10CertificateRequest;
  /**
   * The certificate that signed the pkiMessage: the requester's self-signed one (PKCSReq), or for a RenewalReq one this CA
   * issued and that is valid now — whether it is still in good standing (device not retired) is the policy's to check.
   */
  signer: x509.X509Certificate;
  transactionId: string;
}

export type ScepDecision =
  | {
      ok: true;
      lifetimeDays: number;
      /** Overrides the CSR's subject, e.g. `CN=<device id>, O=Steward`. */
      subject?: string;
      /** Subject alternative name URIs binding the certificate to an enrollment, e.g. `urn:steward:enrollment:<id>`. */
      uris?: string[];
      /** Called with the issued certificate before it is returned; throwing withholds it (the request fails with HTTP 500). */
      onIssued?: (certificate: x509.X509Certificate) => Promise<void>;
    }
  | { ok: false; failInfo: ScepFailInfo; reason: string };

/** Decides whether a well-formed, authenticated SCEP request gets a certificate: challenge checks, enrollment binding. */
export interface ScepPolicy {
  authorize(request: ScepAuthorizationRequest): Promise<ScepDecision>;
}

export type ScepErrorCode = 'scep_not_der' | 'scep_malformed' | 'scep_bad_signature' | 'scep_undecryptable' | 'scep_bad_csr';

/**
 * A pkiMessage this server cannot even answer: not DER, not a SCEP SignedData, a signature that does not verify,
 * an envelope it cannot open. Mapped to HTTP 400; refusals of well-formed requests are FAILURE CertReps instead.
 */
export class ScepError extends Error {
  override name = 'ScepError';
  constructor(
    readonly code: ScepErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ScepServerOptions {
  /** The time used to check renewal certificates; defaults to the system clock. */
  clock?: () => Date;
  /**
   * Also accept single-DES envelopes and SHA-1 signatures (answered with AES-256). Off by default.
   * Needed by clients that ignore GetCACaps, such as micromdm's `scepclient` 2.1 (Debian's `scep`);
   * Apple devices use AES and SHA-256.
   */
  legacyAlgorithms?: boolean;
}

const OID = Object.freeze({
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  challengePassword: '1.2.840.113549.1.9.7',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256: '2.16.840.1.101.3.4.2.1',
  subjectKeyIdentifier: '2.5.29.14',
  subjectAltName: '2.5.29.17',
  extKeyUsage: '2.5.29.37',
  messageType: '2.16.840.1.113733.1.9.2',
  pkiStatus: '2.16.840.1.113733.1.9.3',
  failInfo: '2.16.840.1.113733.1.9.4',
  senderNonce: '2.16.840.1.113733.1.9.5',
  recipientNonce: '2.16.840.1.113733.1.9.6',
  transactionId: '2.16.840.1.113733.1.9.7',
  failInfoText: '1.3.6.1.5.5.7.24.1',
});

const DIGESTS: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** Signature algorithms that name their own hash; `rsaEncryption` takes the SignerInfo's digest algorithm. */
const SIGNATURES: Readonly<Record<string, { key: 'rsa' | 'ec'; hash?: string }>> = {
  '1.2.840.113549.1.1.1': { key: 'rsa' },
  '1.2.840.113549.1.1.5': { key: 'rsa', hash: 'sha1' },
  '1.2.840.113549.1.1.11': { key: 'rsa', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { key: 'rsa', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { key: 'rsa', hash: 'sha512' },
  '1.2.840.10045.4.3.2': { key: 'ec', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { key: 'ec', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { key: 'ec', hash: 'sha512' },
};

interface CipherSpec {
  oid: string;
  name: string;
  keyLength: number;
  ivLength: number;
  legacy?: true;
}

const CIPHERS: Readonly<Record<string, CipherSpec>> = {
  '2.16.840.1.101.3.4.1.2': { oid: '2.16.840.1.101.3.4.1.2', name: 'aes-128-cbc', keyLength: 16, ivLength: 16 },
  '2.16.840.1.101.3.4.1.22': { oid: '2.16.840.1.101.3.4.1.22', name: 'aes-192-cbc', keyLength: 24, ivLength: 16 },
  '2.16.840.1.101.3.4.1.42': { oid: '2.16.840.1.101.3.4.1.42', name: 'aes-256-cbc', keyLength: 32, ivLength: 16 },
  '1.2.840.113549.3.7': { oid: '1.2.840.113549.3.7', name: 'des-ede3-cbc', keyLength: 24, ivLength: 8 },
  // Single DES is gone from Node's OpenSSL 3 (legacy provider); node-forge decrypts it, and answers go out in AES-256.
  '1.3.14.3.2.7': { oid: '1.3.14.3.2.7', name: 'des-cbc', keyLength: 8, ivLength: 8, legacy: true },
};
const AES_256 = CIPHERS['2.16.840.1.101.3.4.1.42'] as CipherSpec;

const MESSAGE_TYPES: Readonly<Record<string, 'PKCSReq' | 'RenewalReq' | 'unsupported'>> = {
  '19': 'PKCSReq',
  '17': 'RenewalReq',
  // UpdateReq (draft-era), CertPoll, GetCert, GetCRL: well-formed but not offered; they get a FAILURE.
  '18': 'unsupported',
  '20': 'unsupported',
  '21': 'unsupported',
  '22': 'unsupported',
};

const FAIL_INFO: Readonly<Record<ScepFailInfo, string>> = { badAlg: '0', badMessageCheck: '1', badRequest: '2', badTime: '3', badCertId: '4' };
const EC_CURVES = new Set(['prime256v1', 'secp384r1']);
const MIN_RSA_BITS = 2048;
const MAX_RSA_BITS = 8192;

/** A request whose outer signature verified: enough to answer it with a signed CertRep. */
interface PkiRequest {
  messageType: string;
  transactionId: string;
  senderNonce: Buffer;
  signer: x509.X509Certificate;
  signerDer: Buffer;
  signerIdentity: CertificateIdentity;
  signerKey: KeyObject;
  envelope: Buffer;
  /** The digest algorithm of the request's signature. */
  digest: string;
}

type Refusal = { failInfo: ScepFailInfo; reason: string };

/**
 * SCEP (RFC 8894) on Steward's certificate authority: GetCACaps, GetCACert and PKIOperation
 * (PKCSReq and RenewalReq), without HTTP. What may be issued is the policy's decision; this class
 * authenticates the pkiMessage, opens its envelope, checks the CSR and builds the signed CertRep.
 *
 * Cost matters (a fleet enrolls at once), so the hot path avoids the heavy layers: requests are read
 * by walking asn1js's tree rather than pkijs schemas, answers are written as DER directly, and the
 * content-encryption key is unwrapped with raw RSA and a constant-time PKCS#1 v1.5 check with
 * implicit rejection (a bad pad yields a random key) — Node refuses PKCS#1 v1.5 private decryption,
 * and node-forge's pure-JS RSA costs ~27 ms per request against ~0.3 ms here.
 *
 * @example
 * const scep = new ScepServer(ctx.ca, policy);
 * const certRep = await scep.pkiOperation(body); // application/x-pki-message
 */
export class ScepServer {
  private readonly caDer: Buffer;
  private readonly caPrivateKey: KeyObject;
  private readonly caIdentity: CertificateIdentity;
  private readonly caKeyId: Buffer | undefined;
  private readonly clock: () => Date;
  private readonly legacy: boolean;

  constructor(
    private readonly ca: CertificateAuthority,
    private readonly policy: ScepPolicy,
    options: ScepServerOptions = {},
  ) {
    this.caDer = ca.certificateDer;
    this.caPrivateKey = KeyObject.from(ca.key);
    this.caIdentity = certificateIdentity(parseDer(this.caDer, 'CA certificate'));
    const ski = ca.certificate.getExtension(x509.SubjectKeyIdentifierExtension);
    this.caKeyId = ski ? Buffer.from(ski.keyId, 'hex') : undefined;
    this.clock = options.clock ?? (() => new Date());
    this.legacy = options.legacyAlgorithms ?? false;
  }

  /** The GetCACaps answer, one capability a line. */
  capabilities(): string {
    return SCEP_CAPABILITIES.join('\n');
  }

  /** The GetCACert answer: the CA certificate in DER (`application/x-x509-ca-cert`). */
  caCertificate(): Buffer {
    return this.caDer;
  }

  /**
   * Answers a pkiMessage with a CertRep (SUCCESS with the certificate, or FAILURE with a failInfo).
   * @throws ScepError when the message cannot be authenticated or opened.
   */
  async pkiOperation(message: Buffer): Promise<Buffer> {
    if (message.length === 0 || message.length > SCEP_MAX_MESSAGE_BYTES) throw new ScepError('scep_not_der', 'The pkiMessage is empty or too large.');
    const request = readRequest(message);
    const kind = MESSAGE_TYPES[request.messageType];
    if (kind === undefined) throw malformed(`Unknown SCEP messageType ${request.messageType}.`);
    if (kind === 'unsupported') return this.failure(request, { failInfo: 'badRequest', reason: `messageType ${request.messageType} is not supported` });
    if (request.digest === 'sha1' && !this.legacy)
      return this.failure(request, { failInfo: 'badAlg', reason: 'SHA-1 signatures are not accepted; use SHA-256' });
    // The answer is encrypted to the signer's key, which only RSA key transport can do here.
    if (request.signerKey.asymmetricKeyType !== 'rsa') return this.failure(request, { failInfo: 'badAlg', reason: 'the signer key must be RSA' });

    if (kind === 'RenewalReq') {
      const refusal = await this.checkRenewalSigner(request.signer);
      if (refusal) return this.failure(request, refusal);
    }
    const opened = this.openEnvelope(request.envelope);
    if ('failInfo' in opened) return this.failure(request, opened);

    let csr: x509.Pkcs10CertificateRequest;
    try {
      csr = new x509.Pkcs10CertificateRequest(opened.content);
    } catch {
      throw new ScepError('scep_bad_csr', 'The envelope does not hold a PKCS#10 certificate request.');
    }
    const checked = checkCsr(opened.content, csr, kind === 'PKCSReq' ? request.signerKey : undefined, this.legacy);
    if ('failInfo' in checked) return this.failure(request, checked);

    const decision = await this.policy.authorize({
      messageType: kind,
      challenge: challengeOf(csr),
      csr,
      signer: request.signer,
      transactionId: request.transactionId,
    });
    if (!decision.ok) return this.failure(request, decision);
    if (!Number.isFinite(decision.lifetimeDays) || decision.lifetimeDays <= 0) throw new Error('SCEP policy returned a non-positive lifetime');

    const certificate = await this.ca.issue({
      subject: decision.subject ?? csr.subject,
      publicKey: csr.publicKey,
      lifetimeDays: decision.lifetimeDays,
      ...(decision.uris?.length ? { uris: decision.uris } : {}),
      keyUsages:
        checked.key.asymmetricKeyType === 'ec' ? x509.KeyUsageFlags.digitalSignature : x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      extendedKeyUsages: [EKU.clientAuth],
    });
    await decision.onIssued?.(certificate);
    // The issued certificate is public, so answering in the cipher the client chose costs nothing — except single DES.
    return this.success(request, Buffer.from(certificate.rawData), opened.cipher.legacy ? AES_256 : opened.cipher);
  }

  private async checkRenewalSigner(signer: x509.X509Certificate): Promise<Refusal | undefined> {
    const now = this.clock();
    if (await this.ca.verifies(signer, now)) return undefined;
    const ours = await this.ca.verifies(signer, signer.notAfter);
    return ours
      ? { failInfo: 'badTime', reason: 'the renewal certificate is not valid now' }
      : { failInfo: 'badCertId', reason: 'the renewal certificate was not issued by this CA' };
  }

  /** Opens the pkcsPKIEnvelope addressed to the CA. */
  private openEnvelope(der: Buffer): { content: Buffer; cipher: CipherSpec } | Refusal {
    // EnvelopedData ::= SEQUENCE { version, originatorInfo [0] OPTIONAL, recipientInfos SET, encryptedContentInfo, unprotectedAttrs [1] OPTIONAL }
    const enveloped = fields(contentOf(parseDer(der, 'pkcsPKIEnvelope'), OID.envelopedData, 'pkcsPKIEnvelope'), 'EnvelopedData');
    const rest = isContext(enveloped[1], 0) ? enveloped.slice(2) : enveloped.slice(1);
    const recipients = fields(rest[0], 'recipientInfos');
    // KeyTransRecipientInfo ::= SEQUENCE { version, rid, keyEncryptionAlgorithm, encryptedKey }; other kinds are tagged.
    const recipient = recipients
      .map((node) => (node instanceof asn1js.Sequence ? fields(node, 'KeyTransRecipientInfo') : []))
      .find((info) => this.addressedToCa(info[1]));
    if (!recipient) throw new ScepError('scep_undecryptable', 'The envelope has no key-transport recipient for this CA.');
    if (oidOf(fields(recipient[2], 'keyEncryptionAlgorithm')[0]) !== OID.rsaEncryption)
      return { failInfo: 'badAlg', reason: 'key transport must be RSA PKCS#1 v1.5' };

    // EncryptedContentInfo ::= SEQUENCE { contentType, contentEncryptionAlgorithm, encryptedContent [0] IMPLICIT OCTET STRING }
    const [, algorithm, encryptedContent] = fields(rest[1], 'encryptedContentInfo');
    const [cipherOid, iv] = fields(algorithm, 'contentEncryptionAlgorithm');
    const cipher = CIPHERS[oidOf(cipherOid)];
    if (!cipher || (cipher.legacy && !this.legacy)) return { failInfo: 'badAlg', reason: 'content encryption must be AES-CBC or DES-EDE3-CBC' };
    const ivBytes = octetValue(iv);
    if (!ivBytes || ivBytes.length !== cipher.ivLength || !isContext(encryptedContent, 0))
      throw malformed('The envelope lacks its IV or its encrypted content.');
    const key = rsaPkcs1v15Unwrap(this.caPrivateKey, octetsOf(recipient[3], 'encryptedKey'), cipher.keyLength);
    const content = decrypt(cipher, key, ivBytes, octetsOf(encryptedContent, 'encryptedContent'));
    if (!content) throw new ScepError('scep_undecryptable', 'The envelope cannot be decrypted with the CA key.');
    return { content, cipher };
  }

  private addressedToCa(rid: asn1js.BaseBlock | undefined): boolean {
    if (rid instanceof asn1js.Sequence) return raw(rid).equals(this.caIdentity.issuerAndSerial);
    return isContext(rid, 0) && this.caKeyId !== undefined && octetsOf(rid, 'subjectKeyIdentifier').equals(this.caKeyId);
  }

  private failure(request: PkiRequest, refusal: Refusal): Buffer {
    return this.certRep(request, [
      attribute(OID.pkiStatus, printable('2')),
      attribute(OID.failInfo, printable(FAIL_INFO[refusal.failInfo])),
      attribute(OID.failInfoText, utf8(refusal.reason.slice(0, 200))),
    ]);
  }

  private success(request: PkiRequest, certificateDer: Buffer, cipher: CipherSpec): Buffer {
    const certsOnly = contentInfo(OID.signedData, seq(integer(1), set(), seq(oid(OID.data)), tagged(0xa0, certificateDer), set()));
    const key = randomBytes(cipher.keyLength);
    const iv = randomBytes(cipher.ivLength);
    const encryptor = createCipheriv(cipher.name, key, iv);
    const encrypted = Buffer.concat([encryptor.update(certsOnly), encryptor.final()]);
    const encryptedKey = publicEncrypt({ key: request.signerKey, padding: constants.RSA_PKCS1_PADDING }, key);
    const recipient = seq(integer(0), request.signerIdentity.issuerAndSerial, seq(oid(OID.rsaEncryption), NULL), octets(encryptedKey));
    const envelope = contentInfo(
      OID.envelopedData,
      seq(integer(0), set(recipient), seq(oid(OID.data), seq(oid(cipher.oid), octets(iv)), tagged(0x80, encrypted))),
    );
    return this.certRep(request, [attribute(OID.pkiStatus, printable('0'))], envelope);
  }

  /** A CertRep: SignedData by the CA over the envelope (or nothing, on failure), with the SCEP attributes. */
  private certRep(request: PkiRequest, statusAttributes: Buffer[], content?: Buffer): Buffer {
    const signedAttributes = set(
      attribute(OID.contentType, oid(OID.data)),
      attribute(OID.signingTime, utcTime(this.clock())),
      attribute(
        OID.messageDigest,
        octets(
          createHash('sha256')
            .update(content ?? Buffer.alloc(0))
            .digest(),
        ),
      ),
      attribute(OID.messageType, printable('3')),
      attribute(OID.transactionId, PRINTABLE.test(request.transactionId) ? printable(request.transactionId) : utf8(request.transactionId)),
      attribute(OID.senderNonce, octets(randomBytes(16))),
      attribute(OID.recipientNonce, octets(request.senderNonce)),
      ...statusAttributes,
    );
    const signature = sign('sha256', signedAttributes, this.caPrivateKey);
    const signerInfo = seq(
      integer(1),
      this.caIdentity.issuerAndSerial,
      seq(oid(OID.sha256), NULL),
      retag(signedAttributes, 0xa0),
      seq(oid(OID.rsaEncryption), NULL),
      octets(signature),
    );
    const encapsulated = content ? seq(oid(OID.data), tagged(0xa0, octets(content))) : seq(oid(OID.data));
    return contentInfo(OID.signedData, seq(integer(1), set(seq(oid(OID.sha256), NULL)), encapsulated, tagged(0xa0, this.caDer), set(signerInfo)));
  }
}

/** Parses and authenticates the outer SignedData of a pkiMessage. */
function readRequest(message: Buffer): PkiRequest {
  const signedData = fields(contentOf(parseDer(message, 'pkiMessage'), OID.signedData, 'pkiMessage'), 'SignedData');
  // SignedData ::= SEQUENCE { version, digestAlgorithms, encapContentInfo, certificates [0] OPTIONAL, crls [1] OPTIONAL, signerInfos }
  const encapsulated = fields(signedData[2], 'encapContentInfo');
  if (oidOf(encapsulated[0]) !== OID.data || !isContext(encapsulated[1], 0)) throw malformed('The pkiMessage does not carry data content.');
  const envelope = octetsOf(fields(encapsulated[1], 'eContent')[0], 'eContent');
  const certificates = signedData.slice(3, -1).find((node) => isContext(node, 0));
  const signerInfos = fields(signedData.at(-1), 'signerInfos');
  if (signerInfos.length !== 1) throw malformed('The pkiMessage must have exactly one signer.');

  // SignerInfo ::= SEQUENCE { version, sid, digestAlgorithm, signedAttrs [0], signatureAlgorithm, signature, unsignedAttrs [1] OPTIONAL }
  const signerInfo = fields(signerInfos[0], 'SignerInfo');
  const [, sid, digestAlgorithm, signedAttrs, signatureAlgorithm, signatureValue] = signerInfo;
  if (!sid || !isContext(signedAttrs, 0)) throw malformed('The pkiMessage has no signed attributes.');
  const signerNode = (certificates ? fields(certificates, 'certificates') : []).find((node) => node instanceof asn1js.Sequence && identifies(sid, node));
  if (!signerNode) throw malformed('The pkiMessage does not carry its signer certificate.');
  const signerDer = raw(signerNode);
  const identity = certificateIdentity(signerNode);
  let signer: x509.X509Certificate;
  let signerKey: KeyObject;
  try {
    signer = new x509.X509Certificate(signerDer);
    signerKey = createPublicKey({ key: identity.spki, format: 'der', type: 'spki' });
  } catch {
    throw malformed('The signer certificate cannot be read.');
  }

  const digest = DIGESTS[oidOf(fields(digestAlgorithm, 'digestAlgorithm')[0])];
  const algorithm = SIGNATURES[oidOf(fields(signatureAlgorithm, 'signatureAlgorithm')[0])];
  if (!digest || !algorithm) throw new ScepError('scep_bad_signature', 'The pkiMessage uses an unsupported signature algorithm.');
  // What was signed is the DER SET OF the attributes: the received bytes with the [0] tag turned into SET.
  const signedAttributes = retag(raw(signedAttrs), 0x31);
  if (!verifySignature(algorithm, algorithm.hash ?? digest, signedAttributes, signerKey, octetsOf(signatureValue, 'signature'))) {
    throw new ScepError('scep_bad_signature', 'The pkiMessage signature does not verify with its signer certificate.');
  }

  const attributes = new Map<string, asn1js.BaseBlock>();
  for (const item of fields(signedAttrs, 'signedAttrs')) {
    const [type, values] = fields(item, 'Attribute');
    const value = fields(values, 'AttributeValues');
    const name = oidOf(type);
    if (attributes.has(name) || value.length !== 1 || !value[0]) throw malformed(`Signed attribute ${name} is repeated or multi-valued.`);
    attributes.set(name, value[0]);
  }
  if (oidOf(attributes.get(OID.contentType)) !== OID.data) throw malformed('The contentType attribute must be data.');
  const messageDigest = octetValue(attributes.get(OID.messageDigest));
  if (!messageDigest?.equals(createHash(digest).update(envelope).digest()))
    throw new ScepError('scep_bad_signature', 'The messageDigest does not match the content.');
  const messageType = stringValue(attributes.get(OID.messageType));
  const transactionId = stringValue(attributes.get(OID.transactionId));
  const senderNonce = octetValue(attributes.get(OID.senderNonce));
  if (!messageType || !/^\d{1,3}$/.test(messageType)) throw malformed('The messageType attribute is missing.');
  if (!transactionId || transactionId.length > 128) throw malformed('The transactionID attribute is missing or too long.');
  if (!senderNonce || senderNonce.length === 0 || senderNonce.length > 64) throw malformed('The senderNonce attribute is missing or malformed.');
  return { messageType, transactionId, senderNonce, signer, signerDer, signerIdentity: identity, signerKey, envelope, digest };
}

/** The CSR's key, proof of possession, key strength and what the requester may ask for. */
function checkCsr(csrDer: Buffer, csr: x509.Pkcs10CertificateRequest, signerKey: KeyObject | undefined, legacy: boolean): { key: KeyObject } | Refusal {
  let key: KeyObject;
  let verified = false;
  try {
    // CertificationRequest ::= SEQUENCE { certificationRequestInfo SEQUENCE { version, subject, subjectPKInfo, attributes }, signatureAlgorithm, signature }
    const [info, signatureAlgorithm, signature] = fields(parseDer(csrDer, 'CSR'), 'CertificationRequest');
    key = createPublicKey({ key: raw(fields(info, 'certificationRequestInfo')[2]), format: 'der', type: 'spki' });
    const algorithm = SIGNATURES[oidOf(fields(signatureAlgorithm, 'signatureAlgorithm')[0])];
    if (!algorithm?.hash || (algorithm.hash === 'sha1' && !legacy)) return { failInfo: 'badAlg', reason: 'the CSR signature algorithm is not accepted' };
    verified =
      signature instanceof asn1js.BitString && verifySignature(algorithm, algorithm.hash, raw(info), key, Buffer.from(signature.valueBlock.valueHexView));
  } catch {
    return { failInfo: 'badMessageCheck', reason: 'the CSR cannot be read' };
  }
  if (!verified) return { failInfo: 'badMessageCheck', reason: 'the CSR signature does not verify' };

  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) return { failInfo: 'badAlg', reason: `RSA keys must have ${MIN_RSA_BITS} to ${MAX_RSA_BITS} bits` };
  } else if (key.asymmetricKeyType !== 'ec' || !EC_CURVES.has(details.namedCurve ?? '')) {
    return { failInfo: 'badAlg', reason: 'the key must be RSA or EC P-256/P-384' };
  }
  if (signerKey && !signerKey.equals(key)) return { failInfo: 'badMessageCheck', reason: 'the signer certificate key differs from the CSR key' };
  if (!csr.subject.trim()) return { failInfo: 'badRequest', reason: 'the CSR subject is empty' };
  for (const extension of csr.extensions) {
    if (extension.type === OID.subjectAltName) return { failInfo: 'badRequest', reason: 'subject alternative names are not accepted' };
    if (extension.type === OID.extKeyUsage) {
      const usages = extension instanceof x509.ExtendedKeyUsageExtension ? extension.usages.map(String) : [undefined];
      if (usages.some((usage) => usage !== EKU.clientAuth)) return { failInfo: 'badRequest', reason: 'only the clientAuth extended key usage is accepted' };
    }
  }
  return { key };
}

function challengeOf(csr: x509.Pkcs10CertificateRequest): string | undefined {
  const attribute = csr.getAttribute(OID.challengePassword);
  if (attribute instanceof x509.ChallengePasswordAttribute) return attribute.password;
  const value = attribute?.values[0];
  return value ? stringValue(asn1js.fromBER(value).result) : undefined;
}

/** CBC decryption; undefined when the padding is wrong (a wrong key, as far as anyone can tell). */
function decrypt(cipher: CipherSpec, key: Buffer, iv: Buffer, encrypted: Buffer): Buffer | undefined {
  if (cipher.legacy) {
    const decipher = forge().cipher.createDecipher('DES-CBC', forge().util.createBuffer(key.toString('binary')));
    decipher.start({ iv: forge().util.createBuffer(iv.toString('binary')) });
    decipher.update(forge().util.createBuffer(encrypted.toString('binary')));
    return decipher.finish() ? Buffer.from(decipher.output.getBytes(), 'binary') : undefined;
  }
  try {
    const decipher = createDecipheriv(cipher.name, key, iv);
    return Buffer.concat([decipher.update(encrypted), decipher.final()]);
  } catch {
    return undefined;
  }
}

/**
 * RSAES-PKCS1-v1_5 decryption of a `keyLength`-byte content-encryption key, with implicit rejection:
 * any malformed block (bad padding, wrong length, out-of-range ciphertext) yields random bytes instead
 * of an error, so the caller fails later in exactly the same way as with a wrong key and the answer
 * reveals nothing about the padding (Bleichenbacher). The padding check does not branch on secret bytes.
 */
export function rsaPkcs1v15Unwrap(privateKey: KeyObject, ciphertext: Buffer, keyLength: number): Buffer {
  const size = Math.ceil((privateKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  const fallback = randomBytes(keyLength);
  const start = size - keyLength;
  if (ciphertext.length !== size || start < 11) return fallback;
  let block: Buffer;
  try {
    block = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, ciphertext);
  } catch {
    return fallback;
  }
  // 0x00 0x02 <at least 8 non-zero bytes> 0x00 <key>: with the key length fixed, the separator's place is known.
  let bad = (block[0] ?? 1) | ((block[1] ?? 0) ^ 0x02) | (block[start - 1] ?? 1);
  for (let i = 2; i < start - 1; i++) bad |= (((block[i] ?? 0) - 1) >> 8) & 1;
  const keep = (((bad | -bad) >> 31) & 0xff) ^ 0xff; // 0xff when the block is well-formed, 0x00 otherwise
  const key = Buffer.allocUnsafe(keyLength);
  for (let i = 0; i < keyLength; i++) key[i] = ((block[start + i] ?? 0) & keep) | ((fallback[i] ?? 0) & ~keep);
  return key;
}

function verifySignature(algorithm: { key: 'rsa' | 'ec' }, hash: string, data: Buffer, key: KeyObject, signature: Buffer): boolean {
  if (key.asymmetricKeyType !== algorithm.key) return false;
  try {
    return algorithm.key === 'ec'
      ? verify(hash, data, { key, dsaEncoding: 'der' }, signature)
      : verify(hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false;
  }
}

// Reading: asn1js decodes BER (indefinite lengths, chunked strings) with depth and size limits; the
// structures are then walked by position, which costs a fraction of pkijs's schema matching.

const malformed = (message: string): ScepError => new ScepError('scep_malformed', message);

function parseDer(der: Buffer, what: string): asn1js.BaseBlock {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1 || parsed.offset !== der.length || parsed.result.error) throw new ScepError('scep_not_der', `The ${what} is not DER.`);
  return parsed.result;
}

/** The children of a SEQUENCE, SET or constructed tagged value. */
function fields(node: asn1js.BaseBlock | undefined, what: string): asn1js.BaseBlock[] {
  const value = (node?.valueBlock as { value?: unknown } | undefined)?.value;
  if (!node?.idBlock.isConstructed || !Array.isArray(value)) throw malformed(`The ${what} is malformed.`);
  return value as asn1js.BaseBlock[];
}

/** ContentInfo ::= SEQUENCE { contentType, content [0] EXPLICIT } */
function contentOf(node: asn1js.BaseBlock, type: string, what: string): asn1js.BaseBlock | undefined {
  const [contentType, content] = fields(node, what);
  if (oidOf(contentType) !== type || !isContext(content, 0)) throw malformed(`The ${what} has the wrong content type.`);
  return fields(content, what)[0];
}

function isContext(node: asn1js.BaseBlock | undefined, tag: number): node is asn1js.BaseBlock {
  return node?.idBlock.tagClass === 3 && node.idBlock.tagNumber === tag;
}

/** The dotted OID, or '' when the node is not one. */
function oidOf(node: asn1js.BaseBlock | undefined): string {
  return node instanceof asn1js.ObjectIdentifier ? node.getValue() : '';
}

/** The bytes of an OCTET STRING, also [n] IMPLICIT and constructed (chunked). */
function octetsOf(node: asn1js.BaseBlock | undefined, what: string): Buffer {
  if (node instanceof asn1js.OctetString) return Buffer.from(node.getValue());
  if (node && !node.idBlock.isConstructed) return Buffer.from((node.valueBlock as unknown as { valueHexView: Uint8Array }).valueHexView);
  if (node) return Buffer.concat(fields(node, what).map((chunk) => octetsOf(chunk, what)));
  throw malformed(`The ${what} is missing.`);
}

function raw(node: asn1js.BaseBlock | undefined): Buffer {
  if (!node) throw malformed('A required field is missing.');
  return Buffer.from(node.valueBeforeDecodeView);
}

function stringValue(value: unknown): string | undefined {
  return value instanceof asn1js.BaseStringBlock ? value.getValue() : undefined;
}

function octetValue(value: unknown): Buffer | undefined {
  return value instanceof asn1js.OctetString ? Buffer.from(value.getValue()) : undefined;
}

interface CertificateIdentity {
  /** IssuerAndSerialNumber ::= SEQUENCE { issuer, serialNumber }, exactly as encoded in the certificate. */
  issuerAndSerial: Buffer;
  spki: Buffer;
  keyId: Buffer | undefined;
}

/** Issuer, serial number, key and key identifier, from a certificate's own bytes so that identifiers match byte for byte. */
function certificateIdentity(certificate: asn1js.BaseBlock): CertificateIdentity {
  // TBSCertificate ::= SEQUENCE { [0] version, serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, …, [3] extensions }
  const tbs = fields(fields(certificate, 'certificate')[0], 'TBSCertificate');
  const offset = isContext(tbs[0], 0) ? 1 : 0;
  const extensions = tbs.find((node) => isContext(node, 3));
  let keyId: Buffer | undefined;
  for (const extension of extensions ? fields(fields(extensions, 'extensions')[0], 'extensions') : []) {
    const parts = fields(extension, 'extension');
    if (oidOf(parts[0]) === OID.subjectKeyIdentifier) keyId = octetValue(asn1js.fromBER(octetsOf(parts.at(-1), 'extnValue')).result);
  }
  return { issuerAndSerial: seq(raw(tbs[offset + 2]), raw(tbs[offset])), spki: raw(tbs[offset + 5]), keyId };
}

function identifies(sid: asn1js.BaseBlock, certificate: asn1js.BaseBlock): boolean {
  try {
    const identity = certificateIdentity(certificate);
    if (sid instanceof asn1js.Sequence) return raw(sid).equals(identity.issuerAndSerial);
    return isContext(sid, 0) && identity.keyId !== undefined && octetsOf(sid, 'subjectKeyIdentifier').equals(identity.keyId);
  } catch {
    return false;
  }
}
