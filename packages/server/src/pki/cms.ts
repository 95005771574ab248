import { createHash, createPublicKey, KeyObject, sign as signBytes, webcrypto, verify as verifySignature } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { LruCache } from '../core/lru-cache.js';
import { NULL as DER_NULL, tagged as der, utcTime } from './der.js';

pkijs.setEngine(
  'node',
  new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'] }),
);

const OID = Object.freeze({
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSA: '1.2.840.113549.1.1.11',
});

const HASHES: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

export class CmsError extends Error {
  override name = 'CmsError';
}

/**
 * Signs `content` as CMS SignedData (RFC 5652) with SHA-256 and RSA, including the signer's certificate,
 * with the content attached (enrollment profiles) or detached.
 */
export async function signCms(
  content: Uint8Array,
  signer: { certificateDer: Uint8Array; privateKey: webcrypto.CryptoKey },
  options: { detached?: boolean } = {},
): Promise<Buffer> {
  const fast = signDer(content, signer, options.detached === true);
  if (fast) return fast;
  const certificate = pkijs.Certificate.fromBER(signer.certificateDer);
  const digest = createHash('sha256').update(content).digest();
  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: OID.data,
      ...(options.detached ? {} : { eContent: new asn1js.OctetString({ valueHex: content }) }),
    }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: certificate.issuer, serialNumber: certificate.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
            new pkijs.Attribute({ type: OID.signingTime, values: [new asn1js.UTCTime({ valueDate: new Date() })] }),
            new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: digest })] }),
          ],
        }),
      }),
    ],
    certificates: [certificate],
  });
  await signedData.sign(signer.privateKey as unknown as Parameters<pkijs.SignedData['sign']>[0], 0, 'SHA-256', options.detached ? content : undefined);
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return Buffer.from(contentInfo.toSchema().toBER(false));
}

export interface VerifiedCms {
  /** DER of the certificate that signed. */
  signerCertificateDer: Buffer;
  /** The encapsulated content (attached signatures), or the detached content that was checked. */
  content: Buffer;
}

/**
 * Verifies a CMS SignedData and returns its signer's certificate: the signature must be over
 * `detachedContent` when given (e.g. the body an Apple device signed in `Mdm-Signature`), or over the
 * attached content. Only the signature is checked here; whether the signer is trusted is the caller's
 * question. Signed attributes, when present, must carry the content's digest.
 *
 * Parsing is bounded by the caller's body limit; any malformed structure throws {@link CmsError}.
 */
export function verifyCms(der: Uint8Array, detachedContent?: Uint8Array): VerifiedCms {
  // Devices sign every message: read DER without building an object model (pkijs costs ~3 ms a
  // message). Anything the strict reader does not take (BER, unusual shapes) goes the general way.
  const fast = readSignedData(der);
  if (fast) return verifyParsed(fast, detachedContent);
  return verifyCmsGeneral(der, detachedContent);
}

function verifyCmsGeneral(der: Uint8Array, detachedContent?: Uint8Array): VerifiedCms {
  let signedData: pkijs.SignedData;
  try {
    const contentInfo = pkijs.ContentInfo.fromBER(der);
    if (contentInfo.contentType !== OID.signedData) throw new CmsError('not SignedData');
    signedData = new pkijs.SignedData({ schema: contentInfo.content });
  } catch (error) {
    throw error instanceof CmsError ? error : new CmsError('malformed CMS structure');
  }
  const signerInfo = signedData.signerInfos[0];
  if (!signerInfo || signedData.signerInfos.length !== 1) throw new CmsError('expected exactly one signer');
  const attached = signedData.encapContentInfo.eContent?.getValue();
  const content = detachedContent ?? (attached ? new Uint8Array(attached) : undefined);
  if (!content) throw new CmsError('no content to verify');
  const certificate = findSigner(signedData, signerInfo);
  const certificateDer = Buffer.from(certificate.toSchema(true).toBER(false));
  const hash = HASHES[signerInfo.digestAlgorithm.algorithmId];
  if (!hash) throw new CmsError('unsupported digest algorithm');

  let signedBytes: Buffer;
  if (signerInfo.signedAttrs) {
    const digestAttribute = signerInfo.signedAttrs.attributes.find((a) => a.type === OID.messageDigest);
    const claimed = digestAttribute?.values[0] as asn1js.OctetString | undefined;
    if (!claimed) throw new CmsError('signed attributes without a message digest');
    const actual = createHash(hash).update(content).digest();
    if (!actual.equals(Buffer.from(claimed.valueBlock.valueHexView))) throw new CmsError('message digest does not match the content');
    // The signature covers the DER of the attributes as a SET, not as the [0] IMPLICIT field.
    const encoded = new Uint8Array(signerInfo.signedAttrs.toSchema().toBER(false));
    encoded[0] = 0x31;
    signedBytes = Buffer.from(encoded);
  } else {
    signedBytes = Buffer.from(content);
  }

  let key: KeyObject;
  try {
    key = signerKey(Buffer.from(certificate.subjectPublicKeyInfo.toSchema().toBER(false)));
  } catch {
    throw new CmsError('the signer certificate has an unusable key');
  }
  const signature = Buffer.from(signerInfo.signature.valueBlock.valueHexView);
  let valid = false;
  try {
    valid = verifySignature(hash, signedBytes, key, signature);
  } catch {
    valid = false;
  }
  if (!valid) throw new CmsError('signature does not verify');
  return { signerCertificateDer: certificateDer, content: Buffer.from(content) };
}

