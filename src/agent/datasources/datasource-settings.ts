import { plainToInstance } from 'class-transformer';
import { AppException } from '../../shared/errors/app.exception';
import { createValidationPipe } from '../../shared/errors/validation.pipe';
import type { DatasourceEntity } from './datasource.entity';
import {
  configOf,
  type DatasourceDefinition,
  type DatasourceType,
  type SourceConfigByType,
} from './datasource.types';
import { redactHttp, redactPostgres } from './datasource-secrets';
import { FileConfigDto } from './dto/file-config.dto';
import { HttpConfigDto } from './dto/http-config.dto';
import { PostgresConfigDto } from './dto/postgres-config.dto';

const SETTINGS_CLASS = { http: HttpConfigDto, postgres: PostgresConfigDto, file: FileConfigDto };

/** The same strict validation the API applies to request bodies. */
const validation = createValidationPipe();

/**
 * Validates settings of a type as the API does, with problems named `<type>.<field>`, and
 * returns them with defaults applied.
 */
export async function validateSettings<T extends DatasourceType>(
  type: T,
  plain: unknown,
): Promise<SourceConfigByType[T]> {
  try {
    return (await validation.transform(plain, {
      type: 'body',
      metatype: SETTINGS_CLASS[type],
    })) as SourceConfigByType[T];
  } catch (error) {
    if (error instanceof AppException && Array.isArray(error.details)) {
      const details = (error.details as Array<{ field: string; problems: string[] }>).map(
        (problem) => ({ ...problem, field: `${type}.${problem.field}` }),
      );
      throw new AppException(error.code, error.message, 400, details);
    }
    throw error;
  }
}

/** Plain JSON for the jsonb column (class instances lose their prototypes anyway). */
export function storedSettings(settings: object): SourceConfigByType[DatasourceType] {
  return JSON.parse(JSON.stringify(settings)) as SourceConfigByType[DatasourceType];
}

/** A stored row as a definition, filling defaults of fields added since it was saved. */
export function toDefinition(entity: DatasourceEntity): DatasourceDefinition {
  const settingsClass: new () => object = SETTINGS_CLASS[entity.type];
  const settings = plainToInstance(settingsClass, entity.config);
  return {
    id: entity.id,
    name: entity.name,
    type: entity.type,
    description: entity.description,
    enabled: entity.enabled,
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
    [entity.type]: settings,
  } as unknown as DatasourceDefinition;
}

/** What the admin API shows of a datasource: everything but secrets. */
export interface DatasourceView {
  id: string;
  name: string;
  type: DatasourceType;
  description: string | null;
  enabled: boolean;
  http?: SourceConfigByType['http'];
  postgres?: SourceConfigByType['postgres'];
  file?: SourceConfigByType['file'];
  createdAt: Date;
  updatedAt: Date;
}

export function toView(definition: DatasourceDefinition): DatasourceView {
  const settings = configOf(definition);
  const shown =
    definition.type === 'http'
      ? redactHttp(definition.http)
      : definition.type === 'postgres'
        ? redactPostgres(definition.postgres)
        : settings;
  return {
    id: definition.id,
    name: definition.name,
    type: definition.type,
    description: definition.description,
    enabled: definition.enabled,
    [definition.type]: storedSettings(shown),
    createdAt: definition.createdAt,
    updatedAt: definition.updatedAt,
  };
}
