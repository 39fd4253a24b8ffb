import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasourceDispatcher } from '../../src/agent/datasources/datasource-dispatcher';
import { adminClient, ADMIN_TOKEN } from '../utils/agent-admin';
import { makeCall, readReply, type CallOptions } from '../utils/datasource-calls';
import { startAgent, type RunningApp } from '../utils/test-apps';

describe('file datasource', () => {
  let agent: RunningApp<unknown>;
  let dispatcher: DatasourceDispatcher;
  let base: string;
  const get = async (path: string, options: Partial<CallOptions> = {}) =>
    dispatcher.dispatch(makeCall({ datasource: 'reports', path, ...options }));

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'ib-files-'));
    const root = join(base, 'root');
    await mkdir(join(root, 'monthly', 'deep'), { recursive: true });
    await writeFile(join(root, 'monthly', 'jan.csv'), 'month,total\njan,10\n');
    await writeFile(join(root, 'alphabet.txt'), 'abcdefghijklmnopqrstuvwxyz');
    await writeFile(join(root, 'report.json'), '{"ok":true}');
    await writeFile(join(root, 'empty.bin'), '');
    await writeFile(join(root, '.env'), 'SECRET=1');
    await writeFile(join(base, 'outside.txt'), 'secret outside the root');
    await symlink(join(base, 'outside.txt'), join(root, 'escape.txt'));
    await symlink(base, join(root, 'escape-dir'));
    await symlink(join(root, 'alphabet.txt'), join(root, 'inside-link.txt'));
    await utimes(
      join(root, 'alphabet.txt'),
      new Date('2024-05-01T10:00:00Z'),
      new Date('2024-05-01T10:00:00Z'),
    );
    agent = await startAgent({ AGENT_ADMIN_TOKEN: ADMIN_TOKEN });
    dispatcher = agent.app.get(DatasourceDispatcher);
    const created = await adminClient(agent).post('/api/v1/datasources', {
      name: 'reports',
      type: 'file',
      file: { root },
    });
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await agent?.close();
    await rm(base, { recursive: true, force: true });
  });

  it('streams a file with type, length and validators', async () => {
    const reply = await readReply(await get('/monthly/jan.csv'));
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('month,total\njan,10\n');
    expect(reply.headers).toMatchObject({
      'content-type': 'text/csv; charset=utf-8',
      'content-length': '19',
      'accept-ranges': 'bytes',
      etag: expect.stringMatching(/^W\/"13-[0-9a-f]+"$/),
      'last-modified': expect.any(String),
    });
    const json = await get('/report.json');
    // Read to the end, so the file handle closes (Node 26 fails a handle left to the GC).
    json.body?.resume();
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    const empty = await get('/empty.bin');
    expect([empty.status, empty.headers['content-length'], empty.body]).toEqual([200, '0', null]);
  });

  it('answers HEAD with headers only', async () => {
    const reply = await get('/alphabet.txt', { method: 'HEAD' });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-length']).toBe('26');
    expect(reply.body).toBeNull();
  });

  it('serves single byte ranges', async () => {
    const middle = await readReply(await get('/alphabet.txt', { headers: { range: 'bytes=2-4' } }));
    expect(middle.status).toBe(206);
    expect(middle.text).toBe('cde');
    expect(middle.headers).toMatchObject({
      'content-range': 'bytes 2-4/26',
      'content-length': '3',
    });
    const suffix = await readReply(await get('/alphabet.txt', { headers: { range: 'bytes=-3' } }));
    expect([suffix.status, suffix.text]).toEqual([206, 'xyz']);
    const open = await readReply(await get('/alphabet.txt', { headers: { range: 'bytes=24-' } }));
    expect(open.text).toBe('yz');
  });

  it('answers 416 for a range past the end', async () => {
    const reply = await readReply(
      await get('/alphabet.txt', { headers: { range: 'bytes=26-30' } }),
    );
    expect(reply.status).toBe(416);
    expect(reply.json().code).toBe('RANGE_NOT_SATISFIABLE');
    expect(reply.headers['content-range']).toBe('bytes */26');
  });

  it('answers conditional GETs with 304', async () => {
    const first = await get('/alphabet.txt');
    first.body?.resume();
    const etag = first.headers.etag as string;
    const byTag = await get('/alphabet.txt', { headers: { 'if-none-match': etag } });
    expect([byTag.status, byTag.body, byTag.headers.etag]).toEqual([304, null, etag]);
    const byDate = await get('/alphabet.txt', {
      headers: { 'if-modified-since': 'Wed, 01 May 2024 10:00:00 GMT' },
    });
    expect(byDate.status).toBe(304);
    const older = await get('/alphabet.txt', {
      headers: { 'if-modified-since': 'Tue, 30 Apr 2024 10:00:00 GMT' },
    });
    expect(older.status).toBe(200);
    older.body?.resume();
    const otherTag = await get('/alphabet.txt', { headers: { 'if-none-match': '"nope"' } });
    expect(otherTag.status).toBe(200);
    otherTag.body?.resume();
  });

  it('lists a directory as JSON, hiding dot files', async () => {
    const reply = await readReply(await get('/'));
    expect(reply.status).toBe(200);
    const listing = reply.json();
    expect(listing.path).toBe('/');
    expect(listing.truncated).toBe(false);
    expect(listing.entries.map((e: { name: string }) => e.name)).toEqual([
      'alphabet.txt',
      'empty.bin',
      'escape-dir',
      'escape.txt',
      'inside-link.txt',
      'monthly',
      'report.json',
    ]);
    expect(listing.entries[0]).toEqual({
      name: 'alphabet.txt',
      type: 'file',
      size: 26,
      modified: '2024-05-01T10:00:00.000Z',
    });
    expect(listing.entries.find((e: { name: string }) => e.name === 'monthly').type).toBe(
      'directory',
    );
    expect(listing.entries.find((e: { name: string }) => e.name === 'escape.txt')).toMatchObject({
      type: 'symlink',
      size: null,
    });
    const sub = await readReply(await get('/monthly/'));
    expect(sub.json()).toMatchObject({
      path: '/monthly',
      entries: [{ name: 'deep' }, { name: 'jan.csv' }],
    });
  });

  it('follows a symlink that stays inside the root', async () => {
    const reply = await readReply(await get('/inside-link.txt'));
    expect(reply.text).toBe('abcdefghijklmnopqrstuvwxyz');
  });

  it.each([
    ['a symlink to a file outside the root', '/escape.txt', 403, 'PATH_NOT_ALLOWED'],
    [
      'a symlink to a directory outside the root',
      '/escape-dir/outside.txt',
      403,
      'PATH_NOT_ALLOWED',
    ],
    ['a listing through an escaping symlink', '/escape-dir/', 403, 'PATH_NOT_ALLOWED'],
    ['dot-dot', '/monthly/../../outside.txt', 400, 'INVALID_PATH'],
    ['encoded dot-dot', '/%2e%2e/outside.txt', 400, 'INVALID_PATH'],
    ['encoded slash', '/monthly%2f..%2f..%2foutside.txt', 400, 'INVALID_PATH'],
    ['backslashes', '/..\\outside.txt', 400, 'INVALID_PATH'],
    ['NUL', '/alphabet.txt%00.csv', 400, 'INVALID_PATH'],
    ['an absolute path', 'file:///etc/passwd', 400, 'INVALID_PATH'],
    ['a hidden file', '/.env', 404, 'NOT_FOUND'],
    ['a missing file', '/nope.txt', 404, 'NOT_FOUND'],
  ])('refuses %s', async (_label, path, status, code) => {
    const reply = await readReply(await get(path));
    expect(reply.status).toBe(status);
    expect(reply.json().code).toBe(code);
    expect(reply.text).not.toContain('secret');
  });

  it('is read-only', async () => {
    const reply = await readReply(await get('/new.txt', { method: 'PUT', body: 'x' }));
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('GET, HEAD');
  });
});
