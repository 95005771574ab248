import fs from 'node:fs';
import type { CommandResult } from './protocol.js';

export interface QueuedResult {
  commandId: string;
  result: CommandResult;
  queuedAt: number;
}

/**
 * Results waiting to reach the server, in a JSON-lines file: appended and flushed to disk before the
 * agent considers a command done, removed only once the server has stored them. It survives the
 * server being away and the agent restarting; the server's idempotency by command id makes a result
 * sent twice harmless. It also remembers which commands were already carried out, so a command the
 * server delivers again (its result was lost on the way) is answered, not run a second time.
 */
export class ResultQueue {
  private items: QueuedResult[] = [];
  private readonly done = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly doneFile: string,
  ) {
    for (const line of readLines(file)) {
      try {
        const item = JSON.parse(line) as QueuedResult;
        if (item && typeof item.commandId === 'string') this.items.push(item);
      } catch {
        // A line torn by a crash mid-write: the command is delivered again and answered then.
      }
    }
    for (const line of readLines(doneFile)) this.done.add(line.trim());
    for (const item of this.items) this.done.add(item.commandId);
  }

  get size(): number {
    return this.items.length;
  }

  pending(): readonly QueuedResult[] {
    return this.items;
  }

  /** True when this command was already carried out here (its result is queued or was delivered). */
  handled(commandId: string): boolean {
    return this.done.has(commandId);
  }

  /** The result of a command already handled, if still queued. */
  resultOf(commandId: string): QueuedResult | undefined {
    return this.items.find((item) => item.commandId === commandId);
  }

  push(commandId: string, result: CommandResult): void {
    const item: QueuedResult = { commandId, result, queuedAt: Date.now() };
    appendDurably(this.file, `${JSON.stringify(item)}\n`);
    appendDurably(this.doneFile, `${commandId}\n`);
    this.items.push(item);
    this.done.add(commandId);
  }

  /** The server has it: drop it from the queue file. */
  remove(commandId: string): void {
    this.items = this.items.filter((item) => item.commandId !== commandId);
    const temporary = `${this.file}.tmp`;
    fs.writeFileSync(temporary, this.items.map((item) => `${JSON.stringify(item)}\n`).join(''), { mode: 0o600 });
    fs.renameSync(temporary, this.file);
    // The journal of handled ids only needs to outlive redelivery (commands expire); keep it short.
    if (this.done.size > 5000) {
      const keep = [...this.done].slice(-2000);
      this.done.clear();
      for (const id of keep) this.done.add(id);
      fs.writeFileSync(this.doneFile, keep.map((id) => `${id}\n`).join(''), { mode: 0o600 });
    }
  }
}

function readLines(file: string): string[] {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim());
  } catch {
    return [];
  }
}

function appendDurably(file: string, text: string): void {
  const fd = fs.openSync(file, 'a', 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Exponential backoff with jitter: a random wait between half and all of min(cap, base · 2^attempt). */
export function backoffMs(attempt: number, baseMs = 1000, capMs = 5 * 60_000, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
