/** `bufferutil` ships no types; this is the one function the tunnel uses. */
declare module 'bufferutil' {
  /** Writes `source[i] ^ mask[i & 3]` to `output[offset + i]` for i < length. */
  export function mask(
    source: Uint8Array,
    mask: Uint8Array,
    output: Uint8Array,
    offset: number,
    length: number,
  ): void;
}
