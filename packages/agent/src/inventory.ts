import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import si from 'systeminformation';
import { probe, probeAny } from './exec.js';
import type { InventorySections, OsFamily, SectionName } from './protocol.js';

/** Where inventory comes from: the real machine, or a simulator's virtual one. */
export interface InventorySource {
  collect(): Promise<InventorySections>;
}

export const osFamily = (platform: NodeJS.Platform = process.platform): OsFamily =>
  platform === 'darwin' ? 'macos' : platform === 'win32' ? 'windows' : 'linux';

/** A stable hash of one section (keys sorted), to send only what changed. */
export function sectionHash(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex').slice(0, 32);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function hashes(sections: InventorySections): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(sections)) if (value !== undefined) out[name] = sectionHash(value);
  return out;
}

/** The sections whose hash differs from what was last sent (all of them the first time). */
export function changedSections(sections: InventorySections, sent: Record<string, string>, also: readonly SectionName[] = []): InventorySections {
  const now = hashes(sections);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(sections)) {
    if (value !== undefined && (sent[name] !== now[name] || also.includes(name as SectionName))) out[name] = value;
  }
  return out as InventorySections;
}

const clip = (value: string | undefined, max = 250): string | undefined => {
  const trimmed = value?.trim();
  return trimmed ? trimmed.slice(0, max) : undefined;
};

/** This machine, read through systeminformation and the OS's own tools. Probes that fail leave a fact unknown (null), never guessed. */
export class MachineInventory implements InventorySource {
  private readonly family = osFamily();

  async collect(): Promise<InventorySections> {
    const [system, osInfo, cpu, mem, network, disks, users, packages, security] = await Promise.all([
      si.system().catch(() => undefined),
      si.osInfo(),
      si.cpu().catch(() => undefined),
      si.mem().catch(() => undefined),
      si.networkInterfaces().catch(() => []),
      this.disks(),
      this.users(),
      this.packages(),
      this.security(),
    ]);
    const bootedAt = Math.round(Date.now() - os.uptime() * 1000);
    const sections: InventorySections = {
      system: {
        hostname: os.hostname().slice(0, 255),
        ...(clip(system?.manufacturer) ? { manufacturer: clip(system?.manufacturer) } : {}),
        ...(clip(system?.model) ? { model: clip(system?.model) } : {}),
        ...(clip(system?.serial) && system?.serial !== '-' ? { serialNumber: clip(system?.serial) } : {}),
        ...(clip(system?.uuid) ? { hardwareUuid: clip(system?.uuid) } : {}),
        ...(system ? { virtual: Boolean(system.virtual) } : {}),
      },
      os: {
        family: this.family,
        name: clip(osInfo.distro) ?? this.family,
        version: clip(osInfo.release, 120) ?? os.release(),
        ...(clip(osInfo.build) ? { build: clip(osInfo.build) } : {}),
        kernel: clip(osInfo.kernel) ?? os.release(),
        arch: clip(osInfo.arch) ?? os.arch(),
      },
      hardware: {
        ...(cpu
          ? {
              cpu: {
                brand: clip(`${cpu.manufacturer} ${cpu.brand}`) ?? 'unknown',
                ...(cpu.manufacturer ? { manufacturer: clip(cpu.manufacturer) } : {}),
                cores: cpu.cores,
                physicalCores: cpu.physicalCores,
                ...(cpu.speed ? { speedGHz: cpu.speed } : {}),
              },
            }
          : {}),
        ...(mem ? { memoryBytes: mem.total } : {}),
      },
      disks,
      network: (Array.isArray(network) ? network : [network]).slice(0, 100).map((n) => ({
        name: n.iface.slice(0, 250),
        ...(n.mac ? { mac: n.mac } : {}),
        ipv4: n.ip4 ? [n.ip4] : [],
        ipv6: n.ip6 ? [n.ip6] : [],
        ...(n.type ? { type: n.type } : {}),
        up: n.operstate === 'up',
      })),
      users,
      packages,
      security,
      // To the minute, so the section only changes when the machine restarts.
      status: { bootedAt: bootedAt - (bootedAt % 60_000) },
    };
    return sections;
  }

  // --- disks and encryption ----------------------------------------------------------------------

