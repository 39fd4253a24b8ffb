import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const KIB = 1024;
const JSON_1K = Buffer.from(
  JSON.stringify({
    items: Array.from({ length: 20 }, (_, i) => ({ id: i, name: `item-${i}`, ok: true })),
  }).padEnd(KIB - 1, ' ') + '\n',
);
const CHUNK = Buffer.alloc(64 * KIB, 0x61);

/**
 * The intranet service the benchmarks read: a 1 KiB JSON document, fixed-size bodies, a
 * long stream, and a sink that counts an upload.
 */
export async function startUpstream(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://upstream');
    if (url.pathname === '/json1k') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': JSON_1K.length });
      res.end(JSON_1K);
      return;
    }
    if (url.pathname === '/bytes') {
      const size = Number(url.searchParams.get('size') ?? KIB);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
      streamBytes(res, size);
      return;
    }
    if (url.pathname === '/sink' && req.method === 'POST') {
      let received = 0;
      req.on('data', (chunk: Buffer) => (received += chunk.length));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ received }));
      });
      return;
    }
    res.writeHead(404).end();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}

function streamBytes(res: import('node:http').ServerResponse, size: number): void {
  let left = size;
  const pump = (): void => {
    while (left > 0) {
      const piece = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
      left -= piece.length;
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}
