import { randomBytes, randomUUID, type webcrypto } from 'node:crypto';
import { type PlistDict, type PlistValue, buildPlist, parsePlistDict, verifyCms } from '@steward/server';
import { detachedSigner, scepEnroll } from './scep-client.js';

export type AppleModel = 'iPhone' | 'iPad' | 'Mac';

export interface AppleDeviceOptions {
  model?: AppleModel;
  /** Probability (0–1) of answering a command NotNow the first time it is offered. */
  notNowRate?: number;
  /** Extra trust for the server's TLS certificate (Node's fetch ignores it; pass a dispatcher-aware fetch if needed). */
  fetch?: typeof fetch;
  /** A pre-generated RSA key pair, to enroll thousands of devices quickly. */
  keyPair?: webcrypto.CryptoKeyPair;
}

interface Endpoints {
  serverUrl: string;
  checkInUrl: string;
  topic: string;
}

const PRODUCTS: Record<AppleModel, { product: string; model: string; modelName: string; os: string; build: string }> = {
  iPhone: { product: 'iPhone16,2', model: 'MU663LL/A', modelName: 'iPhone', os: '18.1', build: '22B83' },
  iPad: { product: 'iPad14,5', model: 'MQ6J3LL/A', modelName: 'iPad', os: '18.1', build: '22B83' },
  Mac: { product: 'Mac15,6', model: 'Mac15,6', modelName: 'MacBook Pro', os: '15.1', build: '24B83' },
};

/**
 * A simulated iPhone, iPad or Mac that speaks Apple's MDM protocol to Steward over real HTTP:
 * it installs the enrollment profile, obtains its identity through SCEP, checks in (every message
 * signed with `Mdm-Signature`), wakes on pushes, fetches commands, carries them out and answers with
 * plausible results — and sometimes says NotNow.
 */
export class AppleDevice {
  readonly udid = randomUUID().toUpperCase();
  readonly serialNumber = `C02${randomBytes(5).toString('hex').toUpperCase()}`;
  readonly pushToken = randomBytes(32);
  readonly pushMagic = randomUUID().toUpperCase();
  readonly unlockToken = randomBytes(64);
  name: string;
  osVersion: string;
  /** What happened to the device, for tests: locked, wiped, lost mode, installed profiles… */
  readonly state = {
    locked: undefined as undefined | { message?: string; phoneNumber?: string },
    wiped: false,
    lostMode: undefined as undefined | { message?: string; phoneNumber?: string; footnote?: string },
    restarts: 0,
    shutdowns: 0,
    /** Installed profiles; `content` is the profile as the device received it (tests check it against Apple's schema). */
    profiles: new Map<string, { identifier: string; displayName: string; uuid: string; content?: PlistDict }>(),
    apps: new Map<string, { name: string; version: string }>([
      ['com.apple.mobilesafari', { name: 'Safari', version: '18.1' }],
      ['com.example.mail', { name: 'Mail', version: '3.2' }],
    ]),
    commandsSeen: [] as string[],
    /** What SecurityInfo reports: data protection needs a passcode (and hardware encryption). */
    security: { hardwareEncryption: true, passcodePresent: true },
  };
  private readonly model: AppleModel;
  private readonly fetchFn: typeof fetch;
  private endpoints: Endpoints | undefined;
  private identity: { certificateDer: Uint8Array; privateKey: webcrypto.CryptoKey; sign: (content: Uint8Array) => Buffer } | undefined;
  private profile: { scep: PlistDict; mdm: PlistDict } | undefined;
  private readonly deferred = new Set<string>();
  private running: Promise<void> | undefined;

  constructor(private readonly options: AppleDeviceOptions = {}) {
    this.model = options.model ?? 'iPhone';
    this.name = `${options.model === 'Mac' ? 'MacBook' : (options.model ?? 'iPhone')} ${this.serialNumber.slice(-4)}`;
    this.osVersion = PRODUCTS[this.model].os;
    this.fetchFn = options.fetch ?? fetch;
  }

