import type { ExecutionContext, Type } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';

type HttpArgumentsHost = ReturnType<ExecutionContext['switchToHttp']>;
type RpcArgumentsHost = ReturnType<ExecutionContext['switchToRpc']>;
type WsArgumentsHost = ReturnType<ExecutionContext['switchToWs']>;

const NO_NEXT = (): void => undefined;

/**
 * The public `ExecutionContext` of one HTTP request served outside Nest's router (the proxy
 * fast lane): what guards and exception filters read (type, request, response, handler and
 * class for route metadata), built from the request alone.
 */
export class HttpExecutionContext implements ExecutionContext, HttpArgumentsHost {
  constructor(
    private readonly request: IncomingMessage,
    private readonly response: ServerResponse,
    private readonly controller: Type<unknown>,
    // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
    private readonly handler: Function,
  ) {}

  getType<T extends string = 'http'>(): T {
    return 'http' as T;
  }

  getClass<T = unknown>(): Type<T> {
    return this.controller as Type<T>;
  }

  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  getHandler(): Function {
    return this.handler;
  }

  getArgs<T extends unknown[] = unknown[]>(): T {
    return [this.request, this.response, NO_NEXT] as T;
  }

  getArgByIndex<T = unknown>(index: number): T {
    return this.getArgs()[index] as T;
  }

  switchToHttp(): HttpArgumentsHost {
    return this;
  }

  switchToRpc(): RpcArgumentsHost {
    throw new Error('an HTTP request has no RPC context');
  }

  switchToWs(): WsArgumentsHost {
    throw new Error('an HTTP request has no WebSocket context');
  }

  getRequest<T = unknown>(): T {
    return this.request as T;
  }

  getResponse<T = unknown>(): T {
    return this.response as T;
  }

  getNext<T = unknown>(): T {
    return NO_NEXT as T;
  }
}
