import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { integrityCheck, openDatabase } from '@steward/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StewardNode, apiCall, createToken, stewardNode } from '../test-support/steward-nodes.js';

/** A small tmpfs for the data dir; tests run as root in CI, where mounting works. Undefined when it can't be mounted. */
function mountSmallTmpfs(sizeMb: number): string | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    fs.rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

const mount = mountSmallTmpfs(16);
if (!mount) process.stderr.write('NOTE: cannot mount a tmpfs here (not root?): the disk-full fault test is SKIPPED.\n');

/**
 * The disk under the SQLite data dir fills up: writes answer 503 service_unavailable with reason
 * storage_full and a log line, reads keep working, nothing is corrupted, and writes resume on their
 * own once space is freed.
 */
describe.skipIf(!mount)('fault: disk full under the SQLite data dir', () => {
  let node: StewardNode;
  let token: string;
  const dataDir = path.join(mount ?? '/nonexistent', 'data');
  const filler = path.join(mount ?? '/nonexistent', 'filler');

  beforeAll(async () => {
    const secretKey = randomBytes(32).toString('hex');
    node = await stewardNode({ name: 'disk-full', secretKey, dataDir });
    token = createToken({ dataDir, secretKey });
    await node.start();
  }, 60_000);
  afterAll(async () => {
    await node?.stop();
    if (mount) {
      try {
        execFileSync('umount', [mount], { stdio: 'ignore' });
      } catch {}
      fs.rmSync(mount, { recursive: true, force: true });
    }
  });

  it('refuses writes with 503 storage_full while full, keeps reads, and recovers without corruption', async () => {
    const create = (name: string) =>
      apiCall<{ error?: { code: string; details?: { reason?: string } } }>(node.url, token, 'POST', '/api/v1/groups', {
        name,
        kind: 'static',
        description: 'x'.repeat(900),
      });
    for (let i = 0; i < 20; i++) expect((await create(`before-${i}`)).status).toBe(201);

    // Fill the file system to the last byte.
    const fd = fs.openSync(filler, 'w');
    const chunk = Buffer.alloc(64 * 1024);
    try {
      for (;;) fs.writeSync(fd, chunk);
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
    try {
      for (;;) fs.writeSync(fd, chunk.subarray(0, 512));
    } catch {}
    fs.closeSync(fd);

    const refused: { status: number; code?: string | undefined; reason?: string | undefined }[] = [];
    for (let i = 0; i < 200 && refused.length < 3; i++) {
      const res = await create(`during-${i}`);
      if (res.status !== 201) refused.push({ status: res.status, code: res.json.error?.code, reason: res.json.error?.details?.reason });
    }
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect(r).toEqual({ status: 503, code: 'service_unavailable', reason: 'storage_full' });
    // Reads still work, and the log says what happened.
    expect((await apiCall(node.url, token, 'GET', '/api/v1/groups?limit=5')).status).toBe(200);
    expect(node.output()).toMatch(/storage_full/);

    fs.rmSync(filler);
    const after = await create('after-space-returned');
    expect(after.status).toBe(201);
    await node.stop();
    const database = await openDatabase(`sqlite:${path.join(dataDir, 'steward.db')}`);
    try {
      expect(await integrityCheck(database)).toEqual(['ok']);
      const names = (await database.db.selectFrom('groups').select('name').execute()).map((g) => g.name);
      expect(names).toContain('after-space-returned');
      for (let i = 0; i < 20; i++) expect(names).toContain(`before-${i}`);
    } finally {
      await database.close();
    }
  }, 60_000);
});
