import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Clock } from '../../src/application/ports/clock';
import type { EventStore } from '../../src/application/ports/event-store';
import { HmacPseudonymizer } from '../../src/infrastructure/crypto/hmac-pseudonymizer';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite/sqlite-event-store';
import { encryptPersonalData } from '../../src/infrastructure/crypto/personal-data-encryption';
import { SqliteKeyStore } from '../../src/infrastructure/crypto/sqlite-key-store';
import type { Ports } from '../../src/app.module';
import type { KeyStore } from '../../src/application/ports/key-store';
import { createHttpApp } from '../../src/infrastructure/http/http-app';
import type { LogOptions } from '../../src/infrastructure/logging/logging';
import { StaffAccess } from '../../src/application/staff/staff.commands';
import type { Role } from '../../src/domain/staff/staff';

/** A clock the test moves by hand. Starts Thursday 2026-11-26 10:00 JST. */
export class TestClock implements Clock {
  constructor(public current = new Date('2026-11-26T01:00:00Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  set(iso: string): void {
    this.current = new Date(iso);
  }
}

export interface Answer {
  status: number;
  body: any;
}

export interface TestService {
  app: NestFastifyApplication;
  url: string;
  store: EventStore;
  clock: TestClock;
  dbFile: string;
  /** Sends as staff member `tanaka` (counselor, supervisor, admin) unless `headers` bring their own authorization. */
  send(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  /** A fresh bearer token of a staff member holding exactly these roles. */
  tokenFor(staffId: string, roles: Role[]): Promise<string>;
  close(): Promise<void>;
}

export function tempDbFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'madoguchi-e2e-')), 'events.sqlite');
}

/** The real service over real HTTP on a loopback port, on an SQLite file. */
export async function startService(
  options: {
    dbFile?: string;
    clock?: TestClock;
    /** Wraps or replaces the event store (fault injection); the key store likewise. */
    store?: (file: string) => EventStore;
    keyStore?: (keys: KeyStore) => KeyStore;
    logs?: boolean | LogOptions;
    rateLimitPerMinute?: number;
    /** Issue 17: run the reactors on this scheduler and mailer. */
    sideEffects?: Ports['sideEffects'];
  } = {},
): Promise<TestService> {
  const dbFile = options.dbFile ?? tempDbFile();
  const clock = options.clock ?? new TestClock();
  const inner = options.store ? options.store(dbFile) : SqliteEventStore.open(dbFile);
  const ports = { ...testPorts(inner, dbFile, clock, options.keyStore), ...(options.sideEffects ? { sideEffects: options.sideEffects } : {}) };
  const store = ports.eventStore;
  const app = await createHttpApp(ports, { logs: options.logs ?? false, rateLimitPerMinute: options.rateLimitPerMinute ?? 100_000 });
  await app.listen(0, '127.0.0.1');
  const tokenFor = (staffId: string, roles: Role[]) => app.get(StaffAccess).tokenFor(staffId, staffId, roles, 30, 'system:test');
  const staffToken = await tokenFor('tanaka', ['counselor', 'supervisor', 'admin']);
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    url,
    store,
    clock,
    dbFile,
    async send(method, path, body, headers = {}) {
      const response = await fetch(url + path, {
        method,
        headers: { authorization: `Bearer ${staffToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    tokenFor,
    close: () => app.close(),
  };
}

/** The ports of a test instance: the given store behind the encryption of personal data, keys in a file beside it. */
export function testPorts(inner: EventStore, dbFile: string, clock: Clock, wrapKeys: (keys: KeyStore) => KeyStore = (keys) => keys): Ports {
  const keyStore = wrapKeys(SqliteKeyStore.open(`${dbFile}.keys`, TEST_MASTER_KEY));
  return { ...encryptPersonalData(inner, keyStore), clock, pseudonymizer: new HmacPseudonymizer(Buffer.alloc(32, 1)) };
}
const TEST_MASTER_KEY = Buffer.alloc(32, 9);

export const JST = (date: string, time: string) => `${date}T${time}:00+09:00`;

/** Publishes terms, opens an office with one or more counselors, registers a consenting job seeker. */
export async function seed(service: TestService, counselors = 1) {
  const ok = (answer: Answer) => {
    if (answer.status >= 300) throw new Error(`seed failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  ok(
    await service.send('POST', '/v1/terms-versions', {
      version: '2022-07-28',
      effectiveFrom: '2026-11-26',
      title: 'オンライン職業相談等利用規約',
      summary: '初版',
    }),
  );
  const office = ok(
    await service.send('POST', '/v1/offices', {
      name: 'ハローワーク岡山',
      cancellationPhone: '086-222-2905',
      senderEmail: 'online@okayama.example.jp',
      designatedApp: { name: 'Webex', termsUrl: 'https://www.webex.com/terms.html' },
      meetingUrlPolicy: { kind: 'per-session', template: 'https://meet.example.jp/j/{token}' },
    }),
  );
  const counselorIds: string[] = [];
  for (let i = 0; i < counselors; i++) {
    counselorIds.push(ok(await service.send('POST', `/v1/offices/${office.officeId}/counselors`, { name: `相談員${i + 1}` })).counselorId);
  }
  const jobSeeker = await registerJobSeeker(service, '33010-1234567', '岡山 太郎');
  return { officeId: office.officeId as string, counselorIds, jobSeeker, ok };
}

export async function registerJobSeeker(service: TestService, jobSeekerNo: string, name: string, consent = true) {
  const registered = await service.send('POST', '/v1/job-seekers', {
    jobSeekerNo,
    registration: 'full',
    name,
    email: 'taro@example.jp',
    inPersonDifficulty: '育児のため外出が難しい',
  });
  if (registered.status !== 201 && registered.status !== 200) throw new Error(JSON.stringify(registered.body));
  if (consent) {
    const consented = await service.send('POST', `/v1/job-seekers/${registered.body.jobSeekerId}/consents`, validConsent());
    if (consented.status !== 201) throw new Error(JSON.stringify(consented.body));
  }
  return { jobSeekerNo, name, jobSeekerId: registered.body.jobSeekerId as string };
}

export function validConsent() {
  return {
    termsVersion: '2022-07-28',
    environment: { 'A5.1': true, 'A5.2': true, 'A5.3': true, 'A5.4': true, 'A5.5': true, 'A5.6': true },
    deviceReadiness: { device: 'pc', hasWebCamera: true, appPrepared: true },
    designatedApp: { name: 'Webex', termsUrl: 'https://www.webex.com/terms.html' },
    recordingProhibitionAcknowledged: true,
  };
}

export function requestBody(officeId: string, jobSeeker: { jobSeekerNo: string; name: string }, firstWish = JST('2026-12-01', '10:00')) {
  return { officeId, jobSeekerNo: jobSeeker.jobSeekerNo, name: jobSeeker.name, email: 'taro@example.jp', channel: 'phone', firstWish };
}

/** Waits until `condition` holds (side effects run after the answer); fails naming `what` after `timeoutMs`. */
export async function eventually(condition: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
