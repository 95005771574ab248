/**
 * Roles and permissions, declared as data in one place. A route names the one permission it needs;
 * anything not granted here is denied.
 */
export const ROLES = ['admin', 'operator', 'helpdesk', 'auditor'] as const;
export type RoleName = (typeof ROLES)[number];

const ALL: readonly RoleName[] = ROLES;
const MANAGE: readonly RoleName[] = ['admin', 'operator'];
const SUPPORT: readonly RoleName[] = ['admin', 'operator', 'helpdesk'];
const ADMIN: readonly RoleName[] = ['admin'];
const AUDIT: readonly RoleName[] = ['admin', 'auditor'];

export const PERMISSIONS = Object.freeze({
  'devices.read': ALL,
  'devices.update': MANAGE,
  'devices.retire': MANAGE,
  'devices.delete': MANAGE,
  /** Escrowed disk recovery keys (BitLocker): the people who help users locked out of their disk. */
  'devices.recovery_keys.read': ['admin', 'helpdesk'],
  'groups.read': ALL,
  'groups.write': MANAGE,
  'commands.read': ALL,
  /** Enqueue any command at all; each intent also needs its own permission below. */
  'commands.create': SUPPORT,
  'commands.cancel': MANAGE,
  'command.lock': SUPPORT,
  'command.locate': SUPPORT,
  'command.clear_passcode': SUPPORT,
  'command.refresh_inventory': SUPPORT,
  'command.play_lost_mode_sound': SUPPORT,
  'command.restart': MANAGE,
  'command.shutdown': MANAGE,
  'command.wipe': MANAGE,
  'command.enable_lost_mode': MANAGE,
  'command.disable_lost_mode': MANAGE,
  'command.install_profile': MANAGE,
  'command.remove_profile': MANAGE,
  'command.install_app': MANAGE,
  'command.remove_app': MANAGE,
  'command.os_update': MANAGE,
  'command.run_script': MANAGE,
  'command.raw': MANAGE,
  'enrollments.read': ALL,
  'enrollments.write': MANAGE,
  'apns.read': ALL,
  'apns.write': ADMIN,
  'android.read': ALL,
  'android.write': ADMIN,
  'declarations.read': ALL,
  'declarations.write': MANAGE,
  'users.read': AUDIT,
  'users.write': ADMIN,
  'tokens.read': AUDIT,
  'tokens.write': ADMIN,
  'audit.read': AUDIT,
  'compliance.read': ALL,
  'compliance.write': MANAGE,
  'reports.read': ALL,
  'reports.write': MANAGE,
  'webhooks.read': AUDIT,
  'webhooks.write': ADMIN,
  'policies.read': ALL,
  'policies.write': MANAGE,
  'apps.read': ALL,
  'apps.write': MANAGE,
  'os_updates.read': ALL,
  'os_updates.write': MANAGE,
} satisfies Record<string, readonly RoleName[]>);

export type Permission = keyof typeof PERMISSIONS;

export function isRole(value: string): value is RoleName {
  return (ROLES as readonly string[]).includes(value);
}

export function can(role: string, permission: Permission): boolean {
  return isRole(role) && (PERMISSIONS[permission] as readonly string[]).includes(role);
}
