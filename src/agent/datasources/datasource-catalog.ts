import { Injectable } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import type { DatasourceCatalogEntry } from '../../shared/protocol';
import type { DatasourceDefinition } from './datasource.types';
import { DatasourceRegistry } from './datasource-registry';

/**
 * What the relay learns about one datasource (the wire type): name, type, description and
 * `operations`, what a grant may allow. Operations are the allowed HTTP methods for `http`;
 * `query` (POST /queries/:name) and `GET` (GET /queries, the query list) for `postgres`;
 * GET and HEAD for `file`. Never settings, never secrets.
 */
export type { DatasourceCatalogEntry };

/**
 * The catalog the tunnel announces in HELLO and pushes as CATALOG frames: the enabled
 * datasources, sorted by name.
 */
@Injectable()
export class DatasourceCatalog {
  /** The whole catalog after every create, update, delete, enable or disable. */
  readonly changes: Observable<DatasourceCatalogEntry[]>;

  constructor(private readonly registry: DatasourceRegistry) {
    this.changes = registry.changes.pipe(map(() => this.catalog()));
  }

  catalog(): DatasourceCatalogEntry[] {
    return this.registry.list().map(({ definition }) => catalogEntry(definition));
  }
}

function catalogEntry(definition: DatasourceDefinition): DatasourceCatalogEntry {
  const entry: DatasourceCatalogEntry = {
    name: definition.name,
    type: definition.type,
    operations: operationsOf(definition),
  };
  if (definition.description) entry.description = definition.description;
  return entry;
}

function operationsOf(definition: DatasourceDefinition): string[] {
  switch (definition.type) {
    case 'http':
      return [...definition.http.allowedMethods];
    case 'postgres':
      return ['query', 'GET'];
    case 'file':
      return ['GET', 'HEAD'];
  }
}
