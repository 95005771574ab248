import { randomBytes, randomUUID } from 'node:crypto';
import { type PlistDict, buildPlist, parsePlistDict, signCms, verifyCms } from '@steward/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppleLab, startAppleLab } from '../test-support/apple-lab.js';
import { type ScepEnrollment, scepEnroll } from './scep-client.js';

/** Certificate renewal through SCEP (RenewalReq) re-binds the device: the new identity works, the old one is refused. */
describe('Apple identity renewal', () => {
  let lab: AppleLab;
  beforeAll(async () => {
    lab = await startAppleLab();
  }, 60_000);
  afterAll(() => lab?.close());

  const put = async (path: string, type: string, message: PlistDict, identity: ScepEnrollment) => {
    const body = buildPlist(message);
    const signature = await signCms(
      body,
      { certificateDer: new Uint8Array(identity.certificate.rawData), privateKey: identity.privateKey as never },
      { detached: true },
    );
    const response = await fetch(`${lab.url}${path}`, {
      method: 'PUT',
      headers: { 'content-type': type, 'mdm-signature': signature.toString('base64') },
      body,
    });
    return { status: response.status, body: await response.text() };
  };

  it('renews the identity and moves the binding to the new certificate', async () => {
    const enrollment = await lab.api<{ profileUrl: string }>('POST', '/api/v1/enrollments', 'operator', {
      name: 'renewal',
      platform: 'apple',
      ownership: 'corporate',
    });
    const profile = parsePlistDict(verifyCms(Buffer.from(await (await fetch(enrollment.json.profileUrl)).arrayBuffer())).content);
    const scep = ((profile.PayloadContent as PlistDict[]).find((p) => p.PayloadType === 'com.apple.security.scep')?.PayloadContent ?? {}) as PlistDict;
    const first = await scepEnroll({ url: String(scep.URL), challenge: String(scep.Challenge), subject: 'CN=renewal test' });
    const udid = randomUUID().toUpperCase();
    const auth = {
      MessageType: 'Authenticate',
      UDID: udid,
      Topic: lab.topic,
      DeviceName: 'Mac',
      Model: 'Mac15,6',
      ModelName: 'MacBook Pro',
      ProductName: 'Mac15,6',
      OSVersion: '15.1',
      BuildVersion: '24B83',
      SerialNumber: 'C02RENEW',
    };
    expect((await put('/mdm/checkin', 'application/x-apple-aspen-mdm-checkin', auth, first)).status).toBe(200);
    expect(
      (
        await put(
          '/mdm/checkin',
          'application/x-apple-aspen-mdm-checkin',
          { MessageType: 'TokenUpdate', UDID: udid, Topic: lab.topic, Token: randomBytes(32), PushMagic: randomUUID() },
          first,
        )
      ).status,
    ).toBe(200);

    const renewed = await scepEnroll({
      url: String(scep.URL),
      subject: 'CN=renewal test',
      renewWith: { certificate: first.certificate, privateKey: first.privateKey },
    });
    expect(renewed.certificate.serialNumber).not.toBe(first.certificate.serialNumber);
    expect((await put('/mdm/connect', 'application/x-apple-aspen-mdm', { UDID: udid, Status: 'Idle' }, renewed)).status).toBe(200);
    const old = await put('/mdm/connect', 'application/x-apple-aspen-mdm', { UDID: udid, Status: 'Idle' }, first);
    expect(old.status).toBe(403);
    expect(JSON.parse(old.body).error.code).toBe('device_identity_mismatch');
    const audit = await lab.api<{ items: { action: string }[] }>('GET', '/api/v1/audit-events?action=apple.identity_renewed', 'auditor');
    expect(audit.json.items).toHaveLength(1);
  });
});
