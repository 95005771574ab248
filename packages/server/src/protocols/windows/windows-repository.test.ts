import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceRepository } from '../../core/devices/device-repository.js';
import { type Database, migrate, openDatabase } from '../../db/database.js';
import { TEST_DATABASES } from '../../test-support/databases.js';
import { WindowsRepository, deviceByFingerprint } from './windows-repository.js';

// The statements every management message runs are compiled once and run with bound parameters:
// the right row comes back, and the session save is still a compare-and-set, on both databases.
for (const testDb of TEST_DATABASES) {
  describe.skipIf(!testDb.available)(`the Windows session statements (${testDb.dialect})`, () => {
    let database: Database;
    let drop: () => Promise<void>;
    let deviceId: string;

    beforeAll(async () => {
      const created = await testDb.create();
      drop = created.drop;
      database = await openDatabase(created.url);
      await migrate(database);
      const devices = new DeviceRepository(database.db, database.dialect);
      const repo = new WindowsRepository(database.db);
      for (const n of [1, 2]) {
        const device = await devices.create({ platform: 'windows', ownership: 'corporate', name: `PC ${n}`, model: `Model ${n}`, enrollmentState: 'pending' });
        if (n === 1) deviceId = device.id;
        await repo.insert({
          device_id: device.id,
          windows_device_id: `WIN-${n}`,
          hardware_id: null,
          upn: null,
          enrollment_type: 'Device',
          enrollment_ref: null,
          cert_fingerprint: `fp-${n}`,
          cert_not_after: Date.now() + 86_400_000,
          session_id: null,
          server_msg_id: 0,
          client_msg_id: 0,
          session_sent: '{}',
          inflight: '{}',
          session_at: null,
          bitlocker_key_sealed: null,
          bitlocker_key_id: null,
          bitlocker_escrowed_at: null,
          enrolled_at: Date.now(),
        });
      }
    });

    afterAll(async () => {
      await database?.close();
      await drop?.();
    });

    it('finds the device by its certificate, with its enrollment state, ownership and model', async () => {
      const first = await deviceByFingerprint(database.db, 'fp-1');
      expect(first).toMatchObject({ device_id: deviceId, windows_device_id: 'WIN-1', enrollment_state: 'pending', ownership: 'corporate', model: 'Model 1' });
      expect((await deviceByFingerprint(database.db, 'fp-2'))?.windows_device_id).toBe('WIN-2');
      expect(await deviceByFingerprint(database.db, 'fp-none')).toBeUndefined();
    });

    it('saves a session only over the state it read', async () => {
      const repo = new WindowsRepository(database.db);
      const changes = (session: string, msg: number) => ({
        session_id: session,
        server_msg_id: msg,
        client_msg_id: msg,
        session_sent: `{"${msg}":1}`,
        inflight: '{}',
        session_at: 1000 + msg,
      });
      expect(await repo.saveSession(deviceId, { sessionId: null, serverMsgId: 0 }, changes('A1', 1))).toBe(true);
      // A second node that read the same (now stale) state loses.
      expect(await repo.saveSession(deviceId, { sessionId: null, serverMsgId: 0 }, changes('A1', 1))).toBe(false);
      expect(await repo.saveSession(deviceId, { sessionId: 'A1', serverMsgId: 2 }, changes('A1', 3))).toBe(false);
      expect(await repo.saveSession(deviceId, { sessionId: 'A1', serverMsgId: 1 }, changes('A1', 2))).toBe(true);
      const row = await deviceByFingerprint(database.db, 'fp-1');
      expect(row).toMatchObject({ session_id: 'A1', server_msg_id: 2, client_msg_id: 2, session_sent: '{"2":1}', session_at: 1002 });
      // The other device's row was never touched.
      expect(await deviceByFingerprint(database.db, 'fp-2')).toMatchObject({ session_id: null, server_msg_id: 0 });
    });
  });
}
