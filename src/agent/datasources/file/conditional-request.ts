import type { Stats } from 'node:fs';

/** Validators of a file version: a weak ETag from size and mtime, and Last-Modified. */
export interface FileValidators {
  etag: string;
  lastModified: string;
  mtimeSeconds: number;
}

export function validatorsOf(stats: Stats): FileValidators {
  return {
    etag: `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`,
    lastModified: stats.mtime.toUTCString(),
    mtimeSeconds: Math.floor(stats.mtimeMs / 1000),
  };
}

function header(headers: Record<string, string | string[]>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

const opaqueTag = (tag: string) => tag.trim().replace(/^W\//, '');

/**
 * Whether a GET/HEAD may answer 304 (RFC 9110 13.1.2-13.1.3): If-None-Match by weak
 * comparison wins; If-Modified-Since counts only without it.
 */
export function isNotModified(
  headers: Record<string, string | string[]>,
  validators: FileValidators,
): boolean {
  const noneMatch = header(headers, 'if-none-match');
  if (noneMatch !== undefined) {
    if (noneMatch.trim() === '*') return true;
    const current = opaqueTag(validators.etag);
    return noneMatch.split(',').some((tag) => opaqueTag(tag) === current);
  }
  const since = header(headers, 'if-modified-since');
  if (since === undefined) return false;
  const time = Date.parse(since);
  return !Number.isNaN(time) && validators.mtimeSeconds <= Math.floor(time / 1000);
}

/**
 * Whether a Range may be honoured given If-Range. Our ETags are weak, which If-Range may
 * never match, so only an exact Last-Modified date keeps the range.
 */
export function rangeStillApplies(
  headers: Record<string, string | string[]>,
  validators: FileValidators,
): boolean {
  const ifRange = header(headers, 'if-range');
  return ifRange === undefined || ifRange.trim() === validators.lastModified;
}
