import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { type Context, createContext } from '../context.js';
import { TEST_DATABASES } from '../test-support/databases.js';
import { param, prepared } from './prepared.js';
import type { DB } from './schema.js';

for (const database of TEST_DATABASES) {
  describe.skipIf(!database.available)(`prepared queries on ${database.dialect}`, () => {
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

    it('compiles once and runs with each call’s values, constants kept, in a transaction or not', async () => {
      const [a, b] = [
        await ctx.devices.create({ platform: 'ios', ownership: 'corporate', name: 'prepared-a' }),
        await ctx.devices.create({ platform: 'macos', ownership: 'personal', name: 'prepared-b' }),
      ];
      const byName = prepared<{ name: string }, { id: string; platform: string }, DB>((db) =>
        db.selectFrom('devices').select(['id', 'platform']).where('name', '=', param('name')).where('enrollment_state', 'in', ['enrolled', 'pending']),
      );
      expect((await byName(ctx.database.db, { name: 'prepared-a' })).rows).toEqual([{ id: a.id, platform: 'ios' }]);
      expect((await byName(ctx.database.db, { name: 'prepared-b' })).rows).toEqual([{ id: b.id, platform: 'macos' }]);
      // A value that merely looks like a parameter is a value.
      expect((await byName(ctx.database.db, { name: "' or 1=1 --" })).rows).toEqual([]);
      const rename = prepared<{ id: string; name: string }, never, DB>((db) =>
        db
          .updateTable('devices')
          .set({ name: param('name') })
          .where('id', '=', param('id')),
      );
      await expect(
        ctx.database.db.transaction().execute(async (trx) => {
          expect(Number((await rename(trx, { id: a.id, name: 'renamed' })).numAffectedRows)).toBe(1);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect((await ctx.devices.get(a.id))?.name).toBe('prepared-a');
      await rename(ctx.database.db, { id: a.id, name: 'renamed' });
      expect((await ctx.devices.get(a.id))?.name).toBe('renamed');
      await expect(byName(ctx.database.db, {} as { name: string })).rejects.toThrow('no value for parameter "name"');
    });
  });
}
