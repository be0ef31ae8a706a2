import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { entityId, newCommandContext } from '../../application/event-sourcing/command-context';
import { IssuedToken, StaffAccess } from '../../application/staff/staff.commands';
import { describeToken } from '../start/token-lines';
import type { Role } from '../../domain/staff/staff';
import { scopedCommandId } from '../http/command-context.decorator';
import {
  addDays,
  closedReason,
  confirmationDeadline,
  formatMinute,
  jstInstant,
  JstDate,
  parseMinute,
  SESSION_MINUTES,
  toJst,
} from '../../domain/calendar/business-calendar';

/**
 * Demo data: one office (ハローワーク岡山), three counselors, twelve job seekers with consents,
 * and a realistic coming week of reservations. Everything goes through the public HTTP API
 * (`app.inject`), as staff would enter it, so every rule of the terms applies. Every request
 * carries a fixed Idempotency-Key. Once the demo's office exists the demo counts as there: a later
 * run appends nothing (on another day its dated requests would differ, and a key reused for a
 * different request is refused). A run interrupted before it opened the office is finished by
 * running it again the same day; one interrupted later needs an empty data directory.
 * Deterministic given `now` (no randomness).
 */
export type DemoSummary = DemoFilled | { alreadyThere: true; officeId: string; appendedEvents: 0; signIn: IssuedToken };

export interface DemoFilled {
  alreadyThere: false;
  offices: number;
  counselors: number;
  jobSeekers: number;
  reservations: number;
  /** Reservations that stay confirmed (the cancelled one not counted). */
  confirmed: number;
  /** Reservations left requested (no slot yet). */
  requested: number;
  cancelled: number;
  /**
   * Events appended by this run (0 on a re-run): those the answers list, plus the slot a new
   * confirmation holds and a new cancellation releases on the counselor's day (answers list only
   * the reservation's own events).
   */
  appendedEvents: number;
  /** Commands that were re-sends of earlier ones (a demo run interrupted part-way the same day). */
  replayedCommands: number;
  officeId: string;
  /** The token printed for a person to look at the demo week: a supervisor and counselor, issued on every run. */
  signIn: IssuedToken;
}

/** The demo fills the data as this staff member, with a one-day token of its own that is never printed. */
const STAFF = { id: 'demo', name: 'デモ職員', roles: ['admin', 'supervisor', 'counselor'] as Role[] };
/**
 * Whoever tries the demo signs in as this staff member, a supervisor and counselor (who may read job seekers
 * and reservations, unlike an administrator): a new token on every run, printed, valid a week.
 */
export const DEMO_VIEWER = { id: 'demo-soudan', name: 'デモ 相談員', roles: ['supervisor', 'counselor'] as Role[], validDays: 7 };
const TERMS_VERSION = '2022-07-28';
const DESIGNATED_APP = { name: 'Webex', termsUrl: 'https://www.webex.com/terms.html' };
/** How many business days, from tomorrow on, the demo fills. */
const DEMO_BUSINESS_DAYS = 5;

const OFFICE = {
  key: 'demo-office-okayama',
  body: {
    name: 'ハローワーク岡山',
    cancellationPhone: '086-222-2905',
    senderEmail: 'online-soudan@okayama.hellowork.example',
    designatedApp: DESIGNATED_APP,
    meetingUrlPolicy: { kind: 'per-session', template: 'https://meet.example.jp/hellowork-okayama/{token}' },
  },
};

const COUNSELORS = [
  { key: 'demo-counselor-01', name: '山田 花子' },
  { key: 'demo-counselor-02', name: '佐藤 健一' },
  { key: 'demo-counselor-03', name: '鈴木 美咲' },
] as const;
/** 佐藤 健一 works a shorter day on the 2nd business day; 鈴木 美咲 is on leave on the 3rd. */
const SHORTER_DAY = { counselor: 1, day: 1, from: '10:00', to: '13:00', reason: '午後は所内研修のため' };
const LEAVE_DAY = { counselor: 2, day: 2, reason: '年次有給休暇' };

