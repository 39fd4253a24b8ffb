import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface IntranetHit {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

/**
 * An intranet HTTP service under test: counts every TCP connection and request (so tests can
 * prove a refused call never reached it), echoes requests, redirects, streams big bodies and
 * can hang.
 */
export class IntranetHttp {
  readonly hits: IntranetHit[] = [];
  connections = 0;
  aborted = 0;
  url = '';
  private server?: Server;

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('connection', () => (this.connections += 1));
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
    req.on('close', () => {
      if (!res.writableFinished) this.aborted += 1;
    });
    const url = new URL(req.url ?? '/', 'http://intranet');
    const route = url.pathname.replace(/^\/svc\/api/, '');
    if (route === '/hang') return;
    if (route.startsWith('/redirect/')) {
      const targets: Record<string, string> = {
        same: '/svc/api/target?x=1',
        absolute: `${this.url}/svc/api/deeper/target`,
        off: 'http://evil.example/steal',
        outside: '/admin',
      };
      res.writeHead(302, { location: targets[route.slice(10)] }).end();
      return;
    }
    if (route === '/big') return streamBytes(res, Number(url.searchParams.get('size')));
    return echo(req, res, url);
  }
}

function echo(req: IncomingMessage, res: ServerResponse, url: URL): void {
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
      'set-cookie': 'session=intranet-secret',
      server: 'IntranetServer/1.0',
      connection: 'keep-alive',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
}

/** `size` bytes in 64 KiB chunks, written only as fast as the client reads. */
function streamBytes(res: ServerResponse, size: number): void {
  const chunk = Buffer.alloc(64 * 1024, 7);
  let left = size;
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': String(size),
  });
  const pump = () => {
    while (left > 0) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      if (!res.write(piece)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
}
