import { Inject, Injectable } from '@nestjs/common';
import type { Authenticator, Principal } from '../../application/ports/authenticator';
import { CLOCK, Clock } from '../../application/ports/clock';
import { parseStaffToken, secretMatches } from '../../application/staff/staff-token';
import { StaffDirectoryProjection } from '../../projections/staff/staff-directory.projection';

/** The embedded identity provider: staff tokens issued by an administrator, recorded as hashes in the event store. */
@Injectable()
export class StoreTokenAuthenticator implements Authenticator {
  constructor(
    private readonly directory: StaffDirectoryProjection,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async authenticate(bearer: string): Promise<Principal | undefined> {
    const token = parseStaffToken(bearer);
    if (!token) return undefined;
    const found = await this.directory.token(token.tokenId);
    if (!found || found.record.revoked || !secretMatches(token.secret, found.record.secretHash)) return undefined;
    if (Date.parse(found.record.expiresAt) <= this.clock.now().getTime()) return undefined;
    return { staffId: found.record.staffId, roles: found.roles };
  }
}
