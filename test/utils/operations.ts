import { DataSource } from 'typeorm';
import type { RunningApp } from './test-apps';

/** A JSON value from the API, for assertions on arbitrary shapes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** One sample of a Prometheus exposition: name, labels, value. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromExposition {
  types: Map<string, string>;
  samples: PromSample[];
  /** Sum of the values of every sample of `name` whose labels include `labels`. */
  sum(name: string, labels?: Record<string, string>): number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;

/**
 * A strict reader of the Prometheus text format (0.0.4): every line must be a HELP/TYPE
 * comment, a sample or blank, TYPE names a known type, values parse, and each histogram's
 * buckets are cumulative and end in +Inf = _count. Throws on anything else.
 */
export function parsePrometheus(text: string): PromExposition {
  const types = new Map<string, string>();
  const samples: PromSample[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const match = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (!match || !METRIC_NAME.test(match[2])) throw new Error(`line ${index + 1}: ${line}`);
      if (match[1] === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(match[3] ?? '')) {
          throw new Error(`line ${index + 1}: unknown type ${match[3]}`);
        }
        types.set(match[2], match[3]);
      }
      continue;
    }
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`line ${index + 1} is not a sample: ${line}`);
    const labels: Record<string, string> = {};
    const body = match[3] ?? '';
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < body.length) {
      const label = LABEL.exec(body);
      if (!label) throw new Error(`line ${index + 1}: bad labels ${body}`);
      labels[label[1]] = label[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    const raw = match[4];
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    // Prometheus parses floats like Go: NaN in any case (prom-client writes `Nan`).
    if (Number.isNaN(value) && !/^nan$/i.test(raw)) {
      throw new Error(`line ${index + 1}: bad value ${raw}`);
    }
    samples.push({ name: match[1], labels, value });
  }
  checkHistograms(types, samples);
  const matches = (sample: PromSample, labels: Record<string, string>) =>
    Object.entries(labels).every(([key, value]) => sample.labels[key] === value);
  return {
    types,
    samples,
    sum: (name, labels = {}) =>
      samples
        .filter((sample) => sample.name === name && matches(sample, labels))
        .reduce((total, sample) => total + sample.value, 0),
  };
}

function checkHistograms(types: Map<string, string>, samples: PromSample[]): void {
  for (const [name, type] of types) {
    if (type !== 'histogram') continue;
    const series = new Map<string, PromSample[]>();
    for (const sample of samples.filter((s) => s.name === `${name}_bucket`)) {
      const { le, ...rest } = sample.labels;
      if (le === undefined) throw new Error(`${name}_bucket without le`);
      const key = JSON.stringify(rest);
      series.set(key, [...(series.get(key) ?? []), sample]);
    }
    for (const [key, buckets] of series) {
      for (let i = 1; i < buckets.length; i++) {
        if (buckets[i].value < buckets[i - 1].value) throw new Error(`${name} buckets decrease`);
      }
      const last = buckets[buckets.length - 1];
      const count = samples.find(
        (s) => s.name === `${name}_count` && JSON.stringify(s.labels) === key,
      );
      if (last.labels.le !== '+Inf' || !count || count.value !== last.value) {
        throw new Error(`${name}: +Inf bucket does not match _count`);
      }
    }
  }
}

/** A server-sent-events reader over fetch (so it can send a bearer token). */
export interface SseEvent {
  event: string;
  data: Json;
}

export interface SseClient {
  events: SseEvent[];
  /** Resolves when the server ends the stream (or it is aborted). */
  ended: Promise<void>;
  waitFor(predicate: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

export async function openSse(url: string, token: string): Promise<SseClient> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  if (response.status !== 200) throw new Error(`SSE answered ${response.status}`);
  if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
    throw new Error(`SSE content type ${response.headers.get('content-type')}`);
  }
  const events: SseClient['events'] = [];
  const waiters = new Set<() => void>();
  const ended = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length === 0) continue;
          events.push({ event, data: JSON.parse(data.join('\n')) });
          for (const wake of waiters) wake();
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    events,
    ended,
    waitFor: (predicate, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(predicate);
          if (!found) return;
          cleanup();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching SSE event; got ${JSON.stringify(events)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
    close: () => controller.abort(),
  };
}

/** Runs SQL as the relay itself does (the embedded database allows one connection). */
export async function relaySql<T = Record<string, unknown>>(
  relay: RunningApp<unknown>,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  return await relay.app.get(DataSource).query<T[]>(sql, params);
}

/**
 * Alters an audit row the way someone with database access could: switching the append-only
 * trigger off for one transaction.
 */
export async function tamperWithAudit(
  relay: RunningApp<unknown>,
  sql: string,
  params: unknown[] = [],
): Promise<void> {
  await relay.app.get(DataSource).transaction(async (manager) => {
    await manager.query('alter table audit_events disable trigger audit_events_append_only');
    await manager.query(sql, params);
    await manager.query('alter table audit_events enable trigger audit_events_append_only');
  });
}

export async function eventually<T>(
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
