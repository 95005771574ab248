import fs from 'node:fs';
import path from 'node:path';
import type { AgentCheck } from './protocol.js';

/** What enrollment leaves behind in the state directory (config.json; the key and certificates beside it). */
export interface AgentConfig {
  server: string;
  deviceId: string;
  /** `pinned`: only ca.pem is trusted for the server's certificate; `system`: the OS's roots. */
  trust: 'pinned' | 'system';
  enrolledAt: string;
}

export interface InstalledChecks {
  key: string;
  version: string;
  checks: AgentCheck[];
}

/** The agent's state directory: key, certificate, pinned CA, configuration, checks, result queue. */
export class StateDir {
  constructor(readonly dir: string) {}

  static defaultDir(): string {
    if (process.platform === 'win32') return path.join(process.env.ProgramData ?? 'C:\\ProgramData', 'Steward', 'agent');
    if (process.platform === 'darwin') return '/Library/Application Support/Steward/agent';
    return '/var/lib/steward-agent';
  }

  file(name: string): string {
    return path.join(this.dir, name);
  }

  ensure(): void {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  get enrolled(): boolean {
    return fs.existsSync(this.file('config.json')) && fs.existsSync(this.file('agent.crt'));
  }

  readConfig(): AgentConfig {
    return JSON.parse(fs.readFileSync(this.file('config.json'), 'utf8')) as AgentConfig;
  }

  read(name: string): string {
    return fs.readFileSync(this.file(name), 'utf8');
  }

  readOptional(name: string): string | undefined {
    try {
      return fs.readFileSync(this.file(name), 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Written to a temporary file, flushed and renamed: a crash leaves the old or the new file, never half of one. */
  writeAtomic(name: string, content: string, mode = 0o600): void {
    const target = this.file(name);
    const temporary = `${target}.${process.pid}.tmp`;
    const fd = fs.openSync(temporary, 'w', mode);
    try {
      fs.writeSync(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, target);
  }

  checks(): InstalledChecks[] {
    const text = this.readOptional('checks.json');
    return text ? (JSON.parse(text) as InstalledChecks[]) : [];
  }

  saveChecks(checks: InstalledChecks[]): void {
    this.writeAtomic('checks.json', JSON.stringify(checks, null, 2));
  }
}
