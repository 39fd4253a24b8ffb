import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Role } from '../../shared/auth/role.enum';
import { ConfigValidationError } from '../../shared/config/config-validation.error';
import { isUndefinedTable } from '../../shared/database/postgres-errors';
import { AppException } from '../../shared/errors/app.exception';
import { RelayConfig } from '../relay.config';
import { UsersErrorCode } from './users.exception';
import { UsersService } from './users.service';

/**
 * On a relay's first start (empty user table) creates the admin from ADMIN_USERNAME and
 * ADMIN_PASSWORD. Without a password it generates one and logs it exactly once: later starts
 * find the table non-empty and do nothing. In production the logs are shipped and kept, so a
 * password there would leak: a production first start without ADMIN_PASSWORD is refused.
 */
@Injectable()
export class FirstAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger('FirstAdmin');

  constructor(
    private readonly users: UsersService,
    private readonly config: RelayConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      if ((await this.users.count()) > 0) return;
    } catch (error) {
      if (!isUndefinedTable(error)) throw error;
      this.logger.warn('no users table (migrations not applied); first admin not created');
      return;
    }
    const username = this.config.ADMIN_USERNAME;
    if (this.config.isProduction && this.config.ADMIN_PASSWORD === undefined) {
      throw new ConfigValidationError([
        'ADMIN_PASSWORD must be set in production for the first start (the user table is empty); it is used once to create the first admin',
      ]);
    }
    const generated = this.config.ADMIN_PASSWORD === undefined;
    // 18 random bytes: a 24-character password with 144 bits of entropy.
    const password = this.config.ADMIN_PASSWORD ?? randomBytes(18).toString('base64url');
    try {
      await this.users.create({
        username,
        password,
        roles: [Role.Admin],
        displayName: 'Administrator',
      });
    } catch (error) {
      // Another relay instance sharing the database created it first.
      if (error instanceof AppException && error.code === (UsersErrorCode.UsernameTaken as string))
        return;
      throw error;
    }
    if (generated) {
      // The one deliberate exception to "secrets are never logged": there is no other channel.
      this.logger.warn(
        `Created the first admin "${username}" with generated password: ${password} ` +
          '(shown only this once; log in and change it, or set ADMIN_PASSWORD)',
      );
    } else {
      this.logger.log({ username }, 'created the first admin from ADMIN_USERNAME/ADMIN_PASSWORD');
    }
  }
}
