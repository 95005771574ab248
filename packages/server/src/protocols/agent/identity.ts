import { createHash, X509Certificate } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { CertificateAuthority } from '../../pki/certificate-authority.js';

/** Written into every agent certificate's subject alternative names: the device it was issued to. */
export const AGENT_DEVICE_URI_PREFIX = 'urn:steward:agent-device:';

export type AgentIdentityFailure = 'no_identity' | 'untrusted_certificate' | 'expired_certificate' | 'not_an_agent_certificate';

export class AgentIdentityError extends Error {
  override name = 'AgentIdentityError';
  constructor(readonly reason: AgentIdentityFailure) {
    super(reason);
  }
}

/** A client certificate proven to come from Steward's CA and issued to an agent device. */
export interface AgentCertificate {
  fingerprint: string;
  deviceId: string;
  notAfter: number;
}

/**
 * Reads the agent's client certificate from the TLS connection (the server asks for one without
 * rejecting, so the chain is checked here) or, only when configured, from a trusted proxy's RFC 9440
 * header, and checks that Steward's CA issued it to an agent device. Chain checks are cached per
 * certificate fingerprint (a long-polling fleet presents the same certificates over and over).
 */
export class AgentIdentityVerifier {
  private readonly caCertificate: X509Certificate;
  private readonly trusted = new Map<string, AgentCertificate>();

  constructor(
    ca: CertificateAuthority,
    private readonly proxyHeader: string | undefined,
  ) {
    this.caCertificate = new X509Certificate(ca.certificateDer);
  }

  identify(request: FastifyRequest): AgentCertificate {
    const socket = request.raw.socket as { getPeerCertificate?: (detailed: boolean) => { raw?: Buffer } };
    const peer = socket.getPeerCertificate?.(false);
    if (peer?.raw && peer.raw.length > 0) return this.trust(peer.raw);
    if (this.proxyHeader) {
      const header = request.headers[this.proxyHeader];
      const match = typeof header === 'string' && header.length < 16_384 ? /^:([A-Za-z0-9+/=]+):$/.exec(header.trim()) : null;
      if (match?.[1]) return this.trust(Buffer.from(match[1], 'base64'));
    }
    throw new AgentIdentityError('no_identity');
  }

  private trust(der: Buffer): AgentCertificate {
    const fingerprint = createHash('sha256').update(der).digest('hex');
    let known = this.trusted.get(fingerprint);
    if (!known) {
      let certificate: X509Certificate;
      try {
        certificate = new X509Certificate(der);
      } catch {
        throw new AgentIdentityError('untrusted_certificate');
      }
      if (!certificate.checkIssued(this.caCertificate) || !certificate.verify(this.caCertificate.publicKey))
        throw new AgentIdentityError('untrusted_certificate');
      if (Date.parse(certificate.validFrom) > Date.now()) throw new AgentIdentityError('expired_certificate');
      const uri = (certificate.subjectAltName ?? '')
        .split(/,\s*/)
        .map((entry) => entry.replace(/^URI:/, ''))
        .find((entry) => entry.startsWith(AGENT_DEVICE_URI_PREFIX));
      if (!uri) throw new AgentIdentityError('not_an_agent_certificate');
      known = { fingerprint, deviceId: uri.slice(AGENT_DEVICE_URI_PREFIX.length), notAfter: Date.parse(certificate.validTo) };
      if (this.trusted.size > 100_000) this.trusted.clear();
      this.trusted.set(fingerprint, known);
    }
    if (known.notAfter < Date.now()) throw new AgentIdentityError('expired_certificate');
    return known;
  }
}