interface Seeker {
  no: string;
  name: string;
  email: string;
  phone: string;
  difficulty: string;
  device: 'smartphone' | 'tablet' | 'pc';
}
const JOB_SEEKERS: readonly Seeker[] = [
  {
    no: '33010-12345671',
    name: '田中 美穂',
    email: 'miho.tanaka@example.jp',
    phone: '090-1234-5601',
    difficulty: '育児のため外出が難しい（1歳児の保育園が見つかっていない）',
    device: 'smartphone',
  },
  {
    no: '33010-12345682',
    name: '高橋 翔太',
    email: 'shota.takahashi@example.jp',
    phone: '090-1234-5602',
    difficulty: '遠方在住（真庭市。公共交通機関で片道2時間以上）',
    device: 'pc',
  },
  {
    no: '33010-12345693',
    name: '伊藤 由美子',
    email: 'yumiko.ito@example.jp',
    phone: '080-2345-6703',
    difficulty: '通院中のため長時間の外出が難しい',
    device: 'tablet',
  },
  {
    no: '33010-12345704',
    name: '渡辺 大輔',
    email: 'daisuke.watanabe@example.jp',
    phone: '080-2345-6704',
    difficulty: '家族の介護のため日中に家を空けられない',
    device: 'pc',
  },
  {
    no: '33010-12345715',
    name: '中村 彩',
    email: 'aya.nakamura@example.jp',
    phone: '070-3456-7805',
    difficulty: '育児のため外出が難しい（双子の乳児がいる）',
    device: 'smartphone',
  },
  {
    no: '33010-12345726',
    name: '小林 誠',
    email: 'makoto.kobayashi@example.jp',
    phone: '090-3456-7806',
    difficulty: '身体障害により移動が困難（車いす利用）',
    device: 'pc',
  },
  {
    no: '33010-12345737',
    name: '加藤 真由美',
    email: 'mayumi.kato@example.jp',
    phone: '080-4567-8907',
    difficulty: '遠方在住（笠岡諸島の離島に在住）',
    device: 'tablet',
  },
  {
    no: '33010-12345748',
    name: '吉田 拓也',
    email: 'takuya.yoshida@example.jp',
    phone: '090-4567-8908',
    difficulty: '通院中（週3回の人工透析）',
    device: 'pc',
  },
  {
    no: '33010-12345759',
    name: '山本 恵',
    email: 'megumi.yamamoto@example.jp',
    phone: '070-5678-9009',
    difficulty: '妊娠中で体調が安定せず外出が難しい',
    device: 'smartphone',
  },
  {
    no: '33010-12345760',
    name: '松本 直樹',
    email: 'naoki.matsumoto@example.jp',
    phone: '090-5678-9010',
    difficulty: '遠方在住（新見市。自家用車がない）',
    device: 'pc',
  },
  {
    no: '33010-12345771',
    name: '井上 千尋',
    email: 'chihiro.inoue@example.jp',
    phone: '080-6789-0111',
    difficulty: '精神的な不調により人の多い場所が苦手（通院中）',
    device: 'smartphone',
  },
  {
    no: '33010-12345782',
    name: '木村 浩二',
    email: 'koji.kimura@example.jp',
    phone: '090-6789-0112',
    difficulty: '家族の介護のため外出が難しい',
    device: 'tablet',
  },
];

/**
 * The coming week's reservation requests: which job seeker, which business day (0 = the first
 * business day from tomorrow), the wished start times (JST), how they asked, and what staff do.
 * `take` says which wish staff confirm ('2nd': the 1st wish was not possible for the job seeker
 * after all, say); the counselor is chosen by rotation among those free.
 */
