import type { Readable } from 'node:stream';
import {
  FrameType,
  ProtocolError,
  ProtocolErrorCode,
  ResetCode,
  SendWindow,
  type Frame,
  type OpenPayload,
} from '../../shared/protocol';
import { sendBody } from '../../shared/tunnel/body-sender';
import type { FrameSocket } from '../../shared/tunnel/frame-socket';
import { InboundBody } from '../../shared/tunnel/inbound-body';
import type { DatasourceCall, DatasourceReply } from '../datasources/datasource-call';

export type Dispatch = (call: DatasourceCall) => Promise<DatasourceReply>;

export interface ServedStreamSettings {
  initialWindow: number;
  chunkSize: number;
}

/** Why a call stopped; `code` lets the data log tell deadlines from cancellations. */
class StreamEnded extends Error {
  constructor(
    message: string,
    readonly code: string = ResetCode.CANCELLED,
  ) {
    super(message);
  }
}

/** Closes the send window of a call that ended normally; never shown to anyone. */
const STREAM_FINISHED = new StreamEnded('stream finished');

/**
 * The agent's half of one call: feeds the request body to the datasource, streams its
 * answer back under the relay's credit, and stops the datasource's work at once when the
 * relay cancels or the deadline passes.
 */
export class ServedStream {
  private readonly abort = new AbortController();
  private readonly sendWindow: SendWindow;
  /** The request body; null when the request has none. */
  private readonly body: InboundBody | null;
  private readonly progress = { bytes: 0 };
  private readonly deadline: NodeJS.Timeout;
  private requestComplete: boolean;
  private done = false;
  private answered = false;

  constructor(
    readonly id: number,
    private readonly open: OpenPayload,
    private readonly socket: FrameSocket,
    private readonly settings: ServedStreamSettings,
    private readonly onDone: (stream: ServedStream) => void,
  ) {
    this.sendWindow = new SendWindow(settings.initialWindow);
    this.requestComplete = !open.hasBody;
    this.body = open.hasBody ? new InboundBody(id, socket, settings.initialWindow) : null;
    this.deadline = setTimeout(
      () => this.stop(ResetCode.DEADLINE_EXCEEDED, 'deadline exceeded'),
      open.timeoutMs,
    );
    this.deadline.unref();
  }

  async run(dispatch: Dispatch): Promise<void> {
    const { requestId, datasource, method, path, query, headers, principal } = this.open;
    const reply = await dispatch({
      requestId,
      datasource,
      method,
      path,
      query,
      headers,
      principal,
      body: this.body,
      signal: this.abort.signal,
    });
    if (this.done) {
      reply.body?.destroy();
      reply.delivered?.(0, STREAM_FINISHED);
      return;
    }
    // The deadline bounds the wait for an answer; a streaming body may then take its time
    // (the relay cuts a stream that stalls for longer than the deadline).
    clearTimeout(this.deadline);
    this.answered = true;
    this.socket.sendFrame({
      type: FrameType.RESPONSE,
      streamId: this.id,
      endStream: reply.body === null,
      payload: { status: reply.status, headers: reply.headers },
    });
    if (reply.body === null) return this.finish();
    await this.stream(reply.body, reply.delivered);
  }

  handle(frame: Frame): void {
    if (this.done) return;
    switch (frame.type) {
      case FrameType.DATA:
        if (this.requestComplete) throw this.outOfOrder('DATA after the request ended');
        this.body!.accept(frame.payload);
        // A request body still arriving is progress: the deadline bounds silence, not size.
        if (!this.answered) this.deadline.refresh();
        if (frame.endStream) this.endRequest();
        return;
      case FrameType.END:
        if (this.requestComplete) throw this.outOfOrder('END after the request ended');
        this.endRequest();
        return;
      case FrameType.WINDOW:
        this.sendWindow.grant(frame.increment);
        return;
      case FrameType.RESET:
        this.cancel(new StreamEnded(`cancelled by relay: ${frame.payload.code}`));
        return;
      default:
        throw this.outOfOrder(`${FrameType[frame.type]} on an open stream`);
    }
  }

  /** The connection is gone: stop all work for this call. */
  connectionLost(): void {
    this.cancel(new StreamEnded('connection lost'));
  }

  private async stream(body: Readable, delivered: DatasourceReply['delivered']): Promise<void> {
    try {
      const sent = await sendBody(body, {
        streamId: this.id,
        window: this.sendWindow,
        socket: this.socket,
        chunkSize: this.settings.chunkSize,
        progress: this.progress,
      });
      delivered?.(sent);
      this.finish();
    } catch (error) {
      delivered?.(this.progress.bytes, error as Error);
      if (!this.done) this.stop(ResetCode.UPSTREAM_ERROR, (error as Error).message);
    }
  }

  private endRequest(): void {
    this.requestComplete = true;
    this.body!.finish();
  }

  /** Ends the call from the agent's side and tells the relay why. */
  private stop(code: ResetCode, message: string): void {
    if (this.done) return;
    this.socket.sendFrame({ type: FrameType.RESET, streamId: this.id, payload: { code, message } });
    this.cancel(new StreamEnded(message, code));
  }

  private cancel(reason: Error): void {
    if (this.done) return;
    this.abort.abort(reason);
    this.body?.destroy();
    this.finish(reason);
  }

  private finish(reason: Error = STREAM_FINISHED): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.deadline);
    if (!this.requestComplete) this.body?.destroy();
    this.sendWindow.close(reason);
    this.onDone(this);
  }

  private outOfOrder(what: string): ProtocolError {
    return new ProtocolError(ProtocolErrorCode.PROTOCOL_ERROR, `${what} (stream ${this.id})`);
  }
}
