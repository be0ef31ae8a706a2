/**
 * `npm run bench [-- --quick]`: loads the service as users run it (`node dist/main.js` on the
 * embedded default, a fresh DATA_DIR) with autocannon, and prints every figure beside the same
 * run's floors — a bare Fastify echo and the service's own /health — because absolute numbers on
 * a shared machine drift from run to run. It then measures (the quick run at small sizes) the rest of issue 18's figures: append
 * latency, projection lag at 500 appends/s, no-show lateness with 1,000 sessions due at once, and the read side
 * (ready after start, rebuild events/s and peak RSS) at 100,000 and 1,000,000 events (BENCH_READ_SIDE_SIZES).
 * Never fails on a figure: it measures, people judge.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { assertSessionSlot } from '../domain/calendar/business-calendar';
import { appendLatency } from './append-latency';
import { describeLateness, noShowLateness } from './scheduler-lateness';

const quick = process.argv.includes('--quick');
const DURATION_S = quick ? 2 : 10;
const CONNECTIONS = quick ? 10 : 50;

interface Row {
  what: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

function started(child: ChildProcess, pattern: RegExp): Promise<RegExpMatchArray> {
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

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

async function load(what: string, options: autocannon.Options): Promise<Row> {
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...options });
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
type Answer = Record<string, string>;

async function api(url: string, token: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await response.json()) as Answer;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

const registration = (n: number) => ({
  jobSeekerNo: `33010-${String(n).padStart(8, '0')}`,
  registration: 'full',
  name: `負荷 試験${n}`,
  email: `bench${n}@example.jp`,
  inPersonDifficulty: '遠方のため来所が難しい',
});

/** Every bookable 30-minute start of the next `days` days from two days ahead (JST business days, 10:00–16:30). */
function bookableStarts(now: Date, days: number): Date[] {
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

const CONSENT = {
  termsVersion: 'bench',
  environment: { 'A5.1': true, 'A5.2': true, 'A5.3': true, 'A5.4': true, 'A5.5': true, 'A5.6': true },
  deviceReadiness: { device: 'pc', hasWebCamera: true, appPrepared: true },
  designatedApp: { name: 'Webex', termsUrl: 'https://www.webex.com/terms.html' },
  recordingProhibitionAcknowledged: true,
};

/**
 * The counter's day as a load: each connection registers a job seeker, records consent, takes a
 * request and confirms it into the next free slot, over and over (four commands a round).
 */
async function commandMix(url: string, token: string, adminToken: string): Promise<autocannon.Options> {
  const today = new Date();
  await api(url, token, 'POST', '/v1/terms-versions', {
    version: 'bench',
    effectiveFrom: today.toISOString().slice(0, 10),
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
  const counselors: string[] = [];
  for (let i = 0; i < 40; i++)
    counselors.push((await api(url, adminToken, 'POST', `/v1/offices/${office.officeId}/counselors`, { name: `相談員${i}` })).counselorId);
  const slots = bookableStarts(today, 120).flatMap((start) => counselors.map((counselorId) => ({ counselorId, start: start.toISOString() })));
  let nextSlot = 0;
  let nextNo = 1_000_000;
  const json = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  type Round = { jobSeekerId?: string; jobSeekerNo?: string; reservationId?: string; slot?: { counselorId: string; start: string } };
  return {
    url,
    requests: [
      {
        method: 'POST',
        setupRequest: (request, context: Round) => {
          const body = registration(nextNo++);
          context.jobSeekerNo = body.jobSeekerNo;
          return { ...request, path: '/v1/job-seekers', headers: json, body: JSON.stringify(body) };
        },
        onResponse: (_status, body, context: Round) => {
          context.jobSeekerId = (JSON.parse(body) as Answer).jobSeekerId;
        },
      },
      {
        method: 'POST',
        setupRequest: (request, context: Round) => ({
          ...request,
          path: `/v1/job-seekers/${context.jobSeekerId}/consents`,
          headers: json,
          body: JSON.stringify(CONSENT),
        }),
      },
      {
        method: 'POST',
        setupRequest: (request, context: Round) => {
          context.slot = slots[nextSlot++ % slots.length];
          const body = {
            officeId: office.officeId,
            jobSeekerNo: context.jobSeekerNo,
            name: '負荷 試験',
            email: 'bench@example.jp',
            channel: 'phone',
            firstWish: context.slot.start,
          };
          return { ...request, path: '/v1/reservations', headers: json, body: JSON.stringify(body) };
        },
        onResponse: (_status, body, context: Round) => {
          context.reservationId = (JSON.parse(body) as Answer).reservationId;
        },
      },
      {
        method: 'POST',
        setupRequest: (request, context: Round) => ({
          ...request,
          path: `/v1/reservations/${context.reservationId}/confirmation`,
          headers: json,
          body: JSON.stringify(context.slot),
        }),
      },
    ],
  };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'madoguchi-bench-'));
  const children: ChildProcess[] = [];
  try {
    const echo = spawn(process.execPath, [join(__dirname, 'echo-server.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(echo);
    const echoPort = (await started(echo, /listening (\d+)/))[1];
    const rows: Row[] = [];
    rows.push(
      await load('bare fastify 5, POST echo of a small JSON body', {
        url: `http://127.0.0.1:${echoPort}/echo`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(registration(1)),
      }),
    );

    const port = await freePort();
    const service = spawn(process.execPath, [join(__dirname, '..', 'main.js')], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000000' },
    });
    children.push(service);
    const [, url, adminToken] = await started(service, /(http:\/\/127\.0\.0\.1:\d+)[\s\S]*?(mdg_[0-9a-f]{32}_[A-Za-z0-9_-]{43})/);
    await api(url, adminToken, 'POST', '/v1/staff', { staffId: 'bench', name: '負荷試験', roles: ['counselor', 'supervisor'] });
    const { token } = await api(url, adminToken, 'POST', '/v1/staff/bench/tokens', { validDays: 1 });
    const auth = { authorization: `Bearer ${token}` };

    rows.push(await load('Madoguchi GET /health (the framework floor)', { url: `${url}/health` }));

    let next = 100_000;
    rows.push(
      await load('Madoguchi POST /v1/job-seekers, a new job seeker each time', {
        url: `${url}/v1/job-seekers`,
        requests: [
          {
            method: 'POST',
            setupRequest: (request) => ({
              ...request,
              headers: { ...auth, 'content-type': 'application/json' },
              body: JSON.stringify(registration(next++)),
            }),
          },
        ],
      }),
    );

    const ids: string[] = [];
    for (let n = 1; n <= 200; n++) ids.push((await api(url, token, 'POST', '/v1/job-seekers', registration(n))).jobSeekerId);
    let read = 0;
    rows.push(
      await load('Madoguchi GET /v1/job-seekers/{id}', {
        url,
        requests: [
          { method: 'GET', setupRequest: (request) => ({ ...request, path: `/v1/job-seekers/${ids[read++ % ids.length]}`, headers: auth }) },
        ],
      }),
    );

    rows.push(await load('Madoguchi command mix: register, consent, request, confirm', await commandMix(url, token, adminToken)));

    const [floor, health] = rows;
    console.log(`\nMadoguchi benchmark ${quick ? '(quick smoke run: figures not comparable)' : ''}`);
    console.log(
      `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB; node ${process.version}; ${new Date().toISOString()}`,
    );
    console.log(`load: autocannon, ${CONNECTIONS} connections, ${DURATION_S} s each\n`);
    console.log('| what | req/s | p50 ms | p99 ms | × echo | × /health | errors | non-2xx |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const row of rows) {
      const ratio = (base: Row) => (row.requestsPerSecond / base.requestsPerSecond).toFixed(2);
      console.log(
        `| ${row.what} | ${row.requestsPerSecond} | ${row.p50} | ${row.p99} | ${ratio(floor)} | ${ratio(health)} | ${row.errors} | ${row.non2xx} |`,
      );
    }
    console.log(`\nservice peak RSS: ${peakRssMb(service.pid!)} MB`);
    // A6.5: no-show lateness through the whole service, in this process (see scheduler-lateness.ts).
    const sessions = quick ? 20 : 200;
    console.log('');
    for (const adapter of ['in-process', 'BullMQ'] as const) console.log(describeLateness(await noShowLateness(adapter, sessions)));
    await theRest();
  } finally {
    // The service finishes what it is doing and closes its stores before its data directory goes.
    await Promise.all(
      children.filter((child) => child.exitCode === null).map((child) => new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM'))),
    );
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Runs a bench script of this directory as a child process, its output shown as it comes. */
function script(name: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    console.log(`\n## node dist/bench/${name} ${args.join(' ')}`);
    spawn(process.execPath, [join(__dirname, name), ...args], { stdio: 'inherit' }).once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${name} exited with ${code}`)),
    );
  });
}

/**
 * The figures of issue 18 besides HTTP, each from the script that measures it. The quick run takes each at a
 * small size, so that none of them can rot unnoticed (`npm test` ends with it).
 */
async function theRest(): Promise<void> {
  const seconds = quick ? 1 : 10;
  console.log(`\n## append latency, embedded event store (SQLite WAL, synchronous = FULL, group commit), ${seconds} s each\n`);
  console.log('| what | appends | appends/s | p50 ms | p99 ms |');
  console.log('|---|---:|---:|---:|---:|');
  for (const row of await appendLatency(quick ? 10 : 50, seconds))
    console.log(`| ${row.what} | ${row.appends} | ${row.perSecond} | ${row.p50} | ${row.p99} |`);
  await script('projection-lag.js', quick ? ['100', '2'] : ['500', '20']);
  // Issue 18: 1,000 no-show deadlines in the same instant, through the whole service like the 200 above.
  if (!quick) await script('scheduler-lateness.js', ['1000']);
  await script('read-side.js', quick ? ['2000'] : (process.env.BENCH_READ_SIDE_SIZES ?? '100000 1000000').split(' '));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
