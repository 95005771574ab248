import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../db/database.js';
import { TEST_DATABASES } from '../../test-support/databases.js';
import { createNotifier, type Notifier } from './notifier.js';

const waitFor = async (check: () => boolean, ms = 3000) => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

for (const database of TEST_DATABASES) {
  describe.skipIf(!database.available)(`notifier on ${database.dialect}`, () => {
    let a: Database;
    let b: Database;
    let drop: () => Promise<void>;
    beforeAll(async () => {
      const created = await database.create();
      drop = created.drop;
      a = await openDatabase(created.url);
      // A second "node": its own pool on the same schema (on SQLite notifications stay in-process).
      b = await openDatabase(created.url);
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
      await drop?.();
    });

    it('delivers to local subscribers at once (local: true) and to other nodes (local: false), never back to the publisher', async () => {
      const nodeA = await createNotifier(a);
      const nodeB = await createNotifier(b);
      const seenA: [string, boolean][] = [];
      const seenB: [string, boolean][] = [];
      nodeA.subscribe('commands', ({ commandId }, { local }) => void seenA.push([commandId, local]));
      const off = nodeB.subscribe('commands', ({ commandId }, { local }) => void seenB.push([commandId, local]));
      await nodeA.notify('commands', { commandId: 'c1' });
      await waitFor(() => seenA.length === 1 && (database.dialect === 'sqlite' || seenB.length === 1));
      await new Promise((r) => setTimeout(r, 100));
      expect(seenA).toEqual([['c1', true]]);
      expect(seenB).toEqual(database.dialect === 'postgres' ? [['c1', false]] : []);
      off();
      await nodeA.notify('commands', { commandId: 'c2' });
      await waitFor(() => seenA.length === 2);
      await new Promise((r) => setTimeout(r, 100));
      expect(seenB.length).toBe(database.dialect === 'postgres' ? 1 : 0);
      await nodeA.close();
      await nodeB.close();
    });

    it('keeps publishing when a handler throws', async () => {
      const errors: string[] = [];
      const node: Notifier = await createNotifier(a, { onError: (_e, what) => errors.push(what) });
      const seen: string[] = [];
      node.subscribe('jobs', () => {
        throw new Error('broken handler');
      });
      node.subscribe('jobs', ({ kind }) => void seen.push(kind));
      await node.notify('jobs', { kind: 'x' });
      await waitFor(() => seen.length === 1);
      expect(errors).toEqual(['jobs handler']);
      await node.close();
    });

    it.runIf(database.dialect === 'postgres')('re-listens after its connection is killed, with backoff', async () => {
      const errors: string[] = [];
      const listener = await createNotifier(b, { onError: (_e, what) => errors.push(what), reconnect: { initialMs: 50, maxMs: 200 } });
      const publisher = await createNotifier(a);
      const seen: string[] = [];
      listener.subscribe('devices', ({ deviceIds }) => void seen.push(...deviceIds));
      expect(listener.connected).toBe(true);
      // Kill every backend of this schema that is LISTENing (only ours, in this private schema).
      await a.pool?.query("select pg_terminate_backend(pid) from pg_stat_activity where query like 'LISTEN \"steward.%' and pid <> pg_backend_pid()");
      await waitFor(() => !listener.connected);
      expect(errors).toContain('LISTEN connection lost');
      await waitFor(() => listener.connected, 5000);
      await publisher.notify('devices', { deviceIds: ['d1'] });
      await waitFor(() => seen.length === 1);
      expect(seen).toEqual(['d1']);
      await listener.close();
      await publisher.close();
    });
  });
}
