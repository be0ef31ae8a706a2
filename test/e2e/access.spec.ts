import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseStaffToken, hashSecret } from '../../src/application/staff/staff-token';
import { StaffAccess } from '../../src/application/staff/staff.commands';
import { ROLES, Role } from '../../src/domain/staff/staff';
import { seed, startService, TestService } from './harness';

/**
 * A8.1: who may call what, read off the @Allow decorators of the controllers. One row per
 * operation of the OpenAPI document; a route added without a row here fails the first test below.
 */
const COUNTER_STAFF: Role[] = ['counselor', 'supervisor'];
const READERS: Role[] = ['counselor', 'supervisor', 'auditor', 'admin'];
const OFFICE_MANAGERS: Role[] = ['supervisor', 'admin'];
const PUBLIC = 'public (no token)';

const ACCESS: Record<string, Role[] | typeof PUBLIC> = {
  'GET /health': PUBLIC,
  'GET /health/live': PUBLIC,
  'GET /health/ready': PUBLIC,
  'GET /metrics': ['integration', 'admin'],
  'POST /v1/reservations': COUNTER_STAFF,
  'GET /v1/reservations': COUNTER_STAFF,
  'GET /v1/reservations/{id}': COUNTER_STAFF,
  'POST /v1/reservations/{id}/confirmation': COUNTER_STAFF,
  'POST /v1/reservations/{id}/follow-ups': COUNTER_STAFF,
  'POST /v1/reservations/{id}/cancellation': COUNTER_STAFF,
  'POST /v1/reservations/{id}/check-in': COUNTER_STAFF,
  'POST /v1/reservations/{id}/completion': COUNTER_STAFF,
  'POST /v1/reservations/{id}/stop': COUNTER_STAFF,
  'POST /v1/reservations/{id}/interpreter-notifications': COUNTER_STAFF,
  'POST /v1/job-seekers': COUNTER_STAFF,
  'GET /v1/job-seekers': COUNTER_STAFF,
  'GET /v1/job-seekers/{id}': COUNTER_STAFF,
  'POST /v1/job-seekers/{id}/consents': COUNTER_STAFF,
  'POST /v1/job-seekers/{id}/refusal': ['supervisor'],
  'POST /v1/job-seekers/{id}/refusal/lift': ['supervisor'],
  'POST /v1/job-seekers/{id}/erasure': ['supervisor'],
  'POST /v1/terms-versions': ['supervisor'],
  'GET /v1/terms-versions': COUNTER_STAFF,
  'GET /v1/me': ['counselor', 'supervisor', 'auditor', 'integration', 'admin'],
  'POST /v1/offices': ['admin'],
  'GET /v1/offices': READERS,
  'GET /v1/offices/{id}': READERS,
  'PATCH /v1/offices/{id}': ['admin'],
  'PUT /v1/offices/{id}/designated-app': ['admin'],
  'POST /v1/offices/{id}/closure-days': OFFICE_MANAGERS,
  'DELETE /v1/offices/{id}/closure-days/{date}': OFFICE_MANAGERS,
  'POST /v1/offices/{id}/counselors': OFFICE_MANAGERS,
  'GET /v1/offices/{id}/counselors': READERS,
  'GET /v1/counselors/{id}': READERS,
  'GET /v1/offices/{id}/calendar': COUNTER_STAFF,
  'GET /v1/counselors/{id}/calendar': COUNTER_STAFF,
  'GET /v1/offices/{id}/todo': COUNTER_STAFF,
  'GET /v1/job-seekers/{id}/overview': COUNTER_STAFF,
  'PATCH /v1/counselors/{id}': OFFICE_MANAGERS,
  'PUT /v1/counselors/{id}/weekly-hours': OFFICE_MANAGERS,
  'POST /v1/counselors/{id}/exceptions': OFFICE_MANAGERS,
  'DELETE /v1/counselors/{id}/exceptions/{exceptionId}': OFFICE_MANAGERS,
  'POST /v1/counselors/{id}/deactivate': OFFICE_MANAGERS,
  'POST /v1/counselors/{id}/reactivate': OFFICE_MANAGERS,
  'POST /v1/legal-requests': ['supervisor'],
  'GET /v1/audit/personal-data-views': ['auditor'],
  'GET /v1/audit/events': ['auditor'],
  'GET /v1/audit/replay': ['auditor'],
  'GET /v1/usage-records': ['supervisor', 'auditor'],
  'GET /v1/events': ['integration'],
  'GET /v1/events/schema': ['integration', 'auditor', 'admin'],
  'POST /v1/staff': ['admin'],
  'GET /v1/staff': ['admin'],
  'POST /v1/staff/{staffId}/tokens': ['admin'],
  'POST /v1/staff/{staffId}/tokens/{tokenId}/revocation': ['admin'],
};

