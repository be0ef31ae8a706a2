import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, JWK, JWTPayload, SignJWT, UnsecuredJWT } from 'jose';
import { AUTHENTICATOR, Authenticator } from '../../../src/application/ports/authenticator';
import { parseStaffToken } from '../../../src/application/staff/staff-token';
import { StaffAccess } from '../../../src/application/staff/staff.commands';
import type { Role } from '../../../src/domain/staff/staff';
import { JwtAuthenticator, JwtSettings } from '../../../src/infrastructure/auth/jwt-authenticator';
import { StoreTokenAuthenticator } from '../../../src/infrastructure/auth/store-token-authenticator';
import { authenticatorContract, ONE_DAY } from '../../contracts/authenticator.contract';
import { startService, TestClock } from '../../e2e/harness';

const advance = (clock: TestClock, seconds: number) => {
  clock.current = new Date(clock.current.getTime() + seconds * 1000);
};

// (a) The embedded identity provider, through a real instance: tokens issued by StaffAccess, revoked over HTTP.
authenticatorContract('StoreTokenAuthenticator (embedded staff tokens)', async () => {
  const service = await startService();
  const authenticator = service.app.get<symbol, Authenticator>(AUTHENTICATOR);
  expect(authenticator).toBeInstanceOf(StoreTokenAuthenticator);
  const staffOf = new Map<string, string>();
  return {
    authenticator,
    async credentialFor(staffId, roles, opts = {}) {
      let token: string;
      if (opts.expiresInSeconds === undefined) token = await service.tokenFor(staffId, roles);
      else {
        if (opts.expiresInSeconds % ONE_DAY !== 0) throw new Error('staff tokens are valid for whole days');
        token = await service.app.get(StaffAccess).tokenFor(staffId, staffId, roles, opts.expiresInSeconds / ONE_DAY, 'system:test');
      }
      staffOf.set(token, staffId);
      return token;
    },
    async revoke(credential) {
      const { tokenId } = parseStaffToken(credential)!;
      const revoked = await service.send('POST', `/v1/staff/${staffOf.get(credential)}/tokens/${tokenId}/revocation`, {}); // as tanaka (admin)
      expect(revoked).toMatchObject({ status: 200, body: { appended: ['StaffTokenRevoked'] } });
    },
    advance: (seconds) => advance(service.clock, seconds),
    close: () => service.close(),
  };
});

// (b) and (c): JWTs of an organisation's identity provider.
const ISSUER = 'https://idp.okayama.example.jp/';
const AUDIENCE = 'madoguchi';
const ROLES_CLAIM = 'https://madoguchi.example.jp/roles';
const HS256_SECRET = 'a shared secret of well over 32 bytes, for tests only';
const epoch = (date: Date) => Math.floor(date.getTime() / 1000);

type SigningKey = Parameters<SignJWT['sign']>[0];
interface Signer {
  key: SigningKey;
  alg: string;
  kid?: string;
}

/** The claims a well-behaved identity provider puts in a staff member's token. */
function claimsFor(clock: TestClock, staffId: string, roles: unknown, expiresInSeconds = 3600): JWTPayload {
  const now = epoch(clock.now());
  return { sub: staffId, iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + expiresInSeconds, [ROLES_CLAIM]: roles };
}

function sign(claims: JWTPayload, signer: Signer): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: signer.alg, typ: 'JWT', ...(signer.kid ? { kid: signer.kid } : {}) }).sign(signer.key);
}

/** What the JWT cases need of one way of checking signatures. */
interface JwtIdentityProvider {
  settings: Omit<JwtSettings, 'issuer' | 'audience' | 'rolesClaim'>;
  signer: Signer;
  /** Same algorithm (and key id), a different key. */
  impostor: Signer;
}

