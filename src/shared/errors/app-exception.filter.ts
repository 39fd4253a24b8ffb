import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { withDatabaseOutage } from '../database/database-unavailable';
import { AppException, type AppErrorBody } from './app.exception';
import { codeForStatus, ErrorCode } from './error-code';
import { writeErrorResponse } from './write-error-response';

/**
 * Maps every error to one JSON shape `{statusCode, code, message, requestId}`. A database that
 * cannot be reached is 503 DATABASE_UNAVAILABLE with Retry-After (the caller may retry; nothing
 * was served from a guess). Other unknown errors become a generic 500 (details go to the log,
 * never to the caller).
 */
@Catch()
export class AppExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(thrown: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<IncomingMessage & { id?: string }>();
    const response = http.getResponse<ServerResponse>();
    const exception = withDatabaseOutage(thrown);
    const body = this.toBody(exception);
    body.requestId = typeof request.id === 'string' ? request.id : undefined;
    if (exception !== thrown) {
      // Expected while the database is down: one line per request, no stack.
      const reason = thrown instanceof Error ? thrown.message : String(thrown);
      this.logger.warn({ reason, requestId: body.requestId }, 'database unavailable');
    } else if (exception instanceof AppException && body.statusCode >= 500) {
      // A coded refusal (503 AGENT_OFFLINE...) is expected in operation: a warning, no stack.
      this.logger.warn(
        { code: body.code, status: body.statusCode, requestId: body.requestId },
        body.message,
      );
    } else if (body.statusCode >= 500) {
      this.logger.error({ err: exception, requestId: body.requestId }, 'request failed');
    }
    if (exception instanceof AppException && exception.headers && !response.headersSent) {
      for (const [name, value] of Object.entries(exception.headers)) {
        response.setHeader(name, value);
      }
    }
    writeErrorResponse(response, body);
  }

  private toBody(exception: unknown): AppErrorBody {
    if (exception instanceof AppException) {
      return {
        statusCode: exception.getStatus(),
        code: exception.code,
        message: exception.message,
        details: exception.details,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return { statusCode: status, code: codeForStatus(status), message: messageOf(exception) };
    }
    return { statusCode: 500, code: ErrorCode.Internal, message: 'Internal server error' };
  }
}

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.join('; ');
  return exception.message;
}
