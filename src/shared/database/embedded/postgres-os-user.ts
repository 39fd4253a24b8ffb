import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The OS account the embedded server runs as; undefined: the process's own. */
export interface PostgresOsUser {
  name: string;
  uid: number;
  gid: number;
}

const ACCOUNT = 'postgres';

/**
 * PostgreSQL refuses to run as root. A process started as root (CI, a container without
 * USER) runs its server as the `postgres` account (Debian's, when the postgresql package is
 * installed), created as a system account without login or home if missing. Any other
 * user runs the server as itself.
 */
export function postgresOsUser(): PostgresOsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const found = lookup(ACCOUNT);
  if (found) return found;
  try {
    execFileSync(
      'useradd',
      ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', ACCOUNT],
      { stdio: 'pipe' },
    );
  } catch (error) {
    const detail = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(
      `the embedded database cannot run as root and there is no "${ACCOUNT}" account to run it ` +
        `as (useradd failed: ${detail || String(error)}); create one, run as another user, ` +
        `or set DATABASE_URL`,
    );
  }
  const created = lookup(ACCOUNT);
  if (!created) throw new Error(`created the "${ACCOUNT}" account but cannot find it`);
  return created;
}

function lookup(name: string): PostgresOsUser | undefined {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${name}:`));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { name, uid: Number(uid), gid: Number(gid) };
}
