import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** What PostgreSQL writes to <pgdata>/postmaster.pid while it runs. */
export interface PostmasterPid {
  pid: number;
  dataDir: string;
  socketDir: string;
  /** "starting", "ready", "stopping" (PostgreSQL 10 and later). */
  status: string;
}

export function readPostmasterPid(pgdata: string): PostmasterPid | undefined {
  let lines: string[];
  try {
    lines = readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return {
    pid,
    dataDir: lines[1] ?? '',
    socketDir: lines[4] ?? '',
    status: (lines[7] ?? '').trim(),
  };
}

/** A live postmaster for this data folder (not a reused pid that happens to match). */
export function livePostmaster(pgdata: string): PostmasterPid | undefined {
  const entry = readPostmasterPid(pgdata);
  if (!entry || resolve(entry.dataDir) !== resolve(pgdata)) return undefined;
  try {
    const cmdline = readFileSync(`/proc/${entry.pid}/cmdline`, 'utf8').split('\0');
    return cmdline[0].endsWith('postgres') && cmdline.includes(entry.dataDir) ? entry : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stops a server left behind by a process that was killed (kill -9 leaves its postgres
 * running): fast shutdown (SIGINT: abort sessions, checkpoint, exit), then immediate
 * shutdown (SIGQUIT) if it does not finish in time. Returns the pid stopped, if any.
 */
export async function stopOrphanPostmaster(
  pgdata: string,
  timeoutMs = 30_000,
): Promise<number | undefined> {
  const orphan = livePostmaster(pgdata);
  if (!orphan) return undefined;
  signal(orphan.pid, 'SIGINT');
  // A stopped process (SIGSTOP, a debugger let go) would keep the signal pending forever.
  signal(orphan.pid, 'SIGCONT');
  if (!(await exited(orphan.pid, timeoutMs))) {
    signal(orphan.pid, 'SIGQUIT');
    await exited(orphan.pid, 5_000);
  }
  return orphan.pid;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

async function exited(pid: number, timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    if (!running(pid)) return true;
    await sleep(20);
  }
  return false;
}

/** Alive and not a zombie (an orphan's exit is reaped by whoever adopted it, maybe never). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
