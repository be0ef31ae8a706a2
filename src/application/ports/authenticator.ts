import type { Role } from '../../domain/staff/staff';

/** Who is calling, as the identity provider vouches for it. */
export interface Principal {
  staffId: string;
  roles: Role[];
}

/**
 * The identity provider: turns a bearer credential into a principal, or undefined when the
 * credential is unknown, expired, revoked or malformed (never throws for a bad credential).
 */
export interface Authenticator {
  authenticate(bearer: string): Promise<Principal | undefined>;
}

export const AUTHENTICATOR = Symbol('Authenticator');
