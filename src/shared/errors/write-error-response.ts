import type { Response } from 'express';
import type { AppErrorBody } from './app.exception';

/**
 * Answers with the standard error shape from code that owns the response itself (streaming
 * handlers), where the exception filter cannot be reached any more.
 */
export function writeErrorResponse(response: Response, body: AppErrorBody): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.status(body.statusCode).json(body);
}
