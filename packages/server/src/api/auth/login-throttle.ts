/**
 * Per-address throttle for sign-in attempts: at most `limit` failures in `windowMs`.
 * Per node and in memory on purpose: the account lockout (in the database) is the shared guard;
 * this one only blunts a single address hammering one node.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit = 20,
    private readonly windowMs = 60_000,
  ) {}

  blocked(address: string, now = Date.now()): boolean {
    return this.recent(address, now).length >= this.limit;
  }

  fail(address: string, now = Date.now()): void {
    const list = this.recent(address, now);
    list.push(now);
    this.failures.set(address, list);
    if (this.failures.size > 10_000) {
      for (const [key, times] of this.failures) if ((times.at(-1) ?? 0) < now - this.windowMs) this.failures.delete(key);
    }
  }

  private recent(address: string, now: number): number[] {
    return (this.failures.get(address) ?? []).filter((t) => t > now - this.windowMs);
  }
}
