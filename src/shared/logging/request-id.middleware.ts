import type { RequestHandler } from 'express';
import { assignRequestId } from './request-id';

/** Runs first, so even errors raised while reading the body carry the request id. */
export const requestIdMiddleware: RequestHandler = (req, res, next) => {
  (req as { id?: string }).id = assignRequestId(req, res);
  next();
};
