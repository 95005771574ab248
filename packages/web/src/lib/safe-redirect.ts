/** Only paths on this origin may be the target of a post-sign-in redirect (no `//host`, no `https:`). */
export function safeRedirect(target: unknown): string {
  if (typeof target !== 'string' || !/^\/(?![/\\])/.test(target)) return '/';
  if (target.startsWith('/login') || target.startsWith('/setup')) return '/';
  return target;
}
