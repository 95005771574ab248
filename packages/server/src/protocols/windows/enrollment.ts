import { createHash, createPublicKey, randomUUID } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { Context } from '../../context.js';
import type { EnrollmentRow } from '../../core/enrollment/enrollment-repository.js';
import { EKU } from '../../pki/certificate-authority.js';
import type { WindowsRepository } from './windows-repository.js';
import { type XmlElement, XmlError, child, childrenNamed, escapeXml, parseXml, textAt } from './xml.js';

export const WINDOWS_PATHS = Object.freeze({
  discovery: '/EnrollmentServer/Discovery.svc',
  policy: '/EnrollmentServer/Policy.svc',
  enrollment: '/EnrollmentServer/Enrollment.svc',
  federated: '/EnrollmentServer/Federated',
  management: '/ManagementServer/MDM.svc',
  recoveryKey: '/ManagementServer/BitLockerRecoveryKey',
});

export const SOAP_TYPE = 'application/soap+xml';
export const SOAP_MAX_BYTES = 64 * 1024;
const SOAP_LIMITS = Object.freeze({ maxBytes: SOAP_MAX_BYTES, maxDepth: 32, maxElements: 2_000 });

const NS = Object.freeze({
  soap: 'http://www.w3.org/2003/05/soap-envelope',
  addressing: 'http://www.w3.org/2005/08/addressing',
  enrollment2012: 'http://schemas.microsoft.com/windows/management/2012/01/enrollment',
  xcep: 'http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy',
  wstep: 'http://schemas.microsoft.com/windows/pki/2009/01/enrollment',
  trust: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
});

export const ACTIONS = Object.freeze({
  discover: `${NS.enrollment2012}/IDiscoveryService/Discover`,
  discoverResponse: `${NS.enrollment2012}/IDiscoveryService/DiscoverResponse`,
  getPolicies: `${NS.xcep}/IPolicy/GetPolicies`,
  getPoliciesResponse: `${NS.xcep}/IPolicy/GetPoliciesResponse`,
  requestToken: `${NS.wstep}/RST/wstep`,
  requestTokenResponse: `${NS.wstep}/RSTRC/wstep`,
});

export const TOKEN_TYPES = Object.freeze({
  deviceEnrollment: 'http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentToken',
  provisionDoc: 'http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentProvisionDoc',
  userToken: 'http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentUserToken',
  pkcs10: 'http://schemas.microsoft.com/windows/pki/2009/01/enrollment#PKCS10',
  base64: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#base64binary',
});

/** MS-MDE2 fault subcodes (the `s:` ones are SOAP 1.2 envelope names, `a:` WS-Addressing). */
export type FaultSubcode =
  | 'MessageFormat'
  | 'Authentication'
  | 'Authorization'
  | 'CertificateRequest'
  | 'EnrollmentServer'
  | 'DeviceNotSupported'
  | 'InvalidSecurity';

const FAULT_STATUS: Record<FaultSubcode, number> = {
  MessageFormat: 400,
  Authentication: 401,
  Authorization: 403,
  CertificateRequest: 400,
  EnrollmentServer: 500,
  DeviceNotSupported: 400,
  InvalidSecurity: 401,
};

export class SoapFault extends Error {
  override name = 'SoapFault';
  constructor(
    readonly subcode: FaultSubcode,
    message: string,
    /** The request's MessageID, when it was read before the fault. */
    readonly relatesTo?: string,
  ) {
    super(message);
  }
  get httpStatus(): number {
    return FAULT_STATUS[this.subcode];
  }
}

export interface SoapRequest {
  readonly action: string;
  readonly messageId: string;
  readonly header: XmlElement;
  /** The Body's one child. */
  readonly body: XmlElement;
}

