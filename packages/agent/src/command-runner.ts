import fs from 'node:fs';
import os from 'node:os';
import { type RunOutput, run } from './exec.js';
import type { AgentCheck, AgentCommand, CommandResult } from './protocol.js';
import type { StateDir } from './state.js';
import type { SystemActions } from './system-actions.js';

const PACKAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+:@/-]{0,254}$/;
const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const MAX_OUTPUT = 256 * 1024;

export interface RunnerHooks {
  /** Send fresh inventory (refresh_inventory, and after checks or the host name changed). */
  refreshInventory(): Promise<void>;
}

/** Carries out one command and says how it went. Never throws: a failure is an error result. */
export class CommandRunner {
  constructor(
    private readonly actions: SystemActions,
    private readonly state: StateDir | undefined,
    private readonly hooks: RunnerHooks,
    /** Scripts and log collection really run, except in a simulator. */
    private readonly virtual = false,
  ) {}

  async execute(command: AgentCommand): Promise<CommandResult> {
    try {
      if (Date.parse(command.expiresAt) < Date.now()) return fail('expired', 'the command expired before it ran');
      return await this.dispatch(command);
    } catch (error) {
      return fail('agent_error', error instanceof Error ? error.message : String(error));
    }
  }

  private async dispatch(command: AgentCommand): Promise<CommandResult> {
    const p = command.params;
    switch (command.type) {
      case 'run_script':
        return this.runScript(String(p.interpreter), String(p.script), typeof p.timeoutSeconds === 'number' ? p.timeoutSeconds : 300);
      case 'lock_screen':
        return outcome(await this.actions.lockScreen(typeof p.message === 'string' ? p.message : undefined));
      case 'restart':
        return outcome(await this.actions.restart(typeof p.delaySeconds === 'number' ? p.delaySeconds : 60));
      case 'shutdown':
        return outcome(await this.actions.shutdown(typeof p.delaySeconds === 'number' ? p.delaySeconds : 60));
      case 'install_package': {
        const name = String(p.name);
        if (!PACKAGE_NAME.test(name)) return fail('invalid_params', 'not a package name');
        const result = outcome(await this.actions.installPackage(name, typeof p.version === 'string' ? p.version : undefined));
        await this.hooks.refreshInventory();
        return result;
      }
      case 'remove_package': {
        const name = String(p.name);
        if (!PACKAGE_NAME.test(name)) return fail('invalid_params', 'not a package name');
        const result = outcome(await this.actions.removePackage(name));
        await this.hooks.refreshInventory();
        return result;
      }
      case 'rename_host': {
        const name = String(p.name);
        if (!HOST_NAME.test(name)) return fail('invalid_params', 'not a host name');
        const result = outcome(await this.actions.renameHost(name));
        await this.hooks.refreshInventory();
        return result;
      }
      case 'refresh_inventory':
        await this.hooks.refreshInventory();
        return { status: 'acknowledged' };
      case 'apply_checks': {
        if (!this.state) return { status: 'acknowledged' };
        const key = String(p.key);
        const installed = this.state.checks().filter((c) => c.key !== key);
        installed.push({ key, version: String(p.version), checks: (Array.isArray(p.checks) ? p.checks : []) as AgentCheck[] });
        this.state.saveChecks(installed);
        await this.hooks.refreshInventory();
        return { status: 'acknowledged', output: { key, version: String(p.version), checks: installed.at(-1)?.checks.length ?? 0 } };
      }
      case 'remove_checks': {
        if (!this.state) return { status: 'acknowledged' };
        const key = String(p.key);
        this.state.saveChecks(this.state.checks().filter((c) => c.key !== key));
        await this.hooks.refreshInventory();
        return { status: 'acknowledged', output: { key } };
      }
      case 'collect_logs':
        return this.collectLogs(
          typeof p.sinceHours === 'number' ? p.sinceHours : 24,
          typeof p.unit === 'string' ? p.unit : undefined,
          typeof p.maxLines === 'number' ? p.maxLines : 2000,
        );
      default:
        return fail('unsupported_command', `this agent does not know ${String(command.type)}`);
    }
  }

