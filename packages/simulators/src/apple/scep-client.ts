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
  webcrypto,
} from 'node:crypto';
import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';
import { der } from '@steward/server';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

/** The key algorithm an Apple device uses for its SCEP identity. */
export const SCEP_KEY_ALGORITHM = Object.freeze({
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
});

/** Generates an RSA 2048 key pair for {@link ScepClient.enroll}; generating ahead keeps key generation out of timed paths. */
export async function generateScepKeyPair(modulusLength = 2048): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey({ ...SCEP_KEY_ALGORITHM, modulusLength }, true, ['sign', 'verify'])) as CryptoKeyPair;
}

export interface ScepClientOptions {
  /** The SCEP endpoint, e.g. `https://mdm.example.com/scep`. */
  url: string;
  fetch?: typeof fetch;
  /** Use this CA certificate instead of asking GetCACert (pinning, or tests addressing another CA). */
  caCertificate?: x509.X509Certificate;
}

export interface ScepEnrollRequest {
  challenge?: string;
  /** Distinguished name, e.g. `CN=device-1, O=Steward`. */
  subject: string;
  /** The key to certify; an RSA 2048 pair is generated when absent. */
  keyPair?: CryptoKeyPair;
  /** Renew (RenewalReq): sign with a certificate the CA issued instead of a self-signed one. */
  renewWith?: { certificate: x509.X509Certificate; privateKey: CryptoKey };
  /** Extra CSR extensions, to simulate devices asking for what they should not. */
  extensions?: x509.Extension[];
  /** Sign the pkiMessage with this key (self-signed) instead of the CSR key, to simulate a broken proof of possession. */
  signerKeyPair?: CryptoKeyPair;
  transactionId?: string;
}

export interface ScepEnrollment {
  certificate: x509.X509Certificate;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  caCertificate: x509.X509Certificate;
}

/** A built pkiMessage and what is needed to read its answer. */
export interface ScepPendingRequest {
  message: Buffer;
  transactionId: string;
  senderNonce: Buffer;
  messageType: 'PKCSReq' | 'RenewalReq';
  keyPair: CryptoKeyPair;
  /** Certificate and key the answer is encrypted to. */
  signer: { certificateDer: Buffer; privateKey: KeyObject };
}

/** The server answered FAILURE (pkiStatus 2). */
export class ScepFailureError extends Error {
  override name = 'ScepFailureError';
  constructor(
    readonly failInfo: string,
    readonly failInfoText: string | undefined,
  ) {
    super(`SCEP request failed: ${failInfo}${failInfoText ? ` (${failInfoText})` : ''}`);
  }
}

/** The server answered with an HTTP error or something that is not a valid CertRep. */
export class ScepProtocolError extends Error {
  override name = 'ScepProtocolError';
  constructor(
    message: string,
    readonly status?: number,
    readonly body?: string,
  ) {
    super(message);
  }
}

export interface ScepCaMaterial {
  certificate: x509.X509Certificate;
  der: Buffer;
  publicKey: KeyObject;
  issuerAndSerial: Buffer;
  capabilities: Set<string>;
  cipher: CipherSpec;
}

interface CipherSpec {
  oid: string;
  name: string;
  keyLength: number;
  ivLength: number;
}

const OID = Object.freeze({
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  challengePassword: '1.2.840.113549.1.9.7',
  extensionRequest: '1.2.840.113549.1.9.14',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  sha256: '2.16.840.1.101.3.4.2.1',
  messageType: '2.16.840.1.113733.1.9.2',
  pkiStatus: '2.16.840.1.113733.1.9.3',
  failInfo: '2.16.840.1.113733.1.9.4',
  senderNonce: '2.16.840.1.113733.1.9.5',
  recipientNonce: '2.16.840.1.113733.1.9.6',
  transactionId: '2.16.840.1.113733.1.9.7',
  failInfoText: '1.3.6.1.5.5.7.24.1',
});

