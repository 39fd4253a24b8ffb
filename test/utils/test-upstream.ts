import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the intranet service saw, so tests can assert what crossed the bridge. */
export interface UpstreamHit {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

/**
 * A real HTTP service standing in for an intranet API, under `/api` or `/svc/api`: echoes
 * requests (any path without a route of its own), serves sized and deterministic bodies,
 * hashes uploads, redirects, answers any status (`/status/404`), streams without end
 * (`/endless`), and can hang so aborts can be observed. Counts every TCP connection and request, so tests can prove a refused call
 * never reached it.
 */
export class TestUpstream {
  readonly hits: UpstreamHit[] = [];
  /** Requests whose client went away before the answer finished. */
  aborted = 0;
  connections = 0;
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('connection', () => (this.connections += 1));
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.hits.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const url = new URL(req.url ?? '/', 'http://upstream');
    req.on('close', () => {
      if (!res.writableFinished) this.aborted += 1;
    });
    const route = url.pathname.replace(/^(\/svc)?\/api/, '');
    if (route.startsWith('/redirect/')) return this.redirect(res, route.slice('/redirect/'.length));
    if (route.startsWith('/status/')) {
      res.writeHead(Number(route.slice('/status/'.length)) || 500, {
        'content-type': 'text/plain',
      });
      return void res.end('as asked\n');
    }
    switch (route) {
      case '/bytes':
      case '/big':
        return deterministicBytes(res, Number(url.searchParams.get('size') ?? 0));
      case '/hang':
        return; // never answers
      case '/endless':
        return endlessBytes(res);
      case '/slow-body': {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.write(Buffer.alloc(1024, 1));
        return; // the rest never comes
      }
      default:
        return this.echo(req, res, url);
    }
  }

  private redirect(res: ServerResponse, kind: string): void {
    const targets: Record<string, string> = {
      same: '/svc/api/target?x=1',
      absolute: `${this.url}/svc/api/deeper/target`,
      off: 'http://evil.example/steal',
      outside: '/admin',
    };
    res.writeHead(302, { location: targets[kind] }).end();
  }

  private echo(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const hash = createHash('sha256');
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
    });
    req.on('end', () => {
      const body = JSON.stringify({
        method: req.method,
        path: url.pathname,
        query: url.search.replace(/^\?/, ''),
        headers: req.headers,
        bodySize: size,
        bodySha256: hash.digest('hex'),
      });
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-upstream': 'echo',
        'set-cookie': 'session=upstream-secret',
        server: 'IntranetServer/1.0',
        connection: 'keep-alive',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  }
}

/** Bytes i of a body are (i * 31 + 7) mod 251, so a receiver can check them without a copy. */
export function deterministicChunk(offset: number, length: number): Buffer {
  const chunk = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) chunk[i] = ((offset + i) * 31 + 7) % 251;
  return chunk;
}

/** Writes as fast as the reader takes it until the reader goes away. */
function endlessBytes(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  const chunk = Buffer.alloc(64 * 1024, 7);
  const pump = (): void => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', pump);
  };
  pump();
}

function deterministicBytes(res: ServerResponse, size: number): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
  let offset = 0;
  const step = 64 * 1024;
  const pump = (): void => {
    while (offset < size) {
      const length = Math.min(step, size - offset);
      const ok = res.write(deterministicChunk(offset, length));
      offset += length;
      if (!ok) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}
