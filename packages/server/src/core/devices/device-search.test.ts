import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { type Context, createContext } from '../../context.js';
import { TEST_DATABASES } from '../../test-support/databases.js';

/**
 * The device search's indexes (FTS5 trigram on SQLite, pg_trgm on PostgreSQL) follow every write:
 * a renamed device is found by its new name only, a deleted one not at all, and short searches
 * (below a trigram) still work.
 */
for (const database of TEST_DATABASES) {
  describe.skipIf(!database.available)(`device search index on ${database.dialect}`, () => {
    let ctx: Context;
    let drop: () => Promise<void>;
    beforeAll(async () => {
      const created = await database.create();
      drop = created.drop;
      ctx = await createContext(loadConfig({ dataDir: created.dataDir, databaseUrl: created.url, noTls: true }));
    });
    afterAll(async () => {
      await ctx?.close();
      await drop?.();
    });

    const names = async (search: string) =>
      (await ctx.devices.list({ filter: { search }, sort: 'name', order: 'asc', offset: 0, limit: 50 })).items.map((d) => d.name).sort();

    it('finds by any searched column, follows renames and deletions, and handles short and quoted searches', async () => {
      const a = await ctx.devices.create({
        platform: 'ios',
        ownership: 'corporate',
        name: 'Kiosk-Lobby',
        serialNumber: 'QX7ABC123',
        assignedUser: 'ana@example.com',
      });
      const b = await ctx.devices.create({ platform: 'windows', ownership: 'corporate', name: 'PC "quoted" 42' });
      expect(await names('kiosk-lob')).toEqual(['Kiosk-Lobby']);
      expect(await names('7abc1')).toEqual(['Kiosk-Lobby']);
      expect(await names('ANA@EXAMPLE')).toEqual(['Kiosk-Lobby']);
      expect(await names('"quoted"')).toEqual(['PC "quoted" 42']);
      expect(await names('Q')).toEqual(['Kiosk-Lobby', 'PC "quoted" 42']);
      expect(await names('42')).toEqual(['PC "quoted" 42']);
      expect(await ctx.devices.list({ filter: { search: 'kiosk-lob' }, sort: 'name', order: 'asc', offset: 0, limit: 50 }).then((r) => r.total)).toBe(1);

      await ctx.devices.update(a.id, { name: 'Reception-Desk', assignedUser: null });
      expect(await names('kiosk')).toEqual([]);
      expect(await names('ana@')).toEqual([]);
      expect(await names('reception')).toEqual(['Reception-Desk']);
      expect(await names('7abc1')).toEqual(['Reception-Desk']);

      await ctx.devices.delete(b.id);
      expect(await names('quoted')).toEqual([]);
    });
  });
}
