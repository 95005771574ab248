import { Type } from 'typebox';
import { iso } from '../../core/ids.js';
import type { UserRow } from '../../core/users/user-repository.js';
import { Email, NullableTimestamp, RoleSchema, Timestamp, Uuid } from '../schemas.js';

export const UserSchema = Type.Object({
  id: Uuid,
  email: Email,
  displayName: Type.Union([Type.String(), Type.Null()]),
  role: RoleSchema,
  mfaEnabled: Type.Boolean(),
  disabled: Type.Boolean(),
  lockedUntil: NullableTimestamp,
  createdAt: Timestamp,
  lastLoginAt: NullableTimestamp,
});

export const toUser = (row: UserRow) => ({
  id: row.id,
  email: row.email,
  displayName: row.display_name,
  role: row.role as 'admin',
  mfaEnabled: row.totp_enabled === 1,
  disabled: row.disabled === 1,
  lockedUntil: row.locked_until && row.locked_until > Date.now() ? iso(row.locked_until) : null,
  createdAt: iso(row.created_at),
  lastLoginAt: iso(row.last_login_at),
});
