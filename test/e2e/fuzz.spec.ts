import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { seed, startService, TestService } from './harness';

/**
 * Issue 3, hardened input: thousands of malformed or hostile requests across every endpoint of the
 * OpenAPI document. Each request carries at least one defect (no or bad credentials, a malformed
 * path parameter, query or body, a hostile header), so none may be recorded; none may break the
 * service (no 5xx); every refusal explains itself.
 */
const RUNS = 10_000;

interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  params: string[];
  hasBody: boolean;
  /** Takes query parameters (validated strictly: an unknown one is a defect). */
  hasQuery: boolean;
}

const hostileStrings = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '../../etc/passwd',
    '%00',
    "' OR 1=1 --",
    '<script>alert(1)</script>',
    '${jndi:ldap://x}',
    '__proto__',
    'constructor',
    '\u0000',
    'NaN',
    '-1',
    '1e309',
    '０１２３',
  ),
  fc.string({ minLength: 300, maxLength: 3000 }),
);
/** Never a valid id of any kind (UUID, 64-hex job-seeker id, staff id, token id, date). */
const badParam = hostileStrings.filter(
  (s) => !/^[0-9a-f-]{32,64}$/.test(s) && !/^[A-Za-z0-9._@-]{1,64}$/.test(s) && !/^\d{4}-\d{2}-\d{2}$/.test(s) && s.length > 0,
);
const jsonValue = fc.jsonValue({ maxDepth: 4 });
const hostileObject = fc.oneof(
  fc.dictionary(hostileStrings, jsonValue, { minKeys: 1, maxKeys: 6 }),
  fc.constant(JSON.parse('{"__proto__": {"isAdmin": true}, "constructor": {"prototype": {"polluted": true}}}')),
  fc.record({ unexpectedField: jsonValue, reason: hostileStrings }),
);

type Defect =
  | { kind: 'no-credentials' }
  | { kind: 'bad-credentials'; token: string }
  | { kind: 'bad-param'; value: string }
  | { kind: 'bad-query'; key: string; value: string }
  | { kind: 'bad-body'; body: string; contentType: string }
  | { kind: 'oversized-body' }
  | { kind: 'bad-idempotency-key'; key: string };

const bodies = fc.oneof(
  hostileObject.map((o) => JSON.stringify(o)),
  jsonValue.filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)).map((v) => JSON.stringify(v)),
  fc.constantFrom('{"officeId": ', '{{{', 'null', '[]', '"text"', '{"a":1}}', '\u0000\u0001', '{"deep":' + '['.repeat(5000) + ']'.repeat(5000) + '}'),
);

