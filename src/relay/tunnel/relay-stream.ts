import type { Readable } from 'node:stream';
import {
  encodeFrame,
  encodeWindowFrame,
  FrameType,
  ProtocolError,
  ProtocolErrorCode,
  ReceiveWindow,
  ResetCode,
  SendWindow,
  type Frame,
  type ResponsePayload,
} from '../../shared/protocol';
import { sendBody } from '../../shared/tunnel/body-sender';
import type { FrameSocket } from '../../shared/tunnel/frame-socket';

/** What the proxy does with an agent's answer; every call ends in exactly one of onEnd/onReset. */
export interface StreamListener {
  onResponse(head: ResponsePayload): void;
  /** A view into the received message; call `release` once it has been consumed. */
  onData(chunk: Buffer): void;
  onEnd(): void;
  onReset(code: string, message: string, status?: number): void;
}

export interface StreamSettings {
  initialWindow: number;
  chunkSize: number;
}

class StreamClosed extends Error {}

/** Closes the send window of a call that ended; only ever seen by the body pump. */
const STREAM_FINISHED = new StreamClosed('stream finished');

/**
 * The relay's half of one proxied call: sends the request body under the agent's credit,
 * checks the order of what comes back (RESPONSE, DATA..., END, or RESET at any time), and
 * grants credit as the caller consumes.
 */
export class RelayStream {
  private readonly sendWindow: SendWindow;
  private readonly receiveWindow: ReceiveWindow;
  private responded = false;
  private done = false;
  /** Request body bytes sent so far. */
  readonly sent = { bytes: 0 };

  constructor(
    readonly id: number,
    private readonly socket: FrameSocket,
    private readonly listener: StreamListener,
    private readonly settings: StreamSettings,
    private readonly onDone: (stream: RelayStream) => void,
  ) {
    this.sendWindow = new SendWindow(settings.initialWindow);
    this.receiveWindow = new ReceiveWindow(settings.initialWindow);
  }

  get finished(): boolean {
    return this.done;
  }

  /** Streams the request body; resolves false if the stream ended first. */
  async sendBody(source: Readable, onSent?: () => void): Promise<boolean> {
    try {
      await sendBody(source, {
        streamId: this.id,
        window: this.sendWindow,
        socket: this.socket,
        chunkSize: this.settings.chunkSize,
        progress: this.sent,
        onSent,
      });
      return true;
    } catch {
      return false;
    }
  }

  /** The caller consumed `bytes` of the answer: grant the agent more credit. */
  release(bytes: number): void {
    if (this.done) return;
    const increment = this.receiveWindow.release(bytes);
    if (increment > 0) this.socket.sendCredit(encodeWindowFrame(this.id, increment));
  }

  /** Ends the call from the relay's side (caller gone, deadline) and tells the agent. */
  cancel(code: ResetCode, message: string): void {
    if (this.done) return;
    this.socket.send(
      encodeFrame({ type: FrameType.RESET, streamId: this.id, payload: { code, message } }),
    );
    this.finish();
  }

  /** The relay ends the call (shutdown): the agent stops its work, the caller gets `code`. */
  end(code: string, message: string): void {
    if (this.done) return;
    this.cancel(ResetCode.CANCELLED, message);
    this.listener.onReset(code, message);
  }

  /** The connection is gone: the call fails without telling the (absent) agent. */
  abort(code: string, message: string): void {
    if (this.done) return;
    this.finish();
    this.listener.onReset(code, message);
  }

  handle(frame: Frame): void {
    if (this.done) return;
    switch (frame.type) {
      case FrameType.RESPONSE:
        if (this.responded) throw this.outOfOrder('second RESPONSE');
        this.responded = true;
        this.listener.onResponse(frame.payload);
        // The listener may have refused the answer and cancelled the stream.
        if (frame.endStream && !this.done) this.complete();
        return;
      case FrameType.DATA:
        if (!this.responded) throw this.outOfOrder('DATA before RESPONSE');
        this.receiveWindow.receive(frame.payload.length);
        this.listener.onData(frame.payload);
        if (frame.endStream && !this.done) this.complete();
        return;
      case FrameType.END:
        if (!this.responded) throw this.outOfOrder('END before RESPONSE');
        this.complete();
        return;
      case FrameType.RESET:
        this.finish();
        this.listener.onReset(frame.payload.code, frame.payload.message, frame.payload.status);
        return;
      case FrameType.WINDOW:
        this.sendWindow.grant(frame.increment);
        return;
      default:
        throw this.outOfOrder(`${FrameType[frame.type]} on a stream`);
    }
  }

  private complete(): void {
    this.finish();
    this.listener.onEnd();
  }

  private finish(): void {
    this.done = true;
    this.sendWindow.close(STREAM_FINISHED);
    this.onDone(this);
  }

  private outOfOrder(what: string): ProtocolError {
    return new ProtocolError(ProtocolErrorCode.PROTOCOL_ERROR, `${what} (stream ${this.id})`);
  }
}
