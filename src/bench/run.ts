/**
 * `npm run bench [-- --quick]`: loads the service as users run it (`node dist/main.js` on the
 * embedded default, a fresh DATA_DIR) with autocannon, and prints every figure beside the same
 * run's floors — a bare Fastify echo and the service's own /health — because absolute numbers on
 * a shared machine drift from run to run. It then measures (the quick run at small sizes) the rest of issue 18's figures: append
 * latency, projection lag at 500 appends/s, no-show lateness with 1,000 sessions due at once, and the read side
 * (ready after start, rebuild events/s and peak RSS) at 100,000 and 1,000,000 events (BENCH_READ_SIDE_SIZES).
 * The command mix of the issue (register, consent, request, confirm, check in, complete) needs a clock at a session's
 * start: it runs on a service of its own under libfaketime (counter-day.ts); without faketime installed that row is
 * skipped, said so. Never fails on a figure: it measures, people judge.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type autocannon from 'autocannon';
import { appendLatency } from './append-latency';
import { counterRound, roundSlots, sessionDayMix } from './counter-day';
import { api, benchStaffToken, load as loadWith, officeWithCounselors, peakRssMb, registration, type Row, startService, started } from './http-load';
import { describeLateness, noShowLateness } from './scheduler-lateness';

const quick = process.argv.includes('--quick');
const DURATION_S = quick ? 2 : 10;
const CONNECTIONS = quick ? 10 : 50;

const load = (what: string, options: autocannon.Options): Promise<Row> =>
  loadWith(what, { connections: CONNECTIONS, duration: DURATION_S, ...options });

/** The counter's day as a load: each connection registers, records consent, takes a request and confirms it, over and over. */
async function commandMix(url: string, token: string, adminToken: string): Promise<autocannon.Options> {
  const today = new Date();
  const { officeId, counselorIds } = await officeWithCounselors(url, token, adminToken, today, 40);
  return { url, requests: counterRound(officeId, roundSlots(today, counselorIds), token, 1_000_000) };
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

    const service = await startService(dataDir, { firstStart: true });
    children.push(service.child);
    const { url } = service;
    const adminToken = service.adminToken!;
    const token = await benchStaffToken(url, adminToken, 1);
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
    const servicePeakRssMb = peakRssMb(service.child.pid!);
    // The whole mix of issue 18 needs a clock at a session's start: a service of its own under faketime.
    const day = await sessionDayMix(quick ? 50 : 3000, CONNECTIONS);
    if (day !== undefined) rows.push(day);

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
    console.log(`\nservice peak RSS: ${servicePeakRssMb} MB (rows 2-5)`);
    if (day === undefined) console.log('session-day mix: not run, faketime is not installed (apt-get install faketime)');
    else console.log(`session-day mix: ${day.rounds} rounds; that service's peak RSS ${day.peakRssMb} MB`);
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
  console.log(
    `\n## append latency, embedded event store (SQLite WAL, synced off the event loop before an append resolves, group commit), ${seconds} s each\n`,
  );
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
