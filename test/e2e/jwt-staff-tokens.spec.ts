import { SignJWT } from 'jose';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { JwtAuthenticator } from '../../src/infrastructure/auth/jwt-authenticator';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite/sqlite-event-store';
import { createHttpApp } from '../../src/infrastructure/http/http-app';
import { tempDbFile, TestClock, testPorts } from './harness';

const ISSUER = 'https://idp.okayama.example.jp/';
const SECRET = 'a shared secret of well over 32 bytes, for tests only';

describe('A8.1: with JWT sign-in (AUTH_JWT_SECRET or AUTH_JWKS_URL), Madoguchi issues no staff tokens', () => {
  let app: NestFastifyApplication;
  let store: SqliteEventStore;
  const clock = new TestClock();

  beforeEach(async () => {
    const dbFile = tempDbFile();
    store = SqliteEventStore.open(dbFile);
    const authenticator = new JwtAuthenticator({ secret: SECRET, issuer: ISSUER, audience: 'madoguchi', rolesClaim: 'roles' }, clock);
    app = await createHttpApp({ ...testPorts(store, dbFile, clock), authenticator }, { logs: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterEach(() => app.close());

  it('refuses POST /v1/staff/{id}/tokens with 422 and why, appending nothing; the administrator’s JWT itself works', async () => {
    const now = Math.floor(clock.now().getTime() / 1000);
    const jwt = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('kanri')
      .setIssuer(ISSUER)
      .setAudience('madoguchi')
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(new TextEncoder().encode(SECRET));
    const headers = { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' };
    expect((await app.inject({ method: 'GET', url: '/v1/staff', headers })).statusCode).toBe(200);
    const enrolled = await app.inject({
      method: 'POST',
      url: '/v1/staff',
      headers,
      payload: { staffId: 'sato', name: '佐藤 花子', roles: ['counselor'] },
    });
    expect(enrolled.statusCode).toBe(201);

    const head = await store.headPosition();
    const issued = await app.inject({ method: 'POST', url: '/v1/staff/sato/tokens', headers, payload: { validDays: 30 } });
    expect(issued.statusCode).toBe(422);
    expect(issued.json()).toMatchObject({ rule: 'A8.1', code: 'staff.tokens-from-identity-provider', message: expect.stringMatching(/認証基盤/) });
    expect(issued.body).not.toMatch(/mdg_/);
    expect(await store.headPosition()).toBe(head);
  });
});