interface PlannedRequest {
  seeker: number;
  day: number;
  wishes: [string] | [string, string];
  channel: 'phone' | 'counter';
  action: 'confirm' | 'leave-requested' | 'confirm-then-cancel';
  take?: '1st' | '2nd';
  interpreter?: boolean;
}
const PLAN: readonly PlannedRequest[] = [
  { seeker: 0, day: 0, wishes: ['10:00', '13:00'], channel: 'phone', action: 'confirm' },
  { seeker: 1, day: 0, wishes: ['10:00'], channel: 'counter', action: 'confirm' },
  { seeker: 2, day: 0, wishes: ['14:00', '15:30'], channel: 'phone', action: 'confirm' },
  { seeker: 3, day: 1, wishes: ['10:30', '11:00'], channel: 'phone', action: 'confirm', take: '2nd' },
  { seeker: 4, day: 1, wishes: ['14:00'], channel: 'phone', action: 'confirm' },
  { seeker: 5, day: 1, wishes: ['15:00', '16:00'], channel: 'counter', action: 'leave-requested' },
  { seeker: 6, day: 2, wishes: ['10:00', '10:30'], channel: 'phone', action: 'confirm' },
  { seeker: 7, day: 2, wishes: ['11:00'], channel: 'phone', action: 'confirm', interpreter: true },
  { seeker: 8, day: 2, wishes: ['13:30', '14:00'], channel: 'counter', action: 'confirm-then-cancel' },
  { seeker: 9, day: 3, wishes: ['10:00', '11:30'], channel: 'phone', action: 'confirm' },
  { seeker: 10, day: 3, wishes: ['14:30'], channel: 'phone', action: 'leave-requested' },
  { seeker: 11, day: 3, wishes: ['16:00', '16:30'], channel: 'counter', action: 'confirm', take: '2nd' },
  { seeker: 0, day: 4, wishes: ['10:30'], channel: 'phone', action: 'confirm' },
  { seeker: 3, day: 4, wishes: ['13:00', '15:00'], channel: 'phone', action: 'confirm' },
  { seeker: 6, day: 4, wishes: ['16:30'], channel: 'counter', action: 'leave-requested' },
];

interface Answer {
  replayed?: boolean;
  appended?: string[];
  [key: string]: unknown;
}

/**
 * Fills an empty (or already demo'd) store through the HTTP API of `app` (initialised, not
 * necessarily listening). `now` must be the application's clock's now: the demo plans the five
 * business days from tomorrow (JST). Throws on the first answer that is not 2xx.
 */