function findSigner(signedData: pkijs.SignedData, signerInfo: pkijs.SignerInfo): pkijs.Certificate {
  const certificates = (signedData.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  const sid = signerInfo.sid;
  for (const certificate of certificates) {
    if (sid instanceof pkijs.IssuerAndSerialNumber) {
      if (certificate.issuer.isEqual(sid.issuer) && certificate.serialNumber.isEqual(sid.serialNumber)) return certificate;
    } else if (certificates.length === 1) {
      return certificate;
    }
  }
  throw new CmsError('the signer certificate is not included');
}

// --- a strict DER reader for the common case ---------------------------------------------------

/** One DER element: its tag, where its content lies, and where it ends. */
interface Tlv {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

/** Reads the element at `offset`, definite lengths only (DER); undefined when malformed. */
function tlvAt(der: Uint8Array, offset: number, limit: number): Tlv | undefined {
  if (offset + 2 > limit) return undefined;
  const tag = der[offset] as number;
  if ((tag & 0x1f) === 0x1f) return undefined; // high tag numbers: not in SignedData
  let length = der[offset + 1] as number;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || contentStart + bytes > limit) return undefined;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + (der[contentStart + i] as number);
    contentStart += bytes;
  }
  const end = contentStart + length;
  if (end > limit) return undefined;
  return { tag, start: offset, contentStart, end };
}

/** The elements inside a constructed element. */
function children(der: Uint8Array, parent: Tlv): Tlv[] | undefined {
  const out: Tlv[] = [];
  for (let offset = parent.contentStart; offset < parent.end; ) {
    const item = tlvAt(der, offset, parent.end);
    if (!item) return undefined;
    out.push(item);
    offset = item.end;
  }
  return out;
}

const OID_SIGNED_DATA = Buffer.from('06092a864886f70d010702', 'hex');
const OID_MESSAGE_DIGEST = Buffer.from('06092a864886f70d010904', 'hex');
const DIGEST_OIDS: Record<string, string> = {
  '06052b0e03021a': 'sha1',
  '0609608648016503040201': 'sha256',
  '0609608648016503040202': 'sha384',
  '0609608648016503040203': 'sha512',
};

interface ParsedSignedData {
  der: Buffer;
  hash: string | undefined;
  attached: Buffer | undefined;
  certificate: Buffer;
  spki: Buffer;
  signedAttrs: Buffer | undefined;
  claimedDigest: Buffer | undefined;
  signature: Buffer;
}

const bytesOf = (der: Buffer, t: Tlv) => der.subarray(t.start, t.end);
const contentOfTlv = (der: Buffer, t: Tlv) => der.subarray(t.contentStart, t.end);

/**
 * ContentInfo { signedData, [0] SignedData { version, digestAlgorithms, encapContentInfo,
 * [0] certificates, [1] crls?, signerInfos } } with one signer, read as DER. Undefined for anything
 * else, which the general path then reads (and refuses, if it must).
 */