  get pushTokenHex(): string {
    return this.pushToken.toString('hex');
  }

  /** Downloads the profile behind an enrollment link, verifies its signature, enrolls through SCEP, then Authenticate and TokenUpdate. */
  async enroll(profileUrl: string): Promise<void> {
    await this.installProfile(profileUrl);
    await this.obtainIdentity();
    await this.register();
  }

  /** Enrollment, step 1: downloads the profile behind an enrollment link and verifies its signature. */
  async installProfile(profileUrl: string): Promise<void> {
    const response = await this.fetchFn(profileUrl);
    if (!response.ok) throw new Error(`profile download failed: ${response.status} ${await response.text()}`);
    const signed = Buffer.from(await response.arrayBuffer());
    const profile = parsePlistDict(verifyCms(signed).content);
    const payloads = (profile.PayloadContent ?? []) as PlistDict[];
    const scep = payloads.find((p) => p.PayloadType === 'com.apple.security.scep')?.PayloadContent as PlistDict | undefined;
    const mdm = payloads.find((p) => p.PayloadType === 'com.apple.mdm');
    if (!scep || !mdm) throw new Error('the profile has no SCEP or MDM payload');
    this.profile = { scep, mdm };
  }

  /** Enrollment, step 2: obtains the device identity through SCEP (PKCSReq with the profile's challenge). */
  async obtainIdentity(): Promise<void> {
    if (!this.profile) throw new Error('no enrollment profile installed');
    const { scep, mdm } = this.profile;
    const subject = ((scep.Subject ?? []) as string[][][]).map((rdn) => rdn.map(([k, v]) => `${k}=${v}`).join('+')).join(', ');
    const issued = await scepEnroll({
      url: String(scep.URL),
      challenge: String(scep.Challenge),
      subject,
      ...(this.options.keyPair ? { keyPair: this.options.keyPair } : {}),
      fetch: this.fetchFn,
    });
    const certificateDer = new Uint8Array(issued.certificate.rawData);
    this.identity = { certificateDer, privateKey: issued.privateKey, sign: detachedSigner(certificateDer, issued.privateKey) };
    this.endpoints = { serverUrl: String(mdm.ServerURL), checkInUrl: String(mdm.CheckInURL), topic: String(mdm.Topic) };
  }

  /** Enrollment, step 3: Authenticate, then TokenUpdate (which completes the enrollment on the server). */
  async register(): Promise<void> {
    const endpoints = this.need();
    const product = PRODUCTS[this.model];
    await this.checkin({
      MessageType: 'Authenticate',
      UDID: this.udid,
      Topic: endpoints.topic,
      DeviceName: this.name,
      Model: product.model,
      ModelName: product.modelName,
      ProductName: product.product,
      OSVersion: this.osVersion,
      BuildVersion: product.build,
      SerialNumber: this.serialNumber,
    });
    await this.checkin({
      MessageType: 'TokenUpdate',
      UDID: this.udid,
      Topic: endpoints.topic,
      Token: this.pushToken,
      PushMagic: this.pushMagic,
      UnlockToken: this.unlockToken,
    });
  }

  /** Sends a check-in message; returns the status and body. */
  async checkin(message: PlistDict): Promise<{ status: number; body: Buffer }> {
    return this.send(this.need().checkInUrl, 'application/x-apple-aspen-mdm-checkin', message);
  }

