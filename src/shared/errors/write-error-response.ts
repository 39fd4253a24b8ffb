import type { ServerResponse } from 'node:http';
import type { AppErrorBody } from './app.exception';

/**
 * Answers with the standard error shape on a plain Node response, so the exception filter,
 * streaming handlers and the proxy's own request path all write errors the same way.
 */
export function writeErrorResponse(response: ServerResponse, body: AppErrorBody): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const json = JSON.stringify(body);
  response.statusCode = body.statusCode;
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.setHeader('Content-Length', Buffer.byteLength(json));
  response.end(json);
}
