import { Transform, type TransformCallback } from 'node:stream';

/** Passes bytes through unchanged and counts them (for the data log). */
export class ByteCounter extends Transform {
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}
