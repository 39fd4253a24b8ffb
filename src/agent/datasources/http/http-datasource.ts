import { readFile } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream';
import { AppException } from '../../../shared/errors/app.exception';
import { BodyLimit, declaredLength, payloadTooLarge } from '../body-limit';
import type { DatasourceCall, DatasourceReply } from '../datasource-call';
import { DatasourceErrorCode } from '../datasource-error-code';
import type { DatasourceHandler } from '../datasource-handler';
import type { HttpSourceConfig } from '../datasource.types';
import { findPathProblem, findQueryProblem, isUnderPrefix, normalizePath } from '../request-path';
import { callerResponseHeaders, upstreamRequestHeaders } from './header-rules';
import { relativeRedirect } from './redirect-rule';
import { upstreamFailure, upstreamTimeout } from './upstream-failure';

const REACHABILITY_TIMEOUT_MS = 10_000;

/**
 * Forwards calls to one intranet HTTP service under its base URL, streaming both ways over a
 * keep-alive agent of its own. Every refusal (method, path, size) happens before a socket is
 * touched, so the upstream never sees a refused request.
 */
export class HttpDatasource implements DatasourceHandler {
  private readonly base: URL;
  private readonly basePath: string;
  private readonly allowedPrefixes: string[];
  private agent?: Promise<http.Agent>;
  private inFlight = 0;
  private closing = false;

  constructor(private readonly config: HttpSourceConfig) {
    this.base = new URL(config.baseUrl);
    this.basePath = this.base.pathname.replace(/\/$/, '');
    this.allowedPrefixes = config.allowedPathPrefixes.map(normalizePath);
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
    const requested = normalizePath(call.path);
    if (!isUnderPrefix(requested, this.allowedPrefixes)) {
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
    const agent = await this.getAgent();
    const path = `${this.basePath}${requested}${call.query ? `?${call.query}` : ''}`;
    return this.forward(call, method, path, agent);
  }

  async checkReachability(signal: AbortSignal): Promise<string> {
    const agent = await this.getAgent();
    const status = await new Promise<number>((resolve, reject) => {
      const request = this.transport().request({
        ...this.target(),
        method: 'HEAD',
        path: this.basePath || '/',
        agent,
        signal,
        headers: this.config.injectHeaders,
      });
      request.setTimeout(Math.min(this.config.timeoutMs, REACHABILITY_TIMEOUT_MS), () =>
        request.destroy(upstreamTimeout(this.config.timeoutMs)),
      );
      request.once('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.once('error', (error) => reject(upstreamFailure(error)));
      request.end();
    });
    return `HTTP ${status} from ${this.base.origin}`;
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.inFlight === 0) (await this.agent?.catch(() => undefined))?.destroy();
  }

  private forward(
    call: DatasourceCall,
    method: string,
    path: string,
    agent: http.Agent,
  ): Promise<DatasourceReply> {
    let headers: http.OutgoingHttpHeaders;
    let request: http.ClientRequest;
    try {
      headers = upstreamRequestHeaders(call.headers, this.config.injectHeaders, call.requestId);
      request = this.transport().request({
        ...this.target(),
        method,
        path,
        headers,
        agent,
        signal: call.signal,
      });
    } catch (error) {
      throw new AppException(
        DatasourceErrorCode.InvalidHeaders,
        `Request headers refused: ${(error as Error).message}`,
        400,
      );
    }
    this.inFlight++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.inFlight--;
      if (this.closing && this.inFlight === 0) void this.close();
    };
    return new Promise<DatasourceReply>((resolve, reject) => {
      let answered = false;
      const fail = (error: unknown) => {
        if (answered) return;
        answered = true;
        release();
        reject(upstreamFailure(error));
      };
      request.setTimeout(this.config.timeoutMs, () =>
        request.destroy(upstreamTimeout(this.config.timeoutMs)),
      );
      request.on('error', fail);
      request.once('response', (response) => {
        if (answered) return void response.destroy();
        answered = true;
        response.once('close', release);
        try {
          resolve(this.reply(method, path, response));
        } catch (error) {
          response.destroy();
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
      if (!call.body) {
        request.end();
        return;
      }
      pipeline(call.body, new BodyLimit(this.config.maxBodyBytes), request, (error) => {
        if (error) fail(error);
      });
    });
  }

  private reply(method: string, path: string, response: IncomingMessage): DatasourceReply {
    const status = response.statusCode ?? 502;
    const headers = callerResponseHeaders(response.headers);
    const location = response.headers.location;
    if (location !== undefined) {
      const relative = relativeRedirect(location, new URL(path, this.base.origin), this.base);
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
    if (bodyless) response.resume();
    return { status, headers, body: bodyless ? null : response };
  }

  private transport(): typeof http | typeof https {
    return this.base.protocol === 'https:' ? https : http;
  }

  private target(): { protocol: string; hostname: string; port: string } {
    // URL keeps IPv6 literals bracketed; the socket layer wants them bare.
    const hostname = this.base.hostname.replace(/^\[(.*)\]$/, '$1');
    return { protocol: this.base.protocol, hostname, port: this.base.port };
  }

  /** One keep-alive agent per datasource; TLS trust is read once, on first use. */
  private getAgent(): Promise<http.Agent> {
    this.agent ??= this.createAgent().catch((error: unknown) => {
      this.agent = undefined;
      throw new AppException(
        DatasourceErrorCode.UpstreamUnreachable,
        'The TLS CA file of this datasource cannot be read',
        502,
        { reason: (error as { code?: string }).code ?? 'UNKNOWN' },
      );
    });
    return this.agent;
  }

  private async createAgent(): Promise<http.Agent> {
    const options = { keepAlive: true, maxSockets: 256, maxFreeSockets: 32, scheduling: 'lifo' };
    if (this.base.protocol !== 'https:') return new http.Agent(options as http.AgentOptions);
    const { caFile, rejectUnauthorized } = this.config.tls;
    const ca = caFile ? await readFile(caFile) : undefined;
    return new https.Agent({ ...(options as https.AgentOptions), ca, rejectUnauthorized });
  }
}