const allowed = (operation: string, role: Role) => {
  const access = ACCESS[operation];
  return access === PUBLIC || access.includes(role);
};

function markdownMatrix(): string {
  const rows = Object.keys(ACCESS).map((operation) => {
    const name = ACCESS[operation] === PUBLIC ? `\`${operation}\` (no token needed)` : `\`${operation}\``;
    return `| ${name} | ${ROLES.map((role) => (allowed(operation, role) ? '✓' : '—')).join(' | ')} |`;
  });
  return [`| Operation | ${ROLES.join(' | ')} |`, `|---|${ROLES.map(() => ':-:').join('|')}|`, ...rows].join('\n');
}

/** Ids that look right to the route, and name nothing that exists. */
const SAMPLE_PARAMS = {
  uuid: '5f0e8a52-3c1b-4d7e-9a6f-2b8c4d1e0f37',
  jobSeekerId: 'c'.repeat(64),
  staffId: 'nobody-here',
  tokenId: 'd'.repeat(32),
  date: '2026-12-24',
  exceptionId: 'no-such-exception',
};

/** An OpenAPI path with its parameters filled in: '/v1/job-seekers/{id}' → '/v1/job-seekers/ccc…'. */
function concretePath(path: string): string {
  return path.replace(/\{(\w+)\}/g, (_all, name: string) => {
    if (name === 'id') return path.startsWith('/v1/job-seekers/') ? SAMPLE_PARAMS.jobSeekerId : SAMPLE_PARAMS.uuid;
    if (name in SAMPLE_PARAMS) return SAMPLE_PARAMS[name as keyof typeof SAMPLE_PARAMS];
    throw new Error(`No sample value for the path parameter {${name}} of ${path}: add one to SAMPLE_PARAMS`);
  });
}

interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

