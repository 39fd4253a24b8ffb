import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager, type Repository } from 'typeorm';
import type { Principal } from '../../shared/auth/principal';
import { Role } from '../../shared/auth/role.enum';
import { TtlCache } from '../../shared/cache/ttl-cache';
import type { Page } from '../../shared/dto/page-query.dto';
import { isUniqueViolation, likeContains } from '../../shared/database/postgres-errors';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { SessionAudit } from '../audit/session-audit.service';
import { LoginThrottleService } from '../login-throttle/login-throttle.service';
import { PrincipalChanges } from '../revocation/principal-changes';
import type { AuthUser } from './auth-user';
import type { ListUsersQuery } from './dto/list-users.query';
import { toUserView } from './dto/user.view';
import { PasswordHasher } from './password-hasher.service';
import { passwordProblems } from './password-policy';
import { UserEntity } from './user.entity';
import { UsersErrors } from './users.exception';

export interface NewUser {
  username: string;
  password: string;
  roles: Role[];
  displayName?: string | null;
  enabled?: boolean;
}

export interface UserChanges {
  displayName?: string | null;
  roles?: Role[];
  enabled?: boolean;
}

/**
 * How long a user's enabled flag and roles are trusted without asking the database. Changes
 * made through this process invalidate at once; other relay instances see them within this.
 */
export const AUTH_USER_CACHE_MS = 5_000;