const CIPHERS: Readonly<Record<string, CipherSpec>> = {
  '2.16.840.1.101.3.4.1.2': { oid: '2.16.840.1.101.3.4.1.2', name: 'aes-128-cbc', keyLength: 16, ivLength: 16 },
  '2.16.840.1.101.3.4.1.22': { oid: '2.16.840.1.101.3.4.1.22', name: 'aes-192-cbc', keyLength: 24, ivLength: 16 },
  '2.16.840.1.101.3.4.1.42': { oid: '2.16.840.1.101.3.4.1.42', name: 'aes-256-cbc', keyLength: 32, ivLength: 16 },
  '1.2.840.113549.3.7': { oid: '1.2.840.113549.3.7', name: 'des-ede3-cbc', keyLength: 24, ivLength: 8 },
};
const AES_256 = CIPHERS['2.16.840.1.101.3.4.1.42'] as CipherSpec;
const DES_EDE3 = CIPHERS['1.2.840.113549.3.7'] as CipherSpec;
const FAIL_INFO_NAMES: Readonly<Record<string, string>> = { '0': 'badAlg', '1': 'badMessageCheck', '2': 'badRequest', '3': 'badTime', '4': 'badCertId' };
const HOUR_MS = 3_600_000;

/**
 * A SCEP (RFC 8894) client, as an Apple device runs one for its enrollment identity: GetCACert,
 * GetCACaps, then a PKCSReq (or RenewalReq) enveloped to the CA with AES and RSA PKCS#1 v1.5,
 * signed with SHA-256. The CA certificate and capabilities are fetched once per client, so one
 * client serves a whole simulated fleet.
 *
 * @example
 * const scep = new ScepClient({ url: 'http://127.0.0.1:8080/scep' });
 * const { certificate, privateKey } = await scep.enroll({ challenge, subject: 'CN=device-1' });
 */
export class ScepClient {
  private readonly url: string;
  readonly fetchFn: typeof fetch;
  private material: Promise<ScepCaMaterial> | undefined;

  constructor(private readonly options: ScepClientOptions) {
    this.url = options.url;
    this.fetchFn = options.fetch ?? globalThis.fetch;
  }

  private get(url: string, init?: RequestInit): Promise<Response> {
    const fetchFn = this.fetchFn;
    return fetchFn(url, init);
  }

  /** The CA certificate, capabilities and chosen cipher; fetched on first use. */
  ca(): Promise<ScepCaMaterial> {
    this.material ??= this.loadCa().catch((error: unknown) => {
      this.material = undefined;
      throw error;
    });
    return this.material;
  }

  /** Enrolls (or renews) and returns the issued certificate with its key. */
  async enroll(request: ScepEnrollRequest): Promise<ScepEnrollment> {
    const pending = await this.createRequest(request);
    const answer = await this.send(pending.message);
    const certificate = await this.readResponse(pending, answer);
    return { certificate, privateKey: pending.keyPair.privateKey, publicKey: pending.keyPair.publicKey, caCertificate: (await this.ca()).certificate };
  }

  /** Builds a signed, enveloped pkiMessage without sending it. */
  async createRequest(request: ScepEnrollRequest): Promise<ScepPendingRequest> {
    const ca = await this.ca();
    const keyPair = request.keyPair ?? (await generateScepKeyPair());
    // CSR and self-signed certificate are written as DER here: @peculiar/x509's generators cost ~4 ms each.
    const subject = Buffer.from(new x509.Name(request.subject).toArrayBuffer());
    const csr = certificationRequest(subject, keyPair, request.challenge, request.extensions);
    let signer: { certificateDer: Buffer; privateKey: KeyObject };
    if (request.renewWith) {
      signer = { certificateDer: Buffer.from(request.renewWith.certificate.rawData), privateKey: KeyObject.from(request.renewWith.privateKey) };
    } else {
      const signerKeys = request.signerKeyPair ?? keyPair;
      signer = { certificateDer: selfSignedCertificate(subject, signerKeys), privateKey: KeyObject.from(signerKeys.privateKey) };
    }
    const signerKey = signer.privateKey;

    const messageType = request.renewWith ? 'RenewalReq' : 'PKCSReq';
    const transactionId = request.transactionId ?? randomBytes(16).toString('hex');
    const senderNonce = randomBytes(16);
    const envelope = envelopeTo(csr, ca.cipher, ca.publicKey, ca.issuerAndSerial);
    const signedAttributes = set(
      attribute(OID.contentType, oid(OID.data)),
      attribute(OID.signingTime, utcTime(new Date())),
      attribute(OID.messageDigest, octets(createHash('sha256').update(envelope).digest())),
      attribute(OID.messageType, printable(messageType === 'PKCSReq' ? '19' : '17')),
      attribute(OID.transactionId, printable(transactionId)),
      attribute(OID.senderNonce, octets(senderNonce)),
    );
    const signerInfo = seq(
      integer(1),
      issuerAndSerialNumber(signer.certificateDer),
      seq(oid(OID.sha256), NULL),
      retag(signedAttributes, 0xa0),
      seq(oid(OID.rsaEncryption), NULL),
      octets(sign('sha256', signedAttributes, signerKey)),
    );
    const message = contentInfo(
      OID.signedData,
      seq(
        integer(1),
        set(seq(oid(OID.sha256), NULL)),
        seq(oid(OID.data), tagged(0xa0, octets(envelope))),
        tagged(0xa0, signer.certificateDer),
        set(signerInfo),
      ),
    );
    return { message, transactionId, senderNonce, messageType, keyPair, signer: { certificateDer: signer.certificateDer, privateKey: signerKey } };
  }

