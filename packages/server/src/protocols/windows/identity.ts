import { createHash, X509Certificate } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { CertificateAuthority } from '../../pki/certificate-authority.js';

export interface WindowsIdentity {
  readonly fingerprint: string;
  readonly notAfter: number;
  readonly source: 'tls' | 'proxy-header';
}

export class WindowsIdentityError extends Error {
  override name = 'WindowsIdentityError';
  constructor(readonly reason: 'no_identity' | 'untrusted_certificate' | 'expired_certificate') {
    super(reason);
  }
}

/**
 * The certificate a Windows PC presents: its TLS client certificate (the HTTPS server asks for one
 * without checking it) or, only when configured, the one a trusted TLS-terminating proxy forwards
 * (RFC 9440 `Client-Cert: :base64-DER:`). It must chain to Steward's CA and be in date; which device
 * it belongs to is looked up by its fingerprint, never taken from the message.
 */
export class WindowsIdentityVerifier {
  private readonly caCertificate: X509Certificate;
  private readonly trusted = new Map<string, number>();

  constructor(
    ca: CertificateAuthority,
    private readonly proxyHeader: string | undefined,
  ) {
    this.caCertificate = new X509Certificate(ca.certificateDer);
  }

  identify(request: FastifyRequest): WindowsIdentity {
    const socket = request.raw.socket as { getPeerCertificate?: (detailed: boolean) => { raw?: Buffer } };
    const peer = socket.getPeerCertificate?.(false);
    if (peer?.raw && peer.raw.length > 0) return this.trust(peer.raw, 'tls');
    if (this.proxyHeader) {
      const header = request.headers[this.proxyHeader];
      const match = typeof header === 'string' && header.length < 16_384 ? /^:([A-Za-z0-9+/=]+):$/.exec(header.trim()) : null;
      if (match?.[1]) return this.trust(Buffer.from(match[1], 'base64'), 'proxy-header');
    }
    throw new WindowsIdentityError('no_identity');
  }

  private trust(der: Buffer, source: WindowsIdentity['source']): WindowsIdentity {
    const fingerprint = createHash('sha256').update(der).digest('hex');
    let notAfter = this.trusted.get(fingerprint);
    if (notAfter === undefined) {
      let certificate: X509Certificate;
      try {
        certificate = new X509Certificate(der);
      } catch {
        throw new WindowsIdentityError('untrusted_certificate');
      }
      if (!certificate.checkIssued(this.caCertificate) || !certificate.verify(this.caCertificate.publicKey))
        throw new WindowsIdentityError('untrusted_certificate');
      if (Date.parse(certificate.validFrom) > Date.now()) throw new WindowsIdentityError('expired_certificate');
      notAfter = Date.parse(certificate.validTo);
      if (this.trusted.size > 100_000) this.trusted.clear();
      this.trusted.set(fingerprint, notAfter);
    }
    if (notAfter < Date.now()) throw new WindowsIdentityError('expired_certificate');
    return { fingerprint, notAfter, source };
  }
}