  /** What a device does when woken by a push: Idle, then every command until the server has none. */
  wake(): Promise<void> {
    // Pushes that arrive while the device is already talking to the server fold into that session.
    this.running ??= this.session().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async session(): Promise<void> {
    if (this.state.wiped) return;
    this.deferred.clear();
    let reply = await this.send(this.need().serverUrl, 'application/x-apple-aspen-mdm', { UDID: this.udid, Status: 'Idle' });
    for (let guard = 0; guard < 1000 && reply.status === 200 && reply.body.length > 0; guard++) {
      const envelope = parsePlistDict(reply.body);
      const commandUuid = String(envelope.CommandUUID);
      const command = envelope.Command as PlistDict;
      const result = this.execute(commandUuid, command);
      reply = await this.send(this.need().serverUrl, 'application/x-apple-aspen-mdm', { UDID: this.udid, CommandUUID: commandUuid, ...result });
      if (this.state.wiped) return;
    }
    if (reply.status !== 200) throw new Error(`command channel answered ${reply.status}: ${reply.body.toString()}`);
  }

  private execute(commandUuid: string, command: PlistDict): PlistDict {
    const type = String(command.RequestType);
    this.state.commandsSeen.push(type);
    if (this.options.notNowRate && !this.deferred.has(commandUuid) && Math.random() < this.options.notNowRate) {
      this.deferred.add(commandUuid);
      return { Status: 'NotNow' };
    }
    const ok = (extra: PlistDict = {}): PlistDict => ({ Status: 'Acknowledged', ...extra });
    switch (type) {
      case 'DeviceInformation': {
        const product = PRODUCTS[this.model];
        const all: PlistDict = {
          DeviceName: this.name,
          OSVersion: this.osVersion,
          BuildVersion: product.build,
          ProductName: product.product,
          Model: product.model,
          ModelName: product.modelName,
          SerialNumber: this.serialNumber,
          UDID: this.udid,
          DeviceCapacity: 256,
          AvailableDeviceCapacity: 181.5,
          BatteryLevel: 0.82,
          IsSupervised: false,
          IsActivationLockEnabled: true,
          WiFiMAC: 'a4:83:e7:12:34:56',
          ...(this.model === 'iPhone' ? { IMEI: '35 209900 176148 1' } : {}),
        };
        const queries = (command.Queries ?? Object.keys(all)) as string[];
        return ok({ QueryResponses: Object.fromEntries(Object.entries(all).filter(([k]) => queries.includes(k))) });
      }
      case 'SecurityInfo':
        return ok({
          SecurityInfo: {
            HardwareEncryptionCaps: this.state.security.hardwareEncryption ? 3 : 0,
            PasscodePresent: this.state.security.passcodePresent,
            PasscodeCompliant: this.state.security.passcodePresent,
            PasscodeCompliantWithProfiles: true,
            ...(this.model === 'Mac' ? { FDE_Enabled: true, SystemIntegrityProtectionEnabled: true } : {}),
          },
        });
      case 'InstalledApplicationList':
        return ok({
          InstalledApplicationList: [...this.state.apps].map(([Identifier, a]) => ({
            Identifier,
            Name: a.name,
            Version: a.version,
            ShortVersion: a.version,
            BundleSize: 1_000_000,
          })),
        });
      case 'ManagedApplicationList':
        return ok({ ManagedApplicationList: {} });
      case 'ProfileList':
        return ok({
          ProfileList: [...this.state.profiles.values()].map((p) => ({
            PayloadIdentifier: p.identifier,
            PayloadDisplayName: p.displayName,
            PayloadUUID: p.uuid,
            PayloadVersion: 1,
            IsManaged: true,
            PayloadContent: [],
          })),
        });
      case 'CertificateList':
        return ok({ CertificateList: [{ CommonName: 'Steward device', IsIdentity: true, Data: Buffer.from(this.identity?.certificateDer ?? []) }] });
      case 'DeviceLock':
        this.state.locked = { message: command.Message as string | undefined, phoneNumber: command.PhoneNumber as string | undefined };
        return ok();
      case 'EraseDevice':
        this.state.wiped = true;
        return ok();
      case 'RestartDevice':
        this.state.restarts++;
        return ok();
      case 'ShutDownDevice':
        this.state.shutdowns++;
        return ok();
      case 'EnableLostMode':
        this.state.lostMode = {
          message: command.Message as string | undefined,
          phoneNumber: command.PhoneNumber as string | undefined,
          footnote: command.Footnote as string | undefined,
        };
        return ok();
      case 'DisableLostMode':
        this.state.lostMode = undefined;
        return ok();
      case 'PlayLostModeSound':
      case 'DeviceLocation':
        if (!this.state.lostMode)
          return {
            Status: 'Error',
            ErrorChain: [{ ErrorCode: 12067, ErrorDomain: 'MCMDMErrorDomain', LocalizedDescription: 'The device is not in lost mode.' }],
          };
        return type === 'PlayLostModeSound'
          ? ok()
          : ok({
              Latitude: 52.52,
              Longitude: 13.405,
              HorizontalAccuracy: 12,
              VerticalAccuracy: 8,
              Altitude: 34,
              Speed: 0,
              Course: 0,
              Timestamp: new Date().toISOString(),
            });
      case 'ClearPasscode':
        return command.UnlockToken instanceof Uint8Array && Buffer.from(command.UnlockToken).equals(this.unlockToken)
          ? ok()
          : { Status: 'Error', ErrorChain: [{ ErrorCode: 12021, ErrorDomain: 'MCMDMErrorDomain', LocalizedDescription: 'Invalid unlock token.' }] };
      case 'InstallProfile': {
        const payload = command.Payload;
        if (!(payload instanceof Uint8Array)) return { Status: 'CommandFormatError' };
        let profile: PlistDict;
        try {
          profile = parsePlistDict(payload);
        } catch {
          return { Status: 'Error', ErrorChain: [{ ErrorCode: 1000, ErrorDomain: 'MCProfileErrorDomain', LocalizedDescription: 'The profile is malformed.' }] };
        }
        const identifier = String(profile.PayloadIdentifier);
        this.state.profiles.set(identifier, {
          identifier,
          displayName: String(profile.PayloadDisplayName ?? identifier),
          uuid: String(profile.PayloadUUID ?? randomUUID()),
          content: profile,
        });
        return ok();
      }
      case 'RemoveProfile': {
        const identifier = String(command.Identifier);
        if (!this.state.profiles.delete(identifier))
          return {
            Status: 'Error',
            ErrorChain: [{ ErrorCode: 1001, ErrorDomain: 'MCProfileErrorDomain', LocalizedDescription: 'The profile is not installed.' }],
          };
        return ok();
      }
      case 'InstallApplication':
        this.state.apps.set(String(command.Identifier ?? command.iTunesStoreID), { name: String(command.Identifier), version: '1.0' });
        return ok({ Identifier: String(command.Identifier ?? ''), State: 'Installing' });
      case 'RemoveApplication':
        this.state.apps.delete(String(command.Identifier));
        return ok();
      case 'ScheduleOSUpdate':
        return ok({ UpdateResults: [] });
      case 'AvailableOSUpdates':
        return ok({ AvailableOSUpdates: [] });
      case 'OSUpdateStatus':
        return ok({ OSUpdateStatus: [] });
      case 'Settings':
      case 'DeclarativeManagement':
        return ok();
      default:
        return { Status: 'Error', ErrorChain: [{ ErrorCode: 12004, ErrorDomain: 'MCMDMErrorDomain', LocalizedDescription: `Unsupported command ${type}` }] };
    }
  }

  private need(): Endpoints {
    if (!this.endpoints) throw new Error('the device is not enrolled');
    return this.endpoints;
  }

  /** PUTs a plist, signed over its exact bytes with the device identity (`Mdm-Signature`). */
  private async send(url: string, contentType: string, message: PlistDict | Record<string, PlistValue>): Promise<{ status: number; body: Buffer }> {
    if (!this.identity) throw new Error('the device has no identity yet');
    const body = buildPlist(message as PlistDict);
    const signature = this.identity.sign(body);
    const response = await this.fetchFn(url, { method: 'PUT', headers: { 'content-type': contentType, 'mdm-signature': signature.toString('base64') }, body });
    return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
  }
}
