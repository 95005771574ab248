import { createHash, randomBytes, randomInt, randomUUID, webcrypto } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import * as x509 from '@peculiar/x509';
import { type CspVerb, WINDOWS_PATHS, type XmlElement, cspCatalogue, escapeXml, parseXml } from '@steward/server';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKeyPair = webcrypto.CryptoKeyPair;
const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as const;
const LIMITS = { maxBytes: 4 * 1024 * 1024, maxDepth: 40, maxElements: 100_000 };

const NS = {
  soap: 'http://www.w3.org/2003/05/soap-envelope',
  addressing: 'http://www.w3.org/2005/08/addressing',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  enrollment2012: 'http://schemas.microsoft.com/windows/management/2012/01/enrollment',
  xcep: 'http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy',
  wstep: 'http://schemas.microsoft.com/windows/pki/2009/01/enrollment',
  trust: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512',
  ac: 'http://schemas.xmlsoap.org/ws/2006/12/authorization',
};

/** An RSA 2048 key pair for a simulated PC (generate a few and share them when simulating thousands). */
export async function generateWindowsKeyPair(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as CryptoKeyPair;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * One request with an explicit Content-Length (what Windows sends), over HTTPS (optionally with a
 * client certificate) or, behind a TLS-terminating proxy, plain HTTP.
 */
export function httpsRequest(
  url: string,
  options: { method: string; headers?: Record<string, string>; body?: string | Buffer; ca?: string; cert?: string; key?: string; agent?: http.Agent },
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body);
    const tls = url.startsWith('https:');
    const request = (tls ? https : http).request(
      url,
      {
        method: options.method,
        headers: { ...(options.headers ?? {}), ...(body ? { 'content-length': String(body.length) } : {}) },
        ...(options.agent ? { agent: options.agent } : {}),
        ...(tls && !(options.agent && !options.cert) ? { ca: options.ca, cert: options.cert, key: options.key } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

const find = (element: XmlElement | undefined, name: string): XmlElement | undefined => {
  if (!element) return undefined;
  if (element.name === name) return element;
  for (const c of element.children) {
    const found = find(c, name);
    if (found) return found;
  }
  return undefined;
};
const childNamed = (element: XmlElement | undefined, name: string) => element?.children.find((c) => c.name === name);
const textOf = (element: XmlElement | undefined, ...names: string[]) => {
  let at = element;
  for (const n of names) at = childNamed(at, n);
  return at?.text;
};

export interface WindowsDeviceOptions {
  /** Steward's public URL, e.g. `https://127.0.0.1:8443`; discovery goes to `/EnrollmentServer/Discovery.svc` on it. */
  serverUrl: string;
  /** PEM of the CA that signs the server's TLS certificate. */
  ca: string;
  upn: string;
  /** The enrollment token (OnPremise password, or what the user types on the federated page). */
  token: string;
  authPolicy?: 'OnPremise' | 'Federated';
  keys?: CryptoKeyPair;
  /** Split each answer into messages of at most this many commands (OMA-DM Alert 1222); 0: never. */
  splitAt?: number;
  osVersion?: string;
  /** What to put in the CSR: a subject or extensions a real PC would not ask for (hostile tests). */
  csr?: { subject?: string; extensions?: x509.Extension[]; hash?: 'SHA-256' | 'SHA-1' };
  /**
   * Behind a TLS-terminating proxy (the benchmark): the certificate goes in this header (RFC 9440)
   * instead of the TLS handshake, and every request uses `agent`.
   */
  clientCertHeader?: string;
  agent?: http.Agent;
  /** Called with each management message's round-trip time (ms). */
  onExchange?: (ms: number) => void;
}

export interface WindowsDeviceState {
  locks: number;
  restarts: number;
  wiped: string | undefined;
  /** CSP node values the server set (Add/Replace). */
  nodes: Map<string, string>;
  encrypted: boolean;
  recoveryPassword: string | undefined;
  msi: Map<string, { status: string; hash: string; url: string }>;
  sessions: number;
}

/**
 * A Windows 11 PC for tests and the benchmark: it enrolls the way "Access work or school" does
 * (discovery, MS-XCEP, MS-WSTEP with a real PKCS#10 request), keeps the certificate it was issued,
 * and opens OMA-DM sessions over mutual TLS, answering Get, Add, Replace, Delete and Exec as
 * Windows does (404 for unknown nodes, 405 for verbs a node refuses, 418 for Add on an existing node).
 */
export class WindowsDevice {
  readonly deviceId: string;
  readonly hardwareId: string;
  readonly serialNumber: string;
  name: string;
  osVersion: string;
  readonly state: WindowsDeviceState = {
    locks: 0,
    restarts: 0,
    wiped: undefined,
    nodes: new Map(),
    encrypted: false,
    recoveryPassword: undefined,
    msi: new Map(),
    sessions: 0,
  };
  certificatePem: string | undefined;
  keyPem: string | undefined;
  /** What the provisioning document said. */
  provisioning: { managementUrl: string; rootThumbprint: string; pollMinutes: number } | undefined;
  private keys: CryptoKeyPair | undefined;
  private agent: http.Agent | undefined;
  private poller: NodeJS.Timeout | undefined;
  private sessionCounter = randomInt(1, 0xfff);
  private certHeader = '';

  constructor(private readonly options: WindowsDeviceOptions) {
    this.deviceId = randomBytes(16).toString('hex').toUpperCase();
    this.hardwareId = randomBytes(32).toString('hex').toUpperCase();
    this.serialNumber = `SIM${randomBytes(5).toString('hex').toUpperCase()}`;
    this.name = `DESKTOP-${randomBytes(3).toString('hex').toUpperCase()}`;
    this.osVersion = options.osVersion ?? '10.0.22631.4460';
    this.keys = options.keys;
  }

  private soap(action: string, body: string, security = ''): string {
    return (
      `<s:Envelope xmlns:s="${NS.soap}" xmlns:a="${NS.addressing}" xmlns:u="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><s:Header>` +
      `<a:Action s:mustUnderstand="1">${action}</a:Action><a:MessageID>urn:uuid:${randomUUID()}</a:MessageID>` +
      `<a:ReplyTo><a:Address>http://www.w3.org/2005/08/addressing/anonymous</a:Address></a:ReplyTo><a:To s:mustUnderstand="1">${escapeXml(this.options.serverUrl)}</a:To>` +
      `${security}</s:Header><s:Body>${body}</s:Body></s:Envelope>`
    );
  }

  private async post(url: string, body: string, contentType = 'application/soap+xml; charset=utf-8'): Promise<HttpAnswer> {
    return httpsRequest(url, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
      ca: this.options.ca,
      ...(this.options.agent ? { agent: this.options.agent } : {}),
    });
  }

  private security(federatedToken: string | undefined): string {
    const wsse = `<wsse:Security xmlns:wsse="${NS.wsse}" s:mustUnderstand="1">`;
    if (federatedToken) {
      return `${wsse}<wsse:BinarySecurityToken ValueType="http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentUserToken" EncodingType="${NS.wsse}#base64binary">${Buffer.from(federatedToken).toString('base64')}</wsse:BinarySecurityToken></wsse:Security>`;
    }
    return `${wsse}<wsse:UsernameToken u:Id="uuid-${randomUUID()}-1"><wsse:Username>${escapeXml(this.options.upn)}</wsse:Username><wsse:Password wsse:Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">${escapeXml(this.options.token)}</wsse:Password></wsse:UsernameToken></wsse:Security>`;
  }

  /** Discovery → (federated sign-in) → certificate policy → enrollment; keeps the issued certificate. */
  async enroll(): Promise<void> {
    const base = this.options.serverUrl;
    const probe = await httpsRequest(`${base}${WINDOWS_PATHS.discovery}`, {
      method: 'GET',
      ca: this.options.ca,
      ...(this.options.agent ? { agent: this.options.agent } : {}),
    });
    if (probe.status !== 200) throw new Error(`discovery probe answered ${probe.status}`);
    const policies = this.options.authPolicy === 'Federated' ? ['Federated'] : ['OnPremise', 'Federated'];
    const discover = await this.post(
      `${base}${WINDOWS_PATHS.discovery}`,
      this.soap(
        `${NS.enrollment2012}/IDiscoveryService/Discover`,
        `<Discover xmlns="${NS.enrollment2012}"><request xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><EmailAddress>${escapeXml(this.options.upn)}</EmailAddress><RequestVersion>4.0</RequestVersion><DeviceType>CIMClient_Windows</DeviceType><ApplicationVersion>${this.osVersion}</ApplicationVersion><OSEdition>48</OSEdition><AuthPolicies>${policies.map((p) => `<AuthPolicy>${p}</AuthPolicy>`).join('')}</AuthPolicies></request></Discover>`,
      ),
    );
    const result = find(this.parse(discover, 'Discover'), 'DiscoverResult');
    const policyUrl = textOf(result, 'EnrollmentPolicyServiceUrl');
    const enrollmentUrl = textOf(result, 'EnrollmentServiceUrl');
    const authPolicy = textOf(result, 'AuthPolicy');
    if (!policyUrl || !enrollmentUrl) throw new Error('discovery gave no service URLs');

    let federatedToken: string | undefined;
    if (authPolicy === 'Federated') {
      const signIn = textOf(result, 'AuthenticationServiceUrl');
      if (!signIn) throw new Error('federated discovery without AuthenticationServiceUrl');
      const appru = 'ms-app://windows.immersivecontrolpanel';
      const page = await httpsRequest(`${signIn}?appru=${encodeURIComponent(appru)}&login_hint=${encodeURIComponent(this.options.upn)}`, {
        method: 'GET',
        ca: this.options.ca,
      });
      if (page.status !== 200 || !page.body.toString().includes('name="token"')) throw new Error(`federated sign-in page answered ${page.status}`);
      const form = new URLSearchParams({ appru, login_hint: this.options.upn, token: this.options.token }).toString();
      const posted = await this.post(signIn, form, 'application/x-www-form-urlencoded');
      const match = /name="wresult" value="([^"]+)"/.exec(posted.body.toString());
      if (posted.status !== 200 || !match?.[1] || !posted.body.toString().includes(`action="${appru}"`))
        throw new Error(`federated sign-in failed (${posted.status})`);
      federatedToken = match[1].replace(
        /&#x2F;|&amp;|&quot;|&apos;|&lt;|&gt;/g,
        (e) => ({ '&amp;': '&', '&quot;': '"', '&apos;': "'", '&lt;': '<', '&gt;': '>', '&#x2F;': '/' })[e] ?? e,
      );
    }

    const policyAnswer = await this.post(
      policyUrl,
      this.soap(
        `${NS.xcep}/IPolicy/GetPolicies`,
        `<GetPolicies xmlns="${NS.xcep}"><client><lastUpdate xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/><preferredLanguage xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/></client><requestFilter xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/></GetPolicies>`,
        this.security(federatedToken),
      ),
    );
    const policy = this.parse(policyAnswer, 'GetPolicies');
    const minimalKeyLength = Number(textOf(find(policy, 'privateKeyAttributes'), 'minimalKeyLength') ?? 0);
    const hashOid = textOf(find(policy, 'oID'), 'value');
    if (minimalKeyLength > 2048 || hashOid !== '2.16.840.1.101.3.4.2.1') throw new Error(`unexpected certificate policy (${minimalKeyLength}, ${hashOid})`);

    this.keys ??= await generateWindowsKeyPair();
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: this.options.csr?.subject ?? `CN=${this.deviceId}`,
      keys: this.keys as never,
      signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: this.options.csr?.hash ?? 'SHA-256' } as never,
      extensions: this.options.csr?.extensions ?? [],
    });
    const context = {
      UXInitiated: 'true',
      HWDevID: this.hardwareId,
      Locale: 'en-US',
      TargetedUserLoggedIn: 'true',
      OSEdition: '48',
      DeviceName: this.name,
      MAC: '00-15-5D-01-02-03',
      MAC2: '00-15-5D-01-02-04',
      DeviceID: this.deviceId,
      EnrollmentType: 'Full',
      DeviceType: 'CIMClient_Windows',
      OSVersion: this.osVersion,
      ApplicationVersion: this.osVersion,
    };
    const enrollAnswer = await this.post(
      enrollmentUrl,
      this.soap(
        `${NS.wstep}/RST/wstep`,
        `<wst:RequestSecurityToken xmlns:wst="${NS.trust}"><wst:TokenType>http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentToken</wst:TokenType><wst:RequestType>${NS.trust}/Issue</wst:RequestType>` +
          `<wsse:BinarySecurityToken xmlns:wsse="${NS.wsse}" ValueType="${NS.wstep}#PKCS10" EncodingType="${NS.wsse}#base64binary">${Buffer.from(csr.rawData).toString('base64')}</wsse:BinarySecurityToken>` +
          `<ac:AdditionalContext xmlns:ac="${NS.ac}">${Object.entries(context)
            .map(([k, v]) => `<ac:ContextItem Name="${k}"><ac:Value>${escapeXml(v)}</ac:Value></ac:ContextItem>`)
            .join('')}</ac:AdditionalContext></wst:RequestSecurityToken>`,
        this.security(federatedToken),
      ),
    );
    const token = find(this.parse(enrollAnswer, 'RequestSecurityToken'), 'BinarySecurityToken');
    if (!token) throw new Error('enrollment answered without a provisioning document');
    this.applyProvisioningDoc(Buffer.from(token.text, 'base64').toString('utf8'));
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', this.keys.privateKey));
    this.keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8
      .toString('base64')
      .replace(/(.{64})/g, '$1\n')
      .trimEnd()}\n-----END PRIVATE KEY-----\n`;
    this.agent =
      this.options.clientCertHeader && this.options.agent
        ? this.options.agent
        : new https.Agent({ keepAlive: true, maxSockets: 1, ca: this.options.ca, cert: this.certificatePem, key: this.keyPem });
    this.certHeader = `:${Buffer.from(new x509.X509Certificate(this.certificatePem ?? '').rawData).toString('base64')}:`;
  }

  private parse(answer: HttpAnswer, what: string): XmlElement {
    const text = answer.body.toString('utf8');
    if (answer.status !== 200) {
      const subcode = /<s:Subcode><s:Value>([^<]+)</.exec(text)?.[1];
      const reason = /<s:Text[^>]*>([^<]+)</.exec(text)?.[1];
      throw new WindowsEnrollmentFault(what, answer.status, subcode, reason ?? text.slice(0, 200));
    }
    return parseXml(text, LIMITS);
  }

  private applyProvisioningDoc(xml: string): void {
    const doc = parseXml(xml, LIMITS);
    const characteristic = (at: XmlElement | undefined, type: string) => at?.children.find((c) => c.name === 'characteristic' && c.attrs.type === type);
    const parmOf = (at: XmlElement | undefined, name: string) => at?.children.find((c) => c.name === 'parm' && c.attrs.name === name)?.attrs.value;
    const store = characteristic(doc, 'CertificateStore');
    const root = characteristic(characteristic(store, 'Root'), 'System')?.children[0];
    const mine = characteristic(store, 'My')?.children[0]?.children.find((c) => c.attrs.type !== 'PrivateKeyContainer');
    const rootDer = Buffer.from(parmOf(root, 'EncodedCertificate') ?? '', 'base64');
    const certDer = Buffer.from(parmOf(mine, 'EncodedCertificate') ?? '', 'base64');
    if (!rootDer.length || !certDer.length) throw new Error('the provisioning document carries no certificates');
    if (createHash('sha1').update(rootDer).digest('hex').toUpperCase() !== root?.attrs.type) throw new Error('root thumbprint mismatch');
    this.certificatePem = new x509.X509Certificate(certDer).toString('pem');
    const app = characteristic(doc, 'APPLICATION');
    const poll = characteristic(characteristic(characteristic(characteristic(doc, 'DMClient'), 'Provider'), 'Steward'), 'Poll');
    this.provisioning = {
      managementUrl: parmOf(app, 'ADDR') ?? '',
      rootThumbprint: root?.attrs.type ?? '',
      pollMinutes: Number(parmOf(poll, 'IntervalForRemainingScheduledRetries') ?? 0),
    };
    if (!this.provisioning.managementUrl) throw new Error('the provisioning document names no management server');
  }

  /** Sends one SyncML message to the management server over mutual TLS. */
  async send(body: string): Promise<HttpAnswer> {
    if (!this.provisioning || !this.agent) throw new Error('not enrolled');
    const header = this.options.clientCertHeader;
    const started = performance.now();
    const answer = await httpsRequest(this.provisioning.managementUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.syncml.dm+xml', ...(header ? { [header]: this.certHeader } : {}) },
      body,
      agent: this.agent,
    });
    this.options.onExchange?.(performance.now() - started);
    return answer;
  }

  startPolling(intervalMs: number): void {
    this.stopPolling();
    this.poller = setInterval(() => {
      this.session().catch(() => undefined);
    }, intervalMs);
    this.poller.unref();
  }

  stopPolling(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
  }

  close(): void {
    this.stopPolling();
    if (this.agent !== this.options.agent) this.agent?.destroy();
  }

  private header(sessionId: string, msgId: number): string {
    return `<SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>${sessionId}</SessionID><MsgID>${msgId}</MsgID><Target><LocURI>${escapeXml(this.provisioning?.managementUrl ?? '')}</LocURI></Target><Source><LocURI>${this.deviceId}</LocURI></Source></SyncHdr>`;
  }

  /**
   * One management session: Alert 1201 (and 1224, DevInfo), then answer the server's commands until
   * it sends only statuses. Returns how many messages were exchanged.
   */
  async session(extra: { alerts?: string[] } = {}): Promise<number> {
    const sessionId = (this.sessionCounter++ & 0xffff).toString(16).toUpperCase();
    let msgId = 1;
    const devInfo = {
      './DevInfo/DevId': this.deviceId,
      './DevInfo/Man': 'Contoso',
      './DevInfo/Mod': 'Surface Laptop 5',
      './DevInfo/DmV': '1.3',
      './DevInfo/Lang': 'en-US',
    };
    const first =
      '<Alert><CmdID>1</CmdID><Data>1201</Data></Alert>' +
      '<Alert><CmdID>2</CmdID><Data>1224</Data><Item><Meta><Type xmlns="syncml:metinf">com.microsoft/MDM/LoginStatus</Type></Meta><Data>user</Data></Item></Alert>' +
      `<Replace><CmdID>3</CmdID>${Object.entries(devInfo)
        .map(([k, v]) => `<Item><Source><LocURI>${k}</LocURI></Source><Data>${escapeXml(v)}</Data></Item>`)
        .join('')}</Replace>` +
      (extra.alerts ?? []).map((alert, i) => alert.replace('{CmdID}', String(4 + i))).join('');
    let outgoing = [first];
    this.state.sessions++;
    for (let exchanges = 1; exchanges <= 50; exchanges++) {
      const chunks = outgoing;
      let answer: HttpAnswer | undefined;
      let reply: XmlElement | undefined;
      for (let c = 0; c < chunks.length; c++) {
        const last = c === chunks.length - 1;
        answer = await this.send(
          `<SyncML xmlns="SYNCML:SYNCML1.2">${this.header(sessionId, msgId)}<SyncBody>${chunks[c]}${last ? '<Final/>' : ''}</SyncBody></SyncML>`,
        );
        if (answer.status !== 200) throw new Error(`management server answered ${answer.status}: ${answer.body.toString().slice(0, 300)}`);
        reply = parseXml(answer.body, LIMITS);
        if (!last) {
          const asksMore = childNamed(reply, 'SyncBody')?.children.some((e) => e.name === 'Alert' && textOf(e, 'Data') === '1222');
          if (!asksMore) throw new Error('the server did not ask for the next message (Alert 1222)');
          msgId++;
        }
      }
      if (!answer || !reply) break;
      const serverMsgId = textOf(reply, 'SyncHdr', 'MsgID') ?? '0';
      const commands = (childNamed(reply, 'SyncBody')?.children ?? []).filter((e) => e.name !== 'Status' && e.name !== 'Final');
      if (commands.length === 0) return exchanges;
      msgId++;
      const parts: string[] = [`<Status><CmdID>1</CmdID><MsgRef>${serverMsgId}</MsgRef><CmdRef>0</CmdRef><Cmd>SyncHdr</Cmd><Data>200</Data></Status>`];
      let cmdId = 2;
      for (const command of commands) {
        const ref = textOf(command, 'CmdID') ?? '0';
        const { status, results } = await this.obey(command);
        parts.push(
          `<Status><CmdID>${cmdId++}</CmdID><MsgRef>${serverMsgId}</MsgRef><CmdRef>${ref}</CmdRef><Cmd>${command.name}</Cmd><Data>${status}</Data></Status>`,
        );
        if (results) {
          parts.push(
            `<Results><CmdID>${cmdId++}</CmdID><MsgRef>${serverMsgId}</MsgRef><CmdRef>${ref}</CmdRef>${results
              .map(
                (r) =>
                  `<Item><Source><LocURI>${escapeXml(r.locUri)}</LocURI></Source><Meta><Format xmlns="syncml:metinf">${r.format}</Format></Meta><Data>${escapeXml(r.value)}</Data></Item>`,
              )
              .join('')}</Results>`,
          );
        }
      }
      const split = this.options.splitAt ?? 0;
      outgoing = [];
      if (split > 0 && parts.length > split) for (let i = 0; i < parts.length; i += split) outgoing.push(parts.slice(i, i + split).join(''));
      else outgoing.push(parts.join(''));
    }
    throw new Error('the session never ended');
  }

  /** Tells the server the user removed the work account (Alert 1226, user-initiated unenrollment). */
  async unenroll(): Promise<void> {
    await this.session({
      alerts: [
        '<Alert><CmdID>{CmdID}</CmdID><Data>1226</Data><Item><Meta><Type xmlns="syncml:metinf">com.microsoft:mdm.unenrollment.userrequest</Type><Format xmlns="syncml:metinf">int</Format></Meta><Data>1</Data></Item></Alert>',
      ],
    });
  }

  /** Reports are what Windows says; the values move with what the server configured. */
  private value(locUri: string): string | undefined {
    const stored = this.state.nodes.get(locUri);
    if (stored !== undefined) return stored;
    const total = 476_000;
    const facts: Record<string, string> = {
      './DevInfo/DevId': this.deviceId,
      './DevInfo/Man': 'Contoso',
      './DevInfo/Mod': 'Surface Laptop 5',
      './DevInfo/Lang': 'en-US',
      './DevInfo/DmV': '1.3',
      './DevDetail/SwV': this.osVersion,
      './DevDetail/HwV': '1.0',
      './DevDetail/OEM': 'Contoso',
      './DevDetail/DevTyp': 'Laptop',
      './DevDetail/Ext/Microsoft/DeviceName': this.name,
      './DevDetail/Ext/Microsoft/OSPlatform': 'Windows 11 Enterprise',
      './DevDetail/Ext/Microsoft/SMBIOSSerialNumber': this.serialNumber,
      './DevDetail/Ext/Microsoft/TotalStorage': String(total),
      './DevDetail/Ext/Microsoft/FreeStorage': String(total - 123_456),
      './DevDetail/Ext/Microsoft/TotalRAM': '16384',
      './DevDetail/Ext/Microsoft/ProcessorArchitecture': '9',
      './DevDetail/Ext/WLANMACAddress': '00:15:5D:01:02:03',
      './Vendor/MSFT/DeviceStatus/OS/Edition': '4',
      './Vendor/MSFT/DeviceStatus/SecureBootState': '1',
      './Vendor/MSFT/DeviceStatus/TPM/SpecificationVersion': '2.0',
      './Vendor/MSFT/DeviceStatus/TPM/ManufacturerIdTxt': 'MSFT',
      './Vendor/MSFT/DeviceStatus/Compliance/EncryptionCompliance': this.state.encrypted ? 'true' : 'false',
      './Vendor/MSFT/DeviceStatus/Antivirus/Status': '0',
      './Vendor/MSFT/DeviceStatus/Antivirus/SignatureStatus': '0',
      './Vendor/MSFT/DeviceStatus/Firewall/Status': '0',
      './Vendor/MSFT/DeviceStatus/UAC/Status': '1',
      './Device/Vendor/MSFT/BitLocker/Status/DeviceEncryptionStatus': this.state.encrypted ? '0' : '1',
      './Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI': [...this.state.msi.entries()]
        .filter(([, m]) => m.status === '70')
        .map(([code]) => code)
        .join('/'),
    };
    const msiStatus = /^\.\/Device\/Vendor\/MSFT\/EnterpriseDesktopAppManagement\/MSI\/([^/]+)\/Status$/.exec(locUri);
    if (msiStatus?.[1]) return this.state.msi.get(msiStatus[1])?.status;
    return facts[locUri];
  }

  private async obey(command: XmlElement): Promise<{ status: string; results?: { locUri: string; value: string; format: string }[] }> {
    const verb = command.name as CspVerb;
    const items = command.children.filter((c) => c.name === 'Item');
    const catalogue = cspCatalogue();
    const results: { locUri: string; value: string; format: string }[] = [];
    let status = '200';
    for (const item of items) {
      const locUri = textOf(item, 'Target', 'LocURI') ?? '';
      const data = childNamed(item, 'Data')?.text ?? '';
      const node = catalogue.find(locUri);
      if (!node) return { status: '404' };
      if (!node.verbs.has(verb)) return { status: '405' };
      switch (verb) {
        case 'Get': {
          const value = this.value(locUri);
          if (value === undefined) return { status: '404' };
          results.push({ locUri, value, format: node.format });
          break;
        }
        case 'Add':
          if (this.state.nodes.has(locUri)) return { status: '418' };
          this.set(locUri, data);
          break;
        case 'Replace':
          this.set(locUri, data);
          break;
        case 'Delete': {
          const prefix = `${locUri}/`;
          const msi = /\/EnterpriseDesktopAppManagement\/MSI\/([^/]+)$/.exec(locUri);
          if (msi?.[1] && this.state.msi.delete(msi[1])) break;
          const found = [...this.state.nodes.keys()].filter((k) => k === locUri || k.startsWith(prefix));
          if (found.length === 0) return { status: '404' };
          for (const k of found) this.state.nodes.delete(k);
          if (locUri.endsWith('/BitLocker/RequireDeviceEncryption')) this.state.encrypted = false;
          break;
        }
        case 'Exec':
          status = await this.exec(locUri, data);
          break;
      }
    }
    return results.length ? { status, results } : { status };
  }

  private set(locUri: string, data: string): void {
    // DownloadInstall is a command node: Add creates the job, Exec runs it.
    if (locUri.endsWith('/DownloadInstall')) return;
    this.state.nodes.set(locUri, data);
    if (locUri === './Device/Vendor/MSFT/BitLocker/RequireDeviceEncryption') this.state.encrypted = data === '1';
  }

  private async exec(locUri: string, data: string): Promise<string> {
    if (locUri.endsWith('/RemoteLock/Lock')) this.state.locks++;
    else if (locUri.endsWith('/Reboot/RebootNow')) this.state.restarts++;
    else if (/\/RemoteWipe\/doWipe/.test(locUri)) this.state.wiped = locUri.slice(locUri.lastIndexOf('/') + 1);
    else if (locUri.endsWith('/BitLocker/RotateRecoveryPasswords')) {
      if (!this.state.encrypted) return '500';
      this.state.recoveryPassword = Array.from({ length: 8 }, () => String(randomInt(0, 90_910) * 11).padStart(6, '0')).join('-');
      await this.escrowRecoveryKey();
    } else if (locUri.endsWith('/DownloadInstall')) {
      const code = /\/MSI\/([^/]+)\/DownloadInstall$/.exec(locUri)?.[1] ?? '';
      const job = parseXml(data, LIMITS);
      const hash = textOf(find(job, 'Validation'), 'FileHash') ?? '';
      const url = textOf(find(job, 'ContentURLList'), 'ContentURL') ?? '';
      // Windows refuses a job without a SHA-256 to check the download against.
      if (!/^[0-9A-F]{64}$/i.test(hash) || !url.startsWith('https://')) return '400';
      this.state.msi.set(code, { status: '70', hash, url });
    } else return '405';
    return '200';
  }

  /** Hands the BitLocker recovery password to Steward (what Steward's escrow step does on a PC). */
  async escrowRecoveryKey(): Promise<void> {
    if (!this.provisioning || !this.agent || !this.state.recoveryPassword) throw new Error('nothing to escrow');
    const url = new URL(WINDOWS_PATHS.recoveryKey, this.provisioning.managementUrl).toString();
    const answer = await httpsRequest(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...(this.options.clientCertHeader ? { [this.options.clientCertHeader]: this.certHeader } : {}) },
      body: JSON.stringify({ recoveryPassword: this.state.recoveryPassword, keyProtectorId: `{${randomUUID().toUpperCase()}}` }),
      agent: this.agent,
    });
    if (answer.status !== 204) throw new Error(`recovery key escrow answered ${answer.status}`);
  }
}

export class WindowsEnrollmentFault extends Error {
  override name = 'WindowsEnrollmentFault';
  constructor(
    readonly step: string,
    readonly status: number,
    readonly subcode: string | undefined,
    reason: string,
  ) {
    super(`${step} failed (${status} ${subcode ?? ''}): ${reason}`);
  }
}
