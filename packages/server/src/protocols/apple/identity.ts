import { createHash, X509Certificate } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { LruCache } from '../../core/lru-cache.js';
import type { CertificateAuthority } from '../../pki/certificate-authority.js';
import { CmsError, verifyCms } from '../../pki/cms.js';

/** A device certificate proven to come from Steward's CA. */
export interface DeviceIdentity {
  fingerprint: string;
  notAfter: number;
  /** `urn:steward:enrollment:<id>`, written into the certificate when SCEP issued it. */
  enrollmentId: string | undefined;
  source: 'signature' | 'tls' | 'proxy-header';
}

export type IdentityFailure = 'no_identity' | 'bad_signature' | 'untrusted_certificate' | 'expired_certificate';

export class IdentityError extends Error {
  override name = 'IdentityError';
  constructor(readonly reason: IdentityFailure) {
    super(reason);
  }
}

/** How many proven certificates are remembered: a 20,000-device fleet never re-checks one (~8 MB at most). */
const TRUSTED_CERTIFICATES = 20_000;

export const ENROLLMENT_URI_PREFIX = 'urn:steward:enrollment:';

/**
 * Proves which device is talking. In order: the `Mdm-Signature` header (a detached CMS signature over
 * the exact body, what `SignMessage` asks devices to send), the TLS client certificate, or — only when
 * configured — the certificate a trusted TLS-terminating proxy forwards in a header (RFC 9440
 * `Client-Cert: :base64-DER:`). The certificate must be issued by Steward's CA and be in date.
 * Chain checks are cached per certificate (a bounded number); the signature is checked on every message.
 */
export class DeviceIdentityVerifier {
  private readonly caCertificate: X509Certificate;
  /**
   * Certificates already proven (issuer, signature, validity start), by SHA-256 fingerprint. Bounded
   * (~0.4 KB an entry): past it, the coldest certificate is checked again (~0.1 ms) when it next talks.
   */
  private readonly trusted = new LruCache<string, { notAfter: number; enrollmentId: string | undefined }>(TRUSTED_CERTIFICATES);

  constructor(
    ca: CertificateAuthority,
    private readonly proxyHeader: string | undefined,
  ) {
    this.caCertificate = new X509Certificate(ca.certificateDer);
  }

  identify(request: FastifyRequest, body: Buffer): DeviceIdentity {
    const signature = request.headers['mdm-signature'];
    if (typeof signature === 'string' && signature.length > 0) {
      if (signature.length > 16_384) throw new IdentityError('bad_signature');
      let certificateDer: Buffer;
      try {
        certificateDer = verifyCms(Buffer.from(signature, 'base64'), body).signerCertificateDer;
      } catch (error) {
        if (error instanceof CmsError) throw new IdentityError('bad_signature');
        throw error;
      }
      return this.trust(certificateDer, 'signature');
    }
    const socket = request.raw.socket as { getPeerCertificate?: (detailed: boolean) => { raw?: Buffer } };
    const peer = socket.getPeerCertificate?.(false);
    if (peer?.raw && peer.raw.length > 0) return this.trust(peer.raw, 'tls');
    if (this.proxyHeader) {
      const header = request.headers[this.proxyHeader];
      const match = typeof header === 'string' ? /^:([A-Za-z0-9+/=]+):$/.exec(header.trim()) : null;
      if (match?.[1]) return this.trust(Buffer.from(match[1], 'base64'), 'proxy-header');
    }
    throw new IdentityError('no_identity');
  }

  private trust(der: Buffer, source: DeviceIdentity['source']): DeviceIdentity {
    const fingerprint = createHash('sha256').update(der).digest('hex');
    let known = this.trusted.get(fingerprint);
    if (!known) {
      let certificate: X509Certificate;
      try {
        certificate = new X509Certificate(der);
      } catch {
        throw new IdentityError('untrusted_certificate');
      }
      if (!certificate.checkIssued(this.caCertificate) || !certificate.verify(this.caCertificate.publicKey)) throw new IdentityError('untrusted_certificate');
      const uri = (certificate.subjectAltName ?? '')
        .split(/,\s*/)
        .map((entry) => entry.replace(/^URI:/, ''))
        .find((entry) => entry.startsWith(ENROLLMENT_URI_PREFIX));
      known = { notAfter: Date.parse(certificate.validTo), enrollmentId: uri?.slice(ENROLLMENT_URI_PREFIX.length) };
      if (Date.parse(certificate.validFrom) > Date.now()) throw new IdentityError('expired_certificate');
      this.trusted.set(fingerprint, known);
    }
    if (known.notAfter < Date.now()) throw new IdentityError('expired_certificate');
    return { fingerprint, notAfter: known.notAfter, enrollmentId: known.enrollmentId, source };
  }
}
