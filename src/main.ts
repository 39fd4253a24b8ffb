import 'reflect-metadata';
import { ConfigValidationError } from './shared/config/config-validation.error';
import { readEnvironment } from './shared/config/read-environment';
import { DataFolderInUseError } from './shared/database/embedded/data-folder-lock';
import { serveUntilSignal } from './shared/http/serve-until-signal';

/** Picks the profile from APP_PROFILE and loads only that profile's code. */
async function main(): Promise<void> {
  const env = readEnvironment();
  switch (env.APP_PROFILE) {
    case 'relay': {
      const { createRelayApp, loadRelayConfig } = await import('./relay/relay.app');
      const config = loadRelayConfig(env);
      await serveUntilSignal(await createRelayApp(config), config);
      return;
    }
    case 'agent': {
      const { createAgentApp, loadAgentConfig } = await import('./agent/agent.app');
      const config = loadAgentConfig(env);
      await serveUntilSignal(await createAgentApp(config), config);
      return;
    }
    default:
      throw new ConfigValidationError(['APP_PROFILE must be one of: relay, agent']);
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigValidationError || error instanceof DataFolderInUseError) {
    process.stderr.write(`intrabridge: ${error.message}\n`);
  } else {
    process.stderr.write(
      `intrabridge: failed to start: ${(error as Error)?.stack ?? String(error)}\n`,
    );
  }
  process.exit(1);
});
