import { readFile } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import { Pool, type Dispatcher } from 'undici';
import { AppException } from '../../../shared/errors/app.exception';
import { BodyLimit, declaredLength, payloadTooLarge } from '../body-limit';
import type { DatasourceCall, DatasourceReply } from '../datasource-call';
import { DatasourceErrorCode } from '../datasource-error-code';
import type { DatasourceHandler } from '../datasource-handler';
import type { HttpSourceConfig } from '../datasource.types';
import { findPathProblem, findQueryProblem, isUnderPrefix } from '../request-path';
import { callerResponseHeaders, upstreamRequestHeaders, type HeaderMap } from './header-rules';
import { relativeRedirect } from './redirect-rule';
import { upstreamFailure, upstreamTimeout } from './upstream-failure';

const REACHABILITY_TIMEOUT_MS = 10_000;

/** Keep-alive connections per datasource; calls beyond them queue. */
const MAX_CONNECTIONS = 256;

/**
 * Forwards calls to one intranet HTTP service under its base URL, streaming both ways over a
 * keep-alive pool of its own (undici: half the CPU per call of `node:http`'s client, measured
 * here). Every refusal (method, path, size) happens before a socket is touched, so the
 * upstream never sees a refused request.
 */
export class HttpDatasource implements DatasourceHandler {
  private readonly base: URL;
  private readonly basePath: string;
  private pool?: Promise<Pool>;

  constructor(private readonly config: HttpSourceConfig) {
    this.base = new URL(config.baseUrl);
    this.basePath = this.base.pathname.replace(/\/$/, '');
  }

  async handle(call: DatasourceCall): Promise<DatasourceReply> {
    const method = call.method.toUpperCase();
    if (!this.config.allowedMethods.includes(method)) {
      throw new AppException(
        DatasourceErrorCode.MethodNotAllowed,
        `Method ${method} is not allowed on this datasource`,
        405,
        undefined,
        { Allow: this.config.allowedMethods.join(', ') },
      );
    }
    const problem = findPathProblem(call.path) ?? findQueryProblem(call.query);
    if (problem) throw new AppException(DatasourceErrorCode.InvalidPath, problem, 400);
    if (!isUnderPrefix(call.path, this.config.allowedPathPrefixes)) {
      throw new AppException(
        DatasourceErrorCode.PathNotAllowed,
        'The path is outside the prefixes this datasource allows',
        403,
      );
    }
    const length = declaredLength(call.headers);
    if (Number.isNaN(length)) {
      throw new AppException(DatasourceErrorCode.InvalidHeaders, 'Malformed Content-Length', 400);
    }
    if (length !== undefined && length > this.config.maxBodyBytes) {
      throw payloadTooLarge(this.config.maxBodyBytes);
    }
    const path = `${this.basePath}${call.path}${call.query ? `?${call.query}` : ''}`;
    return this.forward(call, method, path);
  }

  async checkReachability(signal: AbortSignal): Promise<string> {
    const timeoutMs = Math.min(this.config.timeoutMs, REACHABILITY_TIMEOUT_MS);
    const response = await this.send(
      { method: 'HEAD', path: this.basePath || '/', headers: this.config.injectHeaders, signal },
      timeoutMs,
    );
    await response.body.dump();
    return `HTTP ${response.statusCode} from ${this.base.origin}`;
  }

  async close(): Promise<void> {
    // Waits for the calls in flight (their bodies included), then closes the sockets.
    await (await this.pool?.catch(() => undefined))?.close();
  }

  private async forward(call: DatasourceCall, method: string, path: string) {
    let headers: HeaderMap;
    try {
      headers = upstreamRequestHeaders(call.headers, this.config.injectHeaders, call.requestId);
    } catch (error) {
      throw invalidHeaders(error);
    }
    let body: Readable | null = null;
    if (call.body) {
      const limited = new BodyLimit(this.config.maxBodyBytes);
      pipeline(call.body, limited, () => undefined);
      body = limited;
    }
    const response = await this.send(
      { method: method, path, headers, body, signal: call.signal },
      this.config.timeoutMs,
    );
    try {
      return this.reply(method, path, response);
    } catch (error) {
      response.body.on('error', () => undefined).destroy();
      throw error;
    }
  }

  /** One exchange on the datasource's pool; failures become caller-safe AppExceptions. */
  private async send(
    options: Omit<Dispatcher.RequestOptions, 'origin' | 'headersTimeout' | 'bodyTimeout'>,
    timeoutMs: number,
  ): Promise<Dispatcher.ResponseData> {
    const pool = await this.getPool();
    try {
      return await pool.request({ ...options, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    } catch (error) {
      throw this.failure(error, timeoutMs);
    }
  }

  private failure(error: unknown, timeoutMs: number): AppException {
    if (error instanceof AppException) return error;
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof AppException) return cause;
    const code = (error as { code?: string }).code;
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      return upstreamTimeout(timeoutMs);
    }
    if (code === 'UND_ERR_INVALID_ARG') return invalidHeaders(error);
    return upstreamFailure(error);
  }

  private reply(method: string, path: string, response: Dispatcher.ResponseData): DatasourceReply {
    const status = response.statusCode;
    const headers = callerResponseHeaders(response.headers);
    const location = response.headers.location;
    if (location !== undefined) {
      const target = Array.isArray(location) ? location[0] : location;
      const relative = relativeRedirect(target, new URL(path, this.base.origin), this.base);
      if (relative === undefined) {
        throw new AppException(
          DatasourceErrorCode.RedirectRefused,
          'The upstream redirected outside this datasource',
          502,
        );
      }
      headers.location = relative;
    }
    const bodyless = method === 'HEAD' || status === 204 || status === 304;
    if (bodyless) response.body.dump().catch(() => undefined);
    return { status, headers, body: bodyless ? null : response.body };
  }

  /** One keep-alive pool per datasource; TLS trust is read once, on first use. */
  private getPool(): Promise<Pool> {
    this.pool ??= this.createPool().catch((error: unknown) => {
      this.pool = undefined;
      throw new AppException(
        DatasourceErrorCode.UpstreamUnreachable,
        'The TLS CA file of this datasource cannot be read',
        502,
        { reason: (error as { code?: string }).code ?? 'UNKNOWN' },
      );
    });
    return this.pool;
  }

  private async createPool(): Promise<Pool> {
    const { caFile, rejectUnauthorized } = this.config.tls;
    const ca = this.base.protocol === 'https:' && caFile ? await readFile(caFile) : undefined;
    return new Pool(this.base.origin, {
      connections: MAX_CONNECTIONS,
      connect: { ca, rejectUnauthorized },
    });
  }
}

function invalidHeaders(error: unknown): AppException {
  return new AppException(
    DatasourceErrorCode.InvalidHeaders,
    `Request headers refused: ${(error as Error).message}`,
    400,
  );
}
