import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import type { DatasourceDefinition } from './datasource.types';
import type { DatasourceHandler } from './datasource-handler';
import { createDatasourceHandler } from './datasource-handler.factory';

export interface ActiveDatasource {
  definition: DatasourceDefinition;
  handler: DatasourceHandler;
}

/**
 * The enabled datasources and their live handlers, by name: what the data plane may reach.
 * Anything not here answers DATASOURCE_NOT_FOUND. A replaced handler finishes its calls in
 * flight before it releases its pools.
 */
@Injectable()
export class DatasourceRegistry implements OnApplicationShutdown {
  private readonly logger = new Logger(DatasourceRegistry.name);
  private readonly active = new Map<string, ActiveDatasource>();
  private readonly changed = new Subject<void>();

  /** Emits after every change of the enabled set or of a datasource's settings. */
  readonly changes: Observable<void> = this.changed.asObservable();

  lookup(name: string): ActiveDatasource | undefined {
    return this.active.get(name);
  }

  list(): ActiveDatasource[] {
    return [...this.active.values()].sort((a, b) =>
      a.definition.name.localeCompare(b.definition.name),
    );
  }

  /** Loads the initial set without announcing it (nobody has seen a catalog yet). */
  load(definitions: DatasourceDefinition[]): void {
    for (const definition of definitions) this.install(definition);
  }

  /** Applies a created, updated, enabled or disabled datasource (or a deleted one: null). */
  apply(name: string, definition: DatasourceDefinition | null): void {
    this.retire(name);
    if (definition) this.install(definition);
    this.changed.next();
  }

  async onApplicationShutdown(): Promise<void> {
    const handlers = [...this.active.values()].map((entry) => entry.handler);
    this.active.clear();
    this.changed.complete();
    await Promise.allSettled(handlers.map((handler) => handler.close()));
  }

  private install(definition: DatasourceDefinition): void {
    if (!definition.enabled) return;
    this.active.set(definition.name, {
      definition,
      handler: createDatasourceHandler(definition),
    });
  }

  private retire(name: string): void {
    const previous = this.active.get(name);
    if (!previous) return;
    this.active.delete(name);
    previous.handler.close().catch((error: unknown) => {
      this.logger.warn({ err: error, datasource: name }, 'closing datasource failed');
    });
  }
}
