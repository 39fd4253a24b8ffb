import fc from 'fast-check';
import { JsonBytes } from './json-bytes';

function written(values: unknown[]): string {
  const out = new JsonBytes();
  for (const value of values) {
    out.value(value);
    out.ascii(',');
  }
  return out.take().toString('utf8');
}

const expected = (values: unknown[]): string =>
  values.map((value) => `${JSON.stringify(value) ?? 'null'},`).join('');

describe('JsonBytes', () => {
  it('spells every value as JSON.stringify does', () => {
    const values = [
      'plain',
      '',
      'quote " and backslash \\',
      'controls \u0000\u0008\t\n\r\u001f and DEL \u007f',
      'non-ASCII é 中文 😀 \u2028',
      'lone surrogates \ud800 and \udfff',
      0,
      -0,
      1.25,
      -1e-7,
      1e21,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      true,
      false,
      null,
      undefined,
      { nested: ['a', 1, null] },
      [1, 'two'],
      new Date(0),
    ];
    expect(written(values)).toBe(expected(values));
  });

  it('matches JSON.stringify for arbitrary values and strings', () => {
    const value = fc.oneof(
      fc.jsonValue(),
      fc.string({ unit: 'binary' }),
      fc.string({ unit: 'grapheme-ascii' }),
      fc.double(),
    );
    fc.assert(fc.property(fc.array(value), (values) => written(values) === expected(values)));
  });

  it('grows past its first buffer and starts afresh after take()', () => {
    const out = new JsonBytes();
    const long = 'x'.repeat(200_000);
    out.value(long);
    out.value('é'.repeat(50_000));
    expect(out.take().toString()).toBe(JSON.stringify(long) + JSON.stringify('é'.repeat(50_000)));
    out.ascii('[]');
    expect(out.take().toString()).toBe('[]');
  });
});
