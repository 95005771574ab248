import type { Kysely, Selectable } from 'kysely';
import type { DB, UsersTable } from '../../db/schema.js';
import { uuidv7 } from '../ids.js';

export type UserRow = Selectable<UsersTable>;

export interface NewUser {
  email: string;
  passwordHash: string;
  role: string;
  displayName?: string | null | undefined;
}

/** E-mail addresses are compared case-insensitively; stored as given, looked up lower-cased. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

export class UserRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async create(user: NewUser, db: Kysely<DB> = this.db): Promise<UserRow> {
    const now = Date.now();
    const row: UserRow = {
      id: uuidv7(now),
      email: normaliseEmail(user.email),
      display_name: user.displayName ?? null,
      password_hash: user.passwordHash,
      role: user.role,
      totp_secret_sealed: null,
      totp_enabled: 0,
      recovery_codes: null,
      failed_logins: 0,
      locked_until: null,
      disabled: 0,
      created_at: now,
      updated_at: now,
      last_login_at: null,
    };
    await db.insertInto('users').values(row).execute();
    return row;
  }

  findById(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByEmail(email: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('email', '=', normaliseEmail(email)).executeTakeFirst();
  }

  list(): Promise<UserRow[]> {
    return this.db.selectFrom('users').selectAll().orderBy('email').execute();
  }

  async count(): Promise<number> {
    const { n } = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  async countActiveAdmins(db: Kysely<DB> = this.db): Promise<number> {
    const { n } = await db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role', '=', 'admin')
      .where('disabled', '=', 0)
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  async update(
    id: string,
    changes: Partial<Pick<UserRow, 'display_name' | 'role' | 'disabled' | 'password_hash' | 'totp_secret_sealed' | 'totp_enabled' | 'recovery_codes'>>,
    db: Kysely<DB> = this.db,
  ): Promise<void> {
    await db
      .updateTable('users')
      .set({ ...changes, updated_at: Date.now() })
      .where('id', '=', id)
      .execute();
  }

  async delete(id: string, db: Kysely<DB> = this.db): Promise<void> {
    await db.deleteFrom('users').where('id', '=', id).execute();
  }

  /** Counts a failed sign-in and locks the account once `max` is reached. Returns the new lock time, if any. */
  async recordFailedLogin(id: string, max: number, lockoutMs: number): Promise<number | null> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('users').select(['failed_logins']).where('id', '=', id).executeTakeFirstOrThrow();
      const failed = row.failed_logins + 1;
      const lockedUntil = failed >= max ? Date.now() + lockoutMs : null;
      await trx
        .updateTable('users')
        .set({ failed_logins: lockedUntil ? 0 : failed, ...(lockedUntil ? { locked_until: lockedUntil } : {}) })
        .where('id', '=', id)
        .execute();
      return lockedUntil;
    });
  }

  async recordSuccessfulLogin(id: string): Promise<void> {
    await this.db.updateTable('users').set({ failed_logins: 0, locked_until: null, last_login_at: Date.now() }).where('id', '=', id).execute();
  }
}
