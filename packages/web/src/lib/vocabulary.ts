import type { Platform, Role } from '../api/types';

/** How the console names things the API spells as identifiers. */
export const PLATFORM_LABELS: Readonly<Record<Platform, string>> = Object.freeze({
  ios: 'iOS',
  ipados: 'iPadOS',
  macos: 'macOS',
  windows: 'Windows',
  android: 'Android',
  linux: 'Linux',
});

export const PLATFORM_OPTIONS = (Object.keys(PLATFORM_LABELS) as Platform[]).map((value) => ({ value, label: PLATFORM_LABELS[value] }));

export const isPlatform = (value: unknown): value is Platform => typeof value === 'string' && Object.hasOwn(PLATFORM_LABELS, value);

export const ROLE_OPTIONS: { value: Role; label: string; description: string }[] = [
  { value: 'admin', label: 'Admin', description: 'Everything, including users, tokens and the audit log' },
  { value: 'operator', label: 'Operator', description: 'Devices, groups and every command' },
  { value: 'helpdesk', label: 'Helpdesk', description: 'Read devices; lock, locate and other support commands' },
  { value: 'auditor', label: 'Auditor', description: 'Read everything, change nothing' },
];

export const roleLabel = (role: string): string => ROLE_OPTIONS.find((r) => r.value === role)?.label ?? role;

/** Audit actions the server records, offered as suggestions in the audit filter. */
export const AUDIT_ACTIONS = [
  'setup.complete',
  'auth.login',
  'auth.logout',
  'auth.password_change',
  'auth.mfa_begin',
  'auth.mfa_enable',
  'auth.mfa_disable',
  'users.create',
  'users.update',
  'users.delete',
  'tokens.create',
  'tokens.revoke',
  'devices.update',
  'devices.retire',
  'devices.delete',
  'devices.export',
  'saved_views.create',
  'saved_views.update',
  'saved_views.delete',
  'groups.create',
  'groups.update',
  'groups.members',
  'groups.delete',
  'commands.create',
  'commands.cancel',
  'enrollments.create',
  'enrollments.revoke',
  'apple.push_certificate_upload',
  'unknown_route',
];
