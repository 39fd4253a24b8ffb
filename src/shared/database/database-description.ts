import { resolve } from 'node:path';
import type { AppConfig } from '../config/app.config';

/**
 * Which database a process works on, for a person to check before a change lands on the
 * wrong one: the embedded server's folder, or the server's host, port, database and user.
 * Never the password (nor anything else from the URL's query).
 */
export function describeDatabase(config: Pick<AppConfig, 'DATABASE_URL' | 'DATA_DIR'>): string {
  if (!config.DATABASE_URL) return `embedded PostgreSQL in ${resolve(config.DATA_DIR, 'pg')}`;
  let url: URL;
  try {
    url = new URL(config.DATABASE_URL);
  } catch {
    return 'PostgreSQL at an unparsable DATABASE_URL';
  }
  const host = url.hostname || 'localhost';
  const port = url.port || '5432';
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || '(default database)';
  const user = url.username ? ` as ${decodeURIComponent(url.username)}` : '';
  return `PostgreSQL ${host}:${port}/${database}${user}`;
}
