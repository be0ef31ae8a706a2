import { createRemoteJWKSet, JWTPayload, jwtVerify, JWTVerifyOptions } from 'jose';
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
  /** Checks signature, issuer, audience and time; the key is the JWKS or the shared secret. */
  private readonly verify: (token: string, options: JWTVerifyOptions) => Promise<{ payload: JWTPayload }>;

  constructor(
    private readonly settings: JwtSettings,
    /** Expiry (`exp`, `nbf`) is judged by the instance's clock, like every other deadline. */
    private readonly clock: Clock = new SystemClock(),
  ) {
    if (settings.jwksUrl) {
      const keySet = createRemoteJWKSet(new URL(settings.jwksUrl));
      this.verify = (token, options) => jwtVerify(token, keySet, options);
    } else if (settings.secret && Buffer.byteLength(settings.secret) >= 32) {
      const secret = new TextEncoder().encode(settings.secret);
      this.verify = (token, options) => jwtVerify(token, secret, { ...options, algorithms: ['HS256'] });
    } else throw new Error('JWT authentication needs AUTH_JWKS_URL, or AUTH_JWT_SECRET of at least 32 bytes');
  }

  async authenticate(bearer: string): Promise<Principal | undefined> {
    let payload: JWTPayload;
    try {
      ({ payload } = await this.verify(bearer, { issuer: this.settings.issuer, audience: this.settings.audience, currentDate: this.clock.now() }));
    } catch {
      return undefined; // bad signature, expired, wrong issuer or audience, malformed: all the same to the caller
    }
    const claimed = payload[this.settings.rolesClaim];
    const roles = Array.isArray(claimed) ? claimed.filter((r): r is Role => (ROLES as readonly unknown[]).includes(r)) : [];
    if (!payload.sub || !STAFF_ID.test(payload.sub) || payload.exp === undefined) return undefined;
    return { staffId: payload.sub, roles: [...new Set(roles)] };
  }
}
