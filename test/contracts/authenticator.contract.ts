import type { Authenticator } from '../../src/application/ports/authenticator';
import type { Role } from '../../src/domain/staff/staff';

export const ONE_DAY = 86_400;

/** What each identity provider under test gives the contract. */
export interface AuthenticatorSetup {
  authenticator: Authenticator;
  /** A credential the identity provider vouches for: this staff member, exactly these roles. */
  credentialFor(staffId: string, roles: Role[], opts?: { expiresInSeconds?: number }): Promise<string>;
  /** Only where the identity provider can take a credential back. */
  revoke?(credential: string): Promise<void>;
  /** Moves the clock the authenticator judges expiry by. */
  advance(seconds: number): void | Promise<void>;
  /** Stops whatever the setup started. */
  close?(): Promise<void>;
}

/**
 * The same credential with one character replaced by another of the same kind (digit, lower or
 * upper case letter, '-' or '_'), so the credential still looks well-formed. Never touches '.'
 * nor the last character of a base64url segment, whose low bits may be padding that decoders ignore.
 */
export function withOneCharacterChanged(credential: string, at: number): string {
  const lastOfSegment = (i: number) => i === credential.length - 1 || credential[i + 1] === '.';
  let i = Math.min(Math.max(at, 0), credential.length - 1);
  while (i > 0 && (credential[i] === '.' || lastOfSegment(i))) i--;
  const c = credential[i];
  const other = /[0-9]/.test(c)
    ? c === '0'
      ? '1'
      : '0'
    : /[a-z]/.test(c)
      ? c === 'a'
        ? 'b'
        : 'a'
      : /[A-Z]/.test(c)
        ? c === 'A'
          ? 'B'
          : 'A'
        : c === '-'
          ? '_'
          : '-';
  return credential.slice(0, i) + other + credential.slice(i + 1);
}

/** A8.1: the contract every identity provider (Authenticator port) keeps. */
export function authenticatorContract(name: string, setup: () => Promise<AuthenticatorSetup>): void {
  describe(`${name} keeps the Authenticator contract (A8.1)`, () => {
    let idp: AuthenticatorSetup;

    beforeEach(async () => {
      idp = await setup();
    });
    afterEach(() => idp.close?.());

    it('vouches for a valid credential: that staff member with exactly those roles', async () => {
      const credential = await idp.credentialFor('sato', ['counselor', 'auditor']);
      const principal = await idp.authenticator.authenticate(credential);
      expect(principal?.staffId).toBe('sato');
      expect([...(principal?.roles ?? [])].sort()).toEqual(['auditor', 'counselor']);
    });

    it('keeps staff members apart: each credential names its own staff member and roles', async () => {
      const sato = await idp.credentialFor('sato', ['counselor']);
      const suzuki = await idp.credentialFor('suzuki', ['admin']);
      expect(await idp.authenticator.authenticate(sato)).toEqual({ staffId: 'sato', roles: ['counselor'] });
      expect(await idp.authenticator.authenticate(suzuki)).toEqual({ staffId: 'suzuki', roles: ['admin'] });
    });

    it.each([
      ['empty', ''],
      ['a word', 'garbage'],
      ['spaces', '   '],
      ['three dots', '...'],
      ['a JWT-shaped string', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzYXRvIn0.c2lnbmF0dXJl'],
      ['a staff-token-shaped string', `mdg_${'0'.repeat(32)}_${'A'.repeat(43)}`],
    ])('vouches for nobody with a garbage credential (%s)', async (_what, garbage) => {
      expect(await idp.authenticator.authenticate(garbage)).toBeUndefined();
    });

    it.each([
      ['its first character', 0],
      ['a character in the first half', 0.25],
      ['a character in the middle', 0.5],
      ['a character near the end', 1],
    ])('vouches for nobody when one character is changed (%s)', async (_where, fraction) => {
      const credential = await idp.credentialFor('sato', ['counselor']);
      const tampered = withOneCharacterChanged(credential, Math.floor(fraction * (credential.length - 1)));
      expect(tampered).not.toBe(credential);
      expect(tampered).toHaveLength(credential.length);
      expect(await idp.authenticator.authenticate(tampered)).toBeUndefined();
      expect(await idp.authenticator.authenticate(credential)).toMatchObject({ staffId: 'sato' }); // the original still works
    });

    it('vouches for a credential until it expires, and for nobody from then on', async () => {
      const credential = await idp.credentialFor('sato', ['counselor'], { expiresInSeconds: ONE_DAY });
      await idp.advance(ONE_DAY - 1);
      expect(await idp.authenticator.authenticate(credential)).toMatchObject({ staffId: 'sato' });
      await idp.advance(1);
      expect(await idp.authenticator.authenticate(credential)).toBeUndefined();
      await idp.advance(30 * ONE_DAY);
      expect(await idp.authenticator.authenticate(credential)).toBeUndefined();
    });

    it('vouches for nobody with a revoked credential (where credentials can be revoked), and still for the others', async () => {
      if (!idp.revoke) return; // e.g. JWTs: short-lived, revoked at the identity provider
      const lost = await idp.credentialFor('sato', ['counselor']);
      const kept = await idp.credentialFor('sato', ['counselor']);
      expect(await idp.authenticator.authenticate(lost)).toMatchObject({ staffId: 'sato' });
      await idp.revoke(lost);
      expect(await idp.authenticator.authenticate(lost)).toBeUndefined();
      expect(await idp.authenticator.authenticate(kept)).toMatchObject({ staffId: 'sato' });
    });
  });
}
