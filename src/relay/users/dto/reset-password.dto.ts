import { IsNewPassword } from './password';

export class ResetPasswordDto {
  @IsNewPassword()
  password: string;
}
