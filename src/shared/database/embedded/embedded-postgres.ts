import { Logger } from '@nestjs/common';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { DataFolderInUseError, DataFolderLock } from './data-folder-lock';
import { EMBEDDED_SETTINGS } from './embedded-postgres-settings';
import { locatePostgresBinaries, type PostgresBinaries } from './postgres-binaries';
import { postgresOsUser, type PostgresOsUser } from './postgres-os-user';
import { livePostmaster, readPostmasterPid, stopOrphanPostmaster } from './postmaster-pid-file';

/** Where the `pg` driver finds the embedded server: a socket folder and the port naming its file. */
export interface EmbeddedConnection {
  host: string;
  port: number;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  /** Names this process in the folder lock (relay, agent, relay-cli). */
  role: string;
  /**
   * When another live process holds the folder, connect to its server as a second client
   * instead of refusing (the admin CLI beside a running relay).
   */
  joinRunning?: boolean;
  /**
   * Also listen on TCP, trust authentication included: only for stand-ins of an intranet
   * database (the demo's sample database, tests), never for a gateway's own data.
   */
  tcp?: { host: string; port: number /** 0: a free one */ };
}

const PORT = 5432;
/** sockaddr_un.sun_path is 108 bytes with its terminating zero. */
const MAX_SOCKET_PATH = 107;
const SETTINGS_FILE = 'intrabridge.conf';
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

/**
 * Runs postgres under a shell that stops it (fast shutdown) when its stdin reaches EOF: when
 * we close it in stop(), and when this process dies however it dies (the kernel closes the
 * pipe), so a `kill -9` of the gateway does not leave its database running for long.
 * The orphan check at the next start covers the rest (the shell killed too).
 */
const WATCHDOG = [
  // A background job's stdin is /dev/null: hand it ours as fd 3 first.
  'exec 3<&0',
  '"$0" "$@" </dev/null 3<&- & pg=$!',
  '{ read -r _ <&3; kill -INT "$pg" 2>/dev/null; } &',
  'wait "$pg"; code=$?',
  'kill "$!" 2>/dev/null',
  'exit "$code"',
].join('\n');

/**
 * A real PostgreSQL server of this process's own in <DATA_DIR>/pg: created on first start,
 * started and supervised by the process, stopped with it. One process per data folder
 * (DataFolderLock). It listens only on a Unix socket in the owner-only folder, so trust
 * authentication reaches nobody but the folder's owner (and root).
 */
export class EmbeddedPostgres {
  private readonly logger = new Logger('EmbeddedPostgres');
  private readonly dir: string;
  private readonly pgdata: string;
  private readonly lock: DataFolderLock;
  private child?: ChildProcess;
  private socketDir?: string;
  private tempSocketDir?: string;
  private joined = false;
  private stopping = false;
  private recentOutput: string[] = [];
  private launch?: { binaries: PostgresBinaries; owner?: PostgresOsUser };

  constructor(private readonly options: EmbeddedPostgresOptions) {
    this.dir = resolve(options.dataDir);
    this.pgdata = join(this.dir, 'pg');
    this.lock = new DataFolderLock(this.dir);
  }

  /** The port number: the TCP one when listening on TCP, else the one naming the socket file. */
  private port = PORT;

