import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuthenticatedRequest } from '../../shared/auth/authenticated-request';
import type { Principal } from '../../shared/auth/principal';

/** What every piece of code serving one HTTP request may need to know about it. */
export interface RequestContext {
  readonly requestId?: string;
  /** The client address as ClientIpResolver sees it. */
  readonly ip: string;
  readonly method: string;
  readonly path: string;
  /** Read lazily: the authentication guard sets it after the context begins. */
  readonly request: AuthenticatedRequest;
}

const storage = new AsyncLocalStorage<RequestContext>();

/**
 * The request being served, carried across awaits, so services deep below a controller (the
 * audit log above all) learn the caller, address and request id without threading them
 * through every signature. Outside a request (timers, tunnel events) there is none.
 */
export const RequestContexts = {
  run<T>(context: RequestContext, work: () => T): T {
    return storage.run(context, work);
  },

  current(): RequestContext | undefined {
    return storage.getStore();
  },

  principal(): Principal | undefined {
    return storage.getStore()?.request.principal;
  },
};
