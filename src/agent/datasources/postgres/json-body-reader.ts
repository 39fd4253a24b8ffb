import { AppException } from '../../../shared/errors/app.exception';
import { payloadTooLarge } from '../body-limit';
import type { DatasourceCall } from '../datasource-call';
import { DatasourceErrorCode } from '../datasource-error-code';

/** Reads a small JSON request body (an empty one is `{}`), refusing other media types. */
export async function readJsonBody(call: DatasourceCall, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of call.body ?? []) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      call.body?.destroy();
      throw payloadTooLarge(limit);
    }
    chunks.push(buffer);
  }
  if (size === 0) return {};
  const type = call.headers['content-type'];
  if (typeof type === 'string' && !/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type)) {
    throw new AppException(
      DatasourceErrorCode.UnsupportedMediaType,
      'Query parameters must be sent as application/json',
      415,
    );
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new AppException(DatasourceErrorCode.MalformedJson, 'Malformed JSON body', 400);
  }
}
