import type { HttpSourceConfig, PostgresSourceConfig } from './datasource.types';

/**
 * Secrets in datasource settings (injected header values, the database password) are shown
 * as `***`. The same marker sent back in an update means "keep the stored value", so a
 * client can read, edit and write settings without ever holding the secrets.
 */
export const REDACTED = '***';

export function redactHttp(config: HttpSourceConfig): HttpSourceConfig {
  const injectHeaders = Object.fromEntries(
    Object.keys(config.injectHeaders).map((name) => [name, REDACTED]),
  );
  return { ...config, injectHeaders };
}

export function redactPostgres(config: PostgresSourceConfig): PostgresSourceConfig {
  return { ...config, url: redactDatabaseUrl(config.url) };
}

export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = REDACTED;
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', REDACTED);
    return parsed.toString();
  } catch {
    return REDACTED;
  }
}

/** Header values sent as `***` take the stored value of the same (case-insensitive) name. */
export function restoreHeaderSecrets(submitted: unknown, stored: Record<string, string>): unknown {
  if (typeof submitted !== 'object' || submitted === null || Array.isArray(submitted)) {
    return submitted;
  }
  const storedByName = new Map(
    Object.entries(stored).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return Object.fromEntries(
    Object.entries(submitted as Record<string, unknown>).map(([name, value]) => [
      name,
      value === REDACTED ? (storedByName.get(name.toLowerCase()) ?? value) : value,
    ]),
  );
}

/** A `***` password (in the user info or a `password` parameter) takes the stored one. */
export function restoreUrlSecrets(submitted: unknown, stored: string): unknown {
  if (typeof submitted !== 'string' || !submitted.includes(REDACTED)) return submitted;
  try {
    const url = new URL(submitted);
    const previous = new URL(stored);
    if (url.password === REDACTED) url.password = previous.password;
    if (url.searchParams.get('password') === REDACTED) {
      const password = previous.searchParams.get('password');
      if (password === null) url.searchParams.delete('password');
      else url.searchParams.set('password', password);
    }
    return url.toString();
  } catch {
    return submitted;
  }
}
