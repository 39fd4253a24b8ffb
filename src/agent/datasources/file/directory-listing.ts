import { lstat, opendir } from 'node:fs/promises';
import { join } from 'node:path';

export interface ListingEntry {
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  size: number | null;
  modified: string;
}

export interface DirectoryListing {
  path: string;
  entries: ListingEntry[];
  /** More entries exist than maxListEntries allows to show. */
  truncated: boolean;
}

const STAT_CONCURRENCY = 32;

/**
 * Lists a directory, sorted by name, reading at most `limit` entries so a huge directory
 * costs bounded memory. Symbolic links are reported, not followed.
 */
export async function listDirectory(
  directory: string,
  displayPath: string,
  limit: number,
  includeHidden: boolean,
): Promise<DirectoryListing> {
  const names: string[] = [];
  let truncated = false;
  const dir = await opendir(directory);
  try {
    for await (const entry of dir) {
      if (!includeHidden && entry.name.startsWith('.')) continue;
      if (names.length === limit) {
        truncated = true;
        break;
      }
      names.push(entry.name);
    }
  } finally {
    await dir.close().catch(() => undefined);
  }
  names.sort();
  const entries: ListingEntry[] = [];
  for (let i = 0; i < names.length; i += STAT_CONCURRENCY) {
    const slice = names.slice(i, i + STAT_CONCURRENCY);
    entries.push(...(await Promise.all(slice.map((name) => describe(directory, name)))));
  }
  return { path: displayPath, entries: entries.filter((e) => e !== undefined), truncated };
}

async function describe(directory: string, name: string): Promise<ListingEntry> {
  try {
    const stats = await lstat(join(directory, name));
    const type = stats.isFile()
      ? 'file'
      : stats.isDirectory()
        ? 'directory'
        : stats.isSymbolicLink()
          ? 'symlink'
          : 'other';
    return {
      name,
      type,
      size: type === 'file' ? stats.size : null,
      modified: stats.mtime.toISOString(),
    };
  } catch {
    // Removed between listing and stat: report what is known.
    return { name, type: 'other', size: null, modified: new Date(0).toISOString() };
  }
}
