/** Where an IP rule applies. */
export enum SecurityScope {
  /** Proxied calls under /api/v1/proxy. */
  Proxy = 'proxy',
  /** The management API, login included, and /docs and /metrics on the API port. */
  Admin = 'admin',
  /** Agents' WebSocket upgrades. */
  Tunnel = 'tunnel',
}

export const ALL_SCOPES: readonly SecurityScope[] = Object.values(SecurityScope);

const PROXY_PREFIX = '/api/v1/proxy/';
const AUTH_PREFIX = '/api/v1/auth/';
/** Agents trade their secret for a tunnel token here: part of connecting, not of admin. */
const AGENT_TOKEN_PATH = '/api/v1/agents/token';
/** Load balancers probe these; they reveal nothing and must always answer. */
const EXEMPT = new Set(['/healthz', '/readyz']);

/** How a request path is treated by IP rules, rate limits and body-size limits. */
export type RouteGroup = 'proxy' | 'auth' | 'agent-token' | 'api' | 'exempt';

export function routeGroupOf(path: string): RouteGroup {
  if (EXEMPT.has(path)) return 'exempt';
  if (path.startsWith(PROXY_PREFIX)) return 'proxy';
  if (path.startsWith(AUTH_PREFIX)) return 'auth';
  if (path === AGENT_TOKEN_PATH || path === `${AGENT_TOKEN_PATH}/`) return 'agent-token';
  return 'api';
}

export function scopeOf(group: RouteGroup): SecurityScope | undefined {
  switch (group) {
    case 'exempt':
      return undefined;
    case 'proxy':
      return SecurityScope.Proxy;
    case 'agent-token':
      return SecurityScope.Tunnel;
    default:
      return SecurityScope.Admin;
  }
}
