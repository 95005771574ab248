import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppleLab, startAppleLab } from '../test-support/apple-lab.js';
import { AppleDevice } from './apple-device.js';

const OPENSSL = '/usr/bin/openssl';
const PLISTUTIL = '/usr/bin/plistutil';
const missing = [OPENSSL, PLISTUTIL].filter((tool) => !fs.existsSync(tool));
if (missing.length && process.env.CI) throw new Error(`CI needs ${missing.join(', ')} (apt-get install openssl libplist-utils)`);

/** Real peers read what Steward emits: OpenSSL verifies the signed profile, plistutil parses every plist. */
describe.skipIf(missing.length > 0)('Apple artefacts checked by openssl and plistutil', () => {
  let lab: AppleLab;
  let dir: string;
  let profileUrl: string;
  beforeAll(async () => {
    lab = await startAppleLab();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-peers-'));
    const enrollment = await lab.api<{ profileUrl: string }>('POST', '/api/v1/enrollments', 'operator', {
      name: 'peers',
      platform: 'apple',
      ownership: 'corporate',
    });
    profileUrl = enrollment.json.profileUrl;
  }, 60_000);
  afterAll(async () => {
    await lab?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('signs the enrollment profile so that openssl verifies it against Steward’s CA', async () => {
    const response = await fetch(profileUrl);
    expect(response.headers.get('content-type')).toBe('application/x-apple-aspen-config');
    fs.writeFileSync(path.join(dir, 'profile.der'), Buffer.from(await response.arrayBuffer()));
    fs.writeFileSync(path.join(dir, 'ca.pem'), lab.server.ctx.ca.certificatePem);
    const content = execFileSync(
      OPENSSL,
      ['smime', '-verify', '-inform', 'DER', '-in', path.join(dir, 'profile.der'), '-CAfile', path.join(dir, 'ca.pem'), '-purpose', 'any'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ).toString();
    expect(content).toContain('<string>com.apple.mdm</string>');
    expect(content).toContain(`<string>${lab.topic}</string>`);
    // The signature covers the exact bytes: a modified profile no longer verifies.
    const tampered = fs.readFileSync(path.join(dir, 'profile.der'));
    const at = tampered.indexOf(Buffer.from('com.apple.mdm'));
    tampered[at] = 'C'.charCodeAt(0);
    fs.writeFileSync(path.join(dir, 'tampered.der'), tampered);
    expect(() =>
      execFileSync(
        OPENSSL,
        ['smime', '-verify', '-inform', 'DER', '-in', path.join(dir, 'tampered.der'), '-CAfile', path.join(dir, 'ca.pem'), '-purpose', 'any'],
        { stdio: 'pipe' },
      ),
    ).toThrow();
  });

  it('emits plists plistutil parses: the profile, and command envelopes', async () => {
    const unsigned = await fetch(`${profileUrl}?unsigned=1`);
    expect(unsigned.status).toBe(200);
    const files: [string, Buffer][] = [['profile.plist', Buffer.from(await unsigned.arrayBuffer())]];
    // A device enrolls and takes its first inventory: five Apple commands go out.
    const device = new AppleDevice();
    await device.enroll(profileUrl);
    await device.wake();
    const rows = await lab.server.ctx.database.db.selectFrom('apple_commands').select(['command_uuid', 'body']).execute();
    expect(rows.length).toBeGreaterThanOrEqual(5);
    for (const row of rows) files.push([`${row.command_uuid}.plist`, Buffer.from(row.body)]);
    for (const [name, bytes] of files) {
      const input = path.join(dir, name);
      fs.writeFileSync(input, bytes);
      execFileSync(PLISTUTIL, ['-i', input, '-o', `${input}.bin`, '-f', 'bin'], { stdio: 'pipe' });
      expect(fs.readFileSync(`${input}.bin`).subarray(0, 8).toString()).toBe('bplist00');
    }
  });
});
