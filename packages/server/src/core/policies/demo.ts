import type { Context } from '../../context.js';
import type { Platform } from '../devices/device-model.js';
import type { PolicySettings } from './policy-model.js';

export interface DemoResult {
  groups: Record<string, string>;
  policies: Record<string, string>;
  apps: number;
  devices: number;
}

const GROUPS = {
  executives: 'Executives',
  developers: 'Developers',
  field: 'Field workers',
} as const;

/** Three security profiles, one per group, showing what the merge and the translators do. */
const POLICIES: ReadonlyArray<{ name: string; group: keyof typeof GROUPS; priority: number; description: string; settings: PolicySettings }> = [
  {
    name: 'Executives: strict',
    group: 'executives',
    priority: 10,
    description: 'Long alphanumeric passcode, short lock, encryption, the company VPN.',
    settings: {
      passcode: { required: true, minLength: 10, complexity: 'alphanumeric', maxInactivityMinutes: 2, maxFailedAttempts: 6, historyCount: 10, maxAgeDays: 90 },
      encryption: { required: true },
      restrictions: { screenCapture: false },
      vpn: [{ name: 'HQ', type: 'ikev2', server: 'vpn.example.com', authentication: 'certificate', fullTunnel: true }],
    },
  },
  {
    name: 'Developers: relaxed',
    group: 'developers',
    priority: 50,
    description: 'A passcode and encryption; developers may install what they need.',
    settings: {
      passcode: { required: true, minLength: 6, maxInactivityMinutes: 15 },
      encryption: { required: true },
      wifi: [{ ssid: 'Office', security: 'wpa2-personal', password: 'office-password' }],
    },
  },
  {
    name: 'Field workers: plant floor',
    group: 'field',
    priority: 20,
    description: 'A 6-digit passcode, encryption, and no camera in the plant.',
    settings: {
      passcode: { required: true, minLength: 6, complexity: 'numeric', maxInactivityMinutes: 5, maxFailedAttempts: 10 },
      encryption: { required: true },
      restrictions: { camera: false },
      wifi: [{ ssid: 'Plant', security: 'wpa2-enterprise', eap: { method: 'peap', username: '{{user}}' } }],
    },
  },
];

const APPS: ReadonlyArray<{ name: string; platform: Platform; identifier: string; group: keyof typeof GROUPS; install: 'required' | 'available' | 'blocked' }> =
  [
    { name: 'Microsoft Teams', platform: 'ios', identifier: 'com.microsoft.skype.teams', group: 'executives', install: 'required' },
    { name: 'Field Service', platform: 'ios', identifier: 'com.example.fieldservice', group: 'field', install: 'required' },
    { name: 'Field Service', platform: 'android', identifier: 'com.example.fieldservice', group: 'field', install: 'required' },
    { name: 'TikTok', platform: 'ios', identifier: 'com.zhiliaoapp.musically', group: 'field', install: 'blocked' },
    { name: 'Visual Studio Code', platform: 'macos', identifier: 'com.microsoft.VSCode', group: 'developers', install: 'available' },
  ];

const DEVICE_MIX: Readonly<Record<keyof typeof GROUPS, readonly Platform[]>> = {
  executives: ['ios', 'macos', 'ipados'],
  developers: ['macos', 'linux', 'windows'],
  field: ['ios', 'android', 'windows'],
};

/**
 * Seeds demo data: three groups, a security policy for each, a few apps and an OS target, and
 * optionally simulated devices (database records only: nothing answers their commands). Running it
 * again changes nothing: everything is found by name and updated to the demo values.
 */
export async function seedDemo(ctx: Context, options: { devices?: number } = {}): Promise<DemoResult> {
  const groups: Record<string, string> = {};
  for (const [key, name] of Object.entries(GROUPS)) {
    const existing = await ctx.groups.findByName(name);
    groups[key] = existing?.id ?? (await ctx.groups.create({ name, kind: 'static', description: 'Steward demo' })).id;
  }
  const policies: Record<string, string> = {};
  for (const p of POLICIES) {
    const existing = await ctx.policies.findPolicyByName(p.name);
    const id = existing?.id ?? (await ctx.policies.createPolicy({ name: p.name, description: p.description, settings: p.settings, priority: p.priority })).id;
    if (existing && existing.settings !== JSON.stringify(p.settings)) await ctx.policies.updatePolicy(id, { settings: p.settings, priority: p.priority });
    const assigned = (await ctx.policies.assignmentsOf('policy', id)).map((a) => a.group_id);
    const groupId = groups[p.group] as string;
    if (!assigned.includes(groupId))
      await ctx.policies.setAssignments(
        'policy',
        id,
        [...assigned, groupId].map((g) => ({ groupId: g })),
      );
    policies[p.name] = id;
  }
  for (const a of APPS) {
    const app =
      (await ctx.policies.findApp(a.platform, a.identifier)) ??
      (await ctx.policies.createApp({ name: a.name, platform: a.platform, kind: 'store', identifier: a.identifier }));
    const assignments = await ctx.policies.assignmentsOf('app', app.id);
    const groupId = groups[a.group] as string;
    if (!assignments.some((x) => x.group_id === groupId && x.install === a.install)) {
      const others = assignments.filter((x) => x.group_id !== groupId).map((x) => ({ groupId: x.group_id, install: (x.install ?? 'required') as 'required' }));
      await ctx.policies.setAssignments('app', app.id, [...others, { groupId, install: a.install }]);
    }
  }
  const field = groups.field as string;
  const target = (await ctx.policies.listOsTargets()).find((t) => t.group_id === field && t.platform === 'ios');
  if (target?.minimum_version !== '18.2') {
    await ctx.policies.upsertOsTarget({ groupId: field, platform: 'ios', minimumVersion: '18.2', deadline: Date.parse('2030-01-04T17:00:00Z') });
  }

  let devices = 0;
  const perGroup = Math.ceil((options.devices ?? 0) / 3);
  for (const [key, platforms] of Object.entries(DEVICE_MIX) as Array<[keyof typeof GROUPS, readonly Platform[]]>) {
    const wanted: string[] = [];
    for (let i = 0; i < perGroup && devices < (options.devices ?? 0); i++, devices++) {
      const platform = platforms[i % platforms.length] as Platform;
      const serial = `DEMO-${key.toUpperCase()}-${String(i + 1).padStart(4, '0')}`;
      const { items } = await ctx.devices.list({ filter: { search: serial }, sort: 'name', order: 'asc', offset: 0, limit: 1 });
      const existing = items.find((d) => d.serial_number === serial);
      const device =
        existing ??
        (await ctx.devices.create({
          platform,
          ownership: i % 5 === 4 ? 'personal' : 'corporate',
          name: `${GROUPS[key]} ${platform} ${i + 1}`,
          serialNumber: serial,
          osVersion: platform === 'ios' || platform === 'ipados' ? (i % 2 ? '18.2' : '17.6') : undefined,
          assignedUser: `${key}.${i + 1}@example.com`,
        }));
      wanted.push(device.id);
    }
    if (wanted.length) {
      await ctx.groups.addMembers(groups[key] as string, wanted);
      await ctx.policies.markDevices(wanted);
    }
  }
  return { groups, policies, apps: APPS.length, devices };
}
