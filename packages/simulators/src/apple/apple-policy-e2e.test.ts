import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppleLab, startAppleLab } from '../test-support/apple-lab.js';
import { AppleDevice } from './apple-device.js';

interface ConfigurationState {
  key: string;
  itemType: string;
  state: string;
  reason: string | null;
}
interface Effective {
  items: { key: string; itemType: string }[];
  states: ConfigurationState[];
  translation: { supported: boolean; payload: { identifier: string } };
}

async function until<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!check(value)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

/**
 * A policy assigned to a group reaches an enrolled (simulated) iPhone through the reconciler,
 * over real HTTP: the reconciler enqueues apply_configuration, Apple pushes, the device fetches
 * InstallProfile, installs and acknowledges, and the state becomes installed. Unassigning removes it.
 */
describe('policies reach Apple devices end to end', () => {
  let lab: AppleLab;
  let device: AppleDevice;
  let deviceId: string;
  let groupId: string;
  let policyId: string;

  const effective = async () => (await lab.api<Effective>('GET', `/api/v1/devices/${deviceId}/effective-policy`, 'auditor')).json;
  const policyState = async () => {
    // Results are read back every 10 s; wake that job instead of waiting for its period.
    await lab.server.ctx.jobs.wake('periodic:policies.outcomes');
    return (await effective()).states.find((s) => s.itemType === 'policy');
  };

  beforeAll(async () => {
    lab = await startAppleLab();
    groupId = (await lab.api<{ id: string }>('POST', '/api/v1/groups', 'operator', { name: 'Field workers', kind: 'static' })).json.id;
    const enrollment = await lab.api<{ profileUrl: string }>('POST', '/api/v1/enrollments', 'operator', {
      name: 'Field iPhones',
      platform: 'apple',
      ownership: 'corporate',
      groupId,
    });
    device = new AppleDevice({ model: 'iPhone' });
    lab.apns.onPush((push) => {
      if (push.token === device.pushTokenHex) void device.wake();
    });
    await device.enroll(enrollment.json.profileUrl);
    const devices = await lab.api<{ items: { id: string }[] }>('GET', `/api/v1/devices?search=${device.udid}`, 'auditor');
    deviceId = devices.json.items[0]?.id ?? '';
  }, 60_000);
  afterAll(() => lab?.close());

  it('a policy assigned to the group is installed as a profile and acknowledged', async () => {
    const created = await lab.api<{ id: string }>('POST', '/api/v1/policies', 'operator', {
      name: 'Field security',
      settings: { passcode: { minLength: 6, complexity: 'numeric' }, encryption: { required: true }, restrictions: { camera: false } },
      groupIds: [groupId],
    });
    expect(created.status).toBe(201);
    policyId = created.json.id;
    const { translation } = await effective();
    const identifier = translation.payload.identifier;
    await until('the profile on the device', async () => device.state.profiles.has(identifier), Boolean);
    const state = await until('installed', policyState, (s) => s?.state === 'installed');
    expect(state?.reason).toBeNull();
    const commands = await lab.api<{ items: { type: string; createdBy: string }[] }>(
      'GET',
      `/api/v1/commands?deviceId=${deviceId}&type=apply_configuration`,
      'auditor',
    );
    expect(commands.json.items).toHaveLength(1);
    expect(commands.json.items[0]?.createdBy).toBe('reconciler');
  });

  it('unassigning removes the profile from the device', async () => {
    const identifier = (await effective()).translation.payload.identifier;
    const res = await lab.api('PUT', `/api/v1/policies/${policyId}/assignments`, 'operator', { groupIds: [] });
    expect(res.status).toBe(200);
    await until(
      'the profile gone',
      async () => device.state.profiles.has(identifier),
      (has) => !has,
    );
    await until('removed', policyState, (s) => s?.state === 'removed');
  });
});
