import { Readable } from 'node:stream';
import type { DatasourceCall, DatasourceReply } from '../../src/agent/datasources/datasource-call';

let sequence = 0;

export interface CallOptions extends Partial<Omit<DatasourceCall, 'body' | 'signal'>> {
  datasource: string;
  body?: string | Buffer | Readable;
  signal?: AbortSignal;
}

/** A data-plane call as the tunnel would build it from an OPEN frame. */
export function makeCall(options: CallOptions): DatasourceCall {
  const { body, ...rest } = options;
  return {
    requestId: `req-${process.pid}-${++sequence}`,
    method: 'GET',
    path: '/',
    query: '',
    headers: {},
    principal: { type: 'apiKey', id: 'key-1', name: 'reporting' },
    signal: new AbortController().signal,
    ...rest,
    body:
      body === undefined || body instanceof Readable
        ? (body ?? null)
        : Readable.from([Buffer.from(body)], { objectMode: false }),
  };
}

export interface ReadReply {
  status: number;
  headers: Record<string, string | string[]>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json(): any;
}

/** Consumes a reply body completely and reports it delivered, as the tunnel does. */
export async function readReply(reply: DatasourceReply): Promise<ReadReply> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of reply.body ?? []) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
  } catch (error) {
    reply.delivered?.(size, error as Error);
    throw error;
  }
  reply.delivered?.(size);
  const text = Buffer.concat(chunks).toString('utf8');
  return { status: reply.status, headers: reply.headers, text, json: () => JSON.parse(text) };
}
