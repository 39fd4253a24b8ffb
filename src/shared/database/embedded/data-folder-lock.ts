import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Who holds a data folder: enough to name it in a refusal and to tell a live holder from a dead one. */
export interface LockHolder {
  pid: number;
  /** relay, agent, relay-cli, ... */
  role: string;
  /** The process's start time in clock ticks since boot (/proc/<pid>/stat): pids get reused. */
  startTicks: number | null;
  /** Where the holder's embedded server listens, for a second client (the admin CLI). */
  socketDir?: string;
  since: string;
}

/** A live process already uses the data folder. */
export class DataFolderInUseError extends Error {
  override readonly name = 'DataFolderInUseError';

  constructor(
    readonly folder: string,
    readonly holder: LockHolder,
  ) {
    super(
      `data folder ${folder} is in use by another process ` +
        `(pid ${holder.pid}, ${holder.role}, since ${holder.since}); ` +
        `stop it or give this process a DATA_DIR of its own`,
    );
  }
}

export const LOCK_FILE = 'intrabridge.lock';

/**
 * One process per data folder: an exclusive lock file naming its holder. Node has no flock,
 * so liveness is checked instead: a lock whose pid is gone, or belongs to a process that
 * started at another time, is stale (left by a `kill -9`) and taken over.
 */
export class DataFolderLock {
  private held?: LockHolder;
  private readonly file: string;
  private readonly releaseAtExit = (): void => this.release();

  constructor(private readonly folder: string) {
    this.file = join(folder, LOCK_FILE);
  }

  /** The live holder, if any (a stale lock reads as none). */
  currentHolder(): LockHolder | undefined {
    const holder = readHolder(this.file);
    return holder && isAlive(holder) ? holder : undefined;
  }

  /** Takes the folder or throws DataFolderInUseError at once. */
  acquire(role: string, socketDir?: string): void {
    const me: LockHolder = {
      pid: process.pid,
      role,
      startTicks: processStartTicks(process.pid),
      socketDir,
      since: new Date().toISOString(),
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(this.file, `${JSON.stringify(me)}\n`, { flag: 'wx', mode: 0o600 });
        this.held = me;
        process.once('exit', this.releaseAtExit);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = this.currentHolder();
      if (holder) throw new DataFolderInUseError(this.folder, holder);
      unlinkSync(this.file);
    }
    // Someone took it between our removal of the stale lock and our second try.
    const holder = this.currentHolder();
    if (holder) throw new DataFolderInUseError(this.folder, holder);
    throw new Error(`could not lock data folder ${this.folder}`);
  }

  /** Records where the server listens once it is known (the lock is taken before it starts). */
  update(socketDir: string): void {
    if (!this.held) return;
    this.held = { ...this.held, socketDir };
    writeFileSync(this.file, `${JSON.stringify(this.held)}\n`, { mode: 0o600 });
  }

  release(): void {
    if (!this.held) return;
    process.removeListener('exit', this.releaseAtExit);
    const holder = readHolder(this.file);
    if (holder?.pid === this.held.pid) {
      try {
        unlinkSync(this.file);
      } catch {
        // Already gone: nothing to release.
      }
    }
    this.held = undefined;
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number') return undefined;
    return {
      pid: parsed.pid,
      role: String(parsed.role ?? 'unknown'),
      startTicks: typeof parsed.startTicks === 'number' ? parsed.startTicks : null,
      socketDir: typeof parsed.socketDir === 'string' ? parsed.socketDir : undefined,
      since: String(parsed.since ?? 'unknown'),
    };
  } catch {
    // Missing, or half-written by a process killed mid-write: nobody holds it.
    return undefined;
  }
}

function isAlive(holder: LockHolder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const ticks = processStartTicks(holder.pid);
  return ticks === null || holder.startTicks === null || ticks === holder.startTicks;
}

/** Field 22 of /proc/<pid>/stat; null where there is no procfs. */
export function processStartTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from its end.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[19]);
  } catch {
    return null;
  }
}
