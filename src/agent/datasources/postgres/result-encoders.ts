import { JsonBytes } from './json-bytes';

/** Encoders that turn result batches into bytes as they arrive, never the whole result. */

export interface ResultColumn {
  name: string;
  type: string;
}

export interface ResultEncoder {
  readonly contentType: string;
  start(columns: ResultColumn[]): string;
  rows(rows: unknown[][]): Buffer;
  end(truncated: boolean): string;
}

/** `{"columns":[...],"rows":[[...],...],"truncated":false}` */
export class JsonResultEncoder implements ResultEncoder {
  readonly contentType = 'application/json; charset=utf-8';
  private readonly out = new JsonBytes();
  private first = true;

  start(columns: ResultColumn[]): string {
    return `{"columns":${JSON.stringify(columns)},"rows":[`;
  }

  rows(rows: unknown[][]): Buffer {
    const out = this.out;
    for (const row of rows) {
      out.ascii(this.first ? '[' : ',[');
      this.first = false;
      for (let i = 0; i < row.length; i++) {
        if (i > 0) out.ascii(',');
        out.value(row[i]);
      }
      out.ascii(']');
    }
    return out.take();
  }

  end(truncated: boolean): string {
    return `],"truncated":${truncated}}`;
  }
}

/** One JSON object per line, keyed by column name. */
export class NdjsonResultEncoder implements ResultEncoder {
  readonly contentType = 'application/x-ndjson; charset=utf-8';
  private readonly out = new JsonBytes();
  private names: string[] = [];
  /** `{"name":` then `,"other":`: each row is written as text, without building objects. */
  private keyPrefixes?: Buffer[];

  start(columns: ResultColumn[]): string {
    this.names = columns.map((column) => column.name);
    // Repeated names would repeat keys in the text; an object keeps the last, as before.
    if (new Set(this.names).size === this.names.length) {
      this.keyPrefixes = this.names.map((name, i) =>
        Buffer.from(`${i === 0 ? '{' : ','}${JSON.stringify(name)}:`),
      );
    }
    return '';
  }

  rows(rows: unknown[][]): Buffer {
    const out = this.out;
    const prefixes = this.keyPrefixes;
    for (const row of rows) {
      if (!prefixes) {
        out.value(this.asObject(row));
        out.ascii('\n');
        continue;
      }
      if (prefixes.length === 0) out.ascii('{');
      for (let i = 0; i < prefixes.length; i++) {
        out.bytes(prefixes[i]);
        out.value(row[i]);
      }
      out.ascii('}\n');
    }
    return out.take();
  }

  end(): string {
    return '';
  }

  private asObject(row: unknown[]): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    for (let i = 0; i < this.names.length; i++) object[this.names[i]] = row[i];
    return object;
  }
}

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field (RFC 4180): quoted when it holds a quote, comma or line break. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint'
        ? String(value)
        : JSON.stringify(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV with a header line and CRLF line ends; NULL is an empty field. */
export class CsvResultEncoder implements ResultEncoder {
  readonly contentType = 'text/csv; charset=utf-8; header=present';

  start(columns: ResultColumn[]): string {
    return `${columns.map((column) => csvField(column.name)).join(',')}\r\n`;
  }

  rows(rows: unknown[][]): Buffer {
    let text = '';
    for (const row of rows) text += `${row.map(csvField).join(',')}\r\n`;
    return Buffer.from(text);
  }

  end(): string {
    return '';
  }
}

const ENCODERS: Array<[string[], () => ResultEncoder]> = [
  [['application/json', 'application/*', '*/*'], () => new JsonResultEncoder()],
  [
    ['application/x-ndjson', 'application/ndjson', 'application/jsonl'],
    () => new NdjsonResultEncoder(),
  ],
  [['text/csv', 'text/*'], () => new CsvResultEncoder()],
];

/** Picks an encoder by the Accept header's preferences; JSON when nothing better matches. */
export function encoderFor(accept: string | string[] | undefined): ResultEncoder {
  const text = Array.isArray(accept) ? accept.join(',') : (accept ?? '');
  const ranked = text
    .split(',')
    .map((part, index) => {
      const [type, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { type: type.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.type && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { type } of ranked) {
    const match = ENCODERS.find(([types]) => types.includes(type));
    if (match) return match[1]();
  }
  return new JsonResultEncoder();
}
