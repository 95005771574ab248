import type { ComponentType } from 'react';
import {
  AppsIcon,
  AuditIcon,
  CommandsIcon,
  ComplianceIcon,
  DashboardIcon,
  DevicesIcon,
  EnrollIcon,
  GroupsIcon,
  PolicyIcon,
  ProfileIcon,
  ReportIcon,
  SettingsIcon,
  UpdateIcon,
  UsersIcon,
  WebhookIcon,
} from './icons';

export interface NavItem {
  to:
    | '/'
    | '/devices'
    | '/enrollment'
    | '/groups'
    | '/policies'
    | '/profiles'
    | '/compliance'
    | '/apps'
    | '/os-updates'
    | '/reports'
    | '/webhooks'
    | '/settings'
    | '/commands'
    | '/audit'
    | '/users';
  label: string;
  icon: ComponentType;
  /** Shown only to roles that may read what the page lists. */
  permission: string;
  /** Other paths that belong to this entry (a device's page belongs to Devices). */
  also?: string[];
}

/**
 * The main navigation, in order. Pages still to come plug in here with their route in router.tsx:
 * Policies and Profiles (after Groups), Apps, OS updates, Compliance rules, Reports, Webhooks and
 * Settings (before Users & tokens), each with the permission its list needs.
 */
export const NAV: NavItem[] = [
  { to: '/', label: 'Dashboard', icon: DashboardIcon, permission: 'devices.read' },
  { to: '/devices', label: 'Devices', icon: DevicesIcon, permission: 'devices.read' },
  { to: '/enrollment', label: 'Enrollment', icon: EnrollIcon, permission: 'enrollments.read' },
  { to: '/groups', label: 'Groups', icon: GroupsIcon, permission: 'groups.read' },
  { to: '/policies', label: 'Policies', icon: PolicyIcon, permission: 'policies.read' },
  { to: '/profiles', label: 'Profiles', icon: ProfileIcon, permission: 'policies.read' },
  { to: '/apps', label: 'Apps', icon: AppsIcon, permission: 'apps.read' },
  { to: '/os-updates', label: 'OS updates', icon: UpdateIcon, permission: 'os_updates.read' },
  { to: '/compliance', label: 'Compliance rules', icon: ComplianceIcon, permission: 'compliance.read' },
  { to: '/reports', label: 'Reports', icon: ReportIcon, permission: 'reports.read' },
  { to: '/commands', label: 'Commands', icon: CommandsIcon, permission: 'commands.read' },
  { to: '/audit', label: 'Audit log', icon: AuditIcon, permission: 'audit.read' },
  { to: '/webhooks', label: 'Webhooks', icon: WebhookIcon, permission: 'webhooks.read' },
  { to: '/settings', label: 'Settings', icon: SettingsIcon, permission: 'devices.read' },
  { to: '/users', label: 'Users & tokens', icon: UsersIcon, permission: 'users.read' },
];

export const isActive = (item: NavItem, pathname: string): boolean =>
  item.to === '/' ? pathname === '/' : pathname === item.to || pathname.startsWith(`${item.to}/`) || Boolean(item.also?.some((p) => pathname.startsWith(p)));
