import {
  CsvResultEncoder,
  csvField,
  encoderFor,
  JsonResultEncoder,
  NdjsonResultEncoder,
  type ResultEncoder,
} from './result-encoders';

const columns = [
  { name: 'id', type: 'int4' },
  { name: 'note', type: 'text' },
];

function encodeAll(encoder: ResultEncoder, batches: unknown[][][], truncated = false): string {
  return (
    encoder.start(columns) + batches.map((b) => encoder.rows(b)).join('') + encoder.end(truncated)
  );
}

describe('result encoders', () => {
  it('writes JSON incrementally that parses as one document', () => {
    const text = encodeAll(new JsonResultEncoder(), [
      [[1, 'a']],
      [],
      [
        [2, null],
        [3, 'x"y'],
      ],
    ]);
    expect(JSON.parse(text)).toEqual({
      columns,
      rows: [
        [1, 'a'],
        [2, null],
        [3, 'x"y'],
      ],
      truncated: false,
    });
    expect(JSON.parse(encodeAll(new JsonResultEncoder(), [], true))).toEqual({
      columns,
      rows: [],
      truncated: true,
    });
  });

  it('writes NDJSON lines exactly as JSON.stringify of the row object would', () => {
    const named = [
      { name: 'id', type: 'int4' },
      { name: 'we"ird\nname', type: 'text' },
      { name: 'at', type: 'timestamptz' },
    ];
    const rows = [
      [1, 'a\u2028b', new Date(0)],
      [2, null, null],
    ];
    const encoder = new NdjsonResultEncoder();
    const text = encoder.start(named) + encoder.rows(rows).toString();
    const expected = rows.map(
      ([id, note, at]) => `${JSON.stringify({ id, 'we"ird\nname': note, at })}\n`,
    );
    expect(text).toBe(expected.join(''));
  });

  it('keeps the last of repeated column names in NDJSON, as an object would', () => {
    const encoder = new NdjsonResultEncoder();
    encoder.start([
      { name: 'id', type: 'int4' },
      { name: 'id', type: 'int4' },
    ]);
    expect(JSON.parse(encoder.rows([[1, 2]]).toString())).toEqual({ id: 2 });
    expect(encoder.rows([[1, 2]]).toString()).toBe('{"id":2}\n');
  });

  it('writes one object per NDJSON line', () => {
    const text = encodeAll(new NdjsonResultEncoder(), [
      [
        [1, 'a'],
        [2, { k: [1] }],
      ],
    ]);
    expect(
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
    ).toEqual([
      { id: 1, note: 'a' },
      { id: 2, note: { k: [1] } },
    ]);
  });

  it('writes RFC 4180 CSV', () => {
    const text = encodeAll(new CsvResultEncoder(), [
      [
        [1, 'plain'],
        [2, 'a,b'],
        [3, 'say "hi"'],
        [4, 'l1\nl2'],
        [5, null],
      ],
    ]);
    expect(text).toBe('id,note\r\n1,plain\r\n2,"a,b"\r\n3,"say ""hi"""\r\n4,"l1\nl2"\r\n5,\r\n');
  });

  it('quotes CSV fields only when needed', () => {
    expect(csvField('x')).toBe('x');
    expect(csvField('')).toBe('');
    expect(csvField(true)).toBe('true');
    expect(csvField(1.5)).toBe('1.5');
    expect(csvField({ a: 'b,c' })).toBe('"{""a"":""b,c""}"');
    expect(csvField('cr\r')).toBe('"cr\r"');
  });
});

describe('encoderFor', () => {
  it.each([
    [undefined, JsonResultEncoder],
    ['*/*', JsonResultEncoder],
    ['application/json', JsonResultEncoder],
    ['application/x-ndjson', NdjsonResultEncoder],
    ['text/csv', CsvResultEncoder],
    ['text/csv;q=0.5, application/x-ndjson', NdjsonResultEncoder],
    ['application/json;q=0.1, text/csv;q=0.9', CsvResultEncoder],
    ['text/csv;q=0, */*', JsonResultEncoder],
    ['image/png', JsonResultEncoder],
  ])('%j -> %p', (accept, type) => {
    expect(encoderFor(accept)).toBeInstanceOf(type);
  });
});
