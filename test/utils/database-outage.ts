import type { INestApplication } from '@nestjs/common';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { EmbeddedPostgres } from '../../src/shared/database/embedded/embedded-postgres';
import type { RawEnv } from '../../src/shared/config/load-config';
import { provisionTestDatabase, type TestDatabase } from './test-database';

/**
 * Takes an app's database away and gives it back, for real: the app's connections are cut and
 * new ones are refused, as when the server is down or unreachable.
 *
 * - On a PostgreSQL server (TEST_DATABASE_URL), the app reaches a fresh database through a TCP
 *   forwarder in the test: cutting closes the listener and destroys every forwarded socket
 *   (the pool sees "Connection terminated unexpectedly", then ECONNREFUSED); restoring listens
 *   on the same port again.
 * - On the embedded default, the app's own embedded server is stopped (its socket closes and
 *   its sessions end) and started again on the same data folder.
 */
export interface DatabaseOutage {
  /** Give these to the app (a DATABASE_URL through the forwarder; empty when embedded). */
  env: RawEnv;
  /** Call once the app is up. */
  attach(app: INestApplication): void;
  cut(): Promise<void>;
  restore(): Promise<void>;
  release(): Promise<void>;
}

export async function prepareDatabaseOutage(): Promise<DatabaseOutage> {
  const database = await provisionTestDatabase();
  if (!database.env.DATABASE_URL) {
    await database.release();
    return new EmbeddedOutage();
  }
  const forwarder = await TcpForwarder.start(new URL(database.env.DATABASE_URL));
  return new ServerOutage(database, forwarder);
}

class ServerOutage implements DatabaseOutage {
  readonly env: RawEnv;

  constructor(
    private readonly database: TestDatabase,
    private readonly forwarder: TcpForwarder,
  ) {
    const url = new URL(database.env.DATABASE_URL!);
    url.hostname = '127.0.0.1';
    url.port = String(forwarder.port);
    this.env = { DATABASE_URL: url.toString() };
  }

  attach(): void {}

  cut(): Promise<void> {
    return this.forwarder.stop();
  }

  restore(): Promise<void> {
    return this.forwarder.listen();
  }

  async release(): Promise<void> {
    await this.forwarder.stop();
    await this.database.release();
  }
}

class EmbeddedOutage implements DatabaseOutage {
  readonly env: RawEnv = {};
  private embedded?: EmbeddedPostgres;
  private down = false;

  attach(app: INestApplication): void {
    this.embedded = app.get(EmbeddedPostgres, { strict: false });
  }

  async cut(): Promise<void> {
    await this.embedded!.stop();
    this.down = true;
  }

  async restore(): Promise<void> {
    if (!this.down) return;
    await this.embedded!.start();
    this.down = false;
  }

  /** The app stops its embedded server itself on close; it must be running for that. */
  release(): Promise<void> {
    return this.restore();
  }
}

/** Forwards loopback TCP connections to a target; can be stopped and started on one port. */
class TcpForwarder {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  private constructor(private readonly target: { host: string; port: number }) {}

  static async start(url: URL): Promise<TcpForwarder> {
    const forwarder = new TcpForwarder({ host: url.hostname, port: Number(url.port || 5432) });
    await forwarder.listen();
    return forwarder;
  }

  async listen(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => this.forward(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  private forward(client: Socket): void {
    const upstream = connect(this.target.port, this.target.host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
