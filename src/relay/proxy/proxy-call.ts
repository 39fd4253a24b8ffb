import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorCodeOf, ResetCode, type ResponsePayload } from '../../shared/protocol';
import { ErrorCode } from '../../shared/errors/error-code';
import { writeErrorResponse } from '../../shared/errors/write-error-response';
import type { RelayStream, StreamListener } from '../tunnel/relay-stream';
import { TunnelErrorCode } from '../tunnel/tunnel-error-code';
import { ResponseFraming } from './response-framing';
import { callerHead } from './response-header-policy';
import { isRelayableErrorStatus, isRelayableStatus } from './response-status-policy';

/** How each way a call can fail reaches the caller. */
const FAILURES: Record<string, [number, string]> = {
  [TunnelErrorCode.AgentDisconnected]: [502, TunnelErrorCode.AgentDisconnected],
  [TunnelErrorCode.RelayShutdown]: [503, TunnelErrorCode.RelayShutdown],
  [ResetCode.DEADLINE_EXCEEDED]: [504, TunnelErrorCode.UpstreamTimeout],
  [ResetCode.DATASOURCE_NOT_FOUND]: [404, 'DATASOURCE_NOT_FOUND'],
  [ResetCode.OPERATION_NOT_ALLOWED]: [403, 'OPERATION_NOT_ALLOWED'],
  [ResetCode.REFUSED_STREAM]: [503, TunnelErrorCode.AgentBusy],
  [ResetCode.CANCELLED]: [502, TunnelErrorCode.UpstreamError],
  [ResetCode.UPSTREAM_ERROR]: [502, TunnelErrorCode.UpstreamError],
};

export interface CallOutcome {
  status: number;
  errorCode?: string;
  bytesIn: number;
  bytesOut: number;
  contentType?: string;
}

/**
 * Bridges one caller's HTTP exchange and its tunnel stream: answer head and body flow to the
 * caller as they arrive, credit flows back as the caller drains, and the deadline, the
 * caller leaving and the agent vanishing each end the call exactly once.
 */
