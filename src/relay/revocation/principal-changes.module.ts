import { Module } from '@nestjs/common';
import { PrincipalChanges } from './principal-changes';

@Module({
  providers: [PrincipalChanges],
  exports: [PrincipalChanges],
})
export class PrincipalChangesModule {}