function readSignedData(input: Uint8Array): ParsedSignedData | undefined {
  const der = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const top = tlvAt(der, 0, der.length);
  if (top?.tag !== 0x30 || top.end !== der.length) return undefined;
  const [type, explicit] = children(der, top) ?? [];
  if (!type || !explicit || explicit.tag !== 0xa0 || !bytesOf(der, type).equals(OID_SIGNED_DATA)) return undefined;
  const [signedData] = children(der, explicit) ?? [];
  if (signedData?.tag !== 0x30) return undefined;
  const parts = children(der, signedData);
  if (!parts || parts.length < 4) return undefined;
  const encap = parts[2] as Tlv;
  const signerInfos = parts[parts.length - 1] as Tlv;
  const certificates = parts.slice(3, -1).find((p) => p.tag === 0xa0);
  if (encap.tag !== 0x30 || signerInfos.tag !== 0x31 || !certificates) return undefined;

  const encapParts = children(der, encap);
  if (!encapParts || encapParts.length < 1 || encapParts.length > 2) return undefined;
  let attached: Buffer | undefined;
  if (encapParts[1]) {
    if (encapParts[1].tag !== 0xa0) return undefined;
    const [octets] = children(der, encapParts[1]) ?? [];
    if (octets?.tag !== 0x04) return undefined; // a constructed (BER) OCTET STRING goes the general way
    attached = contentOfTlv(der, octets);
  }

  const signers = children(der, signerInfos);
  if (signers?.length !== 1 || (signers[0] as Tlv).tag !== 0x30) return undefined;
  const signer = children(der, signers[0] as Tlv);
  if (!signer || signer.length < 5) return undefined;
  const [, sid, digestAlgorithm] = signer as [Tlv, Tlv, Tlv];
  let index = 3;
  let signedAttrs: Tlv | undefined;
  if (signer[index]?.tag === 0xa0) signedAttrs = signer[index++];
  index++; // signatureAlgorithm: the key's type decides, as before
  const signature = signer[index];
  if (signature?.tag !== 0x04 || sid.tag !== 0x30 || digestAlgorithm.tag !== 0x30) return undefined;

  const [digestOid] = children(der, digestAlgorithm) ?? [];
  const hash = digestOid ? DIGEST_OIDS[bytesOf(der, digestOid).toString('hex')] : undefined;

  // The signer's certificate: the one whose issuer and serial number the sid names.
  const [sidIssuer, sidSerial] = children(der, sid) ?? [];
  if (!sidIssuer || !sidSerial) return undefined;
  let found: { certificate: Tlv; spki: Tlv } | undefined;
  for (const certificate of children(der, certificates) ?? []) {
    if (certificate.tag !== 0x30) continue;
    const [tbs] = children(der, certificate) ?? [];
    const fields = tbs && tbs.tag === 0x30 ? children(der, tbs) : undefined;
    if (!fields) return undefined;
    const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
    const serial = fields[offset];
    const issuer = fields[offset + 2];
    const spki = fields[offset + 5];
    if (!serial || !issuer || !spki) return undefined;
    if (bytesOf(der, serial).equals(bytesOf(der, sidSerial)) && bytesOf(der, issuer).equals(bytesOf(der, sidIssuer))) {
      found = { certificate, spki };
      break;
    }
  }
  if (!found) return undefined;

  let claimedDigest: Buffer | undefined;
  if (signedAttrs) {
    for (const attribute of children(der, signedAttrs) ?? []) {
      const [attrType, values] = children(der, attribute) ?? [];
      if (!attrType || !values || !bytesOf(der, attrType).equals(OID_MESSAGE_DIGEST)) continue;
      const [value] = children(der, values) ?? [];
      if (value?.tag !== 0x04) return undefined;
      claimedDigest = contentOfTlv(der, value);
      break;
    }
  }
  return {
    der,
    hash,
    attached,
    certificate: Buffer.from(bytesOf(der, found.certificate)),
    spki: bytesOf(der, found.spki),
    signedAttrs: signedAttrs ? bytesOf(der, signedAttrs) : undefined,
    claimedDigest,
    signature: contentOfTlv(der, signature),
  };
}

function verifyParsed(parsed: ParsedSignedData, detachedContent: Uint8Array | undefined): VerifiedCms {
  const content = detachedContent ?? parsed.attached;
  if (!content) throw new CmsError('no content to verify');
  const hash = parsed.hash;
  if (!hash) throw new CmsError('unsupported digest algorithm');
  let signedBytes: Buffer;
  if (parsed.signedAttrs) {
    if (!parsed.claimedDigest) throw new CmsError('signed attributes without a message digest');
    const actual = createHash(hash).update(content).digest();
    if (!actual.equals(parsed.claimedDigest)) throw new CmsError('message digest does not match the content');
    // The signature covers the DER of the attributes as a SET, not as the [0] IMPLICIT field.
    signedBytes = Buffer.from(parsed.signedAttrs);
    signedBytes[0] = 0x31;
  } else {
    signedBytes = Buffer.from(content);
  }
  let key: KeyObject;
  try {
    key = signerKey(parsed.spki);
  } catch {
    throw new CmsError('the signer certificate has an unusable key');
  }
  let valid = false;
  try {
    valid = verifySignature(hash, signedBytes, key, parsed.signature);
  } catch {
    valid = false;
  }
  if (!valid) throw new CmsError('signature does not verify');
  return { signerCertificateDer: parsed.certificate, content: Buffer.from(content) };
}

