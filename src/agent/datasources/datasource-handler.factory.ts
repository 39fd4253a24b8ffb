import type { DatasourceDefinition } from './datasource.types';
import type { DatasourceHandler } from './datasource-handler';
import { FileDatasource } from './file/file-datasource';
import { HttpDatasource } from './http/http-datasource';
import { PostgresDatasource } from './postgres/postgres-datasource';

/** The live handler for a definition; connections open lazily, on first use. */
export function createDatasourceHandler(definition: DatasourceDefinition): DatasourceHandler {
  switch (definition.type) {
    case 'http':
      return new HttpDatasource(definition.http);
    case 'postgres':
      return new PostgresDatasource(definition.postgres);
    case 'file':
      return new FileDatasource(definition.file);
  }
}