  private async disks(): Promise<NonNullable<InventorySections['disks']>> {
    const sizes = await si.fsSize().catch(() => []);
    const used = new Map(sizes.map((s) => [s.mount, s]));
    if (this.family === 'linux') {
      // lsblk's tree tells which filesystems sit on a dm-crypt (LUKS) mapping.
      const text = await probe('lsblk', ['-J', '-b', '-o', 'NAME,TYPE,FSTYPE,MOUNTPOINT,SIZE']);
      if (text) {
        type Node = { name: string; type: string; fstype: string | null; mountpoint: string | null; size: number | string; children?: Node[] };
        const out: NonNullable<InventorySections['disks']> = [];
        const walk = (node: Node, encrypted: boolean) => {
          const here = encrypted || node.type === 'crypt';
          if (node.mountpoint && !node.mountpoint.startsWith('[')) {
            out.push({
              name: node.name,
              mount: node.mountpoint,
              type: node.fstype ?? node.type,
              sizeBytes: Number(node.size) || 0,
              ...(used.get(node.mountpoint) ? { usedBytes: used.get(node.mountpoint)?.used } : {}),
              encrypted: here,
              ...(here ? { encryption: 'luks' } : {}),
            });
          }
          for (const child of node.children ?? []) walk(child, here);
        };
        for (const device of (JSON.parse(text) as { blockdevices: Node[] }).blockdevices ?? []) walk(device, false);
        return out.slice(0, 200);
      }
    }
    const encrypted = await this.systemDiskEncrypted();
    return sizes.slice(0, 200).map((s) => ({
      name: s.fs.slice(0, 250),
      mount: s.mount,
      type: s.type,
      sizeBytes: s.size,
      usedBytes: s.used,
      encrypted: s.mount === '/' || /^c:/i.test(s.mount) ? encrypted : null,
      ...(encrypted && (s.mount === '/' || /^c:/i.test(s.mount)) ? { encryption: this.family === 'macos' ? 'filevault' : 'bitlocker' } : {}),
    }));
  }

  /** FileVault (fdesetup) or BitLocker (manage-bde) for the system volume; Linux reads the lsblk tree. */
  private async systemDiskEncrypted(): Promise<boolean | null> {
    if (this.family === 'macos') {
      const text = await probe('fdesetup', ['status']);
      return text === undefined ? null : /FileVault is On/i.test(text);
    }
    if (this.family === 'windows') {
      const text = await probe('manage-bde', ['-status', 'C:']);
      return text === undefined ? null : /Protection\s+Status:\s+Protection On/i.test(text);
    }
    return null;
  }

  // --- users -------------------------------------------------------------------------------------

  private async users(): Promise<NonNullable<InventorySections['users']>> {
    if (this.family === 'linux') {
      const passwd = (() => {
        try {
          return fs.readFileSync('/etc/passwd', 'utf8');
        } catch {
          return '';
        }
      })();
      const group = (() => {
        try {
          return fs.readFileSync('/etc/group', 'utf8');
        } catch {
          return '';
        }
      })();
      const admins = new Set(
        group
          .split('\n')
          .filter((line) => /^(sudo|wheel|admin):/.test(line))
          .flatMap((line) => (line.split(':')[3] ?? '').split(',').filter(Boolean)),
      );
      return passwd
        .split('\n')
        .map((line) => line.split(':'))
        .filter((f) => f.length >= 7 && (Number(f[2]) === 0 || (Number(f[2]) >= 1000 && Number(f[2]) < 60000)) && !/(nologin|false)$/.test(f[6] ?? ''))
        .slice(0, 1000)
        .map((f) => ({ name: f[0] ?? '', uid: Number(f[2]), home: f[5] ?? '', shell: f[6] ?? '', admin: Number(f[2]) === 0 || admins.has(f[0] ?? '') }));
    }
    if (this.family === 'macos') {
      const text = await probe('dscl', ['.', '-list', '/Users', 'UniqueID']);
      const admins = new Set(((await probe('dscl', ['.', '-read', '/Groups/admin', 'GroupMembership'])) ?? '').split(/\s+/).slice(1));
      return (text ?? '')
        .split('\n')
        .map((line) => line.trim().split(/\s+/))
        .filter(([name, uid]) => name && !name.startsWith('_') && Number(uid) >= 500)
        .map(([name, uid]) => ({ name: name ?? '', uid: Number(uid), admin: admins.has(name ?? '') }));
    }
    const text = await probe('powershell', [
      '-NoProfile',
      '-NonInteractive',
      '-Command',
      'Get-LocalUser | Where-Object Enabled | Select-Object -ExpandProperty Name',
    ]);
    return (text ?? '')
      .split(/\r?\n/)
      .map((name) => name.trim())
      .filter(Boolean)
      .map((name) => ({ name }));
  }

  // --- packages ----------------------------------------------------------------------------------