export class ProxyCall implements StreamListener {
  private stream?: RelayStream;
  private timer?: NodeJS.Timeout;
  private unreleased = 0;
  private waitingForDrain = false;
  private ended = false;
  private errorCode?: string;
  /** Chunked (no declared length) until the agent's head says otherwise. */
  private framing = new ResponseFraming();
  private bodyless = false;
  /** Header names taken from the agent's head, withdrawn if the call fails before sending. */
  private agentHeaderNames: string[] = [];
  bytesOut = 0;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly requestId: string,
    private readonly timeoutMs: number,
    /** 0: no limit. */
    private readonly maxBodyBytes: number,
    private readonly onDone: (outcome: CallOutcome) => void,
  ) {}

  start(stream: RelayStream, hasBody: boolean): void {
    this.stream = stream;
    this.armTimer();
    this.res.on('close', () => this.callerGone());
    if (hasBody) {
      // An upload in progress counts as activity, like answer data does.
      void stream.sendBody(this.req, () => this.uploadProgress(stream));
    }
  }

  onResponse(head: ResponsePayload): void {
    this.armTimer();
    if (!isRelayableStatus(head.status)) {
      this.refuseAnswer(
        `Agent answered with status ${head.status}, which the relay does not pass on`,
      );
      return;
    }
    const answer = callerHead(head.headers, head.status, this.req.method === 'HEAD');
    this.framing = new ResponseFraming(answer.declaredLength);
    this.bodyless = answer.bodyless;
    this.res.statusCode = head.status;
    if (head.status >= 400) this.errorCode = errorCodeOf(head.headers);
    this.agentHeaderNames = Object.keys(answer.headers);
    for (const name of this.agentHeaderNames) this.res.setHeader(name, answer.headers[name]);
    this.res.setHeader('X-Request-Id', this.requestId);
  }

  onData(chunk: Buffer): void {
    if (!this.framing.admit(chunk.length)) {
      this.refuseAnswer('Agent sent more body bytes than its Content-Length declared');
      return;
    }
    if (!this.waitingForDrain) this.armTimer();
    if (this.bodyless) {
      // Node would drop these bytes anyway; credit goes back so the agent is not stalled.
      this.stream!.release(chunk.length);
      return;
    }
    this.bytesOut += chunk.length;
    if (this.res.write(chunk)) {
      this.stream!.release(chunk.length);
      return;
    }
    this.unreleased += chunk.length;
    if (this.waitingForDrain) return;
    this.waitingForDrain = true;
    // The caller is the slow side now: that is no reason to give up on the agent.
    this.stopTimer();
    this.res.once('drain', () => {
      this.waitingForDrain = false;
      this.armTimer();
      const bytes = this.unreleased;
      this.unreleased = 0;
      this.stream!.release(bytes);
    });
  }

  onEnd(): void {
    if (!this.framing.complete) {
      const message = 'Agent ended the body before its Content-Length was reached';
      this.fail(502, TunnelErrorCode.AgentBadResponse, message);
      return;
    }
    this.finish();
    this.res.end();
  }

  onReset(code: string, message: string, status?: number): void {
    if (status !== undefined && !isRelayableErrorStatus(status)) {
      const refusal = `Agent reset the call with status ${status}, which the relay does not pass on`;
      this.fail(502, TunnelErrorCode.AgentBadResponse, refusal);
      return;
    }
    const [defaultStatus, callerCode] = FAILURES[code] ?? [502, TunnelErrorCode.UpstreamError];
    this.fail(status ?? defaultStatus, callerCode, message);
  }

  /** The principal lost its access mid-call: the agent stops, the caller's answer is cut. */
  revoke(message: string): void {
    if (this.ended) return;
    this.stream?.cancel(ResetCode.CANCELLED, 'access revoked');
    this.fail(403, ErrorCode.AccessRevoked, message);
  }

  /** The agent broke the relay's response policy: the agent stops, the caller gets a 502. */
  private refuseAnswer(message: string): void {
    this.stream!.cancel(ResetCode.PROTOCOL_ERROR, message);
    this.fail(502, TunnelErrorCode.AgentBadResponse, message);
  }

  /**
   * Before the head went out the caller gets a clean error answer without any of the agent's
   * headers; after, the connection is cut, since no clean end would tell it the answer broke.
   */
  private fail(status: number, code: string, message: string): void {
    this.errorCode = code;
    this.finish(status);
    if (!this.res.headersSent) {
      for (const name of this.agentHeaderNames) this.res.removeHeader(name);
    }
    writeErrorResponse(this.res, { statusCode: status, code, message, requestId: this.requestId });
  }

  private armTimer(): void {
    if (this.ended) return;
    if (this.timer) {
      this.timer.refresh();
      return;
    }
    this.timer = setTimeout(() => this.expire(), this.timeoutMs);
  }

  /** Chunked uploads declare no length; the body limit is enforced as the bytes flow. */
  private uploadProgress(stream: RelayStream): void {
    this.armTimer();
    if (this.maxBodyBytes > 0 && stream.sent.bytes > this.maxBodyBytes) {
      stream.cancel(ResetCode.CANCELLED, 'request body too large');
      this.fail(
        413,
        ErrorCode.PayloadTooLarge,
        `Request body larger than ${this.maxBodyBytes} bytes is not accepted here`,
      );
    }
  }

  private stopTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private expire(): void {
    if (this.ended) return;
    this.stream?.cancel(ResetCode.DEADLINE_EXCEEDED, 'deadline exceeded');
    this.fail(504, TunnelErrorCode.UpstreamTimeout, `No answer within ${this.timeoutMs} ms`);
  }

  private callerGone(): void {
    if (this.ended) return;
    this.stream?.cancel(ResetCode.CANCELLED, 'caller went away');
    this.errorCode = 'CALLER_CLOSED';
    this.finish(499);
  }

  private finish(status = this.res.statusCode): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    const contentType = this.res.getHeader('content-type');
    this.onDone({
      status,
      errorCode: this.errorCode,
      bytesIn: this.stream?.sent.bytes ?? 0,
      bytesOut: this.bytesOut,
      contentType: typeof contentType === 'string' ? contentType : undefined,
    });
  }
}
