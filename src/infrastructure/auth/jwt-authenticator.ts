import { createRemoteJWKSet, JWTPayload, jwtVerify, JWTVerifyGetKey } from 'jose';
import type { Authenticator, Principal } from '../../application/ports/authenticator';
import type { Clock } from '../../application/ports/clock';
import { ROLES, Role } from '../../domain/staff/staff';
import { SystemClock } from '../clock/system-clock';

export interface JwtSettings {
  /** The identity provider's key set (RS256/ES256…), e.g. https://idp.example.jp/.well-known/jwks.json */
  jwksUrl?: string;
  /** Or a shared HS256 secret (at least 32 bytes). */
  secret?: string;
  issuer: string;
  audience: string;
  /** The claim holding the Madoguchi roles (an array of role names). */
  rolesClaim: string;
}

const STAFF_ID = /^[A-Za-z0-9._@-]{1,64}$/;

/**
 * Production identity: JWTs from the organisation's identity provider, checked for signature,
 * issuer, audience and expiry. `sub` is the staff id; unknown role names are ignored.
 */
export class JwtAuthenticator implements Authenticator {
  private readonly key: Uint8Array | JWTVerifyGetKey;

  constructor(
    private readonly settings: JwtSettings,
    /** Expiry (`exp`, `nbf`) is judged by the instance's clock, like every other deadline. */
    private readonly clock: Clock = new SystemClock(),
  ) {
    if (settings.jwksUrl) this.key = createRemoteJWKSet(new URL(settings.jwksUrl));
    else if (settings.secret && Buffer.byteLength(settings.secret) >= 32) this.key = new TextEncoder().encode(settings.secret);
    else throw new Error('JWT authentication needs AUTH_JWKS_URL, or AUTH_JWT_SECRET of at least 32 bytes');
  }

  async authenticate(bearer: string): Promise<Principal | undefined> {
    let payload: JWTPayload;
    try {
      const options = { issuer: this.settings.issuer, audience: this.settings.audience, algorithms: this.settings.jwksUrl ? undefined : ['HS256'], currentDate: this.clock.now() };
      ({ payload } =
        this.key instanceof Uint8Array ? await jwtVerify(bearer, this.key, options) : await jwtVerify(bearer, this.key, options));
    } catch {
      return undefined; // bad signature, expired, wrong issuer or audience, malformed: all the same to the caller
    }
    const claimed = payload[this.settings.rolesClaim];
    const roles = Array.isArray(claimed) ? claimed.filter((r): r is Role => (ROLES as readonly unknown[]).includes(r)) : [];
    if (!payload.sub || !STAFF_ID.test(payload.sub) || payload.exp === undefined) return undefined;
    return { staffId: payload.sub, roles: [...new Set(roles)] };
  }
}
