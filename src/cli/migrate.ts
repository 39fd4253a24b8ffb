import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { MigrationExecutor } from 'typeorm/migration/MigrationExecutor';
import { ConfigValidationError } from '../shared/config/config-validation.error';
import { readEnvironment } from '../shared/config/read-environment';
import { describeDatabase } from '../shared/database/database-description';
import { DataFolderInUseError } from '../shared/database/embedded/data-folder-lock';
import { openMigrationTarget, type MigrationTarget } from './migration-data-source';

const USAGE = `Usage: node dist/src/cli/migrate.js <show|run|revert>
  (npm run migration:show | migration:run | migration:revert)
The profile's environment picks the database: APP_PROFILE (relay or agent), DATABASE_URL,
or the embedded PostgreSQL in DATA_DIR (joined if the app is running, started otherwise).
  show    lists every migration, [X] applied or [ ] pending, then the number pending
  run     applies the pending migrations, each in its own transaction
  revert  undoes the last applied migration (one per call)`;

const COMMANDS = ['show', 'run', 'revert'] as const;
type Command = (typeof COMMANDS)[number];

/** A controlled upgrade without the sources: the migrations compiled into the build. */
async function main(args: string[]): Promise<number> {
  const [command, ...extra] = args;
  if (!COMMANDS.includes(command as Command) || extra.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
  // The embedded server's chatter (its warnings at shutdown included) would bury the answer
  // on stdout: errors only (they go to stderr).
  Logger.overrideLogger(['error']);
  const target = await openMigrationTarget(readEnvironment());
  try {
    // stderr, so that stdout stays the command's result.
    process.stderr.write(
      `migrate: ${target.config.APP_PROFILE} database: ${describeDatabase(target.config)}\n`,
    );
    await target.dataSource.initialize();
    return await run(command as Command, target);
  } finally {
    await target.release();
  }
}

async function run(command: Command, { dataSource }: MigrationTarget): Promise<number> {
  const executor = new MigrationExecutor(dataSource);
  switch (command) {
    case 'show': {
      const applied = new Set((await executor.getExecutedMigrations()).map((m) => m.name));
      const all = dataSource.migrations.map((m) => m.name ?? m.constructor.name);
      for (const name of all) process.stdout.write(`[${applied.has(name) ? 'X' : ' '}] ${name}\n`);
      const pending = all.filter((name) => !applied.has(name)).length;
      process.stdout.write(`${pending} pending\n`);
      return 0;
    }
    case 'run': {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      for (const migration of applied) process.stdout.write(`applied ${migration.name}\n`);
      if (applied.length === 0) process.stdout.write('nothing to apply\n');
      return 0;
    }
    case 'revert': {
      const last = (await executor.getExecutedMigrations())[0];
      if (!last) {
        process.stdout.write('nothing to revert\n');
        return 0;
      }
      await dataSource.undoLastMigration({ transaction: 'each' });
      process.stdout.write(`reverted ${last.name}\n`);
      return 0;
    }
  }
}

main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    const known = error instanceof ConfigValidationError || error instanceof DataFolderInUseError;
    const detail = known ? (error as Error).message : ((error as Error)?.stack ?? String(error));
    process.stderr.write(`migrate: failed: ${detail}\n`);
    process.exitCode = 1;
  });
