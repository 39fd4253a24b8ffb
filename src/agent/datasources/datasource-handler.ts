import type { DatasourceCall, DatasourceReply } from './datasource-call';

/** The live side of one configured datasource: serves calls with what it was set up with. */
export interface DatasourceHandler {
  /** Answers a call, or throws an AppException with a data-plane code. */
  handle(call: DatasourceCall): Promise<DatasourceReply>;
  /** Resolves with a short note when the source answers; throws with the reason when not. */
  checkReachability(signal: AbortSignal): Promise<string>;
  /** Releases pools and sockets once the calls in flight have finished. */
  close(): Promise<void>;
}