  private async packages(): Promise<NonNullable<InventorySections['packages']>> {
    const managers: string[] = [];
    const items: { name: string; version?: string; source?: string }[] = [];
    const add = (source: string, text: string | undefined, pattern: RegExp) => {
      if (text === undefined) return;
      managers.push(source);
      for (const line of text.split(/\r?\n/)) {
        const match = pattern.exec(line);
        if (match?.[1]) items.push({ name: match[1].slice(0, 500), ...(match[2] ? { version: match[2].slice(0, 250) } : {}), source });
      }
    };
    if (this.family === 'linux') {
      add('dpkg', await probe('dpkg-query', ['-W', '-f', '${db:Status-Abbrev}\t${Package}\t${Version}\n']), /^ii\s*\t(\S+)\t(\S*)$/);
      add('rpm', await probe('rpm', ['-qa', '--qf', '%{NAME}\t%{VERSION}-%{RELEASE}\n']), /^(\S+)\t(\S*)$/);
    } else if (this.family === 'macos') {
      add('brew', await probe('brew', ['list', '--versions']), /^(\S+)\s+(\S+)/);
      add('pkgutil', await probe('pkgutil', ['--pkgs']), /^(\S+)$/);
    } else {
      add(
        'registry',
        await probe('powershell', [
          '-NoProfile',
          '-NonInteractive',
          '-Command',
          'Get-ItemProperty HKLM:\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*, HKLM:\\Software\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\* -ErrorAction SilentlyContinue | Where-Object DisplayName | ForEach-Object { "$($_.DisplayName)`t$($_.DisplayVersion)" }',
        ]),
        /^([^\t]+)\t(.*)$/,
      );
    }
    items.sort((a, b) => a.name.localeCompare(b.name));
    return { managers, items: items.slice(0, 50_000) };
  }

  // --- security ----------------------------------------------------------------------------------

  private async security(): Promise<NonNullable<InventorySections['security']>> {
    const [firewall, screenLock, diskEncrypted] = await Promise.all([this.firewall(), this.screenLock(), this.rootEncrypted()]);
    return { diskEncrypted, firewall, screenLock };
  }

  private async rootEncrypted(): Promise<boolean | null> {
    if (this.family !== 'linux') return this.systemDiskEncrypted();
    const disks = await this.disks();
    const root = disks.find((d) => d.mount === '/');
    return root ? (root.encrypted ?? null) : null;
  }

  private async firewall(): Promise<{ enabled: boolean | null; product?: string }> {
    if (this.family === 'linux') {
      const ufw = await probe('ufw', ['status']);
      if (ufw !== undefined) return { enabled: /Status:\s*active/i.test(ufw), product: 'ufw' };
      for (const unit of ['firewalld', 'ufw', 'nftables']) {
        const active = await probeAny('systemctl', ['is-active', unit]);
        if (active?.stdout.trim() === 'active') return { enabled: true, product: unit };
      }
      // Rules loaded directly: an nftables ruleset with a drop/reject policy or iptables chains that filter.
      const nft = await probe('nft', ['list', 'ruleset']);
      if (nft !== undefined) return { enabled: /policy (drop|reject)|\b(drop|reject)\b/.test(nft), product: 'nftables' };
      const iptables = await probe('iptables', ['-S', 'INPUT']);
      if (iptables !== undefined) return { enabled: /-P INPUT (DROP|REJECT)|-j (DROP|REJECT)/.test(iptables), product: 'iptables' };
      const anyManager = await probeAny('systemctl', ['--version']);
      return anyManager ? { enabled: false } : { enabled: null };
    }
    if (this.family === 'macos') {
      const text = await probe('/usr/libexec/ApplicationFirewall/socketfilterfw', ['--getglobalstate']);
      return text === undefined ? { enabled: null } : { enabled: /enabled/i.test(text) && !/disabled/i.test(text), product: 'socketfilterfw' };
    }
    const text = await probe('netsh', ['advfirewall', 'show', 'allprofiles', 'state']);
    if (text === undefined) return { enabled: null };
    const states = [...text.matchAll(/State\s+(ON|OFF)/gi)].map((m) => m[1]?.toUpperCase());
    return { enabled: states.length > 0 && states.every((s) => s === 'ON'), product: 'windows-firewall' };
  }

  private async screenLock(): Promise<{ enabled: boolean | null; idleSeconds?: number }> {
    if (this.family === 'linux') {
      const lock = await probe('gsettings', ['get', 'org.gnome.desktop.screensaver', 'lock-enabled'], 5000);
      if (lock === undefined || !/true|false/.test(lock)) return { enabled: null };
      const idle = await probe('gsettings', ['get', 'org.gnome.desktop.session', 'idle-delay'], 5000);
      const seconds = Number(/(\d+)\s*$/.exec(idle?.trim() ?? '')?.[1]);
      return { enabled: /true/.test(lock) && seconds !== 0, ...(Number.isFinite(seconds) ? { idleSeconds: seconds } : {}) };
    }
    if (this.family === 'macos') {
      const text = await probe('sysadminctl', ['-screenLock', 'status']);
      if (text === undefined) return { enabled: null };
      return { enabled: !/off/i.test(text) };
    }
    const text = await probe('reg', ['query', 'HKCU\\Control Panel\\Desktop']);
    if (text === undefined) return { enabled: null };
    const secure = /ScreenSaverIsSecure\s+REG_SZ\s+1/.test(text);
    const timeout = Number(/ScreenSaveTimeOut\s+REG_SZ\s+(\d+)/.exec(text)?.[1]);
    return { enabled: secure, ...(Number.isFinite(timeout) ? { idleSeconds: timeout } : {}) };
  }
}