function jwtCases(name: string, provider: () => JwtIdentityProvider): void {
  const settings = (): JwtSettings => ({ ...provider().settings, issuer: ISSUER, audience: AUDIENCE, rolesClaim: ROLES_CLAIM });

  authenticatorContract(name, async () => {
    const clock = new TestClock();
    return {
      authenticator: new JwtAuthenticator(settings(), clock),
      credentialFor: (staffId: string, roles: Role[], opts = {}) => sign(claimsFor(clock, staffId, roles, opts.expiresInSeconds), provider().signer),
      advance: (seconds: number) => advance(clock, seconds),
    };
  });

  describe(`${name}: what the identity provider must vouch for (A8.1)`, () => {
    let clock: TestClock;
    let authenticator: JwtAuthenticator;
    const valid = (overrides: JWTPayload = {}) => ({ ...claimsFor(clock, 'sato', ['counselor']), ...overrides });

    beforeEach(() => {
      clock = new TestClock();
      authenticator = new JwtAuthenticator(settings(), clock);
    });

    it('accepts a token of the right issuer, for this audience, signed with its key (the baseline the refusals below differ from)', async () => {
      expect(await authenticator.authenticate(await sign(valid(), provider().signer))).toEqual({ staffId: 'sato', roles: ['counselor'] });
    });

    it('refuses a token from another issuer', async () => {
      expect(await authenticator.authenticate(await sign(valid({ iss: 'https://idp.elsewhere.example/' }), provider().signer))).toBeUndefined();
    });

    it('refuses a token meant for another audience', async () => {
      expect(await authenticator.authenticate(await sign(valid({ aud: 'payroll' }), provider().signer))).toBeUndefined();
    });

    it('refuses a token signed with another key, even under the same key id', async () => {
      expect(await authenticator.authenticate(await sign(valid(), provider().impostor))).toBeUndefined();
    });

    it('refuses an unsigned token (alg: none)', async () => {
      const unsigned = new UnsecuredJWT(valid()).encode();
      expect(unsigned.endsWith('.')).toBe(true);
      expect(await authenticator.authenticate(unsigned)).toBeUndefined();
    });

    it('refuses a signed token whose header is swapped for alg: none', async () => {
      const [, payload] = (await sign(valid(), provider().signer)).split('.');
      const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      expect(await authenticator.authenticate(`${none}.${payload}.`)).toBeUndefined();
    });

    it('drops role names it does not know, keeping the known ones once', async () => {
      const token = await sign(valid({ [ROLES_CLAIM]: ['counselor', 'root', 'Admin', 'admin ', 'counselor', 42, null] }), provider().signer);
      expect(await authenticator.authenticate(token)).toEqual({ staffId: 'sato', roles: ['counselor'] });
    });

    it('gives no roles when the roles claim is missing or not a list (the guard then answers 403)', async () => {
      expect(await authenticator.authenticate(await sign(valid({ [ROLES_CLAIM]: undefined }), provider().signer))).toEqual({
        staffId: 'sato',
        roles: [],
      });
      expect(await authenticator.authenticate(await sign(valid({ [ROLES_CLAIM]: 'admin' }), provider().signer))).toEqual({
        staffId: 'sato',
        roles: [],
      });
    });

    it('refuses a token without a subject (no staff member to record as the actor)', async () => {
      expect(await authenticator.authenticate(await sign(valid({ sub: undefined }), provider().signer))).toBeUndefined();
    });

    it('refuses a subject that is not a staff id', async () => {
      expect(await authenticator.authenticate(await sign(valid({ sub: 'sato tanaka' }), provider().signer))).toBeUndefined();
      expect(await authenticator.authenticate(await sign(valid({ sub: 'x'.repeat(65) }), provider().signer))).toBeUndefined();
    });

    it('refuses a token that never expires', async () => {
      expect(await authenticator.authenticate(await sign(valid({ exp: undefined }), provider().signer))).toBeUndefined();
    });

    it('refuses a token before its not-before time, by the instance clock', async () => {
      const token = await sign(valid({ nbf: epoch(clock.now()) + 60 }), provider().signer);
      expect(await authenticator.authenticate(token)).toBeUndefined();
      advance(clock, 60);
      expect(await authenticator.authenticate(token)).toMatchObject({ staffId: 'sato' });
    });
  });
}

// (b) A shared HS256 secret.
jwtCases('JwtAuthenticator with an HS256 secret', () => ({
  settings: { secret: HS256_SECRET },
  signer: { key: new TextEncoder().encode(HS256_SECRET), alg: 'HS256' },
  impostor: { key: new TextEncoder().encode(`${HS256_SECRET}, but another one`), alg: 'HS256' },
}));

// (c) The identity provider's key set, served over real HTTP on a loopback port.
describe('JwtAuthenticator with a remote key set (JWKS over HTTP)', () => {
  const KID = 'idp-2026-11';
  let server: Server;
  let jwksUrl: string;
  let keySetRequests = 0;
  let signer: Signer;
  let impostor: Signer;
  let publicJwk: JWK;

  beforeAll(async () => {
    const idpKeys = await generateKeyPair('ES256');
    const otherKeys = await generateKeyPair('ES256');
    publicJwk = { ...(await exportJWK(idpKeys.publicKey)), kid: KID, alg: 'ES256', use: 'sig' };
    signer = { key: idpKeys.privateKey, alg: 'ES256', kid: KID };
    impostor = { key: otherKeys.privateKey, alg: 'ES256', kid: KID };
    server = createServer((request, response) => {
      if (request.url !== '/.well-known/jwks.json') return void response.writeHead(404).end();
      keySetRequests++;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  jwtCases('JwtAuthenticator with a JWKS', () => ({ settings: { jwksUrl }, signer, impostor }));

  it('fetches the key set from the identity provider to check a signature', async () => {
    const before = keySetRequests;
    const authenticator = new JwtAuthenticator({ jwksUrl, issuer: ISSUER, audience: AUDIENCE, rolesClaim: ROLES_CLAIM }, new TestClock());
    const token = await sign(claimsFor(new TestClock(), 'sato', ['supervisor']), signer);
    expect(await authenticator.authenticate(token)).toEqual({ staffId: 'sato', roles: ['supervisor'] });
    expect(keySetRequests).toBeGreaterThan(before);
  });

  it('refuses a token under a key id the key set does not hold', async () => {
    const authenticator = new JwtAuthenticator({ jwksUrl, issuer: ISSUER, audience: AUDIENCE, rolesClaim: ROLES_CLAIM }, new TestClock());
    const token = await sign(claimsFor(new TestClock(), 'sato', ['supervisor']), { ...signer, kid: 'retired-key' });
    expect(await authenticator.authenticate(token)).toBeUndefined();
  });

  it('refuses an HS256 token keyed with the public key (algorithm confusion)', async () => {
    const authenticator = new JwtAuthenticator({ jwksUrl, issuer: ISSUER, audience: AUDIENCE, rolesClaim: ROLES_CLAIM }, new TestClock());
    const token = await sign(claimsFor(new TestClock(), 'sato', ['admin']), {
      key: new TextEncoder().encode(JSON.stringify(publicJwk)),
      alg: 'HS256',
      kid: KID,
    });
    expect(await authenticator.authenticate(token)).toBeUndefined();
  });

  it('vouches for nobody when the identity provider cannot be reached', async () => {
    const authenticator = new JwtAuthenticator(
      { jwksUrl: 'http://127.0.0.1:9/jwks.json', issuer: ISSUER, audience: AUDIENCE, rolesClaim: ROLES_CLAIM },
      new TestClock(),
    );
    expect(await authenticator.authenticate(await sign(claimsFor(new TestClock(), 'sato', ['admin']), signer))).toBeUndefined();
  });
});
