import { Module } from '@nestjs/common';
import { FirstAdminService } from './first-admin.service';
import { UsersModule } from './users.module';

/** Only the HTTP relay imports this; the CLI must not bootstrap an admin behind one's back. */
@Module({
  imports: [UsersModule],
  providers: [FirstAdminService],
})
export class FirstAdminModule {}
