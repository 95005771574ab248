import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import * as OTPAuth from 'otpauth';
import type { ApiTokensTable, DB } from '../../db/schema.js';
import type { SecretBox } from '../../pki/secret-box.js';
import { StewardError } from '../errors.js';
import { uuidv7 } from '../ids.js';
import { isRole, type RoleName } from '../permissions.js';
import { type UserRepository, type UserRow, normaliseEmail } from '../users/user-repository.js';
import { decoyPasswordHash, hashPassword, newSecret, sha256, verifyPassword } from './secrets.js';

/** Who is making a request. Audit records keep `label` so they stay readable after the actor is deleted. */
export interface Principal {
  type: 'user' | 'token';
  id: string;
  label: string;
  role: RoleName;
  /** The signed-in user, or the admin who created the token. */
  userId: string | null;
  sessionId?: string;
}

export type ApiTokenRow = Selectable<ApiTokensTable>;

export interface AuthSettings {
  sessionTtlSeconds: number;
  maxFailedLogins: number;
  lockoutSeconds: number;
  issuer: string;
}

const SESSION_PREFIX = 'sts_';
const TOKEN_PREFIX = 'stw_';
const RECOVERY_CODE_COUNT = 10;
const TOTP_CONTEXT = (userId: string) => `totp:${userId}`;

