import { connect } from 'node:net';

const CANCEL_REQUEST_CODE = 80877102;
const CANCEL_TIMEOUT_MS = 2_000;

export interface CancelTarget {
  host?: string;
  port?: number;
  processID: number | null;
  secretKey: number | null;
}

/**
 * Asks the server to cancel whatever the given backend is running (the protocol's
 * CancelRequest on a fresh connection). Best effort: failures are ignored, as the caller
 * also closes the session's own connection.
 */
export function sendCancelRequest(target: CancelTarget): Promise<void> {
  const { processID, secretKey } = target;
  if (processID === null || secretKey === null) return Promise.resolve();
  const packet = Buffer.alloc(16);
  packet.writeInt32BE(16, 0);
  packet.writeInt32BE(CANCEL_REQUEST_CODE, 4);
  packet.writeInt32BE(processID, 8);
  packet.writeInt32BE(secretKey, 12);
  const port = target.port ?? 5432;
  const host = target.host ?? 'localhost';
  return new Promise((resolve) => {
    const socket = host.startsWith('/') ? connect(`${host}/.s.PGSQL.${port}`) : connect(port, host);
    const done = () => {
      socket.destroy();
      resolve();
    };
    socket.setTimeout(CANCEL_TIMEOUT_MS, done);
    socket.once('error', done);
    socket.once('close', done);
    socket.once('connect', () => socket.end(packet));
  });
}
