import { constants, type Stats } from 'node:fs';
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { addAbortSignal } from 'node:stream';
import { contentType } from 'mime-types';
import { AppException } from '../../../shared/errors/app.exception';
import type { DatasourceCall, DatasourceReply } from '../datasource-call';
import { DatasourceErrorCode } from '../datasource-error-code';
import type { DatasourceHandler } from '../datasource-handler';
import type { FileSourceConfig } from '../datasource.types';
import { jsonReply } from '../json-reply';
import { decodeSegments, findPathProblem } from '../request-path';
import { parseRange } from './byte-range';
import { isNotModified, rangeStillApplies, validatorsOf } from './conditional-request';
import { listDirectory } from './directory-listing';

const ALLOWED = 'GET, HEAD';
const READ_CHUNK = 64 * 1024;

const notFound = () => new AppException(DatasourceErrorCode.NotFound, 'No such file', 404);

/**
 * Serves one directory tree read-only. The requested path is checked lexically first, then
 * resolved with realpath and must still lie inside the (resolved) root, so a symlink that
 * leads out of the root is refused. The resolved file is opened with O_NOFOLLOW.
 */
export class FileDatasource implements DatasourceHandler {
  constructor(private readonly config: FileSourceConfig) {}

  async handle(call: DatasourceCall): Promise<DatasourceReply> {
    const method = call.method.toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') {
      throw new AppException(
        DatasourceErrorCode.MethodNotAllowed,
        `Method ${method} is not allowed on a file datasource`,
        405,
        undefined,
        { Allow: ALLOWED },
      );
    }
    const problem = findPathProblem(call.path);
    const segments = problem ? undefined : decodeSegments(call.path);
    if (!segments) {
      throw new AppException(DatasourceErrorCode.InvalidPath, problem ?? 'Invalid UTF-8', 400);
    }
    if (!this.config.allowHidden && segments.some((s) => s.startsWith('.'))) throw notFound();
    const root = await this.resolvedRoot();
    const target = await this.resolveInside(root, join(root, ...segments));
    const handle = await openResolved(target);
    try {
      const stats = await handle.stat();
      if (stats.isDirectory()) {
        await handle.close();
        const listing = await listDirectory(
          target,
          `/${segments.join('/')}`,
          this.config.maxListEntries,
          this.config.allowHidden,
        );
        return jsonReply(200, listing, { 'cache-control': 'no-cache' });
      }
      if (!stats.isFile()) throw notFound();
      return this.serveFile(call, method, target, handle, stats);
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  async checkReachability(): Promise<string> {
    const root = await this.resolvedRoot();
    const stats = await stat(root);
    if (!stats.isDirectory()) throw new Error('root is not a directory');
    return `directory ${root} is readable`;
  }

  async close(): Promise<void> {}

  private serveFile(
    call: DatasourceCall,
    method: string,
    path: string,
    handle: FileHandle,
    stats: Stats,
  ): DatasourceReply {
    const validators = validatorsOf(stats);
    const headers: Record<string, string> = {
      'content-type': contentType(path.split(sep).pop() ?? '') || 'application/octet-stream',
      etag: validators.etag,
      'last-modified': validators.lastModified,
      'accept-ranges': 'bytes',
      'x-content-type-options': 'nosniff',
    };
    if (isNotModified(call.headers, validators)) {
      void handle.close();
      const { etag, 'last-modified': lastModified } = headers;
      return { status: 304, headers: { etag, 'last-modified': lastModified }, body: null };
    }
    const rangeHeader = call.headers.range;
    const range =
      typeof rangeHeader === 'string' && rangeStillApplies(call.headers, validators)
        ? parseRange(rangeHeader, stats.size)
        : undefined;
    if (range === 'unsatisfiable') {
      throw new AppException(
        DatasourceErrorCode.RangeNotSatisfiable,
        `Range outside the file's ${stats.size} bytes`,
        416,
        undefined,
        { 'Content-Range': `bytes */${stats.size}` },
      );
    }
    const start = range?.start ?? 0;
    const end = range?.end ?? stats.size - 1;
    headers['content-length'] = String(Math.max(0, end - start + 1));
    if (range) headers['content-range'] = `bytes ${start}-${end}/${stats.size}`;
    const status = range ? 206 : 200;
    if (method === 'HEAD' || stats.size === 0) {
      void handle.close();
      return { status, headers, body: null };
    }
    const body = handle.createReadStream({ start, end, highWaterMark: READ_CHUNK });
    return { status, headers, body: addAbortSignal(call.signal, body) };
  }

  private async resolvedRoot(): Promise<string> {
    try {
      return await realpath(this.config.root);
    } catch {
      throw new AppException(
        DatasourceErrorCode.UpstreamUnreachable,
        'The root directory of this datasource is not available',
        502,
      );
    }
  }

  private async resolveInside(root: string, candidate: string): Promise<string> {
    let resolved: string;
    try {
      resolved = await realpath(candidate);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'EACCES') throw refusedPath();
      throw notFound();
    }
    if (resolved !== root && !resolved.startsWith(root + sep)) throw refusedPath();
    const inside = relative(root, resolved);
    if (!this.config.allowHidden && inside.split(sep).some((s) => s.startsWith('.'))) {
      throw notFound();
    }
    return resolved;
  }
}

function refusedPath(): AppException {
  return new AppException(
    DatasourceErrorCode.PathNotAllowed,
    'The path leads outside this datasource',
    403,
  );
}

async function openResolved(path: string): Promise<FileHandle> {
  try {
    return await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    if ((error as { code?: string }).code === 'EACCES') throw refusedPath();
    throw notFound();
  }
}
