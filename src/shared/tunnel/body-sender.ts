import type { Readable } from 'node:stream';
import { encodeEndFrame, type SendWindow } from '../protocol';
import type { FrameSocket } from './frame-socket';

export interface OutboundBody {
  streamId: number;
  window: SendWindow;
  socket: FrameSocket;
  chunkSize: number;
  /** Running count of payload bytes sent, readable while the body is still flowing. */
  progress?: { bytes: number };
  /** Called after each DATA frame, e.g. to keep an inactivity timer from firing. */
  onSent?: () => void;
}

/**
 * Streams a body as DATA frames, never past the peer's credit or the socket's buffer bound,
 * then END. Rejects when the window is closed (stream reset) or the source fails; the caller
 * decides what to tell the peer.
 */
export async function sendBody(source: Readable, target: OutboundBody): Promise<number> {
  const { streamId, window, socket, chunkSize } = target;
  let sent = 0;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    let offset = 0;
    while (offset < chunk.length) {
      if (window.available === 0) await window.waitForCredit();
      if (socket.congested) await socket.whenWritable();
      if (window.closed || !socket.isOpen) throw new Error('stream closed');
      const size = Math.min(chunk.length - offset, window.available, chunkSize);
      window.consume(size);
      socket.sendData(streamId, chunk.subarray(offset, offset + size));
      offset += size;
      sent += size;
      if (target.progress) target.progress.bytes = sent;
      target.onSent?.();
    }
  }
  if (window.closed) throw new Error('stream closed');
  socket.send(encodeEndFrame(streamId));
  return sent;
}