const OID_RSA_ENCRYPTION = Buffer.from('06092a864886f70d010101', 'hex');
/** Keys other than plain RSA (EC): OpenSSL's SubjectPublicKeyInfo decoder takes ~0.1 ms, so a bounded number are kept. */
const otherKeys = new LruCache<string, KeyObject>(1024);

/**
 * The signer's public key. An RSA key is imported from the RSAPublicKey inside the
 * SubjectPublicKeyInfo (~4 µs, where OpenSSL 3's SPKI decoder takes ~120 µs), so nothing per device
 * is kept in memory: a cache of one key object per device cost ~2.5 KB each, 25 MB for 10,000 devices.
 */
function signerKey(spki: Buffer): KeyObject {
  const top = tlvAt(spki, 0, spki.length);
  const [algorithm, bits] = top?.tag === 0x30 && top.end === spki.length ? (children(spki, top) ?? []) : [];
  if (algorithm?.tag === 0x30 && bits?.tag === 0x03 && bits.end > bits.contentStart && spki[bits.contentStart] === 0) {
    const [algorithmOid] = children(spki, algorithm) ?? [];
    if (algorithmOid && bytesOf(spki, algorithmOid).equals(OID_RSA_ENCRYPTION)) {
      return createPublicKey({ key: spki.subarray(bits.contentStart + 1, bits.end), format: 'der', type: 'pkcs1' });
    }
  }
  const id = spki.toString('base64');
  let key = otherKeys.get(id);
  if (!key) {
    key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    otherKeys.set(id, key);
  }
  return key;
}

// --- signing, written as DER -----------------------------------------------------------------

const signingKeys = new WeakMap<object, KeyObject>();

const OID_DATA = Buffer.from('06092a864886f70d010701', 'hex');
const OID_CONTENT_TYPE = Buffer.from('06092a864886f70d010903', 'hex');
const OID_SIGNING_TIME = Buffer.from('06092a864886f70d010905', 'hex');
const SHA256_ALGORITHM = der(0x30, Buffer.from('0609608648016503040201', 'hex'), DER_NULL);
const RSA_ALGORITHM = der(0x30, Buffer.from('06092a864886f70d010101', 'hex'), DER_NULL);

/**
 * The same SignedData as the pkijs path (version 1, SHA-256 with RSA, signed attributes, the signer's
 * certificate), written directly: milliseconds less per enrollment profile. Undefined when the key or
 * certificate is not the plain case (then pkijs does it).
 */
function signDer(content: Uint8Array, signer: { certificateDer: Uint8Array; privateKey: webcrypto.CryptoKey }, detached: boolean): Buffer | undefined {
  let key = signingKeys.get(signer.privateKey);
  if (!key) {
    try {
      key = KeyObject.from(signer.privateKey);
    } catch {
      return undefined;
    }
    signingKeys.set(signer.privateKey, key);
  }
  if (key.asymmetricKeyType !== 'rsa') return undefined;
  const certificate = Buffer.from(signer.certificateDer);
  const top = tlvAt(certificate, 0, certificate.length);
  const [tbs] = top && top.tag === 0x30 && top.end === certificate.length ? (children(certificate, top) ?? []) : [];
  const fields = tbs && tbs.tag === 0x30 ? children(certificate, tbs) : undefined;
  if (!fields) return undefined;
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
  const serial = fields[offset];
  const issuer = fields[offset + 2];
  if (!serial || !issuer) return undefined;

  const digest = createHash('sha256').update(content).digest();
  const attributes = [
    der(0x30, OID_CONTENT_TYPE, der(0x31, OID_DATA)),
    der(0x30, OID_SIGNING_TIME, der(0x31, utcTime(new Date()))),
    der(0x30, OID_MESSAGE_DIGEST, der(0x31, der(0x04, digest))),
  ].sort(Buffer.compare);
  const signedAttributes = der(0x31, ...attributes);
  const signature = signBytes('sha256', signedAttributes, key);
  const implicitAttributes = Buffer.from(signedAttributes);
  implicitAttributes[0] = 0xa0;
  const signerInfo = der(
    0x30,
    der(0x02, Buffer.from([1])),
    der(0x30, bytesOf(certificate, issuer), bytesOf(certificate, serial)),
    SHA256_ALGORITHM,
    implicitAttributes,
    RSA_ALGORITHM,
    der(0x04, signature),
  );
  const encapsulated = detached ? der(0x30, OID_DATA) : der(0x30, OID_DATA, der(0xa0, der(0x04, Buffer.from(content))));
  const signedData = der(0x30, der(0x02, Buffer.from([1])), der(0x31, SHA256_ALGORITHM), encapsulated, der(0xa0, certificate), der(0x31, signerInfo));
  return der(0x30, OID_SIGNED_DATA, der(0xa0, signedData));
}
