/**
 * Test-only fault injection: with `STEWARD_TEST_CRASH_AT=<point>` in its environment a process kills
 * itself with SIGKILL the first time it reaches that point, exactly as `kill -9` would at that
 * instant. The fault tests use it where timing from outside can't hit the window (after a device's
 * result was received and written, before the transaction commits). Unset, it costs one comparison.
 *
 * Points: `apple.result.before-commit`, `reconcile.after-batch` (a reconcile batch just committed).
 */
export function crashPoint(name: string): void {
  if (process.env.STEWARD_TEST_CRASH_AT === name) process.kill(process.pid, 'SIGKILL');
}
