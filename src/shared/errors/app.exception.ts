import { HttpException } from '@nestjs/common';

export interface AppErrorBody {
  statusCode: number;
  code: string;
  message: string;
  requestId?: string;
  details?: unknown;
}

/**
 * The one exception family services throw: a stable `code` (see ErrorCode and the feature
 * modules' own code lists), an HTTP status, and a message safe to show to callers.
 */
export class AppException extends HttpException {
  constructor(
    readonly code: string,
    message: string,
    status: number,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super({ code, message, details }, status);
  }
}
