import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { chmod, mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';

/** Where the `pg` driver finds the embedded server. */
export interface EmbeddedConnection {
  host: string;
  port: number;
}

const SOCKET_PORT = 5432;
const MAX_SOCKET_PATH = 100;

/**
 * PGlite keeps tens of thousands of ArrayBuffers (its files, its memory views) alive in the
 * process. With them, V8's concurrent ArrayBuffer sweeping falls behind the stream of short-lived
 * 64 KiB body buffers, the heap believes its external memory keeps growing, and it runs a
 * mark-compact every ~50 ms ("external memory pressure"): 44 to 71 per 512 MiB streamed, against
 * 2 with the same app on a PostgreSQL server (bench/README.md). Sweeping on the main thread
 * keeps the count honest, and a roomier heap growth step keeps the marking from restarting at
 * once. Both flags may be changed at run time.
 */
function keepBufferGarbageCheap(): void {
  setFlagsFromString('--no-concurrent-array-buffer-sweeping');
  setFlagsFromString('--heap-growing-percent=200');
}

/**
 * An embedded PostgreSQL (PGlite) in the data folder, served to the ordinary `pg` driver.
 * PGlite is single-session, so callers must use one pooled connection. It listens on a Unix
 * socket inside the (owner-only) data folder, so no other local user can reach it; a TCP
 * port on loopback is the fallback when the socket path would be too long.
 */
export class EmbeddedPostgres {
  private db?: PGlite;
  private server?: PGLiteSocketServer;

  constructor(private readonly dataDir: string) {}

  async start(): Promise<EmbeddedConnection> {
    const dir = resolve(this.dataDir);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    keepBufferGarbageCheap();
    this.db = await PGlite.create(join(dir, 'pgdata'));
    const socketPath = join(dir, `.s.PGSQL.${SOCKET_PORT}`);
    if (socketPath.length <= MAX_SOCKET_PATH) {
      await rm(socketPath, { force: true });
      this.server = new PGLiteSocketServer({ db: this.db, path: socketPath });
      await this.server.start();
      return { host: dir, port: SOCKET_PORT };
    }
    this.server = new PGLiteSocketServer({ db: this.db, host: '127.0.0.1', port: 0 });
    await this.server.start();
    const port = Number(this.server.getServerConn().split(':').pop());
    return { host: '127.0.0.1', port };
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    await this.db?.close();
    this.server = undefined;
    this.db = undefined;
  }
}
