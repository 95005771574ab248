import { createHash, randomUUID } from 'node:crypto';
import type { EnrollmentRow } from '../../core/enrollment/enrollment-repository.js';
import type { CertificateAuthority } from '../../pki/certificate-authority.js';
import { signCms } from '../../pki/cms.js';
import { type PlistDict, buildPlist } from './plist.js';

/** Capabilities Steward's MDM server announces to Apple devices. */
export const SERVER_CAPABILITIES = ['com.apple.mdm.per-user-connections', 'com.apple.mdm.bootstraptoken', 'com.apple.mdm.token'];
/** Every MDM access right: inspect and change profiles, lock, wipe, query, install apps, settings … (Apple's bitmask). */
export const ALL_ACCESS_RIGHTS = 8191;

export const APPLE_PATHS = Object.freeze({ checkin: '/mdm/checkin', connect: '/mdm/connect', scep: '/scep' });

export interface ProfileInput {
  enrollment: EnrollmentRow;
  publicUrl: string;
  topic: string;
  challenge: string;
  ca: CertificateAuthority;
  /** Include Steward's root so the device trusts a server certificate Steward issued itself. */
  includeRoot: boolean;
  organisation?: string;
}

/**
 * The enrollment profile a device installs: Steward's root (when the server's TLS certificate is
 * Steward's own), a SCEP payload that obtains the device identity with a single-use challenge, and the
 * MDM payload that points the device at Steward with that identity.
 */
export function buildEnrollmentProfile(input: ProfileInput): PlistDict {
  const organisation = input.organisation ?? 'Steward';
  const base = `com.steward.enrollment.${input.enrollment.id}`;
  const scepUuid = randomUUID().toUpperCase();
  const content: PlistDict[] = [];
  if (input.includeRoot) {
    content.push({
      PayloadType: 'com.apple.security.root',
      PayloadVersion: 1,
      PayloadIdentifier: `${base}.root`,
      PayloadUUID: randomUUID().toUpperCase(),
      PayloadDisplayName: `${organisation} root certificate`,
      PayloadCertificateFileName: 'steward-root.cer',
      PayloadContent: input.ca.certificateDer,
    });
  }
  content.push({
    PayloadType: 'com.apple.security.scep',
    PayloadVersion: 1,
    PayloadIdentifier: `${base}.scep`,
    PayloadUUID: scepUuid,
    PayloadDisplayName: 'Device identity',
    PayloadContent: {
      URL: `${input.publicUrl}${APPLE_PATHS.scep}`,
      Name: 'Steward',
      Subject: [[['O', organisation]], [['CN', `Steward device ${randomUUID()}`]]],
      Challenge: input.challenge,
      Keysize: 2048,
      'Key Type': 'RSA',
      'Key Usage': 5,
      CAFingerprint: createHash('sha1').update(input.ca.certificateDer).digest(),
    },
  });
  content.push({
    PayloadType: 'com.apple.mdm',
    PayloadVersion: 1,
    PayloadIdentifier: `${base}.mdm`,
    PayloadUUID: randomUUID().toUpperCase(),
    PayloadDisplayName: 'Device management',
    ServerURL: `${input.publicUrl}${APPLE_PATHS.connect}`,
    CheckInURL: `${input.publicUrl}${APPLE_PATHS.checkin}`,
    Topic: input.topic,
    IdentityCertificateUUID: scepUuid,
    SignMessage: true,
    AccessRights: ALL_ACCESS_RIGHTS,
    CheckOutWhenRemoved: true,
    ServerCapabilities: SERVER_CAPABILITIES,
  });
  return {
    PayloadType: 'Configuration',
    PayloadVersion: 1,
    PayloadIdentifier: base,
    PayloadUUID: randomUUID().toUpperCase(),
    PayloadDisplayName: `${organisation} enrollment`,
    PayloadDescription: `Lets ${organisation} manage this device: configuration, security policies, apps and remote actions.`,
    PayloadOrganization: organisation,
    PayloadScope: 'System',
    PayloadContent: content,
  };
}

/** The profile as the plist bytes, signed as CMS SignedData by Steward's CA. */
export async function signedEnrollmentProfile(input: ProfileInput): Promise<{ signed: Buffer; unsigned: Buffer }> {
  const unsigned = buildPlist(buildEnrollmentProfile(input));
  const signed = await signCms(unsigned, { certificateDer: input.ca.certificateDer, privateKey: input.ca.key });
  return { signed, unsigned };
}