  /** Sends a pkiMessage (POST when the CA offers it) and returns the raw answer. */
  async send(message: Buffer): Promise<Buffer> {
    const ca = await this.ca();
    const response = ca.capabilities.has('POSTPKIOperation')
      ? await this.get(`${this.url}?operation=PKIOperation`, { method: 'POST', headers: { 'content-type': 'application/x-pki-message' }, body: message })
      : await this.get(`${this.url}?operation=PKIOperation&message=${encodeURIComponent(message.toString('base64'))}`);
    const body = Buffer.from(await response.arrayBuffer());
    if (!response.ok) throw new ScepProtocolError(`PKIOperation answered HTTP ${response.status}`, response.status, body.toString('utf8').slice(0, 2000));
    return body;
  }

  /**
   * Verifies a CertRep against the CA certificate and the request it answers, and returns the issued certificate.
   * @throws ScepFailureError on FAILURE, ScepProtocolError on anything that is not a valid answer.
   */
  async readResponse(pending: ScepPendingRequest, answer: Buffer): Promise<x509.X509Certificate> {
    const ca = await this.ca();
    // SignedData ::= SEQUENCE { version, digestAlgorithms, encapContentInfo, certificates [0] OPTIONAL, crls [1] OPTIONAL, signerInfos }
    const signedData = fields(contentOf(answer, OID.signedData));
    const signerInfos = fields(signedData.at(-1));
    if (signerInfos.length !== 1) throw new ScepProtocolError('CertRep must have exactly one signer');
    const [, , , signedAttrs, , signatureValue] = fields(signerInfos[0]);
    if (!isContext(signedAttrs, 0)) throw new ScepProtocolError('CertRep has no signed attributes');
    const signedAttributes = retag(raw(signedAttrs), 0x31);
    if (!verify('sha256', signedAttributes, { key: ca.publicKey, padding: constants.RSA_PKCS1_PADDING }, octetsOf(signatureValue))) {
      throw new ScepProtocolError('CertRep signature does not verify with the CA certificate');
    }
    const attributes = new Map(
      fields(signedAttrs).map((item) => {
        const [type, values] = fields(item);
        return [oidOf(type), fields(values)[0]] as const;
      }),
    );
    const encapsulated = fields(signedData[2]);
    const content = isContext(encapsulated[1], 0) ? octetsOf(fields(encapsulated[1])[0]) : Buffer.alloc(0);
    if (!octetValue(attributes.get(OID.messageDigest))?.equals(createHash('sha256').update(content).digest())) {
      throw new ScepProtocolError('CertRep messageDigest does not match its content');
    }
    if (stringValue(attributes.get(OID.messageType)) !== '3') throw new ScepProtocolError('answer is not a CertRep');
    if (stringValue(attributes.get(OID.transactionId)) !== pending.transactionId) throw new ScepProtocolError('CertRep transactionID differs from the request');
    if (!octetValue(attributes.get(OID.recipientNonce))?.equals(pending.senderNonce)) {
      throw new ScepProtocolError('CertRep recipientNonce differs from our senderNonce');
    }

    const status = stringValue(attributes.get(OID.pkiStatus));
    if (status === '2') {
      const code = stringValue(attributes.get(OID.failInfo)) ?? '';
      throw new ScepFailureError(FAIL_INFO_NAMES[code] ?? code, stringValue(attributes.get(OID.failInfoText)));
    }
    if (status !== '0') throw new ScepProtocolError(`unexpected pkiStatus ${status}`);

    // The envelope holds a certs-only SignedData with the issued certificate.
    const certsOnly = fields(contentOf(openEnvelope(content, pending.signer.privateKey), OID.signedData));
    const certificates = certsOnly.find((node, index) => index >= 3 && isContext(node, 0));
    const issued = certificates ? fields(certificates)[0] : undefined;
    if (!issued) throw new ScepProtocolError('CertRep holds no certificate');
    const certificate = new x509.X509Certificate(raw(issued));
    const issuedKey = createPublicKey({ key: Buffer.from(certificate.publicKey.rawData), format: 'der', type: 'spki' });
    if (!issuedKey.equals(KeyObject.from(pending.keyPair.publicKey))) throw new ScepProtocolError('the issued certificate is for another key');
    return certificate;
  }

