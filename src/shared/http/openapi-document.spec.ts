import type { OpenAPIObject } from '@nestjs/swagger';
import { normalizeOpenApiDocument } from './openapi-document';

const op = (operationId: string, tag: string) => ({ operationId, tags: [tag], responses: {} });

function document(): OpenAPIObject {
  return {
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths: {
      '/proxy/{a}': { get: op('proxy', 'proxy'), search: op('proxy', 'proxy') } as never,
      '/proxy/{a}/{path}': { get: op('proxy', 'proxy'), post: op('proxy', 'proxy') },
      '/users': { get: op('listUsers', 'users'), parameters: [] },
    },
    tags: [{ name: 'proxy' }],
  };
}

describe('normalizeOpenApiDocument', () => {
  it('drops methods OpenAPI 3.0 has no place for, keeping path-level fields', () => {
    const paths = normalizeOpenApiDocument(document()).paths;
    expect(Object.keys(paths['/proxy/{a}'])).toEqual(['get']);
    expect(Object.keys(paths['/users'])).toEqual(['get', 'parameters']);
  });

  it('gives a shared operationId one id per method and path, leaving unique ones alone', () => {
    const paths = normalizeOpenApiDocument(document()).paths;
    expect(paths['/proxy/{a}'].get!.operationId).toBe('proxyGet');
    expect(paths['/proxy/{a}/{path}'].get!.operationId).toBe('proxyGet2');
    expect(paths['/proxy/{a}/{path}'].post!.operationId).toBe('proxyPost');
    expect(paths['/users'].get!.operationId).toBe('listUsers');
  });

  it('moves the paths and tags of lastTags to the end of the page', () => {
    const normalized = normalizeOpenApiDocument(document(), ['proxy']);
    expect(Object.keys(normalized.paths)).toEqual(['/users', '/proxy/{a}', '/proxy/{a}/{path}']);
    expect(normalized.tags!.map((tag) => tag.name)).toEqual(['users', 'proxy']);
  });
});
