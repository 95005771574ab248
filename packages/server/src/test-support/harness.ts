import { type App, buildAppForTests } from './app-for-tests.js';
import type { Context } from '../context.js';
import { createContext } from '../context.js';
import { type ConfigInput, loadConfig } from '../config/config.js';
import { ROLES, type RoleName } from '../core/permissions.js';
import type { TestDatabase } from './databases.js';
import { SESSION_COOKIE } from '../api/app.js';
import type { AuditRow } from '../core/audit/audit-repository.js';
import { hashPassword, newSecret, sha256 } from '../core/auth/secrets.js';
import type { UserRow } from '../core/users/user-repository.js';

/** Tests never push to Apple: a closed loopback port refuses at once. */
export const UNREACHABLE_APNS = 'https://127.0.0.1:9';

/** Every harness user's password. */
export const TEST_PASSWORD = 'correct horse battery staple';
const PASSWORD_HASH = await hashPassword(TEST_PASSWORD);

export interface Harness {
  app: App;
  ctx: Context;
  /** A bearer token per role. */
  tokens: Record<RoleName, string>;
  auth(role: RoleName): { authorization: string };
  /** A fresh console session (cookie header) for a user of this role. */
  session(role: RoleName): Promise<{ cookie: string }>;
  /** Audit records written for one request. */
  auditFor(requestId: string): Promise<AuditRow[]>;
  close(): Promise<void>;
}

/** A complete Steward application on a private database, driven with `app.inject`. */
export async function createHarness(database: TestDatabase, config: ConfigInput = {}): Promise<Harness> {
  const { url, dataDir, drop } = await database.create();
  const ctx = await createContext(
    loadConfig({ dataDir, databaseUrl: url, noTls: true, listen: '127.0.0.1:0', logLevel: 'silent', apnsUrl: UNREACHABLE_APNS, ...config }),
  );
  const app = await buildAppForTests(ctx);
  const tokens = {} as Record<RoleName, string>;
  const users = {} as Record<RoleName, UserRow>;
  for (const role of ROLES) {
    tokens[role] = (await ctx.auth.createToken({ name: `test-${role}`, role, createdBy: null })).secret;
    users[role] = await ctx.users.create({ email: `${role}@example.test`, passwordHash: PASSWORD_HASH, role });
  }
  return {
    app,
    ctx,
    tokens,
    auth: (role) => ({ authorization: `Bearer ${tokens[role]}` }),
    async session(role) {
      const user = users[role];
      const token = newSecret('sts_');
      const now = Date.now();
      await ctx.database.db
        .insertInto('sessions')
        .values({ id: sha256(token), user_id: user.id, created_at: now, expires_at: now + 3_600_000, last_seen_at: now, source_ip: null, user_agent: null })
        .execute();
      return { cookie: `${SESSION_COOKIE}=${token}` };
    },
    auditFor: (requestId) => ctx.database.db.selectFrom('audit_events').selectAll().where('request_id', '=', requestId).execute(),
    async close() {
      await app.close();
      await ctx.close();
      await drop();
    },
  };
}