  private async loadCa(): Promise<ScepCaMaterial> {
    let certificate = this.options.caCertificate;
    if (!certificate) {
      const response = await this.get(`${this.url}?operation=GetCACert&message=steward`);
      if (!response.ok) throw new ScepProtocolError(`GetCACert answered HTTP ${response.status}`, response.status);
      const type = response.headers.get('content-type') ?? '';
      const body = Buffer.from(await response.arrayBuffer());
      if (type.startsWith('application/x-x509-ca-ra-cert')) {
        // A CA with an RA: the envelope goes to the certificate that may encrypt keys (the RA).
        const chain = fields(contentOf(body, OID.signedData)).find((node, index) => index >= 3 && isContext(node, 0));
        const certificates = (chain ? fields(chain) : []).map((node) => new x509.X509Certificate(raw(node)));
        certificate =
          certificates.find((item) => (item.getExtension(x509.KeyUsagesExtension)?.usages ?? 0) & x509.KeyUsageFlags.keyEncipherment) ?? certificates[0];
        if (!certificate) throw new ScepProtocolError('GetCACert returned no certificate');
      } else {
        certificate = new x509.X509Certificate(body);
      }
    }
    const capsResponse = await this.get(`${this.url}?operation=GetCACaps`);
    const capabilities = new Set(capsResponse.ok ? (await capsResponse.text()).split(/\r?\n/).map((line) => line.trim()) : []);
    const der = Buffer.from(certificate.rawData);
    return {
      certificate,
      der,
      publicKey: createPublicKey({ key: Buffer.from(certificate.publicKey.rawData), format: 'der', type: 'spki' }),
      issuerAndSerial: issuerAndSerialNumber(der),
      capabilities,
      cipher: capabilities.has('AES') ? AES_256 : DES_EDE3,
    };
  }
}

const sharedClients = new Map<string, ScepClient>();
const MAX_SHARED_CLIENTS = 64;

/**
 * Enrolls one device. Calls for the same URL share one {@link ScepClient}, so a fleet fetches and parses
 * the CA certificate once. When the server cannot open the envelope (its CA changed since), the shared
 * client is dropped and the enrollment retried once; the server refuses such a request before
 * looking at its challenge, so the retry is safe.
 */
export async function scepEnroll(options: ScepClientOptions & ScepEnrollRequest): Promise<ScepEnrollment> {
  if (options.caCertificate) return new ScepClient(options).enroll(options);
  const fetchFn = options.fetch ?? globalThis.fetch;
  let client = sharedClients.get(options.url);
  if (!client || client.fetchFn !== fetchFn) {
    client = new ScepClient({ url: options.url, fetch: fetchFn });
    if (sharedClients.size >= MAX_SHARED_CLIENTS) sharedClients.clear();
    sharedClients.set(options.url, client);
  }
  try {
    return await client.enroll(options);
  } catch (error) {
    if (!(error instanceof ScepProtocolError && error.status === 400 && error.body?.includes('scep_undecryptable'))) throw error;
    const fresh = new ScepClient({ url: options.url, fetch: fetchFn });
    sharedClients.set(options.url, fresh);
    return fresh.enroll(options);
  }
}

function envelopeTo(content: Buffer, cipher: CipherSpec, recipientKey: KeyObject, recipientId: Buffer): Buffer {
  const key = randomBytes(cipher.keyLength);
  const iv = randomBytes(cipher.ivLength);
  const encryptor = createCipheriv(cipher.name, key, iv);
  const encrypted = Buffer.concat([encryptor.update(content), encryptor.final()]);
  const encryptedKey = publicEncrypt({ key: recipientKey, padding: constants.RSA_PKCS1_PADDING }, key);
  const recipient = seq(integer(0), recipientId, seq(oid(OID.rsaEncryption), NULL), octets(encryptedKey));
  return contentInfo(OID.envelopedData, seq(integer(0), set(recipient), seq(oid(OID.data), seq(oid(cipher.oid), octets(iv)), tagged(0x80, encrypted))));
}

