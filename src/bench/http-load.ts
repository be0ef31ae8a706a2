/**
 * What the HTTP rows of the benchmark share: starting the built service as users run it (`node dist/main.js`,
 * optionally under faketime), autocannon loads, and the requests a counter's day is made of.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { assertSessionSlot } from '../domain/calendar/business-calendar';

export interface Row {
  what: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export function started(child: ChildProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (match) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(match);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before it was ready:\n${seen}`)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** Debian's faketime package (`apt-get install faketime`). */
export const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

export interface RunningService {
  child: ChildProcess;
  url: string;
  /** The administrator's token, printed on the first start only. */
  adminToken?: string;
}

/**
 * `node dist/main.js` on `dataDir`, answering on a free port once it prints its URL (and, on a first start, the
 * administrator's token, awaited when `firstStart`). `fakeTime`: a libfaketime FAKETIME spec such as "@2026-12-03 00:50:00" (UTC), the clock
 * starting there and running at real speed.
 */
export async function startService(
  dataDir: string,
  { fakeTime, firstStart = false }: { fakeTime?: string; firstStart?: boolean } = {},
): Promise<RunningService> {
  const port = await freePort();
  const main = [join(__dirname, '..', 'main.js')];
  const env = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000000' };
  // libfaketime preloaded into node itself (not the faketime wrapper), so that the pid measured and signalled is the service's.
  const clock = fakeTime === undefined ? {} : { LD_PRELOAD: LIBFAKETIME, FAKETIME: fakeTime, TZ: 'UTC' };
  const child = spawn(process.execPath, main, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...env, ...clock } });
  const [, url, adminToken] = await started(
    child,
    firstStart ? /(http:\/\/127\.0\.0\.1:\d+)[\s\S]*?(mdg_[0-9a-f]{32}_[A-Za-z0-9_-]{43})/ : /(http:\/\/127\.0\.0\.1:\d+)/,
  );
  return { child, url, adminToken };
}

export async function load(what: string, options: autocannon.Options): Promise<Row> {
  const result = await autocannon(options);
  return {
    what,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** The ids and token the bench reads from answers. */
export type Answer = Record<string, string>;

export async function api(url: string, token: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await response.json()) as Answer;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

export const registration = (n: number) => ({
  jobSeekerNo: `33010-${String(n).padStart(8, '0')}`,
  registration: 'full',
  name: `負荷 試験${n}`,
  email: `bench${n}@example.jp`,
  inPersonDifficulty: '遠方のため来所が難しい',
});

/** Every bookable 30-minute start of the next `days` days from two days ahead (JST business days, 10:00–16:30). */
export function bookableStarts(now: Date, days: number): Date[] {
  const starts: Date[] = [];
  const firstDay = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 2) - 9 * 3600_000; // 00:00 JST
  for (let day = 0; day < days; day++) {
    for (let slot = 0; slot < 14; slot++) {
      const start = new Date(firstDay + day * 86_400_000 + (10 * 60 + slot * 30) * 60_000);
      try {
        assertSessionSlot(start, 'A6.2');
        starts.push(start);
      } catch {
        // a weekend, a holiday or 12/29–1/3: not bookable
      }
    }
  }
  return starts;
}

export const CONSENT = {
  termsVersion: 'bench',
  environment: { 'A5.1': true, 'A5.2': true, 'A5.3': true, 'A5.4': true, 'A5.5': true, 'A5.6': true },
  deviceReadiness: { device: 'pc', hasWebCamera: true, appPrepared: true },
  designatedApp: { name: 'Webex', termsUrl: 'https://www.webex.com/terms.html' },
  recordingProhibitionAcknowledged: true,
};

/** Enrols the bench's staff member (counselor and supervisor) with the administrator's token; its token, valid `validDays`. */
export async function benchStaffToken(url: string, adminToken: string, validDays: number): Promise<string> {
  await api(url, adminToken, 'POST', '/v1/staff', { staffId: 'bench', name: '負荷試験', roles: ['counselor', 'supervisor'] });
  return (await api(url, adminToken, 'POST', '/v1/staff/bench/tokens', { validDays })).token;
}

/** The bench's terms version, in force from `today`, and one office with `counselors` counselors. */
export async function officeWithCounselors(
  url: string,
  token: string,
  adminToken: string,
  today: Date,
  counselors: number,
): Promise<{ officeId: string; counselorIds: string[] }> {
  await api(url, token, 'POST', '/v1/terms-versions', {
    version: 'bench',
    effectiveFrom: new Date(today.getTime() + 9 * 3600_000).toISOString().slice(0, 10),
    title: '負荷試験用規約',
    summary: '負荷試験',
  });
  const office = await api(url, adminToken, 'POST', '/v1/offices', {
    name: 'ハローワーク負荷試験',
    cancellationPhone: '086-222-2905',
    senderEmail: 'online@bench.example.jp',
    designatedApp: { name: 'Webex', termsUrl: 'https://www.webex.com/terms.html' },
    meetingUrlPolicy: { kind: 'per-session', template: 'https://meet.example.jp/j/{token}' },
  });
  const counselorIds: string[] = [];
  for (let i = 0; i < counselors; i++)
    counselorIds.push((await api(url, adminToken, 'POST', `/v1/offices/${office.officeId}/counselors`, { name: `相談員${i}` })).counselorId);
  return { officeId: office.officeId, counselorIds };
}
