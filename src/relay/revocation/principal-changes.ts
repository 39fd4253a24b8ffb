import { Injectable } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';

/** Something that may take access away from a principal, just committed by this process. */
export interface PrincipalChange {
  kind: 'user' | 'apiKey' | 'grant';
  /** The user, API key or grant id. */
  id: string;
}

/**
 * Where users, API keys and grants announce changes that may revoke access, so the calls
 * and streams a principal holds open are re-checked at once rather than at the next sweep.
 * Kept free of dependencies so those services can publish without an import cycle; a
 * cluster transport can subscribe here to forward changes and `publish` what it receives.
 */
@Injectable()
export class PrincipalChanges {
  private readonly subject = new Subject<PrincipalChange>();
  readonly changes: Observable<PrincipalChange> = this.subject.asObservable();

  publish(change: PrincipalChange): void {
    this.subject.next(change);
  }
}
