/** The normalised (defaults applied, validated) shape of each datasource type's settings. */

export const DATASOURCE_TYPES = ['http', 'postgres', 'file'] as const;
export type DatasourceType = (typeof DATASOURCE_TYPES)[number];

export const DATASOURCE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface HttpSourceConfig {
  baseUrl: string;
  allowedMethods: string[];
  allowedPathPrefixes: string[];
  /** Secret values: never returned by the API. */
  injectHeaders: Record<string, string>;
  timeoutMs: number;
  maxBodyBytes: number;
  tls: { caFile?: string; rejectUnauthorized: boolean };
}

export const QUERY_PARAM_TYPES = [
  'string',
  'integer',
  'number',
  'boolean',
  'date',
  'timestamp',
  'uuid',
] as const;
export type QueryParamType = (typeof QUERY_PARAM_TYPES)[number];

export interface QueryParamSpec {
  name: string;
  type: QueryParamType;
  required: boolean;
  description?: string;
  default?: unknown;
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  enum?: Array<string | number>;
}

export interface NamedQuery {
  name: string;
  description?: string;
  sql: string;
  params: QueryParamSpec[];
  maxRows: number;
  timeoutMs: number;
  readOnly: boolean;
}

export interface PostgresSourceConfig {
  /** May carry a password: returned only redacted. */
  url: string;
  maxConnections: number;
  queries: NamedQuery[];
}

export interface FileSourceConfig {
  root: string;
  allowHidden: boolean;
  maxListEntries: number;
}

export interface SourceConfigByType {
  http: HttpSourceConfig;
  postgres: PostgresSourceConfig;
  file: FileSourceConfig;
}

interface DatasourceBase {
  id: string;
  name: string;
  description: string | null;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type DatasourceDefinition = DatasourceBase &
  (
    | { type: 'http'; http: HttpSourceConfig }
    | { type: 'postgres'; postgres: PostgresSourceConfig }
    | { type: 'file'; file: FileSourceConfig }
  );

/** The type-specific settings of a definition. */
export function configOf(definition: DatasourceDefinition): SourceConfigByType[DatasourceType] {
  switch (definition.type) {
    case 'http':
      return definition.http;
    case 'postgres':
      return definition.postgres;
    case 'file':
      return definition.file;
  }
}