function openEnvelope(der: Buffer, privateKey: KeyObject): Buffer {
  // EnvelopedData ::= SEQUENCE { version, originatorInfo [0] OPTIONAL, recipientInfos, encryptedContentInfo, … }
  const enveloped = fields(contentOf(der, OID.envelopedData));
  const rest = isContext(enveloped[1], 0) ? enveloped.slice(2) : enveloped.slice(1);
  const recipient = fields(rest[0]).find((node) => node instanceof asn1js.Sequence);
  if (!recipient) throw new ScepProtocolError('CertRep envelope has no key-transport recipient');
  const [, algorithm, encryptedContent] = fields(rest[1]);
  const [cipherOid, iv] = fields(algorithm);
  const cipher = CIPHERS[oidOf(cipherOid)];
  const ivBytes = octetValue(iv);
  if (!cipher || !ivBytes) throw new ScepProtocolError('CertRep envelope uses an unknown cipher');
  const key = unwrapKey(privateKey, octetsOf(fields(recipient)[3]), cipher.keyLength);
  const decipher = createDecipheriv(cipher.name, key, ivBytes);
  return Buffer.concat([decipher.update(octetsOf(encryptedContent)), decipher.final()]);
}

/** RSAES-PKCS1-v1_5 decryption via raw RSA: Node refuses PKCS#1 v1.5 private decryption, and forge's pure-JS RSA is ~100× slower. */
function unwrapKey(privateKey: KeyObject, ciphertext: Buffer, keyLength: number): Buffer {
  const block = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, ciphertext);
  const start = block.length - keyLength;
  const padding = block.subarray(2, start - 1);
  if (block[0] !== 0 || block[1] !== 2 || block[start - 1] !== 0 || padding.length < 8 || padding.includes(0)) {
    throw new ScepProtocolError('CertRep envelope key does not decrypt');
  }
  return block.subarray(start);
}

/** ContentInfo ::= SEQUENCE { contentType, content [0] EXPLICIT } */
function contentOf(der: Buffer, expectedType: string): asn1js.BaseBlock | undefined {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1) throw new ScepProtocolError('answer is not DER');
  const [type, content] = fields(parsed.result);
  if (oidOf(type) !== expectedType || !isContext(content, 0)) throw new ScepProtocolError(`expected content type ${expectedType}, got ${oidOf(type)}`);
  return fields(content)[0];
}

function fields(node: asn1js.BaseBlock | undefined): asn1js.BaseBlock[] {
  const value = (node?.valueBlock as { value?: unknown } | undefined)?.value;
  if (!node?.idBlock.isConstructed || !Array.isArray(value)) throw new ScepProtocolError('CertRep is malformed');
  return value as asn1js.BaseBlock[];
}

function isContext(node: asn1js.BaseBlock | undefined, tag: number): node is asn1js.BaseBlock {
  return node?.idBlock.tagClass === 3 && node.idBlock.tagNumber === tag;
}

function oidOf(node: asn1js.BaseBlock | undefined): string {
  return node instanceof asn1js.ObjectIdentifier ? node.getValue() : '';
}

function octetsOf(node: asn1js.BaseBlock | undefined): Buffer {
  if (node instanceof asn1js.OctetString) return Buffer.from(node.getValue());
  if (node && !node.idBlock.isConstructed) return Buffer.from((node.valueBlock as unknown as { valueHexView: Uint8Array }).valueHexView);
  if (node) return Buffer.concat(fields(node).map(octetsOf));
  throw new ScepProtocolError('CertRep is missing a field');
}

function raw(node: asn1js.BaseBlock | undefined): Buffer {
  if (!node) throw new ScepProtocolError('CertRep is missing a field');
  return Buffer.from(node.valueBeforeDecodeView);
}

