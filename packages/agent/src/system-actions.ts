import os from 'node:os';
import { run, type RunOutput } from './exec.js';

/**
 * The actions that change the machine itself. The agent takes them through this interface so a test
 * (or the simulator) can record them instead of rebooting the machine it runs on.
 */
export interface SystemActions {
  lockScreen(message?: string): Promise<RunOutput>;
  restart(delaySeconds: number): Promise<RunOutput>;
  shutdown(delaySeconds: number): Promise<RunOutput>;
  installPackage(name: string, version?: string): Promise<RunOutput>;
  removePackage(name: string): Promise<RunOutput>;
  renameHost(name: string): Promise<RunOutput>;
}

const TIMEOUT = 30 * 60_000;
const exists = async (file: string) => (await run(process.platform === 'win32' ? 'where' : 'which', [file], { timeoutMs: 10_000 })).exitCode === 0;
const unsupported = (what: string): RunOutput => ({
  exitCode: null,
  stdout: '',
  stderr: `${what} is not supported on ${process.platform}`,
  timedOut: false,
  durationMs: 0,
  truncated: false,
});

/** The real thing: each OS's own commands. */
export class OsActions implements SystemActions {
  async lockScreen(): Promise<RunOutput> {
    if (process.platform === 'linux') return run('loginctl', ['lock-sessions'], { timeoutMs: 30_000 });
    if (process.platform === 'darwin') return run('pmset', ['displaysleepnow'], { timeoutMs: 30_000 });
    if (process.platform === 'win32') return run('rundll32.exe', ['user32.dll,LockWorkStation'], { timeoutMs: 30_000 });
    return unsupported('locking the screen');
  }

  async restart(delaySeconds: number): Promise<RunOutput> {
    if (process.platform === 'win32') return run('shutdown', ['/r', '/t', String(delaySeconds)], { timeoutMs: 30_000 });
    // Minutes on Unix; "+0" is now. The result is sent before the machine goes down (see the runner).
    return run('shutdown', ['-r', `+${Math.ceil(delaySeconds / 60)}`], { timeoutMs: 30_000 });
  }

  async shutdown(delaySeconds: number): Promise<RunOutput> {
    if (process.platform === 'win32') return run('shutdown', ['/s', '/t', String(delaySeconds)], { timeoutMs: 30_000 });
    return run('shutdown', [process.platform === 'darwin' ? '-h' : '-h', `+${Math.ceil(delaySeconds / 60)}`], { timeoutMs: 30_000 });
  }

  async installPackage(name: string, version?: string): Promise<RunOutput> {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if (process.platform === 'linux') {
      if (await exists('apt-get')) return run('apt-get', ['install', '-y', '--', version ? `${name}=${version}` : name], { timeoutMs: TIMEOUT, env });
      if (await exists('dnf')) return run('dnf', ['install', '-y', '--', version ? `${name}-${version}` : name], { timeoutMs: TIMEOUT });
      if (await exists('zypper')) return run('zypper', ['--non-interactive', 'install', '--', name], { timeoutMs: TIMEOUT });
      return unsupported('installing packages without apt, dnf or zypper');
    }
    if (process.platform === 'darwin') return run('brew', ['install', '--', name], { timeoutMs: TIMEOUT });
    if (process.platform === 'win32')
      return run(
        'winget',
        [
          'install',
          '--id',
          name,
          '--exact',
          '--silent',
          '--accept-package-agreements',
          '--accept-source-agreements',
          ...(version ? ['--version', version] : []),
        ],
        { timeoutMs: TIMEOUT },
      );
    return unsupported('installing packages');
  }

  async removePackage(name: string): Promise<RunOutput> {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if (process.platform === 'linux') {
      if (await exists('apt-get')) return run('apt-get', ['remove', '-y', '--', name], { timeoutMs: TIMEOUT, env });
      if (await exists('dnf')) return run('dnf', ['remove', '-y', '--', name], { timeoutMs: TIMEOUT });
      if (await exists('zypper')) return run('zypper', ['--non-interactive', 'remove', '--', name], { timeoutMs: TIMEOUT });
      return unsupported('removing packages without apt, dnf or zypper');
    }
    if (process.platform === 'darwin') return run('brew', ['uninstall', '--', name], { timeoutMs: TIMEOUT });
    if (process.platform === 'win32') return run('winget', ['uninstall', '--id', name, '--exact', '--silent'], { timeoutMs: TIMEOUT });
    return unsupported('removing packages');
  }

  async renameHost(name: string): Promise<RunOutput> {
    if (process.platform === 'linux') return run('hostnamectl', ['set-hostname', name], { timeoutMs: 30_000 });
    if (process.platform === 'darwin') {
      for (const key of ['ComputerName', 'LocalHostName', 'HostName']) {
        const out = await run('scutil', ['--set', key, name], { timeoutMs: 30_000 });
        if (out.exitCode !== 0) return out;
      }
      return { exitCode: 0, stdout: '', stderr: '', timedOut: false, durationMs: 0, truncated: false };
    }
    if (process.platform === 'win32')
      return run('powershell', ['-NoProfile', '-NonInteractive', '-Command', `Rename-Computer -NewName '${name}' -Force`], { timeoutMs: 60_000 });
    return unsupported(`renaming ${os.hostname()}`);
  }
}

/** Records what it was asked and changes nothing: tests and the simulator. */
export class RecordingActions implements SystemActions {
  readonly calls: { action: keyof SystemActions; args: unknown[] }[] = [];
  private done(action: keyof SystemActions, ...args: unknown[]): Promise<RunOutput> {
    this.calls.push({ action, args });
    return Promise.resolve({ exitCode: 0, stdout: `recorded ${action}`, stderr: '', timedOut: false, durationMs: 0, truncated: false });
  }
  lockScreen(message?: string) {
    return this.done('lockScreen', message);
  }
  restart(delaySeconds: number) {
    return this.done('restart', delaySeconds);
  }
  shutdown(delaySeconds: number) {
    return this.done('shutdown', delaySeconds);
  }
  installPackage(name: string, version?: string) {
    return this.done('installPackage', name, version);
  }
  removePackage(name: string) {
    return this.done('removePackage', name);
  }
  renameHost(name: string) {
    return this.done('renameHost', name);
  }
}