/** One HTTP request with exactly these headers (no staff token unless given). */
async function call(service: TestService, operation: string, headers: Record<string, string> = {}, body?: unknown): Promise<Reply> {
  const [method, path] = operation.split(' ');
  const sendsBody = ['POST', 'PUT', 'PATCH'].includes(method);
  const payload = sendsBody ? JSON.stringify(body ?? {}) : undefined;
  const response = await fetch(service.url + concretePath(path), {
    method,
    headers: { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: payload,
  });
  // The event feed never ends: its status and headers are the answer.
  if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
    await response.body?.cancel();
    return { status: response.status, body: undefined, headers: response.headers };
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text for the failure message
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function documentedOperations(service: TestService): Promise<string[]> {
  const document = (await (await fetch(`${service.url}/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => methods.includes(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

function secretOf(token: string): string {
  const parsed = parseStaffToken(token);
  if (!parsed) throw new Error(`not a staff token: ${token}`);
  return parsed.secret;
}

async function allEventsJson(service: TestService): Promise<string> {
  const events = await service.store.readAll({ limit: 100_000 });
  return JSON.stringify(events, (_key, value) => (typeof value === 'bigint' ? String(value) : value));
}

describe('A8.1: every endpoint but the health check needs a valid staff token', () => {
  let service: TestService;
  let operations: string[];

  beforeAll(async () => {
    service = await startService();
    operations = await documentedOperations(service);
  });
  afterAll(() => service.close());

  it('finds the operations in the OpenAPI document', () => {
    expect(operations.length).toBeGreaterThan(30);
    expect(operations).toContain('GET /health');
  });

  it.each<[string, Record<string, string>]>([
    ['no Authorization header', {}],
    ['an empty bearer', { authorization: 'Bearer ' }],
    ['another scheme', { authorization: 'Basic dGFuYWthOnBhc3N3b3Jk' }],
    ['a malformed token', bearer('not-a-token')],
    ['an unknown token of the right shape', bearer(`mdg_${'e'.repeat(32)}_${'Q'.repeat(43)}`)],
  ])('answers 401 (rule A8.1, WWW-Authenticate: Bearer) with %s, and records nothing', async (_what, headers) => {
    const head = await service.store.headPosition();
    const wrong: string[] = [];
    for (const operation of operations.filter((o) => ACCESS[o] !== PUBLIC)) {
      const reply = await call(service, operation, headers);
      const challenge = reply.headers.get('www-authenticate') ?? '';
      if (reply.status !== 401 || reply.body?.rule !== 'A8.1' || reply.body?.error !== 'unauthenticated' || !/^Bearer\b/.test(challenge)) {
        wrong.push(`${operation} → ${reply.status} ${JSON.stringify(reply.body)} (WWW-Authenticate: ${challenge || 'none'})`);
      }
    }
    expect(wrong).toEqual([]);
    expect(await service.store.headPosition()).toBe(head);
  });

  it('answers the health check without a token (and ignores a bad one)', async () => {
    expect((await call(service, 'GET /health')).status).toBe(200);
    expect((await call(service, 'GET /health', bearer('not-a-token'))).status).toBe(200);
  });
});

describe('A8.1: the role matrix', () => {
  let service: TestService;
  const tokens = {} as Record<Role, string>;

  beforeAll(async () => {
    service = await startService();
    for (const role of ROLES) tokens[role] = await service.tokenFor(`only-${role}`, [role]);
  });
  afterAll(() => service.close());

  it('has a row for every operation of the OpenAPI document, and none more', async () => {
    expect(Object.keys(ACCESS).sort()).toEqual((await documentedOperations(service)).sort());
    console.info(`A8.1 role matrix (✓ allowed, — 403):\n\n${markdownMatrix()}\n`);
  });

  describe.each(Object.keys(ACCESS))('%s', (operation) => {
    const cases = ROLES.map((role) => ({
      role,
      isAllowed: allowed(operation, role),
      expected: allowed(operation, role) ? 'is let through' : 'is refused with 403',
    }));
    it.each(cases)('$role $expected', async ({ role, isAllowed }) => {
      const head = await service.store.headPosition();
      const reply = await call(service, operation, bearer(tokens[role]), {});
      if (isAllowed) {
        // Let through by the guard: the request then fails on its empty body or unknown ids, or succeeds.
        expect([401, 403]).not.toContain(reply.status);
        expect(reply.status).toBeLessThan(500);
      } else {
        expect(reply.status).toBe(403);
        expect(reply.body).toMatchObject({ error: 'forbidden', rule: 'A8.1' });
        expect(await service.store.headPosition()).toBe(head);
      }
    });
  });
});

describe('A8.1: first start of an embedded installation', () => {
  let service: TestService;
  let second: TestService | undefined;

  beforeEach(async () => {
    service = await startService();
    second = undefined;
  });
  afterEach(async () => {
    await second?.close();
    await service.close();
  });

  it('shows the administrator token once: not on a second call, nor on a second instance on the same store', async () => {
    const adminToken = (await service.app.get(StaffAccess).firstStart())?.token;
    expect(adminToken).toMatch(/^mdg_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
    expect(await service.app.get(StaffAccess).firstStart()).toBeUndefined();
    second = await startService({ dbFile: service.dbFile });
    expect(await second.app.get(StaffAccess).firstStart()).toBeUndefined();
    // The one token works on both instances.
    expect((await call(service, 'GET /v1/staff', bearer(adminToken!))).status).toBe(200);
    expect((await call(second, 'GET /v1/staff', bearer(adminToken!))).status).toBe(200);
  });

  it('lets the administrator enroll staff and issue, hand over and revoke their tokens; only hashes are kept', async () => {
    const admin = bearer((await service.app.get(StaffAccess).firstStart())!.token);

    const enrolled = await call(service, 'POST /v1/staff', admin, { staffId: 'sato', name: '佐藤 花子', roles: ['counselor'] });
    expect(enrolled).toMatchObject({ status: 201, body: { staffId: 'sato', appended: ['StaffMemberEnrolled'] } });
    const issued = await service.send('POST', '/v1/staff/sato/tokens', { validDays: 30 }, admin);
    expect(issued).toMatchObject({
      status: 201,
      body: { staffId: 'sato', tokenId: expect.stringMatching(/^[0-9a-f]{32}$/), token: expect.any(String) },
    });
    const satoToken: string = issued.body.token;
    const tokenId: string = issued.body.tokenId;
    expect(parseStaffToken(satoToken)?.tokenId).toBe(tokenId);

    // The token works, with sato's roles and no more.
    expect((await call(service, 'GET /v1/offices', bearer(satoToken))).status).toBe(200);
    expect((await call(service, 'GET /v1/staff', bearer(satoToken))).status).toBe(403);

    // The staff list shows the token's id and dates, never the token or its secret.
    const list = await call(service, 'GET /v1/staff', admin);
    expect(list.status).toBe(200);
    const sato = list.body.items.find((member: { staffId: string }) => member.staffId === 'sato');
    expect(sato).toMatchObject({ roles: ['counselor'], tokens: [{ tokenId, expiresAt: '2026-12-26T10:00:00.000+09:00' }] });
    const listed = JSON.stringify(list.body);
    for (const token of [satoToken, admin.authorization.slice('Bearer '.length)]) {
      expect(listed).not.toContain(token);
      expect(listed).not.toContain(secretOf(token));
    }

    // The store holds the hash of the secret, never the secret: in the events, nor anywhere in the database files.
    const events = await service.store.readAll({ limit: 100_000 });
    const tokenIssued = events.find((e) => e.type === 'StaffTokenIssued' && e.data.tokenId === tokenId);
    expect(tokenIssued?.data).toEqual({
      staffId: 'sato',
      tokenId,
      secretHash: hashSecret(secretOf(satoToken)),
      issuedAt: expect.any(String),
      expiresAt: expect.any(String),
    });
    expect(await allEventsJson(service)).not.toContain(secretOf(satoToken));
    const directory = dirname(service.dbFile);
    for (const file of readdirSync(directory)) {
      expect({ file, holdsSecret: readFileSync(join(directory, file)).includes(secretOf(satoToken)) }).toEqual({ file, holdsSecret: false });
    }

    // Revoked through the API: the token stops working at once.
    const revoked = await call(service, `POST /v1/staff/sato/tokens/${tokenId}/revocation`, admin, {});
    expect(revoked).toMatchObject({ status: 200, body: { appended: ['StaffTokenRevoked'] } });
    const refused = await call(service, 'GET /v1/offices', bearer(satoToken));
    expect(refused).toMatchObject({ status: 401, body: { error: 'unauthenticated', rule: 'A8.1' } });
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    expect(
      (await call(service, 'GET /v1/staff', admin)).body.items.find((m: { staffId: string }) => m.staffId === 'sato').tokens[0].revokedAt,
    ).toEqual(expect.any(String));
  });
});

describe('A8.1: every event records the staff member who acted', () => {
  let service: TestService;

  beforeEach(async () => {
    service = await startService();
  });
  afterEach(() => service.close());

  it("records staff:sato as the actor of everything sato's token appends", async () => {
    const { officeId } = await seed(service); // as tanaka
    const sato = bearer(await service.tokenFor('sato', ['counselor']));
    const head = await service.store.headPosition();

    const registered = await service.send(
      'POST',
      '/v1/job-seekers',
      { jobSeekerNo: '33010-7654321', registration: 'full', name: '倉敷 花子', email: 'hanako@example.jp', inPersonDifficulty: '遠方のため' },
      sato,
    );
    expect(registered.status).toBe(201);
    const consented = await service.send(
      'POST',
      `/v1/job-seekers/${registered.body.jobSeekerId}/consents`,
      {
        termsVersion: '2022-07-28',
        environment: { 'A5.1': true, 'A5.2': true, 'A5.3': true, 'A5.4': true, 'A5.5': true, 'A5.6': true },
        deviceReadiness: { device: 'pc', hasWebCamera: true, appPrepared: true },
        designatedApp: { name: 'Webex', termsUrl: 'https://www.webex.com/terms.html' },
        recordingProhibitionAcknowledged: true,
      },
      sato,
    );
    expect(consented.status).toBe(201);
    const requested = await service.send(
      'POST',
      '/v1/reservations',
      {
        officeId,
        jobSeekerNo: '33010-7654321',
        name: '倉敷 花子',
        email: 'hanako@example.jp',
        channel: 'phone',
        firstWish: '2026-12-01T10:00:00+09:00',
      },
      sato,
    );
    expect(requested.status).toBe(201);

    const appended = await service.store.readAll({ after: head });
    expect(appended.map((e) => e.type)).toEqual(expect.arrayContaining(['ReservationRequested']));
    expect(appended.length).toBeGreaterThanOrEqual(3);
    expect(appended.map((e) => `${e.type}: ${e.metadata.actor}`)).toEqual(appended.map((e) => `${e.type}: staff:sato`));
  });
});

describe('A8.1: changing a staff member’s roles applies to their existing tokens at once', () => {
  let service: TestService;

  beforeEach(async () => {
    service = await startService();
  });
  afterEach(() => service.close());

  it('gives the new roles, and takes away the old ones, on the very next request', async () => {
    const sato = bearer(await service.tokenFor('sato', ['counselor']));
    const terms = { version: '2027-04-01', effectiveFrom: '2027-04-01', title: '利用規約', summary: '改定' };
    const registration = { jobSeekerNo: '33010-7654321', registration: 'pre', name: '倉敷 花子', inPersonDifficulty: '遠方のため' };

    expect((await call(service, 'POST /v1/terms-versions', sato, terms)).status).toBe(403); // supervisors only
    expect((await call(service, 'POST /v1/job-seekers', sato, registration)).status).toBe(201);

    const promoted = await service.send('POST', '/v1/staff', { staffId: 'sato', name: 'sato', roles: ['supervisor'] }); // as tanaka (admin)
    expect(promoted).toMatchObject({ status: 200, body: { appended: ['StaffRolesChanged'] } });
    expect((await call(service, 'POST /v1/terms-versions', sato, terms)).status).toBe(201);

    const moved = await service.send('POST', '/v1/staff', { staffId: 'sato', name: 'sato', roles: ['auditor'] });
    expect(moved).toMatchObject({ status: 200, body: { appended: ['StaffRolesChanged'] } });
    expect((await call(service, 'POST /v1/job-seekers', sato, registration)).status).toBe(403);
    expect((await call(service, 'GET /v1/offices', sato)).status).toBe(200);
  });
});
