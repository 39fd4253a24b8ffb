import { AppException } from '../../shared/errors/app.exception';

export enum UsersErrorCode {
  UserNotFound = 'USER_NOT_FOUND',
  UsernameTaken = 'USERNAME_TAKEN',
  PasswordPolicy = 'PASSWORD_POLICY',
  SelfModification = 'SELF_MODIFICATION_FORBIDDEN',
  LastAdmin = 'LAST_ADMIN',
}

export const UsersErrors = {
  notFound: () => new AppException(UsersErrorCode.UserNotFound, 'User not found', 404),
  usernameTaken: () =>
    new AppException(UsersErrorCode.UsernameTaken, 'That username is already taken', 409),
  passwordPolicy: (problems: string[]) =>
    new AppException(UsersErrorCode.PasswordPolicy, problems.join('; '), 400, [
      { field: 'password', problems },
    ]),
  selfModification: (what: string) =>
    new AppException(UsersErrorCode.SelfModification, `You cannot ${what} yourself`, 403),
  lastAdmin: () =>
    new AppException(
      UsersErrorCode.LastAdmin,
      'This would leave no enabled admin; make another user an admin first',
      409,
    ),
};
