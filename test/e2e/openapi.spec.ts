import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { JST, requestBody, seed, startService, TestService } from './harness';
import { documentedAnswers, OpenApiDocument, METHODS } from './openapi-check';

/**
 * The served OpenAPI document (/docs-json) is complete: every operation documents its success answer,
 * its query parameters and its 4xx answers; it passes `redocly lint` (redocly.yaml) with 0 errors;
 * a client that reads only the document can call the endpoints; and what the service really answers
 * matches what the document says (checked with a JSON Schema validator).
 */
type Schema = Record<string, unknown>;

/** The operations that answer something other than JSON, with their media type. */
const NOT_JSON: Record<string, string> = { '/metrics': 'text/plain', '/v1/events': 'text/event-stream', '/v1/usage-records': 'text/csv' };

const NOT_PAGED = ['/v1/events', '/v1/audit/replay', '/v1/usage-records'];

describe('the OpenAPI document', () => {
  let service: TestService;
  let ids: Awaited<ReturnType<typeof seed>>;
  let document: OpenApiDocument;
  let expectDocumented: ReturnType<typeof documentedAnswers>;
  const operations = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      METHODS.flatMap((method) => (item[method] ? [{ path, method, operation: item[method] }] : [])),
    );

  beforeAll(async () => {
    service = await startService();
    ids = await seed(service);
    document = (await service.send('GET', '/docs-json')).body;
    expectDocumented = documentedAnswers(document);
  });
  afterAll(() => service.close());

  it('passes redocly lint with 0 errors (warnings are printed)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'madoguchi-openapi-')), 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const cli = require.resolve('@redocly/cli/bin/cli.js');
    const run = promisify(execFile)(process.execPath, [cli, 'lint', file, '--config', join(__dirname, '../../redocly.yaml'), '--format=json'], {
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      maxBuffer: 16 * 1024 * 1024,
    });
    // redocly exits non-zero when it finds errors; its report is on stdout either way.
    const { stdout } = await run.catch((failed: { stdout: string }) => failed);
    const report = JSON.parse(stdout) as {
      totals: { errors: number; warnings: number };
      problems: Array<{ ruleId: string; severity: string; message: string; location: Array<{ pointer: string }> }>;
    };
    const lines = report.problems.map((p) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);
    console.info(
      `redocly lint of /docs-json: ${report.totals.errors} errors, ${report.totals.warnings} warnings${lines.length ? `\n${lines.join('\n')}` : ''}`,
    );
    expect(lines.filter((l) => l.startsWith('error'))).toEqual([]);
  }, 60_000);

  it('documents for every operation a 2xx answer with its schema, and the 4xx answers that apply with the error body', () => {
    expect(operations().length).toBeGreaterThanOrEqual(40); // access.spec.ts checks that none is missing
    const missing: string[] = [];
    for (const { path, method, operation } of operations()) {
      const name = `${method.toUpperCase()} ${path}`;
      const success = Object.entries(operation.responses).filter(([status]) => status.startsWith('2'));
      if (success.length === 0) missing.push(`${name}: no 2xx answer`);
      for (const [status, answer] of success) {
        // /metrics answers Prometheus' text format, the event feed Server-Sent Events: not JSON.
        if (!(answer.content?.['application/json'] ?? (NOT_JSON[path] ? answer.content?.[NOT_JSON[path]] : undefined))?.schema)
          missing.push(`${name}: ${status} has no schema`);
      }
      const expected = [
        ...(path.includes('{') || operation.parameters?.some((p) => p.in === 'query') || operation.requestBody ? ['400'] : []),
        ...(path === '/health' || path.startsWith('/health/') ? [] : ['401', '403']),
        ...(path.includes('{') ? ['404'] : []),
        ...(method === 'get' ? [] : ['409', '422']),
        ...(operation.requestBody ? ['413'] : []),
        '429',
      ];
      for (const status of expected) {
        const answer = operation.responses[status];
        if (answer?.content?.['application/json']?.schema?.$ref !== '#/components/schemas/Error')
          missing.push(`${name}: ${status} without the error body`);
      }
    }
    expect(missing).toEqual([]);
    expect(document.components.schemas.Error).toMatchObject({
      required: ['error', 'code', 'message'],
      properties: {
        error: { type: 'string' },
        code: { type: 'string' },
        message: { type: 'string' },
        rule: { type: 'string' },
        problems: { type: 'array' },
        details: { type: 'object' },
      },
    });
  });

  it('201 where something is created, 200 otherwise', () => {
    const statuses = Object.fromEntries(
      operations().map(({ path, method, operation }) => [
        `${method.toUpperCase()} ${path}`,
        Object.keys(operation.responses)
          .filter((s) => s.startsWith('2'))
          .join(','),
      ]),
    );
    const created = Object.entries(statuses)
      .filter(([, s]) => s.includes('201'))
      .map(([name, s]) => `${name} ${s}`);
    expect(created.sort()).toEqual(
      [
        'POST /v1/job-seekers 200,201',
        'POST /v1/job-seekers/{id}/consents 201',
        'POST /v1/legal-requests 201',
        'POST /v1/offices 201',
        'POST /v1/offices/{id}/closure-days 201',
        'POST /v1/offices/{id}/counselors 201',
        'POST /v1/counselors/{id}/exceptions 201',
        'POST /v1/reservations 201',
        'POST /v1/reservations/{id}/follow-ups 201',
        'POST /v1/staff 200,201',
        'POST /v1/staff/{staffId}/tokens 201',
        'POST /v1/terms-versions 201',
      ].sort(),
    );
    expect(Object.values(statuses).filter((s) => s !== '200' && !s.includes('201'))).toEqual([]);
  });

  it('documents every query parameter with its type, default and limits', () => {
    const lists = operations().filter(({ operation }) => operation.parameters?.some((p) => p.in === 'query'));
    expect(lists.map(({ path }) => path).sort()).toEqual(
      expect.arrayContaining([
        '/v1/audit/events',
        '/v1/audit/personal-data-views',
        '/v1/job-seekers',
        '/v1/offices',
        '/v1/offices/{id}/counselors',
        '/v1/reservations',
        '/v1/staff',
      ]),
    );
    for (const { path, operation } of lists) {
      for (const parameter of operation.parameters!.filter((p) => p.in === 'query')) {
        expect(parameter.schema).toMatchObject({ type: expect.any(String) });
      }
      // One day or week, a stream, a replay or a month's file: not lists of pages.
      if (path.endsWith('/calendar') || NOT_PAGED.includes(path)) continue;
      expect(operation.parameters).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            name: 'limit',
            required: false,
            schema: expect.objectContaining({ type: 'integer', default: 50, minimum: 1, maximum: 200 }),
          }),
          // offset pages, or cursor pages (`after` = the previous page's `next`) on the read models
          operation.parameters!.some((p) => p.name === 'after')
            ? expect.objectContaining({ name: 'after', required: false, schema: expect.objectContaining({ type: 'string' }) })
            : expect.objectContaining({
                name: 'offset',
                required: false,
                schema: expect.objectContaining({ type: 'integer', default: 0, minimum: 0 }),
              }),
        ]),
      );
    }
  });

  it('documents every path parameter with the form the service accepts', () => {
    const vague = operations().flatMap(({ path, method, operation }) =>
      (operation.parameters ?? [])
        .filter((p) => p.in === 'path' && !(p.schema?.format || p.schema?.pattern || p.schema?.maxLength))
        .map((p) => `${method.toUpperCase()} ${path} ${p.name}`),
    );
    expect(vague).toEqual([]);
    expect(document.paths['/v1/reservations/{id}'].get!.parameters).toEqual([
      expect.objectContaining({ name: 'id', in: 'path', required: true, schema: expect.objectContaining({ format: 'uuid' }) }),
    ]);
  });

  it('a client that reads only the document calls the audit endpoint successfully', async () => {
    const operation = document.paths['/v1/audit/personal-data-views'].get!;
    const today = '2026-11-26'; // the test clock's date
    const valueOf = (schema: Schema) =>
      schema.format === 'date' ? today : schema.default !== undefined ? JSON.stringify(schema.default).replace(/^"|"$/g, '') : undefined;
    const query = new URLSearchParams();
    for (const parameter of operation.parameters!.filter((p) => p.in === 'query' && p.required)) {
      const value = valueOf(parameter.schema!);
      if (value === undefined) throw new Error(`cannot fill ${parameter.name} from ${JSON.stringify(parameter.schema)}`);
      query.set(parameter.name, value);
    }
    await service.send('GET', '/v1/job-seekers'); // something to audit
    const auditor = { authorization: `Bearer ${await service.tokenFor('kansa', ['auditor'])}` };
    const answer = await service.send('GET', `/v1/audit/personal-data-views?${query.toString()}`, undefined, auditor);
    expect(answer.status).toBe(200);
    expect(answer.body.items.length).toBeGreaterThan(0);
    expectDocumented('GET', '/v1/audit/personal-data-views', answer);
  });

  it('what the service answers is what the document says, for every read and for errors', async () => {
    const counselorId = ids.counselorIds[0];
    const start = JST('2026-12-01', '10:00');
    const requested = await service.send('POST', '/v1/reservations', requestBody(ids.officeId, ids.jobSeeker, start));
    expectDocumented('POST', '/v1/reservations', requested);
    const reservationId = requested.body.reservationId as string;
    expectDocumented(
      'POST',
      '/v1/reservations/{id}/confirmation',
      await service.send('POST', `/v1/reservations/${reservationId}/confirmation`, { counselorId, start }),
    );
    expectDocumented(
      'POST',
      '/v1/counselors/{id}/exceptions',
      await service.send('POST', `/v1/counselors/${counselorId}/exceptions`, {
        kind: 'blocked',
        from: JST('2026-12-03', '13:00'),
        to: JST('2026-12-03', '15:00'),
        reason: '研修',
      }),
    );
    expectDocumented('POST', '/v1/staff/{staffId}/tokens', await service.send('POST', '/v1/staff/tanaka/tokens', {}));

    expectDocumented('GET', '/health', await service.send('GET', '/health'));
    expectDocumented('GET', '/health/ready', await service.send('GET', '/health/ready'));
    expectDocumented('GET', '/health/live', await service.send('GET', '/health/live'));
    expectDocumented('GET', '/v1/offices', await service.send('GET', '/v1/offices'));
    expectDocumented('GET', '/v1/offices/{id}', await service.send('GET', `/v1/offices/${ids.officeId}`));
    expectDocumented('GET', '/v1/offices/{id}/counselors', await service.send('GET', `/v1/offices/${ids.officeId}/counselors?includeInactive=true`));
    expectDocumented('GET', '/v1/counselors/{id}', await service.send('GET', `/v1/counselors/${counselorId}`));
    expectDocumented('GET', '/v1/job-seekers', await service.send('GET', '/v1/job-seekers?limit=10'));
    expectDocumented('GET', '/v1/job-seekers/{id}', await service.send('GET', `/v1/job-seekers/${ids.jobSeeker.jobSeekerId}`));
    expectDocumented('GET', '/v1/reservations/{id}', await service.send('GET', `/v1/reservations/${reservationId}`));
    expectDocumented('GET', '/v1/staff', await service.send('GET', '/v1/staff'));
    expectDocumented('GET', '/v1/reservations', await service.send('GET', `/v1/reservations?officeId=${ids.officeId}`));
    expectDocumented('GET', '/v1/offices/{id}/calendar', await service.send('GET', `/v1/offices/${ids.officeId}/calendar?date=2026-12-01&span=week`));
    expectDocumented('GET', '/v1/counselors/{id}/calendar', await service.send('GET', `/v1/counselors/${counselorId}/calendar?date=2026-12-01`));
    expectDocumented('GET', '/v1/offices/{id}/todo', await service.send('GET', `/v1/offices/${ids.officeId}/todo`));
    expectDocumented('GET', '/v1/job-seekers/{id}/overview', await service.send('GET', `/v1/job-seekers/${ids.jobSeeker.jobSeekerId}/overview`));
    const auditor = { authorization: `Bearer ${await service.tokenFor('kansa2', ['auditor'])}` };
    expectDocumented('GET', '/v1/audit/events', await service.send('GET', '/v1/audit/events?from=2026-11-26&to=2026-11-26', undefined, auditor));

    expectDocumented(
      'POST',
      '/v1/reservations',
      await service.send('POST', '/v1/reservations', { ...requestBody(ids.officeId, ids.jobSeeker), price: 1 }),
      400,
    );
    expectDocumented('GET', '/v1/counselors/{id}', await service.send('GET', '/v1/counselors/6f1c7d0e-0000-4000-8000-000000000000'), 404);
    expectDocumented(
      'POST',
      '/v1/reservations/{id}/confirmation',
      await service.send('POST', `/v1/reservations/${reservationId}/confirmation`, { counselorId, start: JST('2026-12-01', '10:15') }),
      422,
    );
    expectDocumented('GET', '/v1/offices', await service.send('GET', '/v1/offices', undefined, { authorization: 'Bearer nope' }), 401);
  });
});
