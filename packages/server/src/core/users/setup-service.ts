import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { AuthService } from '../auth/auth-service.js';
import { newSecret, safeEqual, sha256 } from '../auth/secrets.js';
import { StewardError } from '../errors.js';
import type { SettingsRepository } from '../settings/settings-repository.js';
import type { UserRepository, UserRow } from './user-repository.js';

const KEY = 'setup_token';
const TTL_MS = 24 * 3600_000;

/**
 * First-run setup: while no user exists, a one-time token (printed by the server as a URL) lets
 * whoever holds it create the first admin. Using it, or creating any admin another way, ends setup.
 */
export class SetupService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly users: UserRepository,
    private readonly settings: SettingsRepository,
    private readonly auth: AuthService,
  ) {}

  async required(): Promise<boolean> {
    return (await this.users.count()) === 0;
  }

  /** A fresh token when setup is still needed; each start replaces the previous one. */
  async issueToken(): Promise<string | undefined> {
    if (!(await this.required())) {
      await this.settings.delete(KEY);
      return undefined;
    }
    const token = newSecret('setup_');
    await this.settings.set(KEY, { hash: sha256(token), expiresAt: Date.now() + TTL_MS });
    return token;
  }

  async complete(token: string, admin: { email: string; password: string; displayName?: string | undefined }): Promise<UserRow> {
    if (!(await this.required())) throw new StewardError('setup_done');
    const stored = await this.settings.get<{ hash: string; expiresAt: number }>(KEY);
    if (!stored || stored.expiresAt < Date.now() || !safeEqual(stored.hash, sha256(token))) throw new StewardError('invalid_setup_token');
    return this.db.transaction().execute(async (trx) => {
      // Deleting the token inside the transaction makes it single-use even under a race.
      if (!(await this.settings.delete(KEY, trx))) throw new StewardError('invalid_setup_token');
      return this.auth.createUser({ ...admin, role: 'admin' }, trx);
    });
  }
}