export async function runDemo(app: NestFastifyApplication, now: Date, log: (line: string) => void): Promise<DemoSummary> {
  let appendedEvents = 0;
  let replayedCommands = 0;
  const fastify = app.getHttpAdapter().getInstance();
  const token = await app.get(StaffAccess).tokenFor(STAFF.id, STAFF.name, STAFF.roles, 1, 'system:demo');
  const send = async <A extends Answer>(method: 'POST', url: string, key: string, payload: unknown): Promise<A> => {
    // Fastify's own inject (what app.inject() forwards to, minus Nest's proxy that exits the process on a synchronous throw).
    const response = await fastify.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, 'idempotency-key': key, 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });
    if (response.statusCode < 200 || response.statusCode >= 300) {
      throw new Error(`demo: ${method} ${url} (Idempotency-Key ${key}) answered ${response.statusCode}: ${response.body}`);
    }
    const answer = response.json<A>();
    if (answer.replayed) replayedCommands++;
    else appendedEvents += answer.appended?.length ?? 0;
    return answer;
  };

  const demoOfficeId = entityId(newCommandContext(`staff:${STAFF.id}`, scopedCommandId(STAFF.id, OFFICE.key)), 'office');
  const existing = await fastify.inject({ method: 'GET', url: `/v1/offices/${demoOfficeId}`, headers: { authorization: `Bearer ${token}` } });
  if (existing.statusCode === 200) {
    log(`demo: the demo data is already there (office ${OFFICE.body.name}, ${demoOfficeId}); nothing appended`);
    return { alreadyThere: true, officeId: demoOfficeId, appendedEvents: 0, signIn: await signInToTheDemo(app, log, demoOfficeId) };
  }

  const today = toJst(now).date;
  const days = businessDaysAfter(today, DEMO_BUSINESS_DAYS);
  log(`demo: today is ${today} JST; filling ${days.join(', ')}`);

  const terms = await send('POST', '/v1/terms-versions', `demo-terms-${TERMS_VERSION}`, {
    version: TERMS_VERSION,
    effectiveFrom: today,
    title: 'ハローワークインターネットサービス オンライン職業相談 利用規約',
    summary:
      'オンライン職業相談の利用条件（求職登録済みであること、指定アプリ Webex の利用、通信環境の確認、録画・録音の禁止、前日までの予約確定、キャンセルは電話連絡）を定めます。',
  });
  log(`demo: terms version ${TERMS_VERSION} ${terms.replayed ? 'already published' : `in force from ${today}`}`);

  const { officeId } = await send<Answer & { officeId: string }>('POST', '/v1/offices', OFFICE.key, OFFICE.body);
  log(`demo: office ${OFFICE.body.name} (${officeId})`);

  const counselorIds: string[] = [];
  for (const counselor of COUNSELORS) {
    const { counselorId } = await send<Answer & { counselorId: string }>('POST', `/v1/offices/${officeId}/counselors`, counselor.key, {
      name: counselor.name,
    });
    counselorIds.push(counselorId);
  }
  const shorter = await send('POST', `/v1/counselors/${counselorIds[SHORTER_DAY.counselor]}/exceptions`, 'demo-counselor-02-shorter-day', {
    kind: 'shorter-day',
    date: days[SHORTER_DAY.day],
    from: SHORTER_DAY.from,
    to: SHORTER_DAY.to,
    reason: SHORTER_DAY.reason,
  });
  await send('POST', `/v1/counselors/${counselorIds[LEAVE_DAY.counselor]}/exceptions`, 'demo-counselor-03-leave', {
    kind: 'leave',
    date: days[LEAVE_DAY.day],
    reason: LEAVE_DAY.reason,
  });
  log(
    `demo: ${counselorIds.length} counselors (${COUNSELORS.map((c) => c.name).join('、')}); ` +
      (shorter.replayed
        ? 'their shorter day and leave day already recorded'
        : `${COUNSELORS[SHORTER_DAY.counselor].name} works ${SHORTER_DAY.from}–${SHORTER_DAY.to} on ${days[SHORTER_DAY.day]}, ` +
          `${COUNSELORS[LEAVE_DAY.counselor].name} is on leave on ${days[LEAVE_DAY.day]}`),
  );

  for (const [i, seeker] of JOB_SEEKERS.entries()) {
    const n = String(i + 1).padStart(2, '0');
    const { jobSeekerId } = await send<Answer & { jobSeekerId: string }>('POST', '/v1/job-seekers', `demo-seeker-${n}`, {
      jobSeekerNo: seeker.no,
      registration: 'full',
      name: seeker.name,
      email: seeker.email,
      phone: seeker.phone,
      inPersonDifficulty: seeker.difficulty,
    });
    await send('POST', `/v1/job-seekers/${jobSeekerId}/consents`, `demo-consent-${n}`, {
      termsVersion: TERMS_VERSION,
      environment: { 'A5.1': true, 'A5.2': true, 'A5.3': true, 'A5.4': true, 'A5.5': true, 'A5.6': true },
      deviceReadiness: { device: seeker.device, hasWebCamera: true, appPrepared: true },
      designatedApp: DESIGNATED_APP,
      recordingProhibitionAcknowledged: true,
    });
  }
  log(`demo: ${JOB_SEEKERS.length} job seekers, each consenting to terms version ${TERMS_VERSION}`);

  // Who is busy when: the demo's own bookings, so no counselor gets the same slot twice.
  const taken = new Set<string>();
  let confirmed = 0;
  let requested = 0;
  let cancelled = 0;
  for (const [i, plan] of PLAN.entries()) {
    const n = String(i + 1).padStart(2, '0');
    const seeker = JOB_SEEKERS[plan.seeker];
    const date = days[plan.day];
    const wishes = plan.wishes.map((hhmm) => jstInstant(date, parseMinute(hhmm)));
    const { reservationId, replayed } = await send<Answer & { reservationId: string }>('POST', '/v1/reservations', `demo-request-${n}`, {
      officeId,
      jobSeekerNo: seeker.no,
      name: seeker.name,
      email: seeker.email,
      channel: plan.channel,
      firstWish: wishes[0].toISOString(),
      ...(wishes[1] ? { secondWish: wishes[1].toISOString() } : {}),
      attendance: { interpreter: plan.interpreter ?? false, assistant: false },
    });
    // On a re-run every answer is the first one; the dates computed now may differ from those recorded then.
    const wishText = replayed ? 'already recorded' : plan.wishes.map((w) => `${date} ${w}`).join(' / ');

    const slot = plan.action === 'leave-requested' ? undefined : pickSlot(plan, wishes, i, counselorIds, days, taken, now);
    if (!slot) {
      requested++;
      log(`demo: request ${n} ${seeker.name} (${plan.channel}) ${wishText}: left requested`);
      continue;
    }
    taken.add(slotKey(slot.counselor, slot.start));
    await send('POST', `/v1/reservations/${reservationId}/confirmation`, `demo-confirm-${n}`, {
      counselorId: counselorIds[slot.counselor],
      start: slot.start.toISOString(),
    });
    const when = replayed ? 'as recorded' : `${toJst(slot.start).date} ${formatMinute(toJst(slot.start).minuteOfDay)}`;
    if (plan.action === 'confirm-then-cancel') {
      await send('POST', `/v1/reservations/${reservationId}/cancellation`, `demo-cancel-${n}`, {
        channel: 'phone',
        reason: '体調不良のため電話でキャンセルの連絡あり',
      });
      taken.delete(slotKey(slot.counselor, slot.start)); // the cancellation gives the slot back
      cancelled++;
      log(`demo: request ${n} ${seeker.name} (${plan.channel}) ${wishText}: confirmed ${when}, then cancelled by phone`);
    } else {
      confirmed++;
      log(
        `demo: request ${n} ${seeker.name} (${plan.channel}) ${wishText}: confirmed ${when}${replayed ? '' : ` with ${COUNSELORS[slot.counselor].name}`}`,
      );
    }
  }

  log(
    `demo: done — ${PLAN.length} reservations (${confirmed} confirmed, ${requested} requested, ${cancelled} cancelled); ` +
      `${appendedEvents} events appended`,
  );
  const signIn = await signInToTheDemo(app, log, officeId);
  const summary: DemoFilled = {
    alreadyThere: false,
    offices: 1,
    counselors: counselorIds.length,
    jobSeekers: JOB_SEEKERS.length,
    reservations: PLAN.length,
    confirmed,
    requested,
    cancelled,
    appendedEvents,
    replayedCommands,
    officeId,
    signIn,
  };
  return summary;
}

