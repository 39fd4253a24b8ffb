import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { performance } from 'node:perf_hooks';
import type { Repository } from 'typeorm';
import { AppException } from '../../shared/errors/app.exception';
import { ErrorCode } from '../../shared/errors/error-code';
import { AgentConfig } from '../agent.config';
import { DatasourceEntity } from './datasource.entity';
import { DATASOURCE_TYPES } from './datasource.types';
import { DatasourceErrorCode } from './datasource-error-code';
import { createDatasourceHandler } from './datasource-handler.factory';
import { DatasourceRegistry } from './datasource-registry';
import { restoreHeaderSecrets, restoreUrlSecrets } from './datasource-secrets';
import {
  storedSettings,
  toDefinition,
  toView,
  validateSettings,
  type DatasourceView,
} from './datasource-settings';
import { readDatasourcesFile } from './datasources-file';
import type { CreateDatasourceDto } from './dto/create-datasource.dto';
import type { UpdateDatasourceDto } from './dto/update-datasource.dto';

const REACHABILITY_TIMEOUT_MS = 10_000;

export interface ReachabilityReport {
  name: string;
  reachable: boolean;
  latencyMs: number;
  detail: string;
}

/**
 * Datasource management: the database is the record, the registry the live set. Every
 * change is saved first, then applied to the registry (which announces the new catalog).
 */
@Injectable()
export class DatasourcesService implements OnApplicationBootstrap {
  private readonly logger = new Logger(DatasourcesService.name);

  constructor(
    @InjectRepository(DatasourceEntity)
    private readonly datasources: Repository<DatasourceEntity>,
    private readonly registry: DatasourceRegistry,
    private readonly config: AgentConfig,
  ) {}

  /** Runs after migrations (they run in onModuleInit). */
  async onApplicationBootstrap(): Promise<void> {
    if (this.config.AGENT_DATASOURCES_FILE) {
      await this.applyFile(this.config.AGENT_DATASOURCES_FILE);
    }
    try {
      const all = await this.datasources.find();
      this.registry.load(all.map(toDefinition));
    } catch (error) {
      // Fail closed: with no table (MIGRATIONS_RUN=false, none applied) nothing is served.
      this.logger.error({ err: error }, 'datasources could not be loaded; none are served');
    }
  }

  async list(): Promise<DatasourceView[]> {
    const all = await this.datasources.find({ order: { name: 'ASC' } });
    return all.map((entity) => toView(toDefinition(entity)));
  }

  async get(name: string): Promise<DatasourceView> {
    return toView(toDefinition(await this.find(name)));
  }

  async create(dto: CreateDatasourceDto): Promise<DatasourceView> {
    if (await this.datasources.existsBy({ name: dto.name })) throw exists(dto.name);
    try {
      await this.datasources.save(
        this.datasources.create({
          name: dto.name,
          type: dto.type,
          description: dto.description ?? null,
          enabled: dto.enabled,
          config: storedSettings(dto[dto.type]!),
        }),
      );
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw exists(dto.name);
      throw error;
    }
    return this.applied(await this.find(dto.name));
  }

  async update(name: string, dto: UpdateDatasourceDto): Promise<DatasourceView> {
    const entity = await this.find(name);
    const foreign = DATASOURCE_TYPES.filter((type) => type !== entity.type && dto[type]);
    if (foreign.length > 0) {
      throw new AppException(
        ErrorCode.ValidationFailed,
        `A ${entity.type} datasource has no ${foreign.join(', ')} settings`,
        400,
        foreign.map((field) => ({ field, problems: [`does not apply to type ${entity.type}`] })),
      );
    }
    const patch = dto[entity.type];
    if (patch) entity.config = storedSettings(await this.mergedSettings(entity, patch));
    if (dto.description !== undefined) entity.description = dto.description;
    if (dto.enabled !== undefined) entity.enabled = dto.enabled;
    await this.datasources.save(entity);
    return this.applied(await this.find(name));
  }

  async setEnabled(name: string, enabled: boolean): Promise<DatasourceView> {
    return this.update(name, { enabled });
  }

  async remove(name: string): Promise<void> {
    const result = await this.datasources.delete({ name });
    if (!result.affected) throw notFound(name);
    this.registry.apply(name, null);
  }

  /** Checks the source answers, using the live handler or (when disabled) a throwaway one. */
  async test(name: string): Promise<ReachabilityReport> {
    const definition = toDefinition(await this.find(name));
    const live = this.registry.lookup(name)?.handler;
    const handler = live ?? createDatasourceHandler(definition);
    const started = performance.now();
    try {
      const detail = await handler.checkReachability(AbortSignal.timeout(REACHABILITY_TIMEOUT_MS));
      return { name, reachable: true, latencyMs: elapsed(started), detail };
    } catch (error) {
      const detail =
        error instanceof AppException
          ? `${error.code}: ${JSON.stringify(error.details ?? error.message)}`
          : ((error as { code?: string }).code ?? (error as Error).message ?? 'failed');
      return { name, reachable: false, latencyMs: elapsed(started), detail };
    } finally {
      if (!live) await handler.close().catch(() => undefined);
    }
  }

  /** Upserts every datasource of AGENT_DATASOURCES_FILE by name; others are left alone. */
  async applyFile(path: string): Promise<void> {
    const entries = await readDatasourcesFile(path);
    await this.datasources.manager.transaction(async (manager) => {
      const repository = manager.getRepository(DatasourceEntity);
      for (const dto of entries) {
        const existing = await repository.findOneBy({ name: dto.name });
        await repository.save({
          ...(existing ?? {}),
          name: dto.name,
          type: dto.type,
          description: dto.description ?? null,
          enabled: dto.enabled,
          config: storedSettings(dto[dto.type]!),
        });
      }
    });
    this.logger.log({ file: path, datasources: entries.length }, 'datasources file applied');
  }

  private async mergedSettings(
    entity: DatasourceEntity,
    patch: Record<string, unknown>,
  ): Promise<object> {
    const stored = entity.config as unknown as Record<string, unknown>;
    const merged = { ...stored, ...patch };
    if (entity.type === 'http' && 'injectHeaders' in patch) {
      merged.injectHeaders = restoreHeaderSecrets(
        patch.injectHeaders,
        stored.injectHeaders as Record<string, string>,
      );
    }
    if (entity.type === 'postgres' && 'url' in patch) {
      merged.url = restoreUrlSecrets(patch.url, stored.url as string);
    }
    return validateSettings(entity.type, merged);
  }

  private applied(entity: DatasourceEntity): DatasourceView {
    const definition = toDefinition(entity);
    this.registry.apply(entity.name, definition);
    return toView(definition);
  }

  private async find(name: string): Promise<DatasourceEntity> {
    const entity = await this.datasources.findOneBy({ name });
    if (!entity) throw notFound(name);
    return entity;
  }
}

function notFound(name: string): AppException {
  return new AppException(
    DatasourceErrorCode.DatasourceNotFound,
    `No datasource named "${name}"`,
    404,
  );
}

function exists(name: string): AppException {
  return new AppException(
    DatasourceErrorCode.DatasourceExists,
    `A datasource named "${name}" already exists`,
    409,
  );
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
