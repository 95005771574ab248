import { createHash, createPublicKey, type KeyObject, webcrypto, verify as verifySignature } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

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

const keyCache = new Map<string, KeyObject>();

/**
 * Verifies a CMS SignedData and returns its signer's certificate: the signature must be over
 * `detachedContent` when given (e.g. the body an Apple device signed in `Mdm-Signature`), or over the
 * attached content. Only the signature is checked here; whether the signer is trusted is the caller's
 * question. Signed attributes, when present, must carry the content's digest.
 *
 * Parsing is bounded by the caller's body limit; any malformed structure throws {@link CmsError}.
 */
export function verifyCms(der: Uint8Array, detachedContent?: Uint8Array): VerifiedCms {
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

  const fingerprint = createHash('sha256').update(certificateDer).digest('hex');
  let key = keyCache.get(fingerprint);
  if (!key) {
    key = createPublicKey({ key: Buffer.from(certificate.subjectPublicKeyInfo.toSchema().toBER(false)), format: 'der', type: 'spki' });
    if (keyCache.size > 50_000) keyCache.clear();
    keyCache.set(fingerprint, key);
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
