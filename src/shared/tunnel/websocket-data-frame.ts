import { randomFillSync } from 'node:crypto';
import type { Socket } from 'node:net';
import { mask as maskInto } from 'bufferutil';
import { FRAME_HEADER_SIZE, writeDataHeader } from '../protocol';

const FIN_BINARY = 0x82;
const MASK_BIT = 0x80;
const MASK_SIZE = 4;
const MASK_POOL_SIZE = 8 * 1024;

let maskPool = Buffer.alloc(0);
let maskOffset = MASK_POOL_SIZE;

/**
 * Writes one DATA frame as a WebSocket binary message straight onto the connection's socket.
 *
 * Bodies are the bulk of the tunnel's bytes, and `ws`'s sender handles them with copies this
 * writer does not need: a server copied each payload once (to put the 6-byte frame header in
 * front) and a client twice (that, then once more to mask). Here a server copies nothing (the
 * headers and the payload leave together in the corked socket's writev) and a client copies
 * once, masking as it copies.
 *
 * Valid only while `ws` queues nothing of its own, which holds for the tunnel:
 * permessage-deflate is off and no Blob is ever sent, so every `ws` write is synchronous and
 * frames leave in the order they were written.
 */
export function writeDataFrame(
  socket: Socket,
  streamId: number,
  payload: Uint8Array,
  masked: boolean,
): void {
  const length = FRAME_HEADER_SIZE + payload.length;
  const lengthBytes = length < 126 ? 0 : length < 65_536 ? 2 : 8;
  const start = 2 + lengthBytes + (masked ? MASK_SIZE : 0);
  const out = Buffer.allocUnsafe(start + FRAME_HEADER_SIZE + (masked ? payload.length : 0));
  writeMessageHead(out, length, lengthBytes, masked);
  writeDataHeader(out, start, streamId);
  if (!masked) {
    socket.write(out);
    if (payload.length > 0) socket.write(payload);
    return;
  }
  const mask = nextMask();
  out.set(mask, start - MASK_SIZE);
  maskInto(out.subarray(start, start + FRAME_HEADER_SIZE), mask, out, start, FRAME_HEADER_SIZE);
  // The payload starts 6 bytes into the message, so its mask starts 2 bytes into the key.
  const shifted = Buffer.from([mask[2], mask[3], mask[0], mask[1]]);
  maskInto(payload, shifted, out, start + FRAME_HEADER_SIZE, payload.length);
  socket.write(out);
}

/** RFC 6455 5.2: FIN and the binary opcode, then the payload length in 7, 16 or 64 bits. */
function writeMessageHead(out: Buffer, length: number, lengthBytes: number, masked: boolean) {
  out[0] = FIN_BINARY;
  const maskBit = masked ? MASK_BIT : 0;
  if (lengthBytes === 0) {
    out[1] = maskBit | length;
  } else if (lengthBytes === 2) {
    out[1] = maskBit | 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = maskBit | 127;
    out.writeUInt32BE(0, 2);
    out.writeUInt32BE(length, 6);
  }
}

/** A fresh random masking key (RFC 6455 5.3), drawn from a pool as `ws` does. */
function nextMask(): Buffer {
  if (maskOffset === MASK_POOL_SIZE) {
    maskPool = randomFillSync(Buffer.allocUnsafe(MASK_POOL_SIZE));
    maskOffset = 0;
  }
  maskOffset += MASK_SIZE;
  return maskPool.subarray(maskOffset - MASK_SIZE, maskOffset);
}
