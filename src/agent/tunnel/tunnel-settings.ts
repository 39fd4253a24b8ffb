import type { Observable } from 'rxjs';
import type { DatasourceCatalogEntry } from '../../shared/protocol';
import type { DatasourceCall, DatasourceReply } from '../datasources/datasource-call';
import type { ConnectionSettings } from '../connection-config/connection-settings';

/** What the tunnel client needs to know to reach the relay. */
export type TunnelSettings = ConnectionSettings;

/** The agent modules the tunnel depends on, bound by the agent module (ports, not imports). */
export interface TunnelSettingsSource {
  current(): Promise<TunnelSettings>;
  readonly changes: Observable<unknown>;
}

export interface CatalogSource {
  catalog(): DatasourceCatalogEntry[];
  readonly changes: Observable<DatasourceCatalogEntry[]>;
}

export interface CallDispatcher {
  dispatch(call: DatasourceCall): Promise<DatasourceReply>;
}

export const TUNNEL_SETTINGS = Symbol('TUNNEL_SETTINGS');
export const CATALOG_SOURCE = Symbol('CATALOG_SOURCE');
export const CALL_DISPATCHER = Symbol('CALL_DISPATCHER');
