import type { INestApplicationContext } from '@nestjs/common';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync } from 'class-validator';
import { randomBytes } from 'node:crypto';
import { AgentsService } from '../agents/agents.service';
import { CreateAgentDto } from '../agents/dto/create-agent.dto';
import { CreateUserDto } from '../users/dto/create-user.dto';
import { ResetPasswordDto } from '../users/dto/reset-password.dto';
import { UsersErrors } from '../users/users.exception';
import { UsersService } from '../users/users.service';
import type { CliCommand, PasswordSource } from './cli-command';

/** A problem with the values given (exit code 1): the same rules as the HTTP API. */
export class CliInputError extends Error {}

/** What a command prints on stdout: a JSON object, or ready-to-paste environment lines. */
export type CliOutput = Record<string, unknown> | { envLines: string[] };

/** Runs one command against the relay's services; returns what to print. */
export async function runCliCommand(
  command: Exclude<CliCommand, { kind: 'help' }>,
  app: INestApplicationContext,
  readStdin: () => Promise<string>,
): Promise<CliOutput> {
  switch (command.kind) {
    case 'create-user': {
      const password = await resolvePassword(command.password, readStdin);
      const input = validated(CreateUserDto, {
        username: command.username,
        roles: command.roles,
        displayName: command.displayName,
        password: password.value,
      });
      const user = await app.get(UsersService).create(input);
      return {
        id: user.id,
        username: user.username,
        roles: user.roles,
        ...(password.generated && { password: password.value }),
      };
    }
    case 'reset-password': {
      const password = await resolvePassword(command.password, readStdin);
      validated(ResetPasswordDto, { password: password.value });
      const users = app.get(UsersService);
      const user = await users.findByUsername(command.username);
      if (!user) throw UsersErrors.notFound();
      await users.setPassword(user.id, password.value);
      return {
        id: user.id,
        username: user.username,
        ...(password.generated && { password: password.value }),
      };
    }
    case 'create-agent': {
      const input = validated(CreateAgentDto, {
        name: command.name,
        description: command.description,
      });
      const { agent, secret } = await app.get(AgentsService).create(input.name, input.description);
      if (command.json) return { id: agent.id, name: agent.name, secret };
      // As the README promises: lines to paste into the agent's environment (or `>> .env`).
      return { envLines: [`AGENT_ID=${agent.id}`, `AGENT_SECRET=${secret}`] };
    }
  }
}

async function resolvePassword(
  source: PasswordSource,
  readStdin: () => Promise<string>,
): Promise<{ value: string; generated: boolean }> {
  if (source.from === 'flag') return { value: source.value, generated: false };
  if (source.from === 'stdin') {
    return { value: (await readStdin()).replace(/\r?\n$/, ''), generated: false };
  }
  return { value: randomBytes(18).toString('base64url'), generated: true };
}

function validated<T extends object>(dto: ClassConstructor<T>, plain: object): T {
  const instance = plainToInstance(dto, plain);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const problems = errors.flatMap((error) => Object.values(error.constraints ?? {}));
    throw new CliInputError(problems.join('; '));
  }
  return instance;
}
