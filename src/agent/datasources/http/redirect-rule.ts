/**
 * Decides what a caller may see of an upstream redirect. Only a target on the datasource's
 * own origin and under its base path survives, rewritten as a reference relative to the
 * request path, so it resolves correctly against whatever URL the caller used at the relay.
 * Anything else (another host, scheme or port, or outside the base path) is refused.
 */
export function relativeRedirect(location: string, requestUrl: URL, base: URL): string | undefined {
  let target: URL;
  try {
    target = new URL(location, requestUrl);
  } catch {
    return undefined;
  }
  if (target.origin !== base.origin) return undefined;
  const basePath = base.pathname.replace(/\/$/, '');
  if (target.pathname !== basePath && !target.pathname.startsWith(`${basePath}/`)) {
    return undefined;
  }
  return relativePath(requestUrl.pathname, target.pathname) + target.search + target.hash;
}

/** The relative reference that leads from one absolute path to another. */
export function relativePath(from: string, to: string): string {
  const fromDirs = from.split('/').slice(1, -1);
  const toParts = to.split('/').slice(1);
  let common = 0;
  while (
    common < fromDirs.length &&
    common < toParts.length - 1 &&
    fromDirs[common] === toParts[common]
  ) {
    common++;
  }
  const ups = fromDirs.length - common;
  const rest = toParts.slice(common).join('/');
  const relative = '../'.repeat(ups) + rest;
  // A first segment with ':' would read as a scheme; an empty one as the current document.
  if (relative === '' || relative.split('/')[0].includes(':')) return `./${relative}`;
  return relative;
}
