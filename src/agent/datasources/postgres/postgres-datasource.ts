import { Logger } from '@nestjs/common';
import { Pool } from 'pg';
import { addAbortSignal } from 'node:stream';
import { AppException } from '../../../shared/errors/app.exception';
import type { DatasourceCall, DatasourceReply } from '../datasource-call';
import { DatasourceErrorCode } from '../datasource-error-code';
import type { DatasourceHandler } from '../datasource-handler';
import type { NamedQuery, PostgresSourceConfig } from '../datasource.types';
import { jsonReply } from '../json-reply';
import { decodeSegments, findPathProblem } from '../request-path';
import { readJsonBody } from './json-body-reader';
import { bindParams } from './query-params';
import { QueryResultStream } from './query-result-stream';
import { QuerySession } from './query-session';
import { encoderFor } from './result-encoders';
import { sqlFailure } from './sql-failure';

const MAX_PARAMS_BYTES = 64 * 1024;
const CONNECT_TIMEOUT_MS = 10_000;
/** Beyond the server's statement_timeout, the agent's own watchdog gives up on the query. */
const WATCHDOG_GRACE_MS = 1_000;

const notFound = () =>
  new AppException(
    DatasourceErrorCode.NotFound,
    'A postgres datasource serves GET /queries, GET /queries/:name and POST /queries/:name',
    404,
  );

/**
 * Runs the named, parameterised queries an administrator defined, on a small pool opened on
 * first use. Callers choose a query and send values; they can never send SQL.
 */
export class PostgresDatasource implements DatasourceHandler {
  private readonly logger = new Logger(PostgresDatasource.name);
  private pool?: Pool;

  constructor(private readonly config: PostgresSourceConfig) {}

  async handle(call: DatasourceCall): Promise<DatasourceReply> {
    const problem = findPathProblem(call.path);
    const segments = problem ? undefined : decodeSegments(call.path);
    if (!segments) {
      throw new AppException(DatasourceErrorCode.InvalidPath, problem ?? 'Invalid UTF-8', 400);
    }
    if (segments[0] !== 'queries' || segments.length > 2) throw notFound();
    const method = call.method.toUpperCase();
    if (segments.length === 1) {
      if (method !== 'GET') throw methodNotAllowed(method, 'GET');
      return jsonReply(200, { queries: this.config.queries.map(describeQuery) });
    }
    const query = this.config.queries.find((candidate) => candidate.name === segments[1]);
    if (!query) {
      throw new AppException(
        DatasourceErrorCode.QueryNotFound,
        `No query named "${segments[1]}"`,
        404,
      );
    }
    if (method === 'GET') return jsonReply(200, describeQuery(query));
    if (method !== 'POST') throw methodNotAllowed(method, 'GET, POST');
    const values = bindParams(query.params, await readJsonBody(call, MAX_PARAMS_BYTES));
    return this.run(call, query, values);
  }

  async checkReachability(): Promise<string> {
    const client = await this.getPool().connect();
    try {
      const result = await client.query<{ version: string }>('select version() as version');
      return result.rows[0]?.version.split(' ').slice(0, 2).join(' ') ?? 'connected';
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }

  private async run(
    call: DatasourceCall,
    query: NamedQuery,
    values: unknown[],
  ): Promise<DatasourceReply> {
    const encoder = encoderFor(call.headers.accept);
    let session: QuerySession | undefined;
    let timedOut = false;
    const stop = () => session?.abort();
    const watchdog = setTimeout(() => {
      timedOut = true;
      stop();
    }, query.timeoutMs + WATCHDOG_GRACE_MS);
    watchdog.unref();
    call.signal.addEventListener('abort', stop, { once: true });
    const cleanUp = () => {
      clearTimeout(watchdog);
      call.signal.removeEventListener('abort', stop);
    };
    try {
      session = await QuerySession.open(this.getPool(), query, values);
      if (call.signal.aborted) stop();
      const firstBatch = await session.read(QueryResultStream.firstBatchSize(query.maxRows));
      const body = new QueryResultStream(session, encoder, firstBatch, query.maxRows);
      body.once('close', cleanUp);
      return {
        status: 200,
        headers: {
          'content-type': encoder.contentType,
          'x-row-limit': String(query.maxRows),
          'cache-control': 'no-store',
        },
        body: addAbortSignal(call.signal, body),
      };
    } catch (error) {
      cleanUp();
      const serverError = !timedOut && !call.signal.aborted && hasSqlState(error);
      if (serverError) await session?.fail();
      else session?.abort();
      if (timedOut) {
        throw new AppException(
          DatasourceErrorCode.UpstreamTimeout,
          'The query ran longer than its timeout',
          504,
        );
      }
      if (!call.signal.aborted && !(error instanceof AppException)) {
        this.logger.warn(
          { err: error, query: query.name, requestId: call.requestId },
          'query failed',
        );
      }
      throw sqlFailure(error);
    }
  }

  private getPool(): Pool {
    if (!this.pool) {
      this.pool = new Pool({
        connectionString: this.config.url,
        max: this.config.maxConnections,
        idleTimeoutMillis: 30_000,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        application_name: 'intrabridge-agent',
      });
      // An idle connection dropped by the server must not take the agent down.
      this.pool.on('error', (error) =>
        this.logger.warn({ err: error }, 'database connection lost'),
      );
    }
    return this.pool;
  }
}

function hasSqlState(error: unknown): boolean {
  return /^[0-9A-Z]{5}$/.test((error as { code?: string })?.code ?? '');
}

function methodNotAllowed(method: string, allow: string): AppException {
  return new AppException(
    DatasourceErrorCode.MethodNotAllowed,
    `Method ${method} is not allowed here`,
    405,
    undefined,
    { Allow: allow },
  );
}

/** What callers may know about a query: never its SQL. */
function describeQuery(query: NamedQuery): object {
  return {
    name: query.name,
    description: query.description,
    params: query.params,
    maxRows: query.maxRows,
    timeoutMs: query.timeoutMs,
  };
}