function defects(operation: Operation): fc.Arbitrary<Defect> {
  const options: fc.Arbitrary<Defect>[] = [
    fc.constant({ kind: 'no-credentials' as const }),
    fc
      .oneof(hostileStrings, fc.constant('mdg_' + '0'.repeat(32) + '_' + 'A'.repeat(43)))
      .map((token) => ({ kind: 'bad-credentials' as const, token })),
  ];
  if (operation.hasQuery) {
    options.push(fc.tuple(hostileStrings, hostileStrings).map(([key, value]) => ({ kind: 'bad-query' as const, key: `${key}_unknown`, value })));
  }
  if (operation.params.length > 0) options.push(badParam.map((value) => ({ kind: 'bad-param' as const, value })));
  if (operation.hasBody) {
    options.push(
      fc
        .tuple(bodies, fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16'))
        .map(([body, contentType]) => ({ kind: 'bad-body' as const, body, contentType })),
      fc.constant({ kind: 'oversized-body' as const }),
      fc
        .string({ minLength: 1, maxLength: 200 })
        .filter((k) => !/^[A-Za-z0-9._~-]{8,128}$/.test(k) && !/[\r\n\0]/.test(k))
        .map((key) => ({ kind: 'bad-idempotency-key' as const, key })),
    );
  }
  return fc.oneof(...options);
}

describe('issue 3: hostile input across all endpoints', () => {
  let service: TestService;
  let operations: Operation[];
  let validIds: Record<string, string>;
  let token: string;

  beforeAll(async () => {
    service = await startService();
    const ids = await seed(service);
    token = await service.tokenFor('fuzzer', ['counselor', 'supervisor', 'auditor', 'integration', 'admin']);
    const reservation = await service.send('POST', '/v1/reservations', {
      officeId: ids.officeId,
      jobSeekerNo: ids.jobSeeker.jobSeekerNo,
      name: ids.jobSeeker.name,
      email: 'taro@example.jp',
      channel: 'phone',
      firstWish: '2026-12-01T10:00:00+09:00',
    });
    // Real ids, so a request whose only defect is its body or query reaches the validation of an existing thing.
    validIds = {
      officeId: ids.officeId,
      counselorId: ids.counselorIds[0],
      jobSeekerId: ids.jobSeeker.jobSeekerId,
      reservationId: reservation.body.reservationId,
      staffId: 'fuzzer',
    };
    const document = (await service.app.inject({ method: 'GET', url: '/docs-json' })).json();
    operations = Object.entries(document.paths as Record<string, Record<string, { requestBody?: unknown; parameters?: Array<{ in: string }> }>>)
      .filter(([path]) => !path.startsWith('/health')) // public, reads nothing personal
      .flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, spec]) => ({
          method: method.toUpperCase() as Operation['method'],
          path,
          params: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]),
          hasBody: spec.requestBody !== undefined,
          hasQuery: (spec.parameters ?? []).some((p) => p.in === 'query'),
        })),
      );
  });
  afterAll(() => service.close());

  /** A well-formed value for a path parameter, so the defect under test is the only one. */
  function validParam(operation: Operation, name: string): string {
    if (name === 'date') return '2026-12-24';
    if (name === 'tokenId') return '0'.repeat(32);
    if (name === 'exceptionId') return '00000000-0000-4000-8000-000000000000';
    if (name === 'staffId') return validIds.staffId;
    if (operation.path.startsWith('/v1/offices')) return validIds.officeId;
    if (operation.path.startsWith('/v1/counselors')) return validIds.counselorId;
    if (operation.path.startsWith('/v1/job-seekers')) return validIds.jobSeekerId;
    return validIds.reservationId;
  }

  function request(operation: Operation, defect: Defect): InjectOptions {
    let url = operation.path;
    operation.params.forEach((name, i) => {
      const value = defect.kind === 'bad-param' && i === operation.params.length - 1 ? defect.value : validParam(operation, name);
      url = url.replace(`{${name}}`, encodeURIComponent(value));
    });
    if (defect.kind === 'bad-query') url += `?${encodeURIComponent(defect.key)}=${encodeURIComponent(defect.value)}`;
    const headers: Record<string, string> = {};
    if (defect.kind === 'bad-credentials') headers.authorization = `Bearer ${defect.token}`;
    else if (defect.kind !== 'no-credentials') headers.authorization = `Bearer ${token}`;
    if (defect.kind === 'bad-idempotency-key') headers['idempotency-key'] = defect.key;
    let payload: string | undefined;
    if (operation.hasBody) {
      headers['content-type'] = defect.kind === 'bad-body' ? defect.contentType : 'application/json';
      payload =
        defect.kind === 'bad-body'
          ? defect.body
          : defect.kind === 'oversized-body'
            ? JSON.stringify({ reason: 'x'.repeat(70 * 1024) })
            : '{"unexpectedField": true}';
    }
    return { method: operation.method, url, headers, payload };
  }

  it(`answers ${RUNS} malformed or hostile requests with 4xx and a message: 0 appends, 0 answers 5xx`, async () => {
    const head = await service.store.headPosition();
    const statuses = new Map<number, number>();
    const arbitrary = fc
      .integer({ min: 0, max: operations.length - 1 })
      .chain((i) => defects(operations[i]).map((defect) => ({ operation: operations[i], defect })));
    await fc.assert(
      fc.asyncProperty(arbitrary, async ({ operation, defect }) => {
        const response = await service.app.getHttpAdapter().getInstance().inject(request(operation, defect));
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        expect(response.statusCode).toBeGreaterThanOrEqual(400);
        expect(response.statusCode).toBeLessThan(500);
        expect(typeof response.json().message).toBe('string');
      }),
      { numRuns: RUNS },
    );
    expect(await service.store.headPosition()).toBe(head);
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    console.info(
      `fuzz: ${total} requests over ${operations.length} operations → ${[...statuses]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${n}×${s}`)
        .join(', ')}; appended 0; 5xx 0`,
    );
    expect(total).toBe(RUNS);
  }, 300_000);
});
