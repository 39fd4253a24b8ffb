import { request } from 'node:http';
import { Readable } from 'node:stream';

const MIB = 1024 * 1024;

/** Downloads `size` bytes from `url`; returns MB/s (MiB per second). */
export async function download(
  url: string,
  headers: Record<string, string>,
  size: number,
): Promise<number> {
  const started = process.hrtime.bigint();
  const bytes = await new Promise<number>((resolve, reject) => {
    request(url, { headers }, (res) => {
      let total = 0;
      res.on('data', (chunk: Buffer) => (total += chunk.length));
      res.on('end', () => resolve(total));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (bytes !== size) throw new Error(`download got ${bytes} bytes`);
  return bytes / MIB / seconds;
}

/** Uploads `size` bytes to a sink at `url` that answers `{received}`; returns MB/s. */
export async function upload(
  url: string,
  headers: Record<string, string>,
  size: number,
): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024, 0x62);
  const chunks = size / chunk.length;
  const body = Readable.from(
    (function* () {
      for (let i = 0; i < chunks; i++) yield chunk;
    })(),
  );
  const started = process.hrtime.bigint();
  const answer = await new Promise<string>((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { ...headers, 'content-type': 'application/octet-stream' } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(text));
      },
    );
    req.on('error', reject);
    body.pipe(req);
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if ((JSON.parse(answer) as { received: number }).received !== size)
    throw new Error(`upload answer ${answer}`);
  return size / MIB / seconds;
}