/** Parses a SOAP 1.2 envelope (after the XML checks: no DOCTYPE, bounded) and requires the expected action. */
export function parseSoap(raw: Buffer, expectedAction: string): SoapRequest {
  let envelope: XmlElement;
  try {
    envelope = parseXml(raw, SOAP_LIMITS);
  } catch (error) {
    if (error instanceof XmlError) throw new SoapFault('MessageFormat', error.message);
    throw error;
  }
  if (envelope.name !== 'Envelope') throw new SoapFault('MessageFormat', 'the root element must be a SOAP Envelope');
  const header = child(envelope, 'Header');
  const bodyElement = child(envelope, 'Body');
  if (!header || !bodyElement || bodyElement.children.length !== 1 || !bodyElement.children[0])
    throw new SoapFault('MessageFormat', 'a SOAP Header and a Body with one element are required');
  const messageId = textAt(header, 'MessageID') ?? '';
  if (!messageId || messageId.length > 200) throw new SoapFault('MessageFormat', 'MessageID is required');
  const action = textAt(header, 'Action') ?? '';
  if (action !== expectedAction) throw new SoapFault('MessageFormat', `unexpected SOAP action "${action.slice(0, 200)}"`, messageId);
  return { action, messageId, header, body: bodyElement.children[0] };
}

function envelope(action: string, relatesTo: string | undefined, body: string): string {
  return (
    `<s:Envelope xmlns:s="${NS.soap}" xmlns:a="${NS.addressing}"><s:Header>` +
    `<a:Action s:mustUnderstand="1">${escapeXml(action)}</a:Action>` +
    `<ActivityId CorrelationId="${randomUUID()}" xmlns="http://schemas.microsoft.com/2004/09/servicemodel/diagnostics">${randomUUID()}</ActivityId>` +
    (relatesTo ? `<a:RelatesTo>${escapeXml(relatesTo)}</a:RelatesTo>` : '') +
    `</s:Header><s:Body>${body}</s:Body></s:Envelope>`
  );
}

export function faultEnvelope(fault: SoapFault, action: string | undefined, relatesTo: string | undefined): string {
  const subcode = fault.subcode === 'InvalidSecurity' ? `a:${fault.subcode}` : `s:${fault.subcode}`;
  const code = fault.subcode === 'EnrollmentServer' ? 's:Receiver' : 's:Sender';
  return envelope(
    action ?? `${NS.addressing}/fault`,
    relatesTo,
    `<s:Fault><s:Code><s:Value>${code}</s:Value><s:Subcode><s:Value>${subcode}</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en-US">${escapeXml(fault.message)}</s:Text></s:Reason></s:Fault>`,
  );
}

/** Who is enrolling: the enrollment that admits the device and the user's UPN. */
interface Enroller {
  readonly enrollment: EnrollmentRow;
  readonly upn: string;
}

