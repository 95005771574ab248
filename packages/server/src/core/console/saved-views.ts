import type { Kysely, Selectable } from 'kysely';
import type { DB, SavedViewsTable } from '../../db/schema.js';
import { uuidv7 } from '../ids.js';

export type SavedViewRow = Selectable<SavedViewsTable>;
export interface ViewOwner {
  type: 'user' | 'token';
  id: string;
}

/** Named device-list views, each private to the person (or API token) that saved it. */
export class SavedViewRepository {
  constructor(private readonly db: Kysely<DB>) {}

  list(owner: ViewOwner): Promise<SavedViewRow[]> {
    return this.db
      .selectFrom('saved_views')
      .selectAll()
      .where('owner_type', '=', owner.type)
      .where('owner_id', '=', owner.id)
      .orderBy('name')
      .orderBy('id')
      .execute();
  }

  async count(owner: ViewOwner): Promise<number> {
    const row = await this.db
      .selectFrom('saved_views')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('owner_type', '=', owner.type)
      .where('owner_id', '=', owner.id)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** A view of this owner's, or nothing: another person's view is as good as missing. */
  get(owner: ViewOwner, id: string): Promise<SavedViewRow | undefined> {
    return this.db
      .selectFrom('saved_views')
      .selectAll()
      .where('id', '=', id)
      .where('owner_type', '=', owner.type)
      .where('owner_id', '=', owner.id)
      .executeTakeFirst();
  }

  findByName(owner: ViewOwner, name: string): Promise<SavedViewRow | undefined> {
    return this.db
      .selectFrom('saved_views')
      .selectAll()
      .where('owner_type', '=', owner.type)
      .where('owner_id', '=', owner.id)
      .where('name', '=', name)
      .executeTakeFirst();
  }

  async create(owner: ViewOwner, name: string, query: Record<string, string>): Promise<SavedViewRow> {
    const now = Date.now();
    const row: SavedViewRow = {
      id: uuidv7(now),
      owner_type: owner.type,
      owner_id: owner.id,
      name,
      query: JSON.stringify(query),
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('saved_views').values(row).execute();
    return row;
  }

  async update(owner: ViewOwner, id: string, changes: { name?: string | undefined; query?: Record<string, string> | undefined }): Promise<void> {
    await this.db
      .updateTable('saved_views')
      .set({
        ...(changes.name === undefined ? {} : { name: changes.name }),
        ...(changes.query === undefined ? {} : { query: JSON.stringify(changes.query) }),
        updated_at: Date.now(),
      })
      .where('id', '=', id)
      .where('owner_type', '=', owner.type)
      .where('owner_id', '=', owner.id)
      .execute();
  }

  async delete(owner: ViewOwner, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('saved_views')
      .where('id', '=', id)
      .where('owner_type', '=', owner.type)
      .where('owner_id', '=', owner.id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
