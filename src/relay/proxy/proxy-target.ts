import { DATASOURCE_NAME_PATTERN } from '../../shared/protocol';

export const PROXY_PREFIX = '/api/v1/proxy/';
/** The proxy's routes in Nest's path syntax (relative to the controller's base path). */
export const PROXY_ROUTES = [
  'api/v1/proxy/:agentId/:datasource',
  'api/v1/proxy/:agentId/:datasource/*path',
];

/** Where a proxied call goes, read from the raw (still percent-encoded) request URL. */
export interface ProxyTarget {
  agentId: string;
  datasource: string;
  /** The rest of the path after the datasource, starting with '/'; the agent validates it. */
  path: string;
  /** The raw query string, without '?'. */
  query: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Returns undefined when the URL cannot name an agent and datasource at all. */
export function parseProxyTarget(url: string): ProxyTarget | undefined {
  const queryAt = url.indexOf('?');
  const rawPath = queryAt === -1 ? url : url.slice(0, queryAt);
  const query = queryAt === -1 ? '' : url.slice(queryAt + 1);
  if (!rawPath.startsWith(PROXY_PREFIX)) return undefined;
  const rest = rawPath.slice(PROXY_PREFIX.length);
  const firstSlash = rest.indexOf('/');
  if (firstSlash === -1) return undefined;
  const agentId = rest.slice(0, firstSlash);
  const afterAgent = rest.slice(firstSlash + 1);
  const secondSlash = afterAgent.indexOf('/');
  const datasource = secondSlash === -1 ? afterAgent : afterAgent.slice(0, secondSlash);
  const path = secondSlash === -1 ? '/' : afterAgent.slice(secondSlash);
  if (!UUID.test(agentId) || datasource.length > 64 || !DATASOURCE_NAME_PATTERN.test(datasource)) {
    return undefined;
  }
  return { agentId: agentId.toLowerCase(), datasource, path, query };
}
