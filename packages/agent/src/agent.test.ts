import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compareVersions, evaluateChecks } from './checks.js';
import { CommandRunner } from './command-runner.js';
import { changedSections, hashes } from './inventory.js';
import type { AgentCommand, InventorySections } from './protocol.js';
import { backoffMs, ResultQueue } from './result-queue.js';
import { StateDir } from './state.js';
import { RecordingActions } from './system-actions.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-agent-unit-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const command = (type: AgentCommand['type'], params: Record<string, unknown> = {}): AgentCommand => ({
  id: `0190f5a2-0000-7000-8000-${String(Math.floor(Math.random() * 1e12)).padStart(12, '0')}`,
  type,
  params,
  expiresAt: new Date(Date.now() + 60_000).toISOString(),
});

describe('result queue', () => {
  it('survives a restart: queued results and handled ids are read back; removal is durable', () => {
    const dir = tempDir();
    const open = () => new ResultQueue(path.join(dir, 'results.jsonl'), path.join(dir, 'handled.log'));
    const queue = open();
    queue.push('a', { status: 'acknowledged', output: { exitCode: 0 } });
    queue.push('b', { status: 'error', error: { code: 'x', message: 'y' } });
    const reopened = open();
    expect(reopened.pending().map((i) => i.commandId)).toEqual(['a', 'b']);
    expect(reopened.handled('a')).toBe(true);
    reopened.remove('a');
    const third = open();
    expect(third.pending().map((i) => i.commandId)).toEqual(['b']);
    // Delivered results are still remembered as handled: a redelivered command is not run twice.
    expect(third.handled('a')).toBe(true);
    expect(third.handled('c')).toBe(false);
  });

  it('skips a line torn by a crash mid-write', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'results.jsonl'), '{"commandId":"a","result":{"status":"acknowledged"},"queuedAt":1}\n{"commandId":"b","res');
    const queue = new ResultQueue(path.join(dir, 'results.jsonl'), path.join(dir, 'handled.log'));
    expect(queue.pending().map((i) => i.commandId)).toEqual(['a']);
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffMs(0, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffMs(0, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffMs(3, 1000, 60_000, () => 1)).toBe(8000);
    expect(backoffMs(20, 1000, 60_000, () => 1)).toBe(60_000);
    const samples = new Set(Array.from({ length: 20 }, () => backoffMs(4)));
    expect(samples.size).toBeGreaterThan(1);
  });
});

describe('inventory changes', () => {
  it('sends only changed sections, plus those the server asked for', () => {
    const sections: InventorySections = { system: { hostname: 'a' }, os: { family: 'linux', name: 'Debian', version: '12' } };
    const sent = hashes(sections);
    expect(changedSections(sections, {})).toEqual(sections);
    expect(changedSections(sections, sent)).toEqual({});
    expect(changedSections({ ...sections, system: { hostname: 'b' } }, sent)).toEqual({ system: { hostname: 'b' } });
    expect(changedSections(sections, sent, ['os'])).toEqual({ os: sections.os });
  });
});

describe('checks', () => {
  const inventory: InventorySections = {
    os: { family: 'linux', name: 'Debian', version: '12.4' },
    packages: { managers: ['dpkg'], items: [{ name: 'openssh-server' }] },
    security: { diskEncrypted: true, firewall: { enabled: false }, screenLock: { enabled: null } },
  };
  it('evaluates each check against the facts; unknown stays unknown', () => {
    const results = evaluateChecks(
      [
        {
          key: 'policy.x',
          version: '1',
          checks: [
            { id: 'enc', type: 'disk_encryption' },
            { id: 'fw', type: 'firewall' },
            { id: 'lock', type: 'screen_lock' },
            { id: 'os', type: 'os_version', minimum: '12.2' },
            { id: 'os13', type: 'os_version', minimum: '13' },
            { id: 'ssh', type: 'package', name: 'openssh-server', state: 'absent' },
          ],
        },
      ],
      inventory,
    );
    expect(results.map((r) => [r.id, r.passed])).toEqual([
      ['enc', true],
      ['fw', false],
      ['lock', null],
      ['os', true],
      ['os13', false],
      ['ssh', false],
    ]);
    expect(compareVersions('10.0.26100', '10.0.9')).toBeGreaterThan(0);
  });
});

describe('command runner', () => {
  const refreshes: number[] = [];
  const hooks = { refreshInventory: async () => void refreshes.push(Date.now()) };

  it('restarts, shuts down, locks, renames and installs through the executor it is given (recorded, nothing happens here)', async () => {
    const actions = new RecordingActions();
    const runner = new CommandRunner(actions, undefined, hooks);
    expect((await runner.execute(command('restart'))).status).toBe('acknowledged');
    expect((await runner.execute(command('shutdown', { delaySeconds: 120 }))).status).toBe('acknowledged');
    expect((await runner.execute(command('lock_screen', { message: 'hi' }))).status).toBe('acknowledged');
    expect((await runner.execute(command('rename_host', { name: 'ws-042' }))).status).toBe('acknowledged');
    expect((await runner.execute(command('install_package', { name: 'htop' }))).status).toBe('acknowledged');
    expect((await runner.execute(command('remove_package', { name: '--purge' }))).error?.code).toBe('invalid_params');
    expect((await runner.execute(command('rename_host', { name: 'bad name;rm' }))).error?.code).toBe('invalid_params');
    expect(actions.calls).toEqual([
      { action: 'restart', args: [60] },
      { action: 'shutdown', args: [120] },
      { action: 'lockScreen', args: ['hi'] },
      { action: 'renameHost', args: ['ws-042'] },
      { action: 'installPackage', args: ['htop', undefined] },
    ]);
  });

  it('runs scripts for real with a timeout, and collects logs', async () => {
    const runner = new CommandRunner(new RecordingActions(), undefined, hooks);
    const ok = await runner.execute(command('run_script', { interpreter: 'bash', script: 'echo $((6*7)); exit 0' }));
    expect(ok).toMatchObject({ status: 'acknowledged', output: { exitCode: 0, stdout: '42\n' } });
    const timeout = await runner.execute(command('run_script', { interpreter: 'sh', script: 'sleep 20', timeoutSeconds: 1 }));
    expect(timeout).toMatchObject({ status: 'error', error: { code: 'timeout' } });
    const expired = await runner.execute({
      ...command('run_script', { interpreter: 'sh', script: 'echo no' }),
      expiresAt: new Date(Date.now() - 1).toISOString(),
    });
    expect(expired.error?.code).toBe('expired');
    const logs = await runner.execute(command('collect_logs', { sinceHours: 1, maxLines: 50 }));
    expect(logs.status).toBe('acknowledged');
    expect(logs.output).toMatchObject({ source: expect.any(String), host: os.hostname() });
  });

  it('keeps installed checks in the state dir', async () => {
    const state = new StateDir(tempDir());
    const runner = new CommandRunner(new RecordingActions(), state, hooks);
    await runner.execute(command('apply_checks', { key: 'policy.a', version: 'v1', checks: [{ id: 'fw', type: 'firewall' }] }));
    await runner.execute(command('apply_checks', { key: 'policy.a', version: 'v2', checks: [{ id: 'enc', type: 'disk_encryption' }] }));
    expect(state.checks()).toEqual([{ key: 'policy.a', version: 'v2', checks: [{ id: 'enc', type: 'disk_encryption' }] }]);
    await runner.execute(command('remove_checks', { key: 'policy.a' }));
    expect(state.checks()).toEqual([]);
  });
});
