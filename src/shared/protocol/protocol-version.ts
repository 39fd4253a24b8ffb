/** Version of the payload formats and stream rules; the 6-byte frame header never changes. */
export const PROTOCOL_VERSION = 1;

/** Versions this build can talk to. Widen this range when a release stays backward compatible. */
const OLDEST_COMPATIBLE_VERSION = 1;

export function isCompatible(version: number): boolean {
  return (
    Number.isInteger(version) && version >= OLDEST_COMPATIBLE_VERSION && version <= PROTOCOL_VERSION
  );
}
