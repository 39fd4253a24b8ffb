import { randomBytes } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { decodeFrame, FRAME_HEADER_SIZE, FrameType } from '../protocol';
import { writeDataFrame } from './websocket-data-frame';

/** Payload sizes around each WebSocket length encoding's edge (7-bit, 16-bit, 64-bit). */
const SIZES = [0, 1, 119, 120, 121, 65_529, 65_530, 65_531, 200_000];

describe('writeDataFrame', () => {
  let server: WebSocketServer;
  let client: WebSocket;
  let serverSide: WebSocket;

  beforeAll(async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
    await new Promise((resolve) => server.once('listening', resolve));
    const accepted = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
    const { port } = server.address() as AddressInfo;
    client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
    await new Promise((resolve) => client.once('open', resolve));
    serverSide = await accepted;
  });

  afterAll(async () => {
    client.terminate();
    await new Promise((resolve) => server.close(resolve));
  });

  const socketOf = (ws: WebSocket) => (ws as unknown as { _socket: Socket })._socket;

  async function roundTrip(from: WebSocket, to: WebSocket, masked: boolean): Promise<void> {
    const payloads = SIZES.map((size) => randomBytes(size));
    const received: Buffer[] = [];
    const all = new Promise<void>((resolve) =>
      to.on('message', (data: Buffer) => {
        received.push(data);
        if (received.length === payloads.length) resolve();
      }),
    );
    payloads.forEach((payload, index) =>
      writeDataFrame(socketOf(from), index + 1, payload, masked),
    );
    await all;
    to.removeAllListeners('message');
    received.forEach((message, index) => {
      const frame = decodeFrame(message, { maxFrameSize: 1 << 20 });
      expect(frame).toMatchObject({ type: FrameType.DATA, streamId: index + 1 });
      expect(frame.type === FrameType.DATA && frame.payload.equals(payloads[index])).toBe(true);
    });
  }

  it('sends masked frames a WebSocket server accepts, byte-exact at every length encoding', () =>
    roundTrip(client, serverSide, true));

  it('sends unmasked frames a WebSocket client accepts, byte-exact at every length encoding', () =>
    roundTrip(serverSide, client, false));

  it('keeps order with messages sent through ws itself', async () => {
    const received: Buffer[] = [];
    const done = new Promise<void>((resolve) =>
      serverSide.on('message', (data: Buffer) => {
        received.push(data);
        if (received.length === 3) resolve();
      }),
    );
    client.send(Buffer.from('before'));
    writeDataFrame(socketOf(client), 7, Buffer.from('middle'), true);
    client.send(Buffer.from('after'));
    await done;
    serverSide.removeAllListeners('message');
    expect(received[0].toString()).toBe('before');
    expect(received[1].subarray(FRAME_HEADER_SIZE).toString()).toBe('middle');
    expect(received[2].toString()).toBe('after');
  });
});