const FEDERATED_CONTEXT = 'windows-federated-token';
const FEDERATED_TTL_MS = 15 * 60_000;
const UPN = /^[^\s@<>"]{1,128}@[A-Za-z0-9.-]{1,253}$/;
const DEVICE_ID = /^[A-Za-z0-9{}_-]{1,64}$/;
const GUID_ISH = /^\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?$/;
const OID = Object.freeze({ san: '2.5.29.17', eku: '2.5.29.37', basicConstraints: '2.5.29.19', keyUsage: '2.5.29.15', ski: '2.5.29.14' });
export const WINDOWS_DEVICE_URI_PREFIX = 'urn:steward:device:';
export const ENROLLMENT_URI_PREFIX = 'urn:steward:enrollment:';

export interface WindowsEnrollmentOptions {
  readonly publicUrl: string;
  readonly identityLifetimeDays: number;
  /** Poll schedule the DMClient provider gets: minutes between sessions after the first retries. */
  readonly pollIntervalMinutes: number;
}

/**
 * MS-MDE2 on Steward: discovery, the MS-XCEP certificate policy and MS-WSTEP enrollment. The PC
 * authenticates with an enrollment token (OnPremise: its UPN and the token as password; Federated:
 * the security token Steward's sign-in page minted), sends a PKCS#10 request that is checked and
 * signed by Steward's CA, and receives the wap-provisioningdoc that configures its DM client.
 */
export class WindowsEnrollment {
  constructor(
    private readonly ctx: Context,
    private readonly repo: WindowsRepository,
    private readonly options: WindowsEnrollmentOptions,
  ) {}

  private url(path: string): string {
    return `${this.options.publicUrl}${path}`;
  }

  // --- discovery -------------------------------------------------------------------------------

  discover(request: SoapRequest): string {
    if (request.body.name !== 'Discover') throw new SoapFault('MessageFormat', 'the body must be Discover');
    const inner = child(request.body, 'request');
    const policies = childrenNamed(child(inner, 'AuthPolicies'), 'AuthPolicy').map((p) => p.text);
    const version = textAt(inner, 'RequestVersion') ?? '4.0';
    // OnPremise unless the PC can only do Federated: it needs no browser and works for every Windows edition.
    const federated = policies.length > 0 && !policies.includes('OnPremise') && policies.includes('Federated');
    if (policies.length > 0 && !federated && !policies.includes('OnPremise'))
      throw new SoapFault('DeviceNotSupported', 'Steward offers the OnPremise and Federated authentication policies');
    const enrollmentVersion = ['3.0', '4.0', '5.0'].includes(version) ? version : '4.0';
    return envelope(
      ACTIONS.discoverResponse,
      request.messageId,
      `<DiscoverResponse xmlns="${NS.enrollment2012}"><DiscoverResult>` +
        `<AuthPolicy>${federated ? 'Federated' : 'OnPremise'}</AuthPolicy><EnrollmentVersion>${enrollmentVersion}</EnrollmentVersion>` +
        `<EnrollmentPolicyServiceUrl>${escapeXml(this.url(WINDOWS_PATHS.policy))}</EnrollmentPolicyServiceUrl>` +
        `<EnrollmentServiceUrl>${escapeXml(this.url(WINDOWS_PATHS.enrollment))}</EnrollmentServiceUrl>` +
        (federated ? `<AuthenticationServiceUrl>${escapeXml(this.url(WINDOWS_PATHS.federated))}</AuthenticationServiceUrl>` : '') +
        '</DiscoverResult></DiscoverResponse>',
    );
  }

  // --- authentication --------------------------------------------------------------------------

  /** A Windows enrollment that can still admit a device, by its token (the federated sign-in page). */
  async findWindowsEnrollment(token: string): Promise<EnrollmentRow | undefined> {
    const enrollment = token.length <= 100 ? await this.ctx.enrollments.findUsable(token) : undefined;
    return enrollment?.platform === 'windows' ? enrollment : undefined;
  }

  /** The security token Steward's federated sign-in page hands back to Windows (sealed, short-lived). */
  mintFederatedToken(enrollment: EnrollmentRow, upn: string): string {
    const claims = JSON.stringify({ e: enrollment.id, u: upn, x: Date.now() + FEDERATED_TTL_MS });
    return this.ctx.box.seal(claims, FEDERATED_CONTEXT);
  }

  private async authenticate(request: SoapRequest): Promise<Enroller> {
    const security = child(request.header, 'Security');
    if (!security) throw new SoapFault('Authentication', 'WS-Security credentials are required');
    const username = child(security, 'UsernameToken');
    if (username) {
      const upn = textAt(username, 'Username') ?? '';
      const secret = textAt(username, 'Password') ?? '';
      if (!UPN.test(upn)) throw new SoapFault('Authentication', 'the user name must be an e-mail address (UPN)');
      const enrollment = secret.length <= 100 ? await this.ctx.enrollments.findUsable(secret) : undefined;
      if (enrollment?.platform !== 'windows') throw new SoapFault('Authentication', 'the enrollment token is unknown, expired, used up or revoked');
      return { enrollment, upn };
    }
    const binary = child(security, 'BinarySecurityToken');
    if (binary && binary.attrs.ValueType === TOKEN_TYPES.userToken) {
      let claims: { e?: unknown; u?: unknown; x?: unknown };
      try {
        const sealed = Buffer.from(binary.text, 'base64').toString('utf8');
        claims = JSON.parse(this.ctx.box.open(sealed, FEDERATED_CONTEXT).toString('utf8')) as typeof claims;
      } catch {
        throw new SoapFault('Authentication', 'the security token was not issued by this server');
      }
      if (typeof claims.e !== 'string' || typeof claims.u !== 'string' || typeof claims.x !== 'number' || claims.x < Date.now())
        throw new SoapFault('Authentication', 'the security token has expired');
      const enrollment = await this.ctx.enrollments.get(claims.e);
      if (enrollment?.platform !== 'windows') throw new SoapFault('Authentication', 'the enrollment behind the security token is gone');
      return { enrollment, upn: claims.u };
    }
    throw new SoapFault('Authentication', 'a UsernameToken or a Steward security token is required');
  }

  // --- MS-XCEP ---------------------------------------------------------------------------------

  async getPolicies(request: SoapRequest): Promise<string> {
    if (request.body.name !== 'GetPolicies') throw new SoapFault('MessageFormat', 'the body must be GetPolicies');
    await this.authenticate(request);
    const nil = (name: string) => `<${name} xsi:nil="true"/>`;
    return envelope(
      ACTIONS.getPoliciesResponse,
      request.messageId,
      `<GetPoliciesResponse xmlns="${NS.xcep}" xmlns:xsi="${NS.xsi}"><response>${nil('policyID')}${nil('policyFriendlyName')}<nextUpdateHours xsi:nil="true"/>${nil('policiesNotChanged')}<policies><policy>` +
        `<policyOIDReference>0</policyOIDReference>${nil('cAs')}<attributes><commonName>Steward device identity</commonName><policySchema>3</policySchema>` +
        `<certificateValidity><validityPeriodSeconds>${this.options.identityLifetimeDays * 86_400}</validityPeriodSeconds><renewalPeriodSeconds>${Math.floor((this.options.identityLifetimeDays * 86_400) / 5)}</renewalPeriodSeconds></certificateValidity>` +
        '<permission><enroll>true</enroll><autoEnroll>false</autoEnroll></permission>' +
        `<privateKeyAttributes><minimalKeyLength>2048</minimalKeyLength>${nil('keySpec')}${nil('keyUsageProperty')}${nil('permissions')}${nil('algorithmOIDReference')}${nil('cryptoProviders')}</privateKeyAttributes>` +
        `<revision><majorRevision>1</majorRevision><minorRevision>0</minorRevision></revision>${nil('supersededPolicies')}${nil('privateKeyFlags')}${nil('subjectNameFlags')}${nil('enrollmentFlags')}${nil('generalFlags')}` +
        `<hashAlgorithmOIDReference>0</hashAlgorithmOIDReference>${nil('rARequirements')}${nil('keyArchivalAttributes')}${nil('extensions')}</attributes></policy></policies></response>` +
        `${nil('cAs')}<oIDs><oID><value>2.16.840.1.101.3.4.2.1</value><group>1</group><oIDReferenceID>0</oIDReferenceID><defaultName>sha256</defaultName></oID></oIDs></GetPoliciesResponse>`,
    );
  }

  // --- MS-WSTEP --------------------------------------------------------------------------------

  async requestSecurityToken(request: SoapRequest): Promise<string> {
    const rst = request.body;
    if (rst.name !== 'RequestSecurityToken') throw new SoapFault('MessageFormat', 'the body must be RequestSecurityToken');
    if (textAt(rst, 'TokenType') !== TOKEN_TYPES.deviceEnrollment) throw new SoapFault('MessageFormat', 'TokenType must be DeviceEnrollmentToken');
    if (textAt(rst, 'RequestType') !== `${NS.trust}/Issue`) throw new SoapFault('MessageFormat', 'RequestType must be Issue');
    const csrToken = child(rst, 'BinarySecurityToken');
    if (!csrToken || csrToken.attrs.ValueType !== TOKEN_TYPES.pkcs10) throw new SoapFault('MessageFormat', 'a PKCS#10 BinarySecurityToken is required');
    const context: Record<string, string> = {};
    for (const item of childrenNamed(child(rst, 'AdditionalContext'), 'ContextItem')) {
      const name = item.attrs.Name;
      if (name && name.length <= 64) context[name] = (textAt(item, 'Value') ?? '').slice(0, 256);
    }
    const windowsDeviceId = context.DeviceID ?? '';
    if (!DEVICE_ID.test(windowsDeviceId)) throw new SoapFault('MessageFormat', 'the DeviceID context item is missing or malformed');
    const enrollmentType = context.EnrollmentType === 'Device' ? 'Device' : 'Full';

    const enroller = await this.authenticate(request);
    const csr = await checkCsr(csrToken.text, windowsDeviceId);

    // The same PC enrolling again keeps its Steward device; a certificate is issued only after a use is spent.
    const existing = await this.repo.byWindowsId(windowsDeviceId);
    const challenge = await this.ctx.enrollments.issueChallenge(enroller.enrollment.id);
    const spent = await this.ctx.enrollments.consumeChallenge(challenge);
    if (!spent.ok) throw new SoapFault('Authorization', 'the enrollment can admit no more devices');
    const enrollment = spent.enrollment;

    const now = Date.now();
    const deviceId =
      existing?.device_id ??
      (
        await this.ctx.devices.create({
          platform: 'windows',
          channel: 'windows',
          ownership: enrollment.ownership as 'corporate' | 'personal',
          enrollmentState: 'pending',
          name: (context.DeviceName || `Windows PC ${windowsDeviceId.slice(0, 8)}`).slice(0, 200),
          hardwareId: context.HWDevID?.slice(0, 128) || null,
          osVersion: context.OSVersion?.slice(0, 64) || null,
          assignedUser: enrollment.assigned_user ?? enroller.upn,
          inventory: { windows: { deviceType: context.DeviceType ?? null, enrollmentType } },
        })
      ).id;
    const certificate = await this.ctx.ca.issue({
      subject: `CN=${windowsDeviceId}`,
      publicKey: csr.publicKey,
      lifetimeDays: this.options.identityLifetimeDays,
      uris: [`${WINDOWS_DEVICE_URI_PREFIX}${deviceId}`, `${ENROLLMENT_URI_PREFIX}${enrollment.id}`],
      keyUsages: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      extendedKeyUsages: [EKU.clientAuth],
    });
    const fingerprint = createHash('sha256').update(Buffer.from(certificate.rawData)).digest('hex');
    const binding = {
      hardware_id: context.HWDevID?.slice(0, 128) || null,
      upn: enroller.upn,
      enrollment_type: enrollmentType,
      enrollment_ref: enrollment.id,
      cert_fingerprint: fingerprint,
      cert_not_after: certificate.notAfter.getTime(),
      session_id: null,
      server_msg_id: 0,
      client_msg_id: 0,
      session_sent: '{}',
      inflight: '{}',
      session_at: null,
      enrolled_at: now,
    };
    await this.ctx.database.db.transaction().execute(async (trx) => {
      if (existing) {
        await this.repo.update(deviceId, binding, trx);
        await this.ctx.devices.setEnrollmentState(deviceId, 'pending', trx);
      } else {
        await this.repo.insert(
          {
            device_id: deviceId,
            windows_device_id: windowsDeviceId,
            bitlocker_key_sealed: null,
            bitlocker_key_id: null,
            bitlocker_escrowed_at: null,
            ...binding,
          },
          trx,
        );
      }
      if (enrollment.group_id) {
        await trx
          .insertInto('group_members')
          .values({ group_id: enrollment.group_id, device_id: deviceId, added_at: now })
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
    });
    await this.ctx.audit.append({
      actorType: 'device',
      actorId: deviceId,
      actorLabel: 'windows',
      action: 'windows.certificate_issued',
      targetType: 'device',
      targetId: deviceId,
      outcome: 'success',
      details: { windowsDeviceId, upn: enroller.upn, enrollmentId: enrollment.id, enrollmentType, reenrolled: Boolean(existing) },
    });

    const doc = this.provisioningDoc(certificate, windowsDeviceId, deviceId, enrollmentType);
    return envelope(
      ACTIONS.requestTokenResponse,
      request.messageId,
      `<RequestSecurityTokenResponseCollection xmlns="${NS.trust}"><RequestSecurityTokenResponse><TokenType>${TOKEN_TYPES.deviceEnrollment}</TokenType>` +
        `<DispositionMessage xmlns="${NS.wstep}"/><RequestedSecurityToken><BinarySecurityToken ValueType="${TOKEN_TYPES.provisionDoc}" EncodingType="${TOKEN_TYPES.base64}" xmlns="${NS.wsse}">` +
        `${Buffer.from(doc).toString('base64')}</BinarySecurityToken></RequestedSecurityToken><RequestID xmlns="${NS.wstep}">0</RequestID></RequestSecurityTokenResponse></RequestSecurityTokenResponseCollection>`,
    );
  }

  /** The wap-provisioningdoc: trusted root, the PC's certificate, the DM client's server and poll schedule. */
  provisioningDoc(certificate: x509.X509Certificate, windowsDeviceId: string, deviceId: string, enrollmentType: 'Device' | 'Full'): string {
    const thumb = (der: Buffer) => createHash('sha1').update(der).digest('hex').toUpperCase();
    const parm = (name: string, value: string, datatype?: string) =>
      `<parm name="${name}" value="${escapeXml(value)}"${datatype ? ` datatype="${datatype}"` : ''}/>`;
    const store = enrollmentType === 'Device' ? 'System' : 'User';
    const provider = 'Steward';
    const poll = this.options.pollIntervalMinutes;
    return (
      '<wap-provisioningdoc version="1.1">' +
      '<characteristic type="CertificateStore"><characteristic type="Root"><characteristic type="System">' +
      `<characteristic type="${thumb(this.ctx.ca.certificateDer)}">${parm('EncodedCertificate', this.ctx.ca.certificateDer.toString('base64'))}</characteristic>` +
      '</characteristic></characteristic>' +
      `<characteristic type="My"><characteristic type="${store}"><characteristic type="${thumb(Buffer.from(certificate.rawData))}">${parm('EncodedCertificate', Buffer.from(certificate.rawData).toString('base64'))}</characteristic>` +
      '<characteristic type="PrivateKeyContainer"/></characteristic></characteristic></characteristic>' +
      '<characteristic type="APPLICATION">' +
      parm('APPID', 'w7') +
      parm('PROVIDER-ID', provider) +
      parm('NAME', 'Steward') +
      parm('ADDR', this.url(WINDOWS_PATHS.management)) +
      parm('ServerList', this.url(WINDOWS_PATHS.management)) +
      parm('ROLE', '4294967295') +
      parm('BACKCOMPATRETRYDISABLED', '') +
      parm('DEFAULTENCODING', 'application/vnd.syncml.dm+xml') +
      parm('SSLCLIENTCERTSEARCHCRITERIA', `Subject=CN%3D${encodeURIComponent(windowsDeviceId)}&Stores=MY%5C${store}`) +
      `<characteristic type="APPAUTH">${parm('AAUTHLEVEL', 'CLIENT')}${parm('AAUTHTYPE', 'DIGEST')}${parm('AAUTHSECRET', 'unused')}${parm('AAUTHDATA', 'bm9uY2U=')}</characteristic>` +
      `<characteristic type="APPAUTH">${parm('AAUTHLEVEL', 'APPSRV')}${parm('AAUTHTYPE', 'DIGEST')}${parm('AAUTHNAME', 'steward')}${parm('AAUTHSECRET', 'unused')}${parm('AAUTHDATA', 'bm9uY2U=')}</characteristic>` +
      '</characteristic>' +
      `<characteristic type="DMClient"><characteristic type="Provider"><characteristic type="${provider}">` +
      parm('EntDMID', deviceId) +
      parm('EntDeviceName', windowsDeviceId) +
      '<characteristic type="Poll">' +
      parm('NumberOfFirstRetries', '8', 'integer') +
      parm('IntervalForFirstSetOfRetries', '15', 'integer') +
      parm('NumberOfSecondRetries', '5', 'integer') +
      parm('IntervalForSecondSetOfRetries', '60', 'integer') +
      parm('NumberOfRemainingScheduledRetries', '0', 'integer') +
      parm('IntervalForRemainingScheduledRetries', String(poll), 'integer') +
      parm('PollOnLogin', 'true', 'boolean') +
      '</characteristic></characteristic></characteristic></characteristic>' +
      '</wap-provisioningdoc>'
    );
  }
}

/**
 * The PKCS#10 request: it must verify, be signed with SHA-256, carry an RSA key of at least 2048
 * bits, ask for no subject alternative names, no CA powers and no usage beyond client
 * authentication, and name nobody else (no subject, or a single CN that is this PC's DeviceID or a GUID).
 */
export async function checkCsr(base64: string, windowsDeviceId: string): Promise<x509.Pkcs10CertificateRequest> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    const der = Buffer.from(base64.replace(/\s+/g, ''), 'base64');
    if (der.length < 64 || der.length > 16_384) throw new Error('size');
    csr = new x509.Pkcs10CertificateRequest(der);
  } catch {
    throw new SoapFault('CertificateRequest', 'the certificate request is not a DER PKCS#10 request');
  }
  const algorithm = csr.signatureAlgorithm as { name?: string; hash?: { name?: string } };
  if (algorithm.hash?.name !== 'SHA-256') throw new SoapFault('CertificateRequest', 'the certificate request must be signed with SHA-256');
  let bits = 0;
  try {
    const key = createPublicKey({ key: Buffer.from(csr.publicKey.rawData), format: 'der', type: 'spki' });
    bits = key.asymmetricKeyType === 'rsa' ? (key.asymmetricKeyDetails?.modulusLength ?? 0) : 0;
  } catch {
    bits = 0;
  }
  if (bits < 2048) throw new SoapFault('CertificateRequest', 'the key must be RSA with at least 2048 bits');
  if (!(await csr.verify().catch(() => false))) throw new SoapFault('CertificateRequest', 'the certificate request signature does not verify');
  for (const extension of csr.extensions) {
    if (extension.type === OID.san) throw new SoapFault('CertificateRequest', 'the certificate request may not ask for subject alternative names');
    if (extension.type === OID.basicConstraints && new x509.BasicConstraintsExtension(extension.rawData).ca)
      throw new SoapFault('CertificateRequest', 'the certificate request may not ask for a CA certificate');
    if (extension.type === OID.eku) {
      const usages = new x509.ExtendedKeyUsageExtension(extension.rawData).usages.map(String);
      if (usages.some((u) => u !== EKU.clientAuth)) throw new SoapFault('CertificateRequest', 'the certificate request may only ask for client authentication');
    }
  }
  const rdns = csr.subjectName.toJSON();
  const attributes = rdns.flatMap((rdn) => Object.entries(rdn).flatMap(([type, values]) => values.map((value) => ({ type, value }))));
  if (attributes.length > 0) {
    const [only] = attributes;
    const ok = attributes.length === 1 && only?.type === 'CN' && (only.value === windowsDeviceId || GUID_ISH.test(only.value));
    if (!ok) throw new SoapFault('CertificateRequest', 'the certificate request subject must be empty or CN=<DeviceID>');
  }
  return csr;
}