  private async runScript(interpreter: string, script: string, timeoutSeconds: number): Promise<CommandResult> {
    if (this.virtual)
      return { status: 'acknowledged', output: { exitCode: 0, stdout: `virtual ${interpreter}\n`, stderr: '', timedOut: false, durationMs: 0 } };
    let file: string;
    let args: string[];
    if (interpreter === 'powershell') {
      file = process.platform === 'win32' ? 'powershell.exe' : 'pwsh';
      args = ['-NoProfile', '-NonInteractive', '-Command', '-'];
    } else if (['sh', 'bash', 'zsh'].includes(interpreter)) {
      file = interpreter;
      args = ['-s'];
    } else {
      return fail('invalid_params', `unknown interpreter ${interpreter}`);
    }
    // The script goes in on stdin: no temporary file to leave behind, nothing on the command line for `ps` to show.
    const output = await run(file, args, { input: script, timeoutMs: timeoutSeconds * 1000, maxBytes: MAX_OUTPUT });
    const result = {
      exitCode: output.exitCode,
      stdout: output.stdout,
      stderr: output.stderr,
      timedOut: output.timedOut,
      durationMs: output.durationMs,
      truncated: output.truncated,
    };
    if (output.timedOut)
      return { status: 'error', output: result, error: { code: 'timeout', message: `the script ran longer than ${timeoutSeconds} s and was stopped` } };
    if (output.exitCode === null)
      return { status: 'error', output: result, error: { code: 'not_started', message: output.stderr.slice(0, 2000) || `${file} could not run` } };
    // A script that exits non-zero ran: its exit code is the answer, not a protocol error.
    return { status: 'acknowledged', output: result };
  }

  private async collectLogs(sinceHours: number, unit: string | undefined, maxLines: number): Promise<CommandResult> {
    if (this.virtual) return { status: 'acknowledged', output: { source: 'virtual', lines: 0, text: '' } };
    let output: RunOutput;
    let source: string;
    if (process.platform === 'linux') {
      source = 'journalctl';
      output = await run('journalctl', ['--no-pager', '-o', 'short-iso', '--since', `-${sinceHours}h`, '-n', String(maxLines), ...(unit ? ['-u', unit] : [])], {
        timeoutMs: 60_000,
        maxBytes: MAX_OUTPUT,
      });
      if (output.exitCode !== 0 && !output.stdout) {
        // No journal (containers, minimal systems): the tail of the classic log files.
        source = '/var/log';
        const files = ['/var/log/syslog', '/var/log/messages', '/var/log/dpkg.log', '/var/log/apt/history.log'].filter((f) => fs.existsSync(f));
        const text = files.map((f) => `==> ${f} <==\n${tail(f, maxLines)}`).join('\n');
        output = { exitCode: 0, stdout: text.slice(-MAX_OUTPUT), stderr: '', timedOut: false, durationMs: 0, truncated: text.length > MAX_OUTPUT };
      }
    } else if (process.platform === 'darwin') {
      source = 'log show';
      output = await run('log', ['show', '--last', `${sinceHours}h`, '--style', 'syslog', ...(unit ? ['--predicate', `subsystem == "${unit}"`] : [])], {
        timeoutMs: 120_000,
        maxBytes: MAX_OUTPUT,
      });
    } else {
      source = 'Get-WinEvent';
      output = await run(
        'powershell',
        [
          '-NoProfile',
          '-NonInteractive',
          '-Command',
          `Get-WinEvent -LogName ${unit ?? 'System'} -MaxEvents ${maxLines} | Where-Object TimeCreated -gt (Get-Date).AddHours(-${sinceHours}) | Format-List TimeCreated,Id,LevelDisplayName,ProviderName,Message`,
        ],
        { timeoutMs: 120_000, maxBytes: MAX_OUTPUT },
      );
    }
    const text = output.stdout;
    return {
      status: 'acknowledged',
      output: {
        source,
        host: os.hostname(),
        lines: text ? text.split('\n').length : 0,
        truncated: output.truncated,
        text,
        ...(output.stderr ? { stderr: output.stderr.slice(0, 4000) } : {}),
      },
    };
  }
}

function tail(file: string, lines: number): string {
  try {
    const size = fs.statSync(file).size;
    const fd = fs.openSync(file, 'r');
    const length = Math.min(size, 128 * 1024);
    const buffer = Buffer.alloc(length);
    fs.readSync(fd, buffer, 0, length, size - length);
    fs.closeSync(fd);
    return buffer.toString('utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function outcome(output: RunOutput): CommandResult {
  const result = { exitCode: output.exitCode, stdout: output.stdout.slice(0, 64 * 1024), stderr: output.stderr.slice(0, 64 * 1024) };
  if (output.exitCode === 0) return { status: 'acknowledged', output: result };
  return {
    status: 'error',
    output: result,
    error: { code: 'action_failed', message: (output.stderr || output.stdout).slice(0, 2000) || `exit code ${output.exitCode}` },
  };
}

function fail(code: string, message: string): CommandResult {
  return { status: 'error', error: { code, message } };
}
