import { Transform, type TransformCallback } from 'node:stream';
import { AppException } from '../../shared/errors/app.exception';
import { DatasourceErrorCode } from './datasource-error-code';

export function payloadTooLarge(limit: number): AppException {
  return new AppException(
    DatasourceErrorCode.PayloadTooLarge,
    `Request body larger than ${limit} bytes`,
    413,
  );
}

/** Passes a request body through, failing with 413 once it exceeds the limit. */
export class BodyLimit extends Transform {
  private seen = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) callback(payloadTooLarge(this.limit));
    else callback(null, chunk);
  }
}

/** The declared Content-Length: undefined when absent, NaN when malformed. */
export function declaredLength(headers: Record<string, string | string[]>): number | undefined {
  const value = headers['content-length'];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) return NaN;
  return Number(value);
}
