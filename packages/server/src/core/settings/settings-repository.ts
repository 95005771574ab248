import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

/** Small server-wide values (the pending setup token, feature settings), as JSON by key. */
export class SettingsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async get<T>(key: string): Promise<T | undefined> {
    const row = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  async set(key: string, value: unknown, db: Kysely<DB> = this.db): Promise<void> {
    const now = Date.now();
    await db
      .insertInto('settings')
      .values({ key, value: JSON.stringify(value), updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: now }))
      .execute();
  }

  async delete(key: string, db: Kysely<DB> = this.db): Promise<boolean> {
    const result = await db.deleteFrom('settings').where('key', '=', key).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