/** Sign-in, sessions, API tokens and TOTP multi-factor authentication. */
export class AuthService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly users: UserRepository,
    private readonly box: SecretBox,
    private readonly settings: AuthSettings,
  ) {}

  /**
   * Checks e-mail, password and (when enrolled) the TOTP or a recovery code, then opens a session.
   * Failures count towards a lockout; a locked account answers `account_locked` even with the right password.
   */
  async login(
    input: { email: string; password: string; totp?: string | undefined },
    meta: { ip?: string | undefined; userAgent?: string | undefined },
  ): Promise<{ token: string; user: UserRow; expiresAt: number }> {
    const user = await this.users.findByEmail(input.email);
    if (!user || user.disabled) {
      await verifyPassword(await decoyPasswordHash(), input.password);
      throw new StewardError('invalid_credentials');
    }
    if (user.locked_until && user.locked_until > Date.now()) throw new StewardError('account_locked');
    if (!(await verifyPassword(user.password_hash, input.password))) {
      await this.users.recordFailedLogin(user.id, this.settings.maxFailedLogins, this.settings.lockoutSeconds * 1000);
      throw new StewardError('invalid_credentials');
    }
    if (user.totp_enabled) {
      if (!input.totp) throw new StewardError('mfa_required');
      if (!(await this.checkSecondFactor(user, input.totp))) {
        await this.users.recordFailedLogin(user.id, this.settings.maxFailedLogins, this.settings.lockoutSeconds * 1000);
        throw new StewardError('invalid_mfa_code');
      }
    }
    await this.users.recordSuccessfulLogin(user.id);
    const token = newSecret(SESSION_PREFIX);
    const now = Date.now();
    const expiresAt = now + this.settings.sessionTtlSeconds * 1000;
    await this.db
      .insertInto('sessions')
      .values({
        id: sha256(token),
        user_id: user.id,
        created_at: now,
        expires_at: expiresAt,
        last_seen_at: now,
        source_ip: meta.ip ?? null,
        user_agent: meta.userAgent?.slice(0, 512) ?? null,
      })
      .execute();
    return { token, user, expiresAt };
  }

  async logout(sessionId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', sessionId).execute();
  }

  /** Resolves a session cookie or bearer token to a principal, or undefined. */
  async authenticate(secret: string): Promise<Principal | undefined> {
    if (secret.length > 200) return undefined;
    const now = Date.now();
    if (secret.startsWith(SESSION_PREFIX)) {
      const id = sha256(secret);
      const row = await this.db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select(['sessions.id as session_id', 'sessions.expires_at', 'sessions.last_seen_at', 'users.id', 'users.email', 'users.role', 'users.disabled'])
        .where('sessions.id', '=', id)
        .executeTakeFirst();
      if (!row || row.expires_at <= now || row.disabled || !isRole(row.role)) return undefined;
      // Touch at most once a minute: a busy console should not turn every read into a write.
      if (now - row.last_seen_at > 60_000) {
        await this.db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
      }
      return { type: 'user', id: row.id, label: row.email, role: row.role, userId: row.id, sessionId: row.session_id };
    }
    if (secret.startsWith(TOKEN_PREFIX)) {
      const row = await this.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', sha256(secret)).executeTakeFirst();
      if (!row || row.revoked_at || (row.expires_at && row.expires_at <= now) || !isRole(row.role)) return undefined;
      if (!row.last_used_at || now - row.last_used_at > 60_000) {
        await this.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
      }
      return { type: 'token', id: row.id, label: `token:${row.name}`, role: row.role, userId: row.created_by };
    }
    return undefined;
  }

  // --- API tokens ---------------------------------------------------------------------------

  /** Creates a token; the secret is returned this once and never stored. */
  async createToken(input: {
    name: string;
    role: RoleName;
    createdBy: string | null;
    expiresAt?: number | null;
  }): Promise<{ row: ApiTokenRow; secret: string }> {
    const secret = newSecret(TOKEN_PREFIX);
    const now = Date.now();
    const row: ApiTokenRow = {
      id: uuidv7(now),
      name: input.name,
      role: input.role,
      token_hash: sha256(secret),
      prefix: secret.slice(0, 10),
      created_by: input.createdBy,
      created_at: now,
      expires_at: input.expiresAt ?? null,
      last_used_at: null,
      revoked_at: null,
    };
    await this.db.insertInto('api_tokens').values(row).execute();
    return { row, secret };
  }

  listTokens(): Promise<ApiTokenRow[]> {
    return this.db.selectFrom('api_tokens').selectAll().orderBy('created_at', 'desc').execute();
  }

  getToken(id: string): Promise<ApiTokenRow | undefined> {
    return this.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async revokeToken(id: string): Promise<boolean> {
    const result = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: Date.now() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  // --- users ----------------------------------------------------------------------------------

  async createUser(input: { email: string; password: string; role: RoleName; displayName?: string | null | undefined }, db?: Kysely<DB>): Promise<UserRow> {
    try {
      return await this.users.create(
        { email: input.email, passwordHash: await hashPassword(input.password), role: input.role, displayName: input.displayName },
        db,
      );
    } catch (error) {
      if (/unique|duplicate/i.test(String(error))) throw new StewardError('email_taken');
      throw error;
    }
  }

  /** A user changing their own password proves they know the current one. */
  async changePassword(user: UserRow, current: string, next: string): Promise<void> {
    if (!(await verifyPassword(user.password_hash, current))) throw new StewardError('invalid_credentials');
    await this.setPassword(user.id, next);
  }

  async setPassword(userId: string, password: string): Promise<void> {
    await this.users.update(userId, { password_hash: await hashPassword(password) });
    // A changed password ends every other session of that user.
    await this.db.deleteFrom('sessions').where('user_id', '=', userId).execute();
  }

  // --- TOTP -----------------------------------------------------------------------------------

  /** Starts enrolment: a new secret, stored sealed and not yet enforced until confirmed. */
  async beginTotp(user: UserRow): Promise<{ secret: string; otpauthUrl: string }> {
    if (user.totp_enabled) throw new StewardError('mfa_already_enabled');
    const secret = new OTPAuth.Secret({ size: 20 });
    await this.users.update(user.id, { totp_secret_sealed: this.box.seal(secret.base32, TOTP_CONTEXT(user.id)) });
    const totp = this.totpFor(user.email, secret);
    return { secret: secret.base32, otpauthUrl: totp.toString() };
  }

  /** Confirms enrolment with a current code; returns the one-time recovery codes, shown once. */
  async confirmTotp(user: UserRow, code: string): Promise<string[]> {
    if (user.totp_enabled) throw new StewardError('mfa_already_enabled');
    if (!user.totp_secret_sealed) throw new StewardError('mfa_not_enrolled');
    if (!this.validTotp(user, code)) throw new StewardError('invalid_mfa_code');
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => randomBytes(5).toString('hex'));
    await this.users.update(user.id, { totp_enabled: 1, recovery_codes: JSON.stringify(codes.map(sha256)) });
    return codes;
  }

  /** Turns MFA off after proving possession (a current code or a recovery code). */
  async disableTotp(user: UserRow, code: string): Promise<void> {
    if (!user.totp_enabled) throw new StewardError('mfa_not_enrolled');
    if (!(await this.checkSecondFactor(user, code))) throw new StewardError('invalid_mfa_code');
    await this.users.update(user.id, { totp_enabled: 0, totp_secret_sealed: null, recovery_codes: null });
  }

  private totpFor(email: string, secret: OTPAuth.Secret): OTPAuth.TOTP {
    return new OTPAuth.TOTP({ issuer: this.settings.issuer, label: email, algorithm: 'SHA1', digits: 6, period: 30, secret });
  }

  private validTotp(user: UserRow, code: string): boolean {
    if (!user.totp_secret_sealed || !/^\d{6}$/.test(code)) return false;
    const base32 = this.box.open(user.totp_secret_sealed, TOTP_CONTEXT(user.id)).toString();
    return this.totpFor(user.email, OTPAuth.Secret.fromBase32(base32)).validate({ token: code, window: 1 }) !== null;
  }

  /** A TOTP code, or a recovery code (each works once). */
  private async checkSecondFactor(user: UserRow, code: string): Promise<boolean> {
    const trimmed = code.replace(/\s+/g, '');
    if (this.validTotp(user, trimmed)) return true;
    const hashes: string[] = user.recovery_codes ? JSON.parse(user.recovery_codes) : [];
    const index = hashes.indexOf(sha256(trimmed.toLowerCase()));
    if (index < 0) return false;
    hashes.splice(index, 1);
    await this.users.update(user.id, { recovery_codes: JSON.stringify(hashes) });
    return true;
  }
}

export { normaliseEmail };
