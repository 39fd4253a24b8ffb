import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const MAIN_JS = join(__dirname, '..', 'main.js');

/** Starts one profile of the real build as a child process; its logs go to our stderr. */
export function startProfile(
  profile: 'relay' | 'agent',
  env: Record<string, string>,
): ChildProcess {
  return spawn(process.execPath, [MAIN_JS], {
    env: {
      ...process.env,
      APP_PROFILE: profile,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

export async function stopProfile(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Polls a URL until it answers 2xx. */
export async function waitUntilUp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url)
      .then((response) => response.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not come up`);
}
