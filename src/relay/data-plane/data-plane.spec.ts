import 'reflect-metadata';
import type { DynamicModule, ForwardReference, Provider, Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { APP_GUARD } from '@nestjs/core';
import { loadRelayConfig } from '../relay.app';
import { RelayModule } from '../relay.module';
import { DATA_PLANE } from './data-plane';
import { DataPlaneModule } from './data-plane.module';

type Import = Type<unknown> | DynamicModule | ForwardReference | Promise<DynamicModule>;

/** Every APP_GUARD provider of the module graph under `root`, in registration order. */
async function globalGuardsUnder(root: Import): Promise<unknown[]> {
  const seen = new Set<unknown>();
  const guards: unknown[] = [];
  const visit = async (entry: Import | undefined): Promise<void> => {
    let node = await entry;
    if (!node) return;
    if ('forwardRef' in node) node = node.forwardRef() as Type<unknown>;
    const type = 'module' in node ? node.module : node;
    const key = 'module' in node ? node : type;
    if (seen.has(key)) return;
    seen.add(key);
    const read = <T>(field: string): T[] => [
      ...((Reflect.getMetadata(field, type) as T[] | undefined) ?? []),
      ...(('module' in node
        ? (node as unknown as Record<string, T[] | undefined>)[field]
        : undefined) ?? []),
    ];
    for (const provider of read<Provider>(MODULE_METADATA.PROVIDERS)) {
      if (typeof provider === 'object' && provider.provide === APP_GUARD) {
        guards.push('useExisting' in provider ? provider.useExisting : provider);
      }
    }
    for (const child of read<Import>(MODULE_METADATA.IMPORTS)) await visit(child);
  };
  await visit(root);
  return guards;
}

describe('the declared data plane', () => {
  const config = loadRelayConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });

  it('is the only source of the global guards, in its order', async () => {
    // A guard registered anywhere else would run on Nest's routes but not in the proxy
    // fast lane, which runs exactly DATA_PLANE.guards.
    expect(await globalGuardsUnder(RelayModule.forRoot(config))).toEqual(DATA_PLANE.guards);
  });

  it('sees a global guard registered outside the pipeline', async () => {
    class StrayGuard {
      canActivate(): boolean {
        return true;
      }
    }
    const stray: DynamicModule = {
      module: class StrayModule {},
      providers: [{ provide: APP_GUARD, useClass: StrayGuard }],
    };
    const app: DynamicModule = { module: class App {}, imports: [DataPlaneModule, stray] };
    const found = await globalGuardsUnder(app);
    expect(found).toHaveLength(DATA_PLANE.guards.length + 1);
    expect(found).not.toEqual(DATA_PLANE.guards);
  });

  it('opens the request context before the checks that read it', () => {
    expect(DATA_PLANE.middleware.map((type) => type.name)).toEqual([
      'RequestContextMiddleware',
      'SecurityMiddleware',
    ]);
  });
});
