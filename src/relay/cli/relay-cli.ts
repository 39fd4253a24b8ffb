import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { text } from 'node:stream/consumers';
import { ConfigValidationError } from '../../shared/config/config-validation.error';
import { readEnvironment } from '../../shared/config/read-environment';
import { loadConfig } from '../../shared/config/load-config';
import { DataFolderInUseError } from '../../shared/database/embedded/data-folder-lock';
import { describeDatabase } from '../../shared/database/database-description';
import { AppException } from '../../shared/errors/app.exception';
import { RelayConfig } from '../relay.config';
import { parseCliCommand, UsageError, USAGE } from './cli-command';
import { RelayCliModule } from './relay-cli.module';
import { CliInputError, runCliCommand } from './run-cli-command';

/**
 * `npm run relay -- <command>`: administration without the HTTP API (first user, lost admin
 * password, agent registration from provisioning scripts). Exit codes: 0 done, 1 refused or
 * failed, 2 bad usage.
 */
async function main(args: string[]): Promise<number> {
  const command = parseCliCommand(args);
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = loadConfig(RelayConfig, readEnvironment());
  // stderr, so that stdout stays pasteable; says which database before anything changes in it.
  process.stderr.write(`relay: database: ${describeDatabase(config)}\n`);
  const app = await NestFactory.createApplicationContext(RelayCliModule.forRoot(config), {
    logger: ['error'],
    abortOnError: false,
  });
  try {
    const result = await runCliCommand(command, app, () => text(process.stdin));
    process.stdout.write(
      'envLines' in result
        ? `${(result.envLines as string[]).join('\n')}\n`
        : `${JSON.stringify(result, null, 2)}\n`,
    );
    return 0;
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`relay: ${error.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
    } else if (
      error instanceof CliInputError ||
      error instanceof AppException ||
      error instanceof ConfigValidationError ||
      error instanceof DataFolderInUseError
    ) {
      process.stderr.write(`relay: ${error.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`relay: failed: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    }
  });