/** PKCS#10: CertificationRequest ::= SEQUENCE { certificationRequestInfo, signatureAlgorithm, signature } */
function certificationRequest(subject: Buffer, keys: CryptoKeyPair, challenge: string | undefined, extensions: x509.Extension[] | undefined): Buffer {
  const attributes: Buffer[] = [];
  if (challenge !== undefined) attributes.push(attribute(OID.challengePassword, PRINTABLE.test(challenge) ? printable(challenge) : utf8(challenge)));
  if (extensions?.length) attributes.push(attribute(OID.extensionRequest, seq(...extensions.map((extension) => Buffer.from(extension.rawData)))));
  const info = seq(integer(0), subject, spkiOf(keys), tlv(0xa0, Buffer.concat(attributes.sort(Buffer.compare))));
  return seq(info, SHA256_WITH_RSA, bitString(sign('sha256', info, KeyObject.from(keys.privateKey))));
}

/** The throwaway self-signed certificate that signs a PKCSReq (valid an hour either side of now). */
function selfSignedCertificate(subject: Buffer, keys: CryptoKeyPair): Buffer {
  const now = Date.now();
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40; // positive, and minimal as DER wants
  const tbs = seq(
    tagged(0xa0, integer(2)),
    tlv(0x02, serial),
    SHA256_WITH_RSA,
    subject,
    seq(utcTime(new Date(now - HOUR_MS)), utcTime(new Date(now + HOUR_MS))),
    subject,
    spkiOf(keys),
  );
  return seq(tbs, SHA256_WITH_RSA, bitString(sign('sha256', tbs, KeyObject.from(keys.privateKey))));
}

function spkiOf(keys: CryptoKeyPair): Buffer {
  return KeyObject.from(keys.publicKey).export({ type: 'spki', format: 'der' });
}

function stringValue(value: unknown): string | undefined {
  return value instanceof asn1js.BaseStringBlock ? value.getValue() : undefined;
}

function octetValue(value: unknown): Buffer | undefined {
  return value instanceof asn1js.OctetString ? Buffer.from(value.getValue()) : undefined;
}

/** IssuerAndSerialNumber taken from the certificate's own bytes. */
function issuerAndSerialNumber(certificateDer: Buffer): Buffer {
  const certificate = asn1js.fromBER(certificateDer).result;
  const tbs = certificate instanceof asn1js.Sequence ? certificate.valueBlock.value[0] : undefined;
  const fields = tbs instanceof asn1js.Sequence ? tbs.valueBlock.value : [];
  const offset = fields[0]?.idBlock.tagClass === 3 ? 1 : 0;
  const serial = fields[offset];
  const issuer = fields[offset + 2];
  if (!serial || !issuer) throw new Error('not an X.509 certificate');
  return seq(Buffer.from(issuer.valueBeforeDecodeView), Buffer.from(serial.valueBeforeDecodeView));
}

// A minimal DER writer: requests go out as DER, byte for byte.
const { NULL, PRINTABLE, tlv, seq, set, tagged, octets, printable, utf8, bitString, integer, attribute, contentInfo, retag, utcTime, oid } = der;

const SHA256_WITH_RSA = seq(oid(OID.sha256WithRSA), NULL);

/**
 * Signs `content` as a detached CMS SignedData (RFC 5652): SHA-256 with RSA, signed attributes
 * (content type, signing time, message digest), the signer's certificate included — what an Apple
 * device sends in `Mdm-Signature`. Written as DER directly and signed with node:crypto, with the
 * certificate's IssuerAndSerialNumber worked out once: building it with pkijs costs milliseconds per
 * message, which a simulated fleet can't afford.
 */
export function detachedSigner(certificateDer: Uint8Array, privateKey: CryptoKey | KeyObject): (content: Uint8Array) => Buffer {
  const certificate = Buffer.from(certificateDer);
  const sid = issuerAndSerialNumber(certificate);
  const key = privateKey instanceof KeyObject ? privateKey : KeyObject.from(privateKey);
  const digestAlgorithms = set(seq(oid(OID.sha256), NULL));
  const encapsulated = seq(oid(OID.data));
  const certificates = tagged(0xa0, certificate);
  return (content) => {
    const signedAttributes = set(
      attribute(OID.contentType, oid(OID.data)),
      attribute(OID.signingTime, utcTime(new Date())),
      attribute(OID.messageDigest, octets(createHash('sha256').update(content).digest())),
    );
    const signerInfo = seq(
      integer(1),
      sid,
      seq(oid(OID.sha256), NULL),
      retag(signedAttributes, 0xa0),
      seq(oid(OID.rsaEncryption), NULL),
      octets(sign('sha256', signedAttributes, key)),
    );
    return contentInfo(OID.signedData, seq(integer(1), digestAlgorithms, encapsulated, certificates, set(signerInfo)));
  };
}
