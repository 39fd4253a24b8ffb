import { Logger, type ArgumentsHost } from '@nestjs/common';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { AppExceptionFilter } from './app-exception.filter';
import { AppException } from './app.exception';

function hostFor(): { host: ArgumentsHost; response: ServerResponse } {
  const request = Object.assign(new IncomingMessage(new Socket()), { id: 'req-1' });
  const response = new ServerResponse(request);
  const host = {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ArgumentsHost;
  return { host, response };
}

describe('AppExceptionFilter logging', () => {
  let warn: jest.SpyInstance;
  let error: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('logs an expected coded 503 (AGENT_OFFLINE) as a warning without a stack', () => {
    const { host, response } = hostFor();
    new AppExceptionFilter().catch(
      new AppException('AGENT_OFFLINE', 'The agent is not connected', 503),
      host,
    );
    expect(response.statusCode).toBe(503);
    expect(error).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledWith(
      { code: 'AGENT_OFFLINE', status: 503, requestId: 'req-1' },
      'The agent is not connected',
    );
  });

  it('does not log 4xx refusals, and logs an unknown error with its stack', () => {
    new AppExceptionFilter().catch(new AppException('FORBIDDEN', 'no', 403), hostFor().host);
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
    const bug = new Error('bug');
    new AppExceptionFilter().catch(bug, hostFor().host);
    expect(error).toHaveBeenCalledWith({ err: bug, requestId: 'req-1' }, 'request failed');
  });
});
