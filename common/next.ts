// Where to go after sign-in: a same-origin relative path only (never `//host`, `/\host`, `/\t/host` or an absolute
// URL). One rule for the server (the SSO flow's `next`) and the web (the sign-in page's `next=`).

/** The path to follow, or null when `next` is not a plain path of this site. */
export function sameOriginPath(next: string): string | null {
  // Browsers drop tabs and newlines inside URLs (`/\t/host` becomes `//host`): any whitespace or backslash is out.
  if (next.length > 2000 || !next.startsWith('/') || /^\/[/\\]/.test(next) || /[\s\\]/.test(next))
    return null;
  try {
    const u = new URL(next, 'http://ioc.invalid');
    const out = `${u.pathname}${u.search}${u.hash}`;
    // Dot segments can normalise into `//host` (`/.//evil`): check the path the browser will really follow.
    return u.origin === 'http://ioc.invalid' && !/^\/[/\\]/.test(out) ? out : null;
  } catch {
    return null;
  }
}