@Injectable()
export class UsersService {
  private readonly authUsers = new TtlCache<string, AuthUser | null>({
    ttlMs: AUTH_USER_CACHE_MS,
    maxEntries: 10_000,
  });

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    private readonly sessionAudit: SessionAudit,
    private readonly throttle: LoginThrottleService,
    private readonly changes: PrincipalChanges,
  ) {}

  async create(input: NewUser): Promise<UserEntity> {
    const username = input.username.trim().toLowerCase();
    this.assertPasswordPolicy(input.password, username);
    const passwordHash = await this.hasher.hash(input.password);
    try {
      const result = await this.users.insert({
        username,
        displayName: input.displayName ?? null,
        passwordHash,
        roles: [...new Set(input.roles)],
        enabled: input.enabled ?? true,
      });
      const created = await this.get(result.identifiers[0].id as string);
      const target = { type: 'user', id: created.id };
      await this.audit.recordChange(AuditAction.UserCreate, target, null, toUserView(created));
      return created;
    } catch (error) {
      if (isUniqueViolation(error)) throw UsersErrors.usernameTaken();
      throw error;
    }
  }

  async list(query: ListUsersQuery): Promise<Page<UserEntity>> {
    const builder = this.users
      .createQueryBuilder('u')
      .orderBy('u.createdAt', 'ASC')
      .addOrderBy('u.id', 'ASC')
      .take(query.limit)
      .skip(query.offset);
    if (query.q) {
      builder.andWhere('(u.username ilike :q or u.displayName ilike :q)', {
        q: likeContains(query.q),
      });
    }
    if (query.role) builder.andWhere(':role = any(u.roles)', { role: query.role });
    if (query.enabled !== undefined)
      builder.andWhere('u.enabled = :enabled', { enabled: query.enabled });
    const [items, total] = await builder.getManyAndCount();
    return { items, total, limit: query.limit, offset: query.offset };
  }

  async get(id: string): Promise<UserEntity> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw UsersErrors.notFound();
    return user;
  }

  async findByUsername(username: string): Promise<UserEntity | null> {
    return this.users
      .createQueryBuilder('u')
      .where('lower(u.username) = :username', { username: username.trim().toLowerCase() })
      .getOne();
  }

  async exists(id: string): Promise<boolean> {
    return this.users.existsBy({ id });
  }

  async count(): Promise<number> {
    return this.users.count();
  }

  /**
   * Changes what an admin may change. Admins cannot change their own roles or disable
   * themselves (so nobody locks themselves out or edits their own privileges), and no change
   * may leave the relay without an enabled admin.
   */
  async update(actor: Principal, id: string, changes: UserChanges): Promise<UserEntity> {
    const isSelf = actor.userId === id;
    if (isSelf && changes.roles !== undefined)
      throw UsersErrors.selfModification('change roles of');
    if (isSelf && changes.enabled === false) throw UsersErrors.selfModification('disable');
    let before: UserEntity | undefined;
    await this.dataSource.transaction(async (manager) => {
      const user = await manager.findOneBy(UserEntity, { id });
      if (!user) throw UsersErrors.notFound();
      before = user;
      const losesAdmin =
        isEnabledAdmin(user) &&
        (changes.enabled === false || (changes.roles && !changes.roles.includes(Role.Admin)));
      if (losesAdmin) await assertAnotherEnabledAdmin(manager, id);
      const disabling = user.enabled && changes.enabled === false;
      const set = {
        ...(changes.displayName !== undefined && { displayName: changes.displayName }),
        ...(changes.roles !== undefined && { roles: [...new Set(changes.roles)] }),
        ...(changes.enabled !== undefined && { enabled: changes.enabled }),
        // Disabling ends every session: refresh tokens carry the generation they were issued in.
        ...(disabling && { tokenGeneration: () => 'token_generation + 1' }),
      };
      if (Object.keys(set).length > 0) await manager.update(UserEntity, id, set);
    });
    this.authUsers.delete(id);
    this.changes.publish({ kind: 'user', id });
    const after = await this.get(id);
    const target = { type: 'user', id };
    await this.audit.recordChange(
      AuditAction.UserUpdate,
      target,
      before && toUserView(before),
      toUserView(after),
    );
    return after;
  }

  async delete(actor: Principal, id: string): Promise<void> {
    if (actor.userId === id) throw UsersErrors.selfModification('delete');
    let before: UserEntity | undefined;
    await this.dataSource.transaction(async (manager) => {
      const user = await manager.findOneBy(UserEntity, { id });
      if (!user) throw UsersErrors.notFound();
      if (isEnabledAdmin(user)) await assertAnotherEnabledAdmin(manager, id);
      // Refresh tokens, API keys and grants go with the user (on delete cascade).
      await manager.delete(UserEntity, id);
      before = user;
    });
    this.authUsers.delete(id);
    this.changes.publish({ kind: 'user', id });
    const target = { type: 'user', id };
    await this.audit.recordChange(
      AuditAction.UserDelete,
      target,
      before && toUserView(before),
      null,
    );
  }

  /**
   * Sets a new password and ends every session of the user. The name's login lock goes too:
   * whoever was guessing the old password has nothing left to guess, and the owner (told the
   * new password by an admin) must not wait out a lockout.
   */
  async setPassword(id: string, password: string): Promise<void> {
    const user = await this.get(id);
    this.assertPasswordPolicy(password, user.username);
    const passwordHash = await this.hasher.hash(password);
    await this.users.update(id, {
      passwordHash,
      passwordChangedAt: () => 'now()',
      tokenGeneration: () => 'token_generation + 1',
    });
    this.authUsers.delete(id);
    await this.throttle.liftName(user.username, ['login']);
    this.changes.publish({ kind: 'user', id });
    await this.sessionAudit.passwordSet(id);
  }

  /**
   * The user these credentials belong to, or null. Unknown, disabled and wrong-password
   * cases all cost one argon2 verification, so timing does not tell them apart.
   */
  async verifyCredentials(username: string, password: string): Promise<UserEntity | null> {
    const user = await this.findByUsername(username);
    if (!user) return this.hasher.verifyDecoy(password).then(() => null);
    const ok = await this.hasher.verify(user.passwordHash, password);
    return ok && user.enabled ? user : null;
  }

  async verifyPassword(id: string, password: string): Promise<boolean> {
    const user = await this.get(id);
    return this.hasher.verify(user.passwordHash, password);
  }

  async recordLogin(id: string): Promise<void> {
    await this.users.update(id, { lastLoginAt: () => 'now()', updatedAt: () => 'updated_at' });
  }

  /**
   * What authentication needs on every request; cached for AUTH_USER_CACHE_MS unless `fresh`
   * (for rare, sensitive paths such as a token refresh).
   */
  async getAuthUser(id: string, options: { fresh?: boolean } = {}): Promise<AuthUser | null> {
    const cached = options.fresh ? undefined : this.authUsers.get(id);
    if (cached !== undefined) return cached;
    const user = await this.users.findOne({
      where: { id },
      select: { id: true, username: true, roles: true, enabled: true, tokenGeneration: true },
    });
    const authUser = user ? toAuthUser(user) : null;
    this.authUsers.set(id, authUser);
    return authUser;
  }

  /** Several users' auth facts at once, from the database (for re-checking open work). */
  async findAuthUsers(ids: readonly string[]): Promise<Map<string, AuthUser>> {
    if (ids.length === 0) return new Map();
    const rows = await this.users.find({
      where: { id: In([...ids]) },
      select: { id: true, username: true, roles: true, enabled: true, tokenGeneration: true },
    });
    return new Map(rows.map((row) => [row.id, toAuthUser(row)]));
  }

  private assertPasswordPolicy(password: string, username: string): void {
    const problems = passwordProblems(password, username);
    if (problems.length > 0) throw UsersErrors.passwordPolicy(problems);
  }
}

function isEnabledAdmin(user: UserEntity): boolean {
  return user.enabled && user.roles.includes(Role.Admin);
}

/** Locks the enabled admins' rows so two concurrent demotions cannot both succeed. */
async function assertAnotherEnabledAdmin(manager: EntityManager, exceptId: string): Promise<void> {
  const admins: Array<{ id: string }> = await manager.query(
    `select id from users where enabled and $1 = any(roles) order by id for update`,
    [Role.Admin],
  );
  if (!admins.some((admin) => admin.id !== exceptId)) throw UsersErrors.lastAdmin();
}

function toAuthUser(user: UserEntity): AuthUser {
  return {
    id: user.id,
    username: user.username,
    roles: user.roles,
    enabled: user.enabled,
    tokenGeneration: user.tokenGeneration,
  };
}
