/**
 * The floor: the thinnest relay and agent Node can run on this machine, for the table's
 * "floor" column. The relay is a bare `node:http` server that hands each request to the agent
 * as one WebSocket message; the agent replays it with a keep-alive `node:http` client and sends
 * the whole answer back as one message. No authentication, limits, logs, statistics, streaming
 * or flow control: whatever intrabridge does beyond this is what its features cost.
 */
import { Agent, createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { forkRole, nextMessage } from './child-role';

const ID_SIZE = 4;

export interface Floor {
  url: string;
  pids: number[];
  stop(): void;
}

export async function startFloor(upstreamUrl: string): Promise<Floor> {
  const relay = forkRole(__filename, 'relay');
  const { httpPort, wsPort } = await nextMessage<{ httpPort: number; wsPort: number }>(relay);
  const agent = forkRole(__filename, 'agent', String(wsPort), upstreamUrl);
  await nextMessage(agent);
  return {
    url: `http://127.0.0.1:${httpPort}`,
    pids: [relay.pid!, agent.pid!],
    stop: () => {
      relay.kill();
      agent.kill();
    },
  };
}

function runRelay(): void {
  const waiting = new Map<number, ServerResponse>();
  let nextId = 1;
  let agent: WebSocket | undefined;
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  wss.on('connection', (ws) => {
    agent = ws;
    ws.on('message', (data: Buffer) => {
      const id = data.readUInt32BE(0);
      const res = waiting.get(id)!;
      waiting.delete(id);
      res.writeHead(200, { 'content-length': data.length - ID_SIZE }).end(data.subarray(ID_SIZE));
    });
  });
  const server = createServer((req, res) => {
    const id = nextId++;
    waiting.set(id, res);
    const path = Buffer.from(req.url ?? '/');
    const out = Buffer.allocUnsafe(ID_SIZE + path.length);
    out.writeUInt32BE(id, 0);
    path.copy(out, ID_SIZE);
    agent!.send(out);
  });
  server.listen(0, '127.0.0.1', () =>
    process.send!({
      httpPort: (server.address() as AddressInfo).port,
      wsPort: (wss.address() as AddressInfo).port,
    }),
  );
}

function runAgent(wsPort: string, upstreamUrl: string): void {
  const upstream = new URL(upstreamUrl);
  const keepAlive = new Agent({ keepAlive: true, maxSockets: Infinity });
  const ws = new WebSocket(`ws://127.0.0.1:${wsPort}`, { perMessageDeflate: false });
  ws.on('open', () => process.send!('ready'));
  ws.on('message', (data: Buffer) => {
    const id = data.readUInt32BE(0);
    const path = data.subarray(ID_SIZE).toString();
    const options = { host: upstream.hostname, port: upstream.port, path, agent: keepAlive };
    request(options, (res) => {
      const chunks: Buffer[] = [Buffer.alloc(ID_SIZE)];
      chunks[0].writeUInt32BE(id, 0);
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => ws.send(Buffer.concat(chunks)));
    }).end();
  });
}

if (require.main === module) {
  const [role, ...args] = process.argv.slice(2);
  if (role === 'relay') runRelay();
  else if (role === 'agent') runAgent(args[0], args[1]);
}
