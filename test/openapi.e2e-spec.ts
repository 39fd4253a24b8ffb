import SwaggerParser from '@apidevtools/swagger-parser';
import { startAgent, startRelay, type RunningApp } from './utils/test-apps';

// The documents are walked generically; their shape is what the tests check.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

/** Every schema property typed a bare `object` with nothing to say what is inside. */
function bareObjects(doc: Json): string[] {
  const found: string[] = [];
  const visit = (node: unknown, path: string): void => {
    if (!node || typeof node !== 'object') return;
    const schema = node as Json;
    if (schema.properties && typeof schema.properties === 'object') {
      for (const [name, property] of Object.entries(schema.properties as Json)) {
        const p = property as Json;
        const declaredMap = p.additionalProperties !== undefined;
        const composed = p.allOf ?? p.oneOf ?? p.anyOf;
        if (p.type === 'object' && !p.properties && !p.$ref && !declaredMap && !composed) {
          found.push(`${path}.${name}`);
        }
      }
    }
    for (const [key, child] of Object.entries(schema)) visit(child, `${path}.${key}`);
  };
  visit(doc, '#');
  return found;
}

describe.each([
  ['relay', startRelay],
  ['agent', startAgent],
])('%s OpenAPI document', (profile, start) => {
  let running: RunningApp<unknown>;
  let doc: Json;

  beforeAll(async () => {
    running = await start();
    doc = (await (await fetch(`${running.url}/docs-json`)).json()) as Json;
  });
  afterAll(async () => {
    await running?.close();
  });

  it('is a valid OpenAPI 3.0 document', async () => {
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it('has unique operationIds', () => {
    const ids = Object.values(doc.paths as Json)
      .flatMap((methods) => Object.values(methods as Json))
      .map((operation) => (operation as Json).operationId as string);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.length - new Set(ids).size).toBe(0);
  });

  it('types every object property (no bare `object` schema)', () => {
    expect(bareObjects(doc)).toEqual([]);
  });

  if (profile === 'relay') {
    it('documents the proxy routes with OpenAPI methods only, with 401, at the end of the page', () => {
      const routes = Object.keys(doc.paths);
      const proxy = routes.filter((path) => path.startsWith('/api/v1/proxy/'));
      expect(proxy.length).toBe(2);
      // SEARCH and the like are still proxied, but OpenAPI 3.0 has no place for them.
      expect(Object.keys(doc.paths[proxy[0]]).sort()).toEqual(
        ['delete', 'get', 'head', 'options', 'patch', 'post', 'put'].sort(),
      );
      expect(doc.paths[proxy[0]].get.operationId).toBe('proxyGet');
      expect(doc.paths[proxy[1]].get.operationId).toBe('proxyGet2');
      expect(JSON.stringify(doc.paths[proxy[0]].get.responses['401'])).toContain('UNAUTHORIZED');
      expect(routes.slice(-proxy.length)).toEqual(proxy);
      const tags = (doc.tags as Json[]).map((tag) => tag.name as string);
      expect(tags[tags.length - 1]).toBe('proxy');
    });
  } else {
    it("offers the agent's admin token, not the relay's schemes", () => {
      expect(Object.keys(doc.components.securitySchemes)).toEqual(['admin-token']);
      const operations = Object.values(doc.paths as Json).flatMap((m) => Object.values(m as Json));
      const secured = operations.filter((operation) => (operation as Json).security);
      for (const operation of secured) {
        for (const requirement of (operation as Json).security as Json[]) {
          expect(Object.keys(requirement)).toEqual(['admin-token']);
        }
      }
    });

    it('declares the error answers of the admin routes, not only their successes', () => {
      const errors = (path: string, method: string) =>
        Object.keys(doc.paths[path][method].responses).filter((status) => Number(status) >= 400);
      expect(errors('/api/v1/datasources', 'post')).toEqual(
        expect.arrayContaining(['400', '401', '409', '503']),
      );
      expect(errors('/api/v1/datasources/{name}', 'patch')).toEqual(
        expect.arrayContaining(['400', '401', '404', '503']),
      );
      expect(errors('/api/v1/connection', 'put')).toEqual(
        expect.arrayContaining(['400', '401', '503']),
      );
      expect(errors('/api/v1/connection/status', 'get')).toEqual(['401', '503']);
    });
  }
});
