import { Injectable, Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream';
import { AppException } from '../../shared/errors/app.exception';
import { DataLogWriter } from '../data-log/data-log.writer';
import { AgentMetrics, statusClass } from '../metrics/agent-metrics';
import { ByteCounter } from './byte-counter';
import type { DatasourceCall, DatasourceReply } from './datasource-call';
import { DatasourceErrorCode } from './datasource-error-code';
import { DatasourceRegistry } from './datasource-registry';
import type { DatasourceType } from './datasource.types';
import { errorReply } from './json-reply';

/** Data-log column widths: longer values are cut rather than failing the batch insert. */
const MAX_OPERATION = 1024;
const MAX_ID = 128;
const MAX_NAME = 200;

interface CallRecord {
  call: DatasourceCall;
  at: Date;
  startedAt: number;
  operation: string;
  /** Counts the request body as the datasource reads it; absent when there is none. */
  bytesIn?: ByteCounter;
  /** The datasource's name as a metrics label: only configured names, else `unknown`. */
  label: string;
}

/**
 * Entry point of the data plane: the tunnel hands it every call. It answers from an enabled
 * datasource or with a JSON error reply (it never throws), counts the bytes both ways and
 * records one data-log row when the reply body has been consumed or has failed.
 */
@Injectable()
export class DatasourceDispatcher {
  private readonly logger = new Logger(DatasourceDispatcher.name);

  constructor(
    private readonly registry: DatasourceRegistry,
    private readonly dataLog: DataLogWriter,
    private readonly metrics: AgentMetrics,
  ) {}

  async dispatch(call: DatasourceCall): Promise<DatasourceReply> {
    const active = this.registry.lookup(call.datasource);
    let bytesIn: ByteCounter | undefined;
    if (call.body) {
      bytesIn = new ByteCounter();
      pipeline(call.body, bytesIn, () => undefined);
    }
    const record: CallRecord = {
      call,
      at: new Date(),
      startedAt: performance.now(),
      operation: describeOperation(call, active?.definition.type),
      bytesIn,
      label: active ? call.datasource : 'unknown',
    };
    try {
      if (call.signal.aborted) throw abortFailure(call.signal);
      if (!active) {
        throw new AppException(
          DatasourceErrorCode.DatasourceNotFound,
          `No datasource named "${call.datasource}"`,
          404,
        );
      }
      const reply = await active.handler.handle({ ...call, body: bytesIn ?? null });
      return this.tracked(reply, record, undefined);
    } catch (error) {
      const failure = this.toFailure(error, call);
      const reply = errorReply(
        failure.getStatus(),
        failure.code,
        failure.message,
        call.requestId,
        failure.details,
        failure.headers,
      );
      return this.tracked(reply, record, failure.code);
    }
  }

  /** Logs the call once its reply body has been delivered or has failed. */
  private tracked(
    reply: DatasourceReply,
    record: CallRecord,
    errorCode: string | undefined,
  ): DatasourceReply {
    if (!reply.body) {
      this.log(record, reply.status, 0, errorCode);
      return reply;
    }
    const delivered = (bytesOut: number, error?: Error): void => {
      const code = error ? this.streamFailureCode(error, record.call) : errorCode;
      this.log(record, reply.status, bytesOut, code);
    };
    return { ...reply, delivered };
  }

  private log(record: CallRecord, status: number, bytesOut: number, errorCode?: string): void {
    const { call } = record;
    const durationMs = Math.round(performance.now() - record.startedAt);
    const bytesIn = record.bytesIn?.bytes ?? 0;
    this.observe(record.label, status, errorCode, bytesIn, bytesOut, durationMs);
    this.dataLog.record({
      at: record.at,
      requestId: call.requestId.slice(0, MAX_ID),
      datasource: call.datasource.slice(0, 63),
      operation: record.operation,
      principalType: call.principal.type,
      principalId: call.principal.id.slice(0, MAX_ID),
      principalName: call.principal.name.slice(0, MAX_NAME),
      status,
      bytesIn,
      bytesOut,
      durationMs,
      errorCode: errorCode ?? null,
    });
  }

  private observe(
    datasource: string,
    status: number,
    errorCode: string | undefined,
    bytesIn: number,
    bytesOut: number,
    durationMs: number,
  ): void {
    const code = errorCode ?? 'none';
    this.metrics.calls.inc({ datasource, status_class: statusClass(status), code });
    this.metrics.bytes.inc({ datasource, direction: 'in' }, bytesIn);
    this.metrics.bytes.inc({ datasource, direction: 'out' }, bytesOut);
    this.metrics.upstreamDuration.observe({ datasource }, durationMs / 1000);
  }

  private toFailure(error: unknown, call: DatasourceCall): AppException {
    if (call.signal.aborted) return abortFailure(call.signal);
    if (error instanceof AppException) return error;
    this.logger.error(
      { err: error, requestId: call.requestId, datasource: call.datasource },
      'datasource call failed',
    );
    return new AppException(DatasourceErrorCode.Internal, 'Internal error', 500);
  }

  private streamFailureCode(error: Error, call: DatasourceCall): string {
    if (call.signal.aborted) return abortFailure(call.signal).code;
    if (error instanceof AppException) return error.code;
    if ((error as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') {
      return DatasourceErrorCode.Cancelled;
    }
    this.logger.warn(
      { err: error, requestId: call.requestId, datasource: call.datasource },
      'reply body failed',
    );
    return DatasourceErrorCode.StreamFailed;
  }
}

/** What the data log calls the operation: `query <name>` for SQL, else method and path. */
export function describeOperation(call: DatasourceCall, type?: DatasourceType): string {
  const method = call.method.toUpperCase();
  if (type === 'postgres' && method === 'POST') {
    const match = /^\/queries\/([^/]+)$/.exec(call.path);
    if (match) return `query ${match[1]}`.slice(0, MAX_OPERATION);
  }
  return `${method} ${call.path}`.slice(0, MAX_OPERATION);
}

function abortFailure(signal: AbortSignal): AppException {
  const reason = signal.reason as { name?: string; code?: string } | undefined;
  if (reason?.name === 'TimeoutError' || reason?.code === 'DEADLINE_EXCEEDED') {
    return new AppException(DatasourceErrorCode.DeadlineExceeded, 'The call deadline passed', 504);
  }
  return new AppException(DatasourceErrorCode.Cancelled, 'The caller cancelled the call', 499);
}
