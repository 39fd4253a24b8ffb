import type { Response } from 'express';

const HEARTBEAT_MS = 15_000;
/** A reader this far behind is dropped rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 1_048_576;

/**
 * A server-sent-events response: named events with JSON data, a comment every 15 s so
 * proxies keep the connection open, and a bound on what a slow reader can make us buffer.
 */
export class SseStream {
  private readonly heartbeat: NodeJS.Timeout;
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly res: Response,
    private readonly onClose: () => void,
  ) {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write('retry: 5000\n\n');
    this.heartbeat = setInterval(() => this.write(': keep-alive\n\n'), HEARTBEAT_MS);
    this.heartbeat.unref();
    res.on('close', () => this.close());
  }

  send(event: string, data: unknown): void {
    this.write(`id: ${this.nextId++}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** Sends a last event and closes, so the reader learns why rather than seeing a drop. */
  closeWith(event: string, data: unknown): void {
    this.send(event, data);
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.onClose();
    if (!this.res.writableEnded) this.res.end();
  }

  private write(text: string): void {
    if (this.closed) return;
    if (this.res.writableLength > MAX_BUFFERED_BYTES) {
      this.res.destroy();
      this.close();
      return;
    }
    this.res.write(text);
  }
}