/** Issues and prints, on every run, the token of the demo's viewer (a supervisor and counselor). */
async function signInToTheDemo(app: NestFastifyApplication, log: (line: string) => void, officeId: string): Promise<IssuedToken> {
  const signIn = await app.get(StaffAccess).issuedTokenFor(DEMO_VIEWER.id, DEMO_VIEWER.name, DEMO_VIEWER.roles, DEMO_VIEWER.validDays, 'system:demo');
  log(
    `demo: sign in as ${DEMO_VIEWER.name} (staff id ${DEMO_VIEWER.id}; ${DEMO_VIEWER.roles.join(', ')}) to see the week on the staff page /ui/ (paste the token there), or in the API — Authorization: Bearer <token>:`,
  );
  for (const line of describeToken(
    signIn,
    `Each run of the demo prints a new one. Try GET /v1/job-seekers and GET /v1/offices/${officeId}/counselors.`,
  ))
    log(line);
  return signIn;
}

/** The first `count` business days after `today` (JST), skipping weekends, national holidays and 12/29–1/3. */
export function businessDaysAfter(today: JstDate, count: number): JstDate[] {
  const days: JstDate[] = [];
  for (let date = addDays(today, 1); days.length < count; date = addDays(date, 1)) {
    if (!closedReason(date)) days.push(date);
  }
  return days;
}

function slotKey(counselor: number, start: Date): string {
  return `${counselor}|${start.toISOString()}`;
}

/**
 * The wish and counselor staff confirm: the preferred wish first, counselors in a rotation
 * starting at the request's index, skipping a counselor on leave, outside a shorter day, or
 * already holding the slot, and slots whose confirmation deadline (A6.1) has passed.
 */
function pickSlot(
  plan: PlannedRequest,
  wishes: Date[],
  index: number,
  counselorIds: string[],
  days: JstDate[],
  taken: ReadonlySet<string>,
  now: Date,
): { counselor: number; start: Date } | undefined {
  const order = plan.take === '2nd' && wishes.length > 1 ? [wishes[1], wishes[0]] : wishes;
  for (const start of order) {
    if (now.getTime() >= confirmationDeadline(start).getTime()) continue;
    for (let k = 0; k < counselorIds.length; k++) {
      const counselor = (index + k) % counselorIds.length;
      if (available(counselor, start, days) && !taken.has(slotKey(counselor, start))) return { counselor, start };
    }
  }
  return undefined;
}

function available(counselor: number, start: Date, days: JstDate[]): boolean {
  const { date, minuteOfDay } = toJst(start);
  if (counselor === LEAVE_DAY.counselor && date === days[LEAVE_DAY.day]) return false;
  if (counselor === SHORTER_DAY.counselor && date === days[SHORTER_DAY.day]) {
    return minuteOfDay >= parseMinute(SHORTER_DAY.from) && minuteOfDay + SESSION_MINUTES <= parseMinute(SHORTER_DAY.to);
  }
  return true;
}
