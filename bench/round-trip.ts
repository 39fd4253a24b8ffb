/**
 * The price of one hop on this machine: a bare TCP echo between two Node processes on
 * loopback, one 1 KiB message at a time, with no HTTP, WebSocket or application code. Every
 * hop a proxied call adds (client -> relay -> agent -> upstream) pays at least this much
 * latency and CPU on each side before any work is done.
 */
import { connect, createServer, type AddressInfo } from 'node:net';
import { forkRole, nextMessage } from './child-role';
import { median } from './load';
import { cpuSeconds } from './proc-stats';

const MESSAGE_BYTES = 1024;

export interface RoundTrip {
  /** Median wall time of one round trip. */
  p50Micros: number;
  /** CPU per round trip, of the echoing process (which only reads and writes). */
  echoCpuMicros: number;
}

export async function loopbackRoundTrip(count = 20_000): Promise<RoundTrip> {
  const echo = forkRole(__filename, 'echo');
  const port = await nextMessage<number>(echo);
  const socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise((resolve) => socket.once('connect', resolve));
  const message = Buffer.alloc(MESSAGE_BYTES, 1);
  const times: number[] = [];
  const cpuBefore = cpuSeconds(echo.pid!);
  for (let i = 0; i < count; i++) {
    const started = process.hrtime.bigint();
    await new Promise<void>((resolve) => {
      let received = 0;
      const onData = (chunk: Buffer) => {
        received += chunk.length;
        if (received < MESSAGE_BYTES) return;
        socket.off('data', onData);
        resolve();
      };
      socket.on('data', onData);
      socket.write(message);
    });
    times.push(Number(process.hrtime.bigint() - started) / 1_000);
  }
  const echoCpuMicros = ((cpuSeconds(echo.pid!) - cpuBefore) * 1e6) / count;
  socket.destroy();
  echo.kill();
  return { p50Micros: median(times), echoCpuMicros };
}

if (process.argv[2] === 'echo') {
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => socket.write(chunk));
  });
  server.listen(0, '127.0.0.1', () => process.send!((server.address() as AddressInfo).port));
}
