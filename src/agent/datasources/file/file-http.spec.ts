import type { Stats } from 'node:fs';
import { parseRange } from './byte-range';
import { isNotModified, rangeStillApplies, validatorsOf } from './conditional-request';

describe('parseRange', () => {
  it.each([
    ['bytes=0-9', 100, { start: 0, end: 9 }],
    ['bytes=90-', 100, { start: 90, end: 99 }],
    ['bytes=90-200', 100, { start: 90, end: 99 }],
    ['bytes=-10', 100, { start: 90, end: 99 }],
    ['bytes=-200', 100, { start: 0, end: 99 }],
    ['bytes=100-', 100, 'unsatisfiable'],
    ['bytes=-0', 100, 'unsatisfiable'],
    ['bytes=0-', 0, 'unsatisfiable'],
    ['bytes=5-1', 100, undefined],
    ['bytes=0-1,5-6', 100, undefined],
    ['items=0-1', 100, undefined],
    ['bytes=-', 100, undefined],
    [undefined, 100, undefined],
  ])('%j of %d bytes -> %j', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});

describe('conditional requests', () => {
  const mtime = new Date('2024-05-01T10:00:00.500Z');
  const validators = validatorsOf({ size: 255, mtimeMs: mtime.getTime(), mtime } as Stats);

  it('builds a weak ETag from size and mtime', () => {
    expect(validators.etag).toBe(`W/"ff-${mtime.getTime().toString(16)}"`);
    expect(validators.lastModified).toBe('Wed, 01 May 2024 10:00:00 GMT');
  });

  it('matches If-None-Match weakly, and prefers it to If-Modified-Since', () => {
    const strong = validators.etag.slice(2);
    expect(isNotModified({ 'if-none-match': validators.etag }, validators)).toBe(true);
    expect(isNotModified({ 'if-none-match': `"x", ${strong}` }, validators)).toBe(true);
    expect(isNotModified({ 'if-none-match': '*' }, validators)).toBe(true);
    expect(
      isNotModified(
        { 'if-none-match': '"other"', 'if-modified-since': 'Wed, 01 May 2024 10:00:00 GMT' },
        validators,
      ),
    ).toBe(false);
  });

  it('compares If-Modified-Since at one-second precision', () => {
    const at = (date: string) => isNotModified({ 'if-modified-since': date }, validators);
    expect(at('Wed, 01 May 2024 10:00:00 GMT')).toBe(true);
    expect(at('Wed, 01 May 2024 09:59:59 GMT')).toBe(false);
    expect(at('garbage')).toBe(false);
    expect(isNotModified({}, validators)).toBe(false);
  });

  it('keeps a range only for an exact If-Range date', () => {
    expect(rangeStillApplies({}, validators)).toBe(true);
    expect(rangeStillApplies({ 'if-range': validators.lastModified }, validators)).toBe(true);
    expect(rangeStillApplies({ 'if-range': validators.etag }, validators)).toBe(false);
  });
});
