import { execFile, spawn } from 'node:child_process';

export interface RunOutput {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
  /** The output was cut at the limit. */
  truncated: boolean;
}

/** Runs a program without a shell; undefined when it is missing or fails. For inventory probes. */
export function probe(file: string, args: string[], timeoutMs = 15_000): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, windowsHide: true }, (error, stdout) => {
      resolve(error ? undefined : stdout.toString());
    });
  });
}

/** Like {@link probe}, but keeps the output of a program that exits non-zero (status commands do). */
export function probeAny(file: string, args: string[], timeoutMs = 15_000): Promise<{ code: number; stdout: string } | undefined> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, windowsHide: true }, (error, stdout) => {
      if (error && typeof (error as { code?: unknown }).code !== 'number') return resolve(undefined);
      resolve({ code: error ? Number((error as { code?: number }).code) : 0, stdout: stdout.toString() });
    });
  });
}

/**
 * Runs a program, feeding `input` on stdin, keeping at most `maxBytes` of each output stream, and
 * killing it (and its process group on Unix) at the timeout.
 */
export function run(
  file: string,
  args: string[],
  options: { input?: string; timeoutMs: number; maxBytes?: number; env?: NodeJS.ProcessEnv },
): Promise<RunOutput> {
  const maxBytes = options.maxBytes ?? 256 * 1024;
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
      env: options.env ?? process.env,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let truncated = false;
    let timedOut = false;
    const keep = (chunks: Buffer[], size: number, chunk: Buffer): number => {
      const room = maxBytes - size;
      if (room <= 0) {
        truncated = true;
        return size;
      }
      if (chunk.length > room) truncated = true;
      chunks.push(chunk.subarray(0, room));
      return size + Math.min(room, chunk.length);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes = keep(out, outBytes, chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      errBytes = keep(err, errBytes, chunk);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (process.platform !== 'win32' && child.pid) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, options.timeoutMs);
    const finish = (exitCode: number | null, extra = '') => {
      clearTimeout(timer);
      resolve({
        exitCode,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8') + extra,
        timedOut,
        durationMs: Date.now() - started,
        truncated,
      });
    };
    child.on('error', (error) => finish(null, String(error.message)));
    child.on('close', (code) => finish(code));
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}