  async start(): Promise<EmbeddedConnection> {
    this.stopping = false;
    const owner = postgresOsUser();
    await prepareDataFolder(this.dir, owner);
    const joined = this.options.joinRunning ? this.runningServer() : undefined;
    if (joined) {
      this.joined = true;
      return { host: joined, port: this.port };
    }
    this.lock.acquire(this.options.role);
    try {
      const orphan = await stopOrphanPostmaster(this.pgdata);
      if (orphan) this.logger.warn({ pid: orphan }, 'stopped an orphaned embedded PostgreSQL');
      const binaries = await locatePostgresBinaries(join(this.dir, 'pg-lib'));
      this.launch = { binaries, owner };
      this.warnAboutPgliteData();
      if (!existsSync(join(this.pgdata, 'PG_VERSION'))) await this.initCluster();
      await this.writeSettings();
      if (this.options.tcp) this.port = await tcpPort(this.options.tcp);
      this.socketDir = await this.chooseSocketDir();
      this.lock.update(this.socketDir);
      await this.spawnServer();
      return { host: this.socketDir, port: this.port };
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    if (this.joined) return;
    this.stopping = true;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      // Keep this process alive until the server has stopped (start() unref'd it).
      child.ref();
      child.stdin?.end();
      const timeout = sleep(STOP_TIMEOUT_MS, 'timeout', { ref: false });
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        this.logger.warn('embedded PostgreSQL did not stop in time; stopping it immediately');
        const postmaster = readPostmasterPid(this.pgdata);
        try {
          if (postmaster) process.kill(postmaster.pid, 'SIGQUIT');
        } catch {
          // Gone meanwhile.
        }
        child.kill('SIGKILL');
        await exited;
      }
    }
    this.child = undefined;
    if (this.tempSocketDir) await rm(this.tempSocketDir, { recursive: true, force: true });
    this.tempSocketDir = undefined;
    this.lock.release();
  }

  /** The socket folder of the live server that another process holds the folder for. */
  private runningServer(): string | undefined {
    const holder = this.lock.currentHolder();
    if (!holder) return undefined;
    const server = livePostmaster(this.pgdata);
    // The holder is still starting (or stopping) its server: no second copy, refuse.
    if (!holder.socketDir || server?.status !== 'ready') {
      throw new DataFolderInUseError(this.dir, holder);
    }
    return holder.socketDir;
  }

  private async initCluster(): Promise<void> {
    if (existsSync(this.pgdata)) {
      throw new Error(`${this.pgdata} exists but holds no PostgreSQL cluster; move it away`);
    }
    // initdb into a side folder, renamed when complete: a start killed half-way leaves no
    // half-made cluster behind.
    const staging = `${this.pgdata}.init`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { mode: 0o700 });
    if (this.launch?.owner) await chown(staging, this.launch.owner.uid, this.launch.owner.gid);
    const { binaries } = this.launch!;
    const args = ['-D', staging, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C'];
    await this.run(binaries.initdb, [...args, '--no-instructions']);
    await writeFile(
      join(staging, 'postgresql.conf'),
      `\n# intrabridge: settings for an embedded server (docs/operations.md)\ninclude_if_exists = '${SETTINGS_FILE}'\n`,
      { flag: 'a' },
    );
    await rename(staging, this.pgdata);
    this.logger.log({ folder: this.pgdata }, 'created the embedded PostgreSQL cluster');
  }

  /** Rewritten at each start, so an upgrade brings its settings; postgresql.auto.conf wins. */
  private async writeSettings(): Promise<void> {
    const lines = Object.entries(EMBEDDED_SETTINGS).map(([name, value]) => `${name} = '${value}'`);
    await this.writeOwned(
      SETTINGS_FILE,
      `# written by intrabridge at each start\n${lines.join('\n')}\n`,
    );
    // Who may connect: whoever reaches the socket (the folder's permissions decide), and
    // on TCP, only for a stand-in database, anyone who reaches the port.
    const hba = ['local all all trust', ...(this.options.tcp ? ['host all all all trust'] : [])];
    await this.writeOwned(
      'pg_hba.conf',
      `# written by intrabridge at each start\n${hba.join('\n')}\n`,
    );
  }

  private async writeOwned(name: string, content: string): Promise<void> {
    const file = join(this.pgdata, name);
    await writeFile(file, content, { mode: 0o600 });
    if (this.launch?.owner) await chown(file, this.launch.owner.uid, this.launch.owner.gid);
  }

  private async chooseSocketDir(): Promise<string> {
    if (join(this.pgdata, `.s.PGSQL.${this.port}`).length <= MAX_SOCKET_PATH) return this.pgdata;
    // A deep DATA_DIR: a private folder of our own under the temp folder instead.
    this.tempSocketDir = await mkdtemp(join(tmpdir(), 'ib-pg-'));
    const owner = this.launch?.owner;
    if (owner) await chown(this.tempSocketDir, owner.uid, owner.gid);
    return this.tempSocketDir;
  }

  private async spawnServer(): Promise<void> {
    const { binaries, owner } = this.launch!;
    this.stopping = false;
    const child = spawn(
      '/bin/sh',
      [
        '-c',
        WATCHDOG,
        binaries.postgres,
        '-D',
        this.pgdata,
        // Not in a settings file: no ALTER SYSTEM may open a TCP port to a trust-auth server.
        '-c',
        `listen_addresses=${this.options.tcp?.host ?? ''}`,
        '-c',
        `unix_socket_directories=${this.socketDir}`,
        '-c',
        `port=${this.port}`,
      ],
      {
        ...(owner && { uid: owner.uid, gid: owner.gid }),
        // Its own process group: a terminal's Ctrl-C reaches us, and we stop it in order.
        detached: true,
        // Nothing of ours (secrets) in its environment.
        env: { PATH: '/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC', ...binaries.env },
        stdio: ['pipe', 'ignore', 'pipe'],
      },
    );
    this.child = child;
    // The server must not keep this process alive; stop() ends it, as does our exit.
    child.unref();
    createInterface({ input: child.stderr }).on('line', (line) => this.onServerOutput(line));
    child.once('exit', (code, signal) => this.onServerExit(child, code, signal));
    await this.waitUntilReady(child);
  }

  private async waitUntilReady(child: ChildProcess): Promise<void> {
    for (const deadline = Date.now() + READY_TIMEOUT_MS; Date.now() < deadline;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`embedded PostgreSQL did not start: ${this.recentOutput.join(' | ')}`);
      }
      if (livePostmaster(this.pgdata)?.status === 'ready') return;
      await sleep(20);
    }
    throw new Error(`embedded PostgreSQL not ready after ${READY_TIMEOUT_MS} ms`);
  }

  private onServerOutput(line: string): void {
    this.recentOutput = [...this.recentOutput.slice(-9), line];
    // Start and stop notices are LOG lines; warnings and errors deserve attention.
    if (line.startsWith('LOG:')) this.logger.debug({ postgres: line }, 'embedded PostgreSQL');
    else this.logger.warn({ postgres: line }, 'embedded PostgreSQL');
  }

  /** Supervision: a server that dies under us is started again (the pool reconnects). */
  private onServerExit(child: ChildProcess, code: number | null, signal: string | null): void {
    if (this.stopping || this.child !== child) return;
    this.logger.error({ code, signal }, 'embedded PostgreSQL exited; restarting it');
    this.child = undefined;
    void sleep(1_000)
      .then(() => (this.stopping ? undefined : this.spawnServer()))
      .catch((error: unknown) =>
        this.logger.error({ err: error }, 'could not restart the embedded PostgreSQL'),
      );
  }

  private async run(program: string, args: string[]): Promise<void> {
    const { binaries, owner } = this.launch!;
    const child = spawn(program, args, {
      ...(owner && { uid: owner.uid, gid: owner.gid }),
      env: { PATH: '/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC', ...binaries.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((done, fail) => {
      child.once('error', fail);
      child.once('exit', done);
    });
    if (code !== 0) throw new Error(`${program} failed (exit ${code}): ${output.trim()}`);
  }

  private warnAboutPgliteData(): void {
    if (!existsSync(join(this.dir, 'pgdata', 'PG_VERSION'))) return;
    this.logger.warn(
      { folder: join(this.dir, 'pgdata') },
      'found a PGlite database from an earlier version; it is not read any more (docs/operations.md)',
    );
  }
}

/** PostgreSQL cannot pick a free port itself: find one now (port 0). */
async function tcpPort(tcp: { host: string; port: number }): Promise<number> {
  if (tcp.port !== 0) return tcp.port;
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, tcp.host, done));
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return port;
}

