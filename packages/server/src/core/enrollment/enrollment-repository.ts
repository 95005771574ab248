import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { DB, EnrollmentsTable } from '../../db/schema.js';
import type { SecretBox } from '../../pki/secret-box.js';
import { sha256 } from '../auth/secrets.js';
import { type Channel, CHANNELS } from '../devices/device-model.js';
import { uuidv7 } from '../ids.js';

export type EnrollmentRow = Selectable<EnrollmentsTable>;

/** An enrollment's `platform` column names the channel its devices join through. */
export const ENROLLMENT_CHANNELS = CHANNELS;
export type EnrollmentChannel = Channel;

export interface NewEnrollment {
  name: string;
  platform: EnrollmentChannel;
  ownership: 'corporate' | 'personal';
  groupId?: string | null | undefined;
  assignedUser?: string | null | undefined;
  maxUses?: number | null | undefined;
  expiresAt?: number | null | undefined;
  createdBy?: string | null | undefined;
}

export type ChallengeOutcome = { ok: true; enrollment: EnrollmentRow } | { ok: false; reason: 'unknown' | 'used' | 'expired' | 'enrollment_unusable' };

const CHALLENGE_TTL_MS = 60 * 60_000;

/**
 * Enrollments are invitation links: a secret token (sealed at rest, found by its hash) that admits
 * devices into a group with an ownership, until it expires, runs out of uses or is revoked. Each
 * profile download mints a single-use SCEP challenge bound to its enrollment; consuming a challenge
 * counts one use.
 */
export class EnrollmentRepository {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly box: SecretBox,
  ) {}

  async create(input: NewEnrollment): Promise<{ row: EnrollmentRow; token: string }> {
    const token = randomBytes(24).toString('base64url');
    const now = Date.now();
    const id = uuidv7(now);
    const row: EnrollmentRow = {
      id,
      name: input.name,
      platform: input.platform,
      ownership: input.ownership,
      group_id: input.groupId ?? null,
      assigned_user: input.assignedUser ?? null,
      token_hash: sha256(token),
      token_sealed: this.box.seal(token, `enrollment:${id}`),
      max_uses: input.maxUses ?? null,
      uses: 0,
      expires_at: input.expiresAt ?? null,
      revoked_at: null,
      created_by: input.createdBy ?? null,
      created_at: now,
    };
    await this.db.insertInto('enrollments').values(row).execute();
    return { row, token };
  }

  get(id: string): Promise<EnrollmentRow | undefined> {
    return this.db.selectFrom('enrollments').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(): Promise<EnrollmentRow[]> {
    return this.db.selectFrom('enrollments').selectAll().orderBy('created_at', 'desc').execute();
  }

  tokenOf(row: EnrollmentRow): string {
    return this.box.open(row.token_sealed, `enrollment:${row.id}`).toString();
  }

  /** The enrollment behind a link, if it can still admit a device. */
  async findUsable(token: string, now = Date.now()): Promise<EnrollmentRow | undefined> {
    if (token.length > 100) return undefined;
    const row = await this.db.selectFrom('enrollments').selectAll().where('token_hash', '=', sha256(token)).executeTakeFirst();
    return row && usable(row, now) ? row : undefined;
  }

  async revoke(id: string): Promise<boolean> {
    const result = await this.db
      .updateTable('enrollments')
      .set({ revoked_at: Date.now() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** A fresh single-use SCEP challenge for one device enrolling through this enrollment. */
  async issueChallenge(enrollmentId: string, ttlMs = CHALLENGE_TTL_MS): Promise<string> {
    const challenge = randomBytes(24).toString('base64url');
    const now = Date.now();
    await this.db
      .insertInto('scep_challenges')
      .values({ challenge_hash: sha256(challenge), enrollment_id: enrollmentId, created_at: now, expires_at: now + ttlMs, used_at: null })
      .execute();
    return challenge;
  }

  /**
   * Spends a challenge: it works once, before it expires, and only while its enrollment can still
   * admit a device (which then counts one use). Atomic under concurrency on both dialects.
   */
  async consumeChallenge(challenge: string, now = Date.now()): Promise<ChallengeOutcome> {
    if (challenge.length > 200) return { ok: false, reason: 'unknown' };
    const hash = sha256(challenge);
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('scep_challenges').selectAll().where('challenge_hash', '=', hash).executeTakeFirst();
      if (!row) return { ok: false, reason: 'unknown' } as const;
      if (row.used_at !== null) return { ok: false, reason: 'used' } as const;
      if (row.expires_at <= now) return { ok: false, reason: 'expired' } as const;
      const spent = await trx
        .updateTable('scep_challenges')
        .set({ used_at: now })
        .where('challenge_hash', '=', hash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      if (Number(spent.numUpdatedRows) === 0) return { ok: false, reason: 'used' } as const;
      const counted = await trx
        .updateTable('enrollments')
        .set((eb) => ({ uses: eb('uses', '+', 1) }))
        .where('id', '=', row.enrollment_id)
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
        .executeTakeFirst();
      if (Number(counted.numUpdatedRows) === 0) return { ok: false, reason: 'enrollment_unusable' } as const;
      const enrollment = await trx.selectFrom('enrollments').selectAll().where('id', '=', row.enrollment_id).executeTakeFirstOrThrow();
      return { ok: true, enrollment } as const;
    });
  }
}

export function usable(row: EnrollmentRow, now = Date.now()): boolean {
  return !row.revoked_at && (row.expires_at === null || row.expires_at > now) && (row.max_uses === null || row.uses < row.max_uses);
}
