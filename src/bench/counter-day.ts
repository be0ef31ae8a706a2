/**
 * The command mix of issue 18 as autocannon request sequences. A round is what the counter does for one person:
 * register, record consent, take a request, confirm it into the next free slot; on a session day the round goes
 * on with check-in and completion of a session starting now (A6.5: check-in is open from 15 minutes before the
 * start to 10 minutes after it), which only a clock at that hour allows: the session-day mix runs the service
 * under faketime(1) (`apt-get install faketime`), twice on one data directory — the day before, to confirm the
 * sessions, then at 09:50 JST on the day, to load it.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type autocannon from 'autocannon';
import { assertSessionSlot } from '../domain/calendar/business-calendar';
import {
  type Answer,
  api,
  benchStaffToken,
  LIBFAKETIME,
  bookableStarts,
  CONSENT,
  load,
  officeWithCounselors,
  peakRssMb,
  registration,
  type Row,
  startService,
} from './http-load';

/** The counselors whose slots (from two days ahead) the rounds confirm into. */
const ROUND_COUNSELORS = 40;

type Round = { jobSeekerId?: string; jobSeekerNo?: string; reservationId?: string; slot?: { counselorId: string; start: string } };
type Step = autocannon.Request;

/** The four commands of a round at the counter, each connection going round them; job-seeker numbers from `firstNo`. */
export function counterRound(officeId: string, slots: ReadonlyArray<{ counselorId: string; start: string }>, token: string, firstNo: number): Step[] {
  let nextSlot = 0;
  let nextNo = firstNo;
  const json = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  return [
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
          officeId,
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
  ];
}

/** The slots the rounds confirm into: every bookable start from two days after `now`, for each counselor. */
export function roundSlots(now: Date, counselorIds: readonly string[]): Array<{ counselorId: string; start: string }> {
  return bookableStarts(now, 120).flatMap((start) => counselorIds.map((counselorId) => ({ counselorId, start: start.toISOString() })));
}

const JST_MS = 9 * 3600_000;

/** A business day D at least a week ahead whose day before is a business day too (so the sessions can be confirmed then). */
function sessionDay(now: Date): Date {
  for (let day = Math.floor((now.getTime() + JST_MS) / 86_400_000) + 7; ; day++) {
    const tenOClock = new Date(day * 86_400_000 - JST_MS + 10 * 3600_000);
    try {
      assertSessionSlot(tenOClock, 'A6.2');
      assertSessionSlot(new Date(tenOClock.getTime() - 86_400_000), 'A6.2');
      return tenOClock;
    } catch {
      // not a business day, or the day before is not
    }
  }
}

/** faketime's absolute start, in UTC (the service runs with TZ=UTC). */
const fakeStart = (instant: Date) => `@${instant.toISOString().slice(0, 19).replace('T', ' ')}`;

function stop(service: { child: import('node:child_process').ChildProcess }): Promise<unknown> {
  return new Promise((resolve) => service.child.once('exit', resolve).kill('SIGTERM'));
}

async function inParallel<T>(items: readonly T[], width: number, each: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const index = next++;
        await each(items[index], index);
      }
    }),
  );
}

/**
 * One session at `start` for each counselor, each for a new job seeker (numbered from `firstNo`) who registered,
 * consented, asked for that start and had it confirmed, 20 at a time; their reservation ids, in counselor order.
 */
export async function confirmedSessions(
  url: string,
  token: string,
  officeId: string,
  counselorIds: readonly string[],
  start: Date,
  firstNo: number,
): Promise<string[]> {
  const reservationIds: string[] = [];
  await inParallel(counselorIds, 20, async (counselorId, i) => {
    const person = registration(firstNo + i);
    const { jobSeekerId } = await api(url, token, 'POST', '/v1/job-seekers', person);
    await api(url, token, 'POST', `/v1/job-seekers/${jobSeekerId}/consents`, CONSENT);
    const request = {
      officeId,
      jobSeekerNo: person.jobSeekerNo,
      name: person.name,
      email: person.email,
      channel: 'phone',
      firstWish: start.toISOString(),
    };
    const { reservationId } = await api(url, token, 'POST', '/v1/reservations', request);
    await api(url, token, 'POST', `/v1/reservations/${reservationId}/confirmation`, { counselorId, start: start.toISOString() });
    reservationIds[i] = reservationId;
  });
  return reservationIds;
}

export interface SessionDayResult extends Row {
  rounds: number;
  peakRssMb: number;
}

/**
 * Six commands a round — register, consent, request, confirm, check in, complete — with `sessions` sessions at
 * 10:00 on day D to check in and complete (one counselor each): the run ends when they are used up.
 * `undefined` when faketime is not installed.
 */
export async function sessionDayMix(sessions: number, connections: number): Promise<SessionDayResult | undefined> {
  if (!existsSync(LIBFAKETIME)) return undefined;
  const start = sessionDay(new Date());
  const dataDir = mkdtempSync(join(tmpdir(), 'madoguchi-bench-day-'));
  try {
    // The day before, 12:00 JST: the sessions of day D are confirmed (A6.1: by the day before).
    const dayBefore = await startService(dataDir, { fakeTime: fakeStart(new Date(start.getTime() - 22 * 3600_000)), firstStart: true });
    const admin = dayBefore.adminToken!;
    const token = await benchStaffToken(dayBefore.url, admin, 30);
    const { officeId, counselorIds } = await officeWithCounselors(
      dayBefore.url,
      token,
      admin,
      new Date(start.getTime() - 86_400_000),
      sessions + ROUND_COUNSELORS,
    );
    const reservationIds = await confirmedSessions(dayBefore.url, token, officeId, counselorIds.slice(ROUND_COUNSELORS), start, 2_000_000);
    await stop(dayBefore);

    // Day D, 09:50 JST: check-in is open for the 10:00 sessions until 10:10.
    const onTheDay = await startService(dataDir, { fakeTime: fakeStart(new Date(start.getTime() - 10 * 60_000)) });
    const now = new Date(start.getTime() - 10 * 60_000);
    const json = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    let nextSession = 0;
    type Day = Round & { sessionId?: string };
    const requests: Step[] = [
      ...counterRound(officeId, roundSlots(now, counselorIds.slice(0, ROUND_COUNSELORS)), token, 3_000_000),
      {
        method: 'POST',
        setupRequest: (request, context: Day) => {
          context.sessionId = reservationIds[nextSession++ % reservationIds.length];
          return {
            ...request,
            path: `/v1/reservations/${context.sessionId}/check-in`,
            headers: json,
            body: JSON.stringify({ deviceId: `bench-device-${nextSession}` }),
          };
        },
      },
      {
        method: 'POST',
        setupRequest: (request, context: Day) => ({
          ...request,
          path: `/v1/reservations/${context.sessionId}/completion`,
          headers: json,
          body: '{}',
        }),
      },
    ];
    const row = await load('Madoguchi command mix on a session day: register, consent, request, confirm, check in, complete', {
      url: onTheDay.url,
      connections,
      amount: sessions * requests.length,
      requests,
    });
    const result = { ...row, rounds: Math.min(nextSession, sessions), peakRssMb: peakRssMb(onTheDay.child.pid!) };
    await stop(onTheDay);
    return result;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