/**
 * The data folder is owner-only. When the server runs as another account (we are root),
 * that account's group may traverse it (0710) to reach its cluster, and nothing more.
 */
async function prepareDataFolder(dir: string, owner: PostgresOsUser | undefined): Promise<void> {
  // Parents as any folder (umask), the data folder itself owner-only.
  await mkdir(dirname(dir), { recursive: true });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (!owner) {
    await chmod(dir, 0o700);
    return;
  }
  await chown(dir, 0, owner.gid);
  await chmod(dir, 0o710);
  const blocked = await firstClosedParent(dir, owner);
  if (blocked) {
    throw new Error(
      `the embedded database runs as the "${owner.name}" account, which cannot reach ${dir}: ` +
        `${blocked} is not traversable by others (chmod o+x ${blocked}, or choose another DATA_DIR)`,
    );
  }
}

/** A parent folder that the server's account may not enter; postgres would fail obscurely. */
async function firstClosedParent(dir: string, owner: PostgresOsUser): Promise<string | undefined> {
  let current = resolve(dir, '..');
  for (;;) {
    const info = await stat(current);
    const mayEnter =
      (info.mode & 0o001) !== 0 ||
      (info.uid === owner.uid && (info.mode & 0o100) !== 0) ||
      (info.gid === owner.gid && (info.mode & 0o010) !== 0);
    if (!mayEnter) return current;
    const parent = resolve(current, '..');
    if (parent === current) return undefined;
    current = parent;
  }
}
