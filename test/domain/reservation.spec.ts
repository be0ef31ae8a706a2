import {
  BookFollowUp,
  CheckedIn,
  InvitationSent,
  ReservationEvent,
  reservationDecider,
  ReservationState,
  SlotConfirmed,
  slotNoLongerNeeded,
} from '../../src/domain/reservation/reservation';
import { fold } from '../../src/domain/shared/decider';
import { specFor } from './given-when-then';
import {
  confirmation,
  confirmationContext,
  confirmSlot,
  consentGiven,
  counselorAdded,
  counselorState,
  COUNSELOR_ID,
  EMAIL,
  FULL_ENVIRONMENT,
  jobSeekerRegistered,
  jobSeekerState,
  JOB_SEEKER_ID,
  JOB_SEEKER_NO,
  jst,
  NOW,
  NO_ATTENDANCE,
  officeOpened,
  officeState,
  OFFICE_ID,
  OTHER_OFFICE_ID,
  plusSeconds,
  requestReservation,
  reservationRequested,
  RESERVATION_ID,
  ROOM_URL,
  SESSION_START,
  slotConfirmed,
  termsPublished,
  termsState,
  violationOf,
  ZOOM,
} from './fixtures';

const reservation = specFor(reservationDecider);

// ---- events of the default reservation's life ----
const requested = reservationRequested();
const confirmed = slotConfirmed();
const invited: InvitationSent = {
  type: 'InvitationSent',
  data: { reservationId: RESERVATION_ID, jobSeekerId: JOB_SEEKER_ID, to: EMAIL, messageId: 'msg-1', sentAt: NOW.toISOString() },
};
const checkedInAt = (at: Date): CheckedIn => ({
  type: 'CheckedIn',
  data: { reservationId: RESERVATION_ID, jobSeekerId: JOB_SEEKER_ID, checkedInAt: at.toISOString() },
});

const refusedJobSeeker = () =>
  jobSeekerState([
    jobSeekerRegistered(),
    consentGiven(),
    {
      type: 'ServiceRefused',
      data: { jobSeekerId: JOB_SEEKER_ID, article: 'A12.1', reason: 'abusive language', refusedAt: '2026-11-20T01:00:00.000Z' },
    },
  ]);
const liftedJobSeeker = () =>
  jobSeekerState([
    jobSeekerRegistered(),
    consentGiven(),
    {
      type: 'ServiceRefused',
      data: { jobSeekerId: JOB_SEEKER_ID, article: 'A12.1', reason: 'abusive language', refusedAt: '2026-11-20T01:00:00.000Z' },
    },
    { type: 'ServiceRefusalLifted', data: { jobSeekerId: JOB_SEEKER_ID, reason: 'apologised', liftedAt: '2026-11-25T01:00:00.000Z' } },
  ]);

/** A follow-up for Tuesday 2026-12-08 10:00 JST, booked at 10:05 JST during the default session. */
const FOLLOW_UP_START = jst('2026-12-08', '10:00');
const DURING_SESSION = plusSeconds(SESSION_START, 5 * 60);
function bookFollowUp(during: ReservationEvent[], overrides: Partial<Omit<BookFollowUp, 'type'>> = {}): BookFollowUp {
  return {
    type: 'BookFollowUp',
    reservationId: 'res-2',
    during: fold(reservationDecider, during),
    jobSeekerNo: JOB_SEEKER_NO,
    name: '岡山 太郎',
    email: EMAIL,
    attendance: NO_ATTENDANCE,
    confirmation: confirmation({ start: FOLLOW_UP_START, holdId: 'hold-2', sessionToken: 'tok-2' }),
    context: confirmationContext(),
    now: DURING_SESSION,
    ...overrides,
  };
}

describe('A2.1 only registered job seekers can reserve', () => {
  it('takes a request from a fully registered job seeker', () => {
    reservation.given([]).when(requestReservation()).then([requested]);
  });

  it('rejects a job-seeker number that is not registered', () => {
    reservation
      .given([])
      .when(requestReservation({ context: { jobSeeker: jobSeekerState([]), office: officeState() } }))
      .thenRejected('A2.1', /No registered job seeker/);
  });

  it('rejects a pre-registered job seeker until the registration is complete', () => {
    const pre = [jobSeekerRegistered({ registration: 'pre' }), consentGiven()];
    reservation
      .given([])
      .when(requestReservation({ context: { jobSeeker: jobSeekerState(pre), office: officeState() } }))
      .thenRejected('A2.1', /only pre-registered/);
    const completed = [...pre, { type: 'JobSeekerRegistrationCompleted', data: { jobSeekerId: JOB_SEEKER_ID } } as const];
    reservation
      .given([])
      .when(requestReservation({ context: { jobSeeker: jobSeekerState(completed), office: officeState() } }))
      .then([requested]);
  });

  it('rejects confirming for a job seeker who is not registered', () => {
    reservation
      .given([requested])
      .when(confirmSlot({ context: confirmationContext({ jobSeeker: jobSeekerState([]) }) }))
      .thenRejected('A2.1', /not registered/);
  });

  it('rejects a follow-up for a pre-registered job seeker', () => {
    reservation
      .given([])
      .when(
        bookFollowUp([requested, confirmed, invited, checkedInAt(SESSION_START)], {
          context: confirmationContext({ jobSeeker: jobSeekerState([jobSeekerRegistered({ registration: 'pre' }), consentGiven()]) }),
        }),
      )
      .thenRejected('A2.1');
  });
});

describe('A2.2 a device with a web camera and the app prepared before the first confirmation', () => {
  it('rejects a confirmation when the device has no web camera', () => {
    const jobSeeker = jobSeekerState([
      jobSeekerRegistered(),
      consentGiven({ deviceReadiness: { device: 'pc', hasWebCamera: false, appPrepared: true } }),
    ]);
    reservation
      .given([requested])
      .when(confirmSlot({ context: confirmationContext({ jobSeeker }) }))
      .thenRejected('A2.2', /a device with a web camera/);
  });

  it('rejects a confirmation when the designated app is not prepared', () => {
    const jobSeeker = jobSeekerState([
      jobSeekerRegistered(),
      consentGiven({ deviceReadiness: { device: 'smartphone', hasWebCamera: true, appPrepared: false } }),
    ]);
    reservation
      .given([requested])
      .when(confirmSlot({ context: confirmationContext({ jobSeeker }) }))
      .thenRejected('A2.2', /the Webex app prepared/);
  });
});

describe('A2.3 no confirmation without consent to the terms in force on the session date', () => {
  it('rejects a confirmation when the job seeker has never consented', () => {
    reservation
      .given([requested])
      .when(confirmSlot({ context: confirmationContext({ jobSeeker: jobSeekerState([jobSeekerRegistered()]) }) }))
      .thenRejected('A2.3', /has not consented to the terms of use \(version v1\)/);
  });

  it('confirms with consent to the version in force, and records that version', () => {
    reservation.given([requested]).when(confirmSlot()).then([confirmed]);
  });
});

describe('A4 every session gets a meeting URL for the designated app, fixed in SlotConfirmed', () => {
  const PER_SESSION = { kind: 'per-session', template: 'https://okayama.zoom.us/j/{token}' } as const;
  const zoomOffice = () =>
    officeState([
      officeOpened(),
      { type: 'DesignatedAppChanged', data: { officeId: OFFICE_ID, designatedApp: ZOOM, meetingUrlPolicy: PER_SESSION } },
    ]);
  const consentedToZoom = () =>
    jobSeekerState([jobSeekerRegistered(), consentGiven(), consentGiven({ designatedApp: ZOOM, givenAt: NOW.toISOString() })]);

  it("uses the counselor's room URL under the counselor-room policy", () => {
    reservation
      .given([requested])
      .when(confirmSlot())
      .then([slotConfirmed({ meetingUrl: ROOM_URL, designatedApp: 'Webex' })]);
  });

  it('uses the template with the session token under the per-session policy', () => {
    const office = officeState([officeOpened({ meetingUrlPolicy: { kind: 'per-session', template: 'https://okayama.webex.com/m/{token}' } })]);
    reservation
      .given([requested])
      .when(confirmSlot({ context: confirmationContext({ office }), confirmation: confirmation({ sessionToken: 'Xy7_q' }) }))
      .then([slotConfirmed({ meetingUrl: 'https://okayama.webex.com/m/Xy7_q' })]);
  });

  it('rejects the confirmation when the counselor has no room URL under the counselor-room policy', () => {
    const counselor = counselorState([counselorAdded({ roomUrl: undefined })]);
    reservation
      .given([requested])
      .when(confirmSlot({ context: confirmationContext({ counselor }) }))
      .thenRejected('A4', /Set the counselor's room URL/);
  });

  it('keeps the meeting URL of an already-built SlotConfirmed when the office later changes its app', () => {
    const built = reservationDecider.decide(confirmSlot(), fold(reservationDecider, [requested])) as SlotConfirmed[];
    const office = zoomOffice(); // the office now designates Zoom, per-session
    expect(office.designatedApp).toEqual(ZOOM);
    expect(built).toEqual([slotConfirmed({ meetingUrl: ROOM_URL, designatedApp: 'Webex' })]);

    const state = fold(reservationDecider, [requested, ...built, invited, checkedInAt(SESSION_START)]);
    expect(state.status).toBe('checked-in');
    expect((state as Extract<ReservationState, { slot: unknown }>).slot).toEqual({
      counselorId: COUNSELOR_ID,
      start: SESSION_START.toISOString(),
      meetingUrl: ROOM_URL,
      holdId: 'hold-1',
    });
  });

  it("requires consent to the new app's terms for a new confirmation after the change", () => {
    reservation
      .given([reservationRequested({ reservationId: 'res-2' })])
      .when(confirmSlot({ context: confirmationContext({ office: zoomOffice() }) }))
      .thenRejected('A4', /agreed to Webex, but ハローワーク岡山 now uses Zoom/);
  });

  it('uses the new app and its URL for a new confirmation once the job seeker consented to it', () => {
    reservation
      .given([reservationRequested({ reservationId: 'res-2' })])
      .when(
        confirmSlot({
          context: confirmationContext({ office: zoomOffice(), jobSeeker: consentedToZoom() }),
          confirmation: confirmation({ sessionToken: 'tok-2' }),
        }),
      )
      .then([slotConfirmed({ reservationId: 'res-2', meetingUrl: 'https://okayama.zoom.us/j/tok-2', designatedApp: 'Zoom' })]);
  });
});

describe('A5 an environment declaration with any item false blocks confirmation', () => {
  // The items are spelled out here, not read from the code, so dropping one there fails this spec.
  it.each(['A5.1', 'A5.2', 'A5.3', 'A5.4', 'A5.5', 'A5.6'] as const)('rejects a confirmation when %s is declared false', (item) => {
    const jobSeeker = jobSeekerState([jobSeekerRegistered(), consentGiven({ environment: { ...FULL_ENVIRONMENT, [item]: false } })]);
    const command = confirmSlot({ context: confirmationContext({ jobSeeker }) });
    reservation
      .given([requested])
      .when(command)
      .thenRejected('A5', new RegExp(`満たしていません：${item.replace('.', '\\.')}（.+）`)); // names the item and says what it is
    expect(violationOf(() => reservationDecider.decide(command, fold(reservationDecider, [requested]))).details).toEqual({ items: [item] });
  });

  it('confirms again once a new declaration with every item true is recorded', () => {
    const jobSeeker = jobSeekerState([
      jobSeekerRegistered(),
      consentGiven({ environment: { ...FULL_ENVIRONMENT, 'A5.2': false } }),
      consentGiven({ givenAt: NOW.toISOString() }),
    ]);
    reservation
      .given([requested])
      .when(confirmSlot({ context: confirmationContext({ jobSeeker }) }))
      .then([confirmed]);
  });
});

describe('A6.1 a slot is confirmed by the day before', () => {
  it('confirms a 30-minute slot (end = start + 30 min)', () => {
    reservation
      .given([requested])
      .when(confirmSlot())
      .thenEvents(([event]) => {
        expect(event.type).toBe('SlotConfirmed');
        expect(event.data).toMatchObject({ start: '2026-12-01T01:00:00.000Z', end: '2026-12-01T01:30:00.000Z' });
      });
  });

  it('allows a confirmation at exactly 23:59:59 JST of D-1', () => {
    const lastSecond = new Date('2026-11-30T14:59:59Z'); // 2026-11-30 23:59:59 JST
    reservation
      .given([requested])
      .when(confirmSlot({ now: lastSecond }))
      .then([slotConfirmed({ confirmedAt: lastSecond.toISOString() })]);
  });

  it('refuses a confirmation at 00:00:00 JST of D', () => {
    const midnight = new Date('2026-11-30T15:00:00Z'); // 2026-12-01 00:00:00 JST
    reservation
      .given([requested])
      .when(confirmSlot({ now: midnight }))
      .thenRejected('A6.1', /confirmed by 23:59 JST the day before/);
  });

  it('refuses a same-day confirmation for a late slot', () => {
    const sameDay = jst('2026-12-01', '09:00');
    reservation
      .given([requested])
      .when(confirmSlot({ now: sameDay, confirmation: confirmation({ start: jst('2026-12-01', '16:30') }) }))
      .thenRejected('A6.1');
  });

  it('refuses a follow-up on the same day as the session it is booked in', () => {
    reservation
      .given([])
      .when(
        bookFollowUp([requested, confirmed, invited, checkedInAt(SESSION_START)], {
          confirmation: confirmation({ start: jst('2026-12-01', '16:00'), holdId: 'hold-2' }),
        }),
      )
      .thenRejected('A6.1');
  });
});

describe('A6.2 a request carries channel, name, number, up to two wishes on weekdays 10:00–17:00 JST', () => {
  const wish = (date: string, hhmm: string) => requestReservation({ wishes: [jst(date, hhmm)] });

  it('records channel, name, number, e-mail, wishes and attendance', () => {
    const second = jst('2026-12-02', '14:00');
    reservation
      .given([])
      .when(requestReservation({ channel: 'counter', wishes: [SESSION_START, second], attendance: { interpreter: true, assistant: false } }))
      .then([
        reservationRequested({
          channel: 'counter',
          wishes: [SESSION_START.toISOString(), second.toISOString()],
          attendance: { interpreter: true, assistant: false },
        }),
      ]);
  });

  it('accepts a 16:30 start (it ends at 17:00)', () => {
    reservation
      .given([])
      .when(wish('2026-12-01', '16:30'))
      .then([reservationRequested({ wishes: [jst('2026-12-01', '16:30').toISOString()] })]);
  });

  it('rejects a 17:00 start, a 09:30 start and a 10:15 start', () => {
    reservation
      .given([])
      .when(wish('2026-12-01', '17:00'))
      .thenRejected('A6.2', /between 10:00 and 17:00 JST/);
    reservation
      .given([])
      .when(wish('2026-12-01', '09:30'))
      .thenRejected('A6.2', /between 10:00 and 17:00 JST/);
    reservation
      .given([])
      .when(wish('2026-12-01', '10:15'))
      .thenRejected('A6.2', /on the hour or the half hour/);
  });

  it('names a start off by seconds with its seconds, not as the valid minute it rounds to', () => {
    reservation
      .given([])
      .when(requestReservation({ wishes: [plusSeconds(SESSION_START, 30)] }))
      .thenRejected('A6.2', /第1希望 2026年12月1日（火）10:00:30 は開始時刻になりません/);
  });

  it('rejects Saturday and Sunday', () => {
    reservation
      .given([])
      .when(wish('2026-12-05', '10:00'))
      .thenRejected('A6.2', /Saturday/);
    reservation
      .given([])
      .when(wish('2026-12-06', '10:00'))
      .thenRejected('A6.2', /Sunday/);
  });

  it('rejects national holidays (2026-11-23 勤労感謝の日, 2027-01-11 成人の日)', () => {
    reservation
      .given([])
      .when(requestReservation({ wishes: [jst('2026-11-23', '10:00')], now: new Date('2026-11-01T01:00:00Z') }))
      .thenRejected('A6.2', /national holiday \(勤労感謝の日\)/);
    reservation
      .given([])
      .when(wish('2027-01-11', '10:00'))
      .thenRejected('A6.2', /national holiday \(成人の日\)/);
    reservation
      .given([])
      .when(wish('2027-01-11', '10:00'))
      .thenRejected('A6.2', /第1希望 2027年1月11日（月）10:00：祝日・休日（成人の日）のため面談はありません/);
  });

  it('names 国民の休日 (a day between two holidays) by its name, not as 休日', () => {
    reservation
      .given([])
      .when(requestReservation({ wishes: [jst('2026-09-22', '10:00')], now: new Date('2026-09-01T01:00:00Z') }))
      .thenRejected('A6.2', /2026年9月22日（火）10:00：祝日・休日（国民の休日）のため/);
  });

  it('rejects the year-end closure 12/29 – 1/3', () => {
    for (const date of ['2026-12-29', '2026-12-30', '2026-12-31']) {
      reservation
        .given([])
        .when(wish(date, '10:00'))
        .thenRejected('A6.2', /year-end closure/);
    }
    for (const date of ['2027-01-01', '2027-01-02', '2027-01-03']) {
      reservation.given([]).when(wish(date, '10:00')).thenRejected('A6.2');
    }
  });

  it('accepts 12/28 and 1/4 (weekdays)', () => {
    for (const date of ['2026-12-28', '2027-01-04']) {
      reservation
        .given([])
        .when(wish(date, '10:00'))
        .then([reservationRequested({ wishes: [jst(date, '10:00').toISOString()] })]);
    }
  });

  it('rejects a 2nd wish outside the rules, and more than two wishes', () => {
    reservation
      .given([])
      .when(requestReservation({ wishes: [SESSION_START, jst('2026-12-05', '10:00')] }))
      .thenRejected('A6.2', /第2希望 2026年12月5日（土）10:00：土曜日のため/);
    reservation
      .given([])
      .when(requestReservation({ wishes: [SESSION_START, jst('2026-12-05', '10:00')] }))
      .thenRejected('A6.2', /2nd wish 2026-12-05 10:00 JST: no sessions because 2026-12-05 is a Saturday/);
    reservation
      .given([])
      .when(requestReservation({ wishes: [SESSION_START, jst('2026-12-02', '10:00'), jst('2026-12-03', '10:00')] }))
      .thenRejected('A6.2', /at most a 2nd/);
    reservation
      .given([])
      .when(requestReservation({ wishes: [] }))
      .thenRejected('A6.2', /1st wished/);
    reservation
      .given([])
      .when(requestReservation({ wishes: [SESSION_START, SESSION_START] }))
      .thenRejected('A6.2', /same as the 1st/);
  });

  it('rejects a wish in the past', () => {
    reservation
      .given([])
      .when(requestReservation({ now: plusSeconds(SESSION_START, 60) }))
      .thenRejected('A6.2', /in the past/);
  });

  it('rejects confirming a slot on a holiday or outside the hours', () => {
    reservation
      .given([requested])
      .when(confirmSlot({ confirmation: confirmation({ start: jst('2027-01-11', '10:00') }) }))
      .thenRejected('A6.2', /成人の日/);
    reservation
      .given([requested])
      .when(confirmSlot({ confirmation: confirmation({ start: jst('2026-12-01', '17:00') }) }))
      .thenRejected('A6.2');
  });
});

describe('A6.3 confirmation triggers an invitation whose delivery is recorded', () => {
  it('records the invitation sent to the e-mail of the request', () => {
    reservation
      .given([requested, confirmed])
      .when({ type: 'RecordInvitationSent', messageId: 'msg-1', now: NOW })
      .then([
        {
          type: 'InvitationSent',
          data: { reservationId: RESERVATION_ID, jobSeekerId: JOB_SEEKER_ID, to: EMAIL, messageId: 'msg-1', sentAt: NOW.toISOString() },
        },
      ]);
  });

  it('emits nothing the second time', () => {
    reservation.given([requested, confirmed, invited]).when({ type: 'RecordInvitationSent', messageId: 'msg-2', now: NOW }).then([]);
  });

  it('rejects an invitation for a reservation that is only requested', () => {
    reservation
      .given([requested])
      .when({ type: 'RecordInvitationSent', messageId: 'msg-1', now: NOW })
      .thenRejected('A6.3', /this reservation is requested/);
  });

  it('records a failed delivery for staff', () => {
    reservation
      .given([requested, confirmed])
      .when({ type: 'RecordInvitationFailed', reason: '550 mailbox unavailable', now: NOW })
      .then([
        {
          type: 'InvitationFailed',
          data: { reservationId: RESERVATION_ID, jobSeekerId: JOB_SEEKER_ID, reason: '550 mailbox unavailable', failedAt: NOW.toISOString() },
        },
      ]);
    reservation.given([requested]).when({ type: 'RecordInvitationFailed', reason: 'x', now: NOW }).thenRejected('A6.3');
  });
});

describe('A6.4 a follow-up booked during a session is requested and confirmed in one step', () => {
  const during = [requested, confirmed, invited, checkedInAt(SESSION_START)];

  it('emits ReservationRequested (during-session) and SlotConfirmed together', () => {
    reservation
      .given([])
      .when(bookFollowUp(during))
      .then([
        reservationRequested({
          reservationId: 'res-2',
          channel: 'during-session',
          wishes: [FOLLOW_UP_START.toISOString()],
          requestedDuring: RESERVATION_ID,
          requestedAt: DURING_SESSION.toISOString(),
        }),
        slotConfirmed({ reservationId: 'res-2', start: FOLLOW_UP_START.toISOString(), holdId: 'hold-2', confirmedAt: DURING_SESSION.toISOString() }),
      ]);
  });

  it('can then be invited', () => {
    const booked = reservationDecider.decide(bookFollowUp(during), fold(reservationDecider, []));
    reservation
      .given(booked)
      .when({ type: 'RecordInvitationSent', messageId: 'msg-2', now: DURING_SESSION })
      .then([
        {
          type: 'InvitationSent',
          data: { reservationId: 'res-2', jobSeekerId: JOB_SEEKER_ID, to: EMAIL, messageId: 'msg-2', sentAt: DURING_SESSION.toISOString() },
        },
      ]);
  });

  it('rejects a follow-up from a reservation that is not checked in', () => {
    reservation
      .given([])
      .when(bookFollowUp([requested, confirmed, invited]))
      .thenRejected('A6.4', /this reservation is booked from is invited|booked from is invited/);
    reservation
      .given([])
      .when(bookFollowUp([requested, confirmed]))
      .thenRejected('A6.4', /confirmed/);
    reservation
      .given([])
      .when(bookFollowUp([requested]))
      .thenRejected('A6.4', /requested/);
  });

  it('still applies the confirmation rules (consent) to the follow-up', () => {
    reservation
      .given([])
      .when(bookFollowUp(during, { context: confirmationContext({ jobSeeker: jobSeekerState([jobSeekerRegistered()]) }) }))
      .thenRejected('A2.3');
  });
});

describe('A6.5 10 minutes after the start with no check-in the session is missed, exactly once', () => {
  const missedAt = (at: Date) =>
    ({
      type: 'SessionMissed',
      data: {
        reservationId: RESERVATION_ID,
        jobSeekerId: JOB_SEEKER_ID,
        counselorId: COUNSELOR_ID,
        start: SESSION_START.toISOString(),
        recordedAt: at.toISOString(),
      },
    }) as const;
  const tenMinutes = plusSeconds(SESSION_START, 600);
  const nineFiftyNine = plusSeconds(SESSION_START, 599);

  it('rejects MarkMissed before start + 10 minutes', () => {
    reservation
      .given([requested, confirmed, invited])
      .when({ type: 'MarkMissed', now: nineFiftyNine })
      .thenRejected('A6.5', /only 10 minutes after its start/);
  });

  it('records SessionMissed at start + 10 minutes', () => {
    reservation
      .given([requested, confirmed, invited])
      .when({ type: 'MarkMissed', now: tenMinutes })
      .then([missedAt(tenMinutes)]);
    reservation
      .given([requested, confirmed])
      .when({ type: 'MarkMissed', now: tenMinutes })
      .then([missedAt(tenMinutes)]);
  });

  it('emits nothing for a second MarkMissed', () => {
    reservation
      .given([requested, confirmed, invited, missedAt(tenMinutes)])
      .when({ type: 'MarkMissed', now: plusSeconds(tenMinutes, 60) })
      .then([]);
  });

  it('emits nothing for MarkMissed after a check-in or a cancellation', () => {
    reservation
      .given([requested, confirmed, invited, checkedInAt(SESSION_START)])
      .when({ type: 'MarkMissed', now: tenMinutes })
      .then([]);
    const cancelled = {
      type: 'ReservationCancelled',
      data: { reservationId: RESERVATION_ID, jobSeekerId: JOB_SEEKER_ID, channel: 'phone', reason: 'ill', cancelledAt: NOW.toISOString() },
    } as const;
    reservation.given([requested, confirmed, invited, cancelled]).when({ type: 'MarkMissed', now: tenMinutes }).then([]);
  });

  it('allows a check-in at start + 9:59', () => {
    reservation
      .given([requested, confirmed, invited])
      .when({ type: 'CheckIn', now: nineFiftyNine })
      .then([checkedInAt(nineFiftyNine)]);
  });

  it('A7.1: records the device the job seeker joined from, as the application sealed and pseudonymised it', () => {
    const device = { identifier: 'webex-device-1', pseudonym: 'p-1' };
    reservation
      .given([requested, confirmed, invited])
      .when({ type: 'CheckIn', device, now: nineFiftyNine })
      .then([
        { type: 'CheckedIn', data: { reservationId: RESERVATION_ID, jobSeekerId: JOB_SEEKER_ID, checkedInAt: nineFiftyNine.toISOString(), device } },
      ]);
  });

  it('refuses a check-in at start + 10 minutes, and after the session was missed', () => {
    reservation
      .given([requested, confirmed, invited])
      .when({ type: 'CheckIn', now: tenMinutes })
      .thenRejected('A6.5', /counts as cancelled/);
    reservation
      .given([requested, confirmed, invited, missedAt(tenMinutes)])
      .when({ type: 'CheckIn', now: nineFiftyNine })
      .thenRejected('A6.5');
  });

  it('records a cancellation by phone before the start, with the slot to release', () => {
    const at = plusSeconds(SESSION_START, -3600);
    reservation
      .given([requested, confirmed, invited])
      .when({ type: 'CancelReservation', channel: 'phone', reason: 'found a job', now: at })
      .then([
        {
          type: 'ReservationCancelled',
          data: {
            reservationId: RESERVATION_ID,
            jobSeekerId: JOB_SEEKER_ID,
            channel: 'phone',
            reason: 'found a job',
            cancelledAt: at.toISOString(),
            slot: { counselorId: COUNSELOR_ID, start: SESSION_START.toISOString() },
          },
        },
      ]);
  });

  it('refuses a cancellation once 10 minutes have passed after the start', () => {
    reservation
      .given([requested, confirmed, invited])
      .when({ type: 'CancelReservation', channel: 'phone', reason: 'overslept', now: plusSeconds(tenMinutes, 60) })
      .thenRejected('A6.5', /already counts as cancelled \(missed\)/);
    reservation
      .given([requested, confirmed, invited])
      .when({ type: 'CancelReservation', channel: 'phone', reason: 'late call', now: nineFiftyNine })
      .thenEvents((events) => expect(events.map((e) => e.type)).toEqual(['ReservationCancelled']));
  });
});

describe('A6.5 a cancelled or missed session gives its slot back to the counselor', () => {
  const cancelledAt = (withSlot: boolean) =>
    ({
      type: 'ReservationCancelled',
      data: {
        reservationId: RESERVATION_ID,
        jobSeekerId: JOB_SEEKER_ID,
        channel: 'phone',
        reason: 'ill',
        cancelledAt: NOW.toISOString(),
        ...(withSlot ? { slot: { counselorId: COUNSELOR_ID, start: SESSION_START.toISOString() } } : {}),
      },
    }) as const;
  const slotOf = (events: ReservationEvent[]) => slotNoLongerNeeded(fold(reservationDecider, events));
  const missedAt = (at: Date) =>
    ({
      type: 'SessionMissed',
      data: {
        reservationId: RESERVATION_ID,
        jobSeekerId: JOB_SEEKER_ID,
        counselorId: COUNSELOR_ID,
        start: SESSION_START.toISOString(),
        recordedAt: at.toISOString(),
      },
    }) as const;
  const tenMinutes = plusSeconds(SESSION_START, 600);

  it('names the slot of a cancelled confirmed session, and of a missed one, with the reason', () => {
    expect(slotOf([requested, confirmed, invited, cancelledAt(true)])).toEqual({
      counselorId: COUNSELOR_ID,
      start: SESSION_START.toISOString(),
      reason: 'cancelled',
    });
    expect(slotOf([requested, confirmed, missedAt(tenMinutes)])).toEqual({
      counselorId: COUNSELOR_ID,
      start: SESSION_START.toISOString(),
      reason: 'missed',
    });
  });

  it('names none while the session still needs its slot, or when the reservation never had one', () => {
    expect(slotOf([])).toBeUndefined();
    expect(slotOf([requested])).toBeUndefined();
    expect(slotOf([requested, confirmed, invited])).toBeUndefined();
    expect(slotOf([requested, confirmed, invited, checkedInAt(SESSION_START)])).toBeUndefined();
    expect(slotOf([requested, cancelledAt(false)])).toBeUndefined();
  });
});

describe('A12.1 a refused job seeker cannot be booked until the refusal is lifted', () => {
  it('rejects a request for a refused job seeker', () => {
    reservation
      .given([])
      .when(requestReservation({ context: { jobSeeker: refusedJobSeeker(), office: officeState() } }))
      .thenRejected('A12.1', /refused on 2026-11-20 \(A12\.1\)/);
  });

  it('rejects a confirmation for a refused job seeker', () => {
    reservation
      .given([requested])
      .when(confirmSlot({ context: confirmationContext({ jobSeeker: refusedJobSeeker() }) }))
      .thenRejected('A12.1', /must be lifted/);
  });

  it('rejects a follow-up for a refused job seeker', () => {
    reservation
      .given([])
      .when(
        bookFollowUp([requested, confirmed, invited, checkedInAt(SESSION_START)], {
          context: confirmationContext({ jobSeeker: refusedJobSeeker() }),
        }),
      )
      .thenRejected('A12.1');
  });

  it('books and confirms again once the refusal is lifted', () => {
    reservation
      .given([])
      .when(requestReservation({ context: { jobSeeker: liftedJobSeeker(), office: officeState() } }))
      .then([requested]);
    reservation
      .given([requested])
      .when(confirmSlot({ context: confirmationContext({ jobSeeker: liftedJobSeeker() }) }))
      .then([confirmed]);
  });

  it('lets staff stop a checked-in session', () => {
    reservation
      .given([requested, confirmed, invited, checkedInAt(SESSION_START)])
      .when({ type: 'StopSession', reason: 'threats (A12.1)', now: DURING_SESSION })
      .then([
        {
          type: 'SessionStopped',
          data: { reservationId: RESERVATION_ID, jobSeekerId: JOB_SEEKER_ID, reason: 'threats (A12.1)', stoppedAt: DURING_SESSION.toISOString() },
        },
      ]);
  });
});

describe('A12.1 refusing service cancels what the job seeker still has ahead', () => {
  const refusal = { article: 'A12.1', reason: 'abusive language', since: '2026-11-20T01:00:00.000Z' } as const;
  const cancelForRefusal = (now: Date) => ({ type: 'CancelForRefusal', refusal, now }) as const;
  const cancelledForRefusal = (now: Date, slot?: { counselorId: string; start: string }) =>
    ({
      type: 'ReservationCancelled',
      data: {
        reservationId: RESERVATION_ID,
        jobSeekerId: JOB_SEEKER_ID,
        channel: 'staff',
        reason: 'abusive language',
        cancelledAt: now.toISOString(),
        refusal: { article: 'A12.1', refusedAt: '2026-11-20T01:00:00.000Z' },
        ...(slot ? { slot } : {}),
      },
    }) as const;
  const slot = { counselorId: COUNSELOR_ID, start: SESSION_START.toISOString() };

  it('A6.3 an invitation the transport accepted after the refusal cancelled the session is recorded, once, and the session stays cancelled', () => {
    const late = {
      type: 'InvitationSentAfterCancellation',
      data: { reservationId: RESERVATION_ID, jobSeekerId: JOB_SEEKER_ID, to: EMAIL, messageId: 'msg-1', sentAt: NOW.toISOString() },
    } as const;
    const cancelled = [requested, confirmed, cancelledForRefusal(NOW, slot)];
    reservation.given(cancelled).when({ type: 'RecordInvitationSent', messageId: 'msg-1', now: NOW }).then([late]);
    reservation
      .given([...cancelled, late])
      .when({ type: 'RecordInvitationSent', messageId: 'msg-1', now: NOW })
      .then([]);
    expect(fold(reservationDecider, [...cancelled, late])).toMatchObject({ status: 'cancelled', invitedAfterCancellation: 'msg-1' });
    // A request cancelled before any confirmation was never invited: nothing to record.
    reservation
      .given([requested, cancelledForRefusal(NOW)])
      .when({ type: 'RecordInvitationSent', messageId: 'msg-1', now: NOW })
      .thenRejected('A6.3');
  });

  it('cancels a confirmed or invited session with the refusal as its reason, giving its slot back', () => {
    reservation
      .given([requested, confirmed])
      .when(cancelForRefusal(NOW))
      .then([cancelledForRefusal(NOW, slot)]);
    reservation
      .given([requested, confirmed, invited])
      .when(cancelForRefusal(NOW))
      .then([cancelledForRefusal(NOW, slot)]);
    expect(slotNoLongerNeeded(fold(reservationDecider, [requested, confirmed, cancelledForRefusal(NOW, slot)]))).toEqual({
      ...slot,
      reason: 'cancelled',
    });
  });

  it('cancels an open request: a refused job seeker cannot be booked, so it could only wait in the to-do list', () => {
    reservation
      .given([requested])
      .when(cancelForRefusal(NOW))
      .then([cancelledForRefusal(NOW)]);
  });

  it('cancels a session that started less than 10 minutes ago and was not joined; not one past its A6.5 deadline (missed)', () => {
    const started = plusSeconds(SESSION_START, 599);
    reservation
      .given([requested, confirmed, invited])
      .when(cancelForRefusal(started))
      .then([cancelledForRefusal(started, slot)]);
    reservation
      .given([requested, confirmed, invited])
      .when(cancelForRefusal(plusSeconds(SESSION_START, 600)))
      .then([]);
  });

  it('leaves a session in progress (staff stop it), one that ended, and one cancelled already; never refused, so it can be sent again', () => {
    reservation
      .given([requested, confirmed, invited, checkedInAt(SESSION_START)])
      .when(cancelForRefusal(DURING_SESSION))
      .then([]);
    reservation
      .given([requested, confirmed, cancelledForRefusal(NOW, slot)])
      .when(cancelForRefusal(NOW))
      .then([]);
    reservation
      .given([
        requested,
        confirmed,
        invited,
        checkedInAt(SESSION_START),
        { type: 'SessionCompleted', data: { reservationId: RESERVATION_ID, completedAt: DURING_SESSION.toISOString() } },
      ])
      .when(cancelForRefusal(DURING_SESSION))
      .then([]);
  });
});

describe('A12.3 an interpreter or assistant is notified before the session starts', () => {
  const notified = (role: 'interpreter' | 'assistant', at: Date) =>
    ({
      type: 'InterpreterNotified',
      data: { reservationId: RESERVATION_ID, jobSeekerId: JOB_SEEKER_ID, role, note: 'sign language', notifiedAt: at.toISOString() },
    }) as const;
  const oneMinuteBefore = plusSeconds(SESSION_START, -60);

  it('records an interpreter notified before the start', () => {
    reservation
      .given([requested, confirmed, invited])
      .when({ type: 'NotifyInterpreter', role: 'interpreter', note: 'sign language', now: oneMinuteBefore })
      .then([notified('interpreter', oneMinuteBefore)]);
    reservation
      .given([requested])
      .when({ type: 'NotifyInterpreter', role: 'assistant', note: 'sign language', now: NOW })
      .then([notified('assistant', NOW)]);
  });

  it('refuses a notification at or after the start', () => {
    reservation
      .given([requested, confirmed, invited])
      .when({ type: 'NotifyInterpreter', role: 'interpreter', note: 'x', now: SESSION_START })
      .thenRejected('A12.3', /before the session starts/);
    reservation
      .given([requested, confirmed])
      .when({ type: 'NotifyInterpreter', role: 'assistant', note: 'x', now: plusSeconds(SESSION_START, 60) })
      .thenRejected('A12.3');
  });

  it('emits nothing when the same role is notified twice, but records the other role', () => {
    reservation
      .given([requested, confirmed, notified('interpreter', NOW)])
      .when({ type: 'NotifyInterpreter', role: 'interpreter', note: 'again', now: NOW })
      .then([]);
    reservation
      .given([requested, notified('interpreter', NOW), confirmed])
      .when({ type: 'NotifyInterpreter', role: 'interpreter', note: 'again', now: NOW })
      .then([]);
    reservation
      .given([requested, confirmed, notified('interpreter', NOW)])
      .when({ type: 'NotifyInterpreter', role: 'assistant', note: 'sign language', now: NOW })
      .then([notified('assistant', NOW)]);
  });
});

describe('A13 sessions on or after a new version’s effective date need consent to it', () => {
  // v2 was published on 2026-11-20 and takes effect on Wednesday 2026-12-02.
  const terms = termsState([termsPublished('v1', '2026-04-01'), termsPublished('v2', '2026-12-02', '2026-11-20T00:00:00.000Z')]);
  const onV2Date = jst('2026-12-02', '10:00');

  it('rejects a session on the effective date with consent only to the older version', () => {
    reservation
      .given([requested])
      .when(confirmSlot({ context: confirmationContext({ terms }), confirmation: confirmation({ start: onV2Date }) }))
      .thenRejected('A13', /v2 takes effect on 2026-12-02; the job seeker consented only to v1/);
  });

  it('confirms a session on the effective date with consent to the new version', () => {
    const jobSeeker = jobSeekerState([jobSeekerRegistered(), consentGiven(), consentGiven({ termsVersion: 'v2', givenAt: NOW.toISOString() })]);
    reservation
      .given([requested])
      .when(confirmSlot({ context: confirmationContext({ terms, jobSeeker }), confirmation: confirmation({ start: onV2Date }) }))
      .then([slotConfirmed({ start: onV2Date.toISOString(), termsVersion: 'v2' })]);
  });

  it('still confirms a session before the effective date with the old consent', () => {
    reservation
      .given([requested])
      .when(confirmSlot({ context: confirmationContext({ terms }) }))
      .then([slotConfirmed({ termsVersion: 'v1' })]);
  });

  it('rejects a confirmation when no terms are in force on the session date', () => {
    reservation
      .given([requested])
      .when(confirmSlot({ context: confirmationContext({ terms: termsState([]) }) }))
      .thenRejected('A13', /No terms of use are in force on 2026-12-01/);
  });
});

describe('COUNSELOR the counselor must belong to the office and be available', () => {
  it('rejects a counselor of another office', () => {
    const counselor = counselorState([counselorAdded({ officeId: OTHER_OFFICE_ID })]);
    reservation
      .given([requested])
      .when(confirmSlot({ context: confirmationContext({ counselor }) }))
      .thenRejected('COUNSELOR', /works for another office/);
  });

  it('rejects a counselor on leave that day', () => {
    const counselor = counselorState([
      counselorAdded(),
      {
        type: 'AvailabilityExceptionAdded',
        data: { counselorId: COUNSELOR_ID, exception: { exceptionId: 'ex-1', kind: 'leave', date: '2026-12-01', reason: 'annual leave' } },
      },
    ]);
    reservation
      .given([requested])
      .when(confirmSlot({ context: confirmationContext({ counselor }) }))
      .thenRejected('COUNSELOR', /Cannot confirm 2026-12-01 10:00 JST: 佐藤 is on leave/);
  });

  it('rejects an inactive counselor', () => {
    const counselor = counselorState([
      counselorAdded(),
      { type: 'CounselorDeactivated', data: { counselorId: COUNSELOR_ID, reason: 'transferred' } },
    ]);
    reservation
      .given([requested])
      .when(confirmSlot({ context: confirmationContext({ counselor }) }))
      .thenRejected('COUNSELOR', /no longer active/);
  });

  it('rejects a weekday the counselor does not work', () => {
    const counselor = counselorState([
      counselorAdded(),
      { type: 'WeeklyHoursSet', data: { counselorId: COUNSELOR_ID, weeklyHours: { '1': null, '2': null, '3': null, '4': null, '5': null } } },
    ]);
    reservation
      .given([requested])
      .when(confirmSlot({ context: confirmationContext({ counselor }) }))
      .thenRejected('COUNSELOR', /does not work on this weekday/);
  });
});

describe('OFFICE an office closure day blocks wishes and confirmations', () => {
  const closed = () =>
    officeState([
      officeOpened(),
      { type: 'OfficeClosureDayAdded', data: { officeId: OFFICE_ID, date: '2026-12-02', reason: 'building inspection' } },
    ]);
  const closureDay = jst('2026-12-02', '10:00');

  it('rejects a wish on the closure day with A6.2, naming the office closure', () => {
    reservation
      .given([])
      .when(requestReservation({ wishes: [closureDay], context: { jobSeeker: jobSeekerState(), office: closed() } }))
      .thenRejected('A6.2', /the office is closed on 2026-12-02 \(building inspection\)/);
    reservation
      .given([])
      .when(requestReservation({ wishes: [closureDay] }))
      .thenEvents((events) => expect(events).toHaveLength(1));
  });

  it('rejects a confirmation on the closure day with A6.2, naming the office closure', () => {
    reservation
      .given([requested])
      .when(confirmSlot({ context: confirmationContext({ office: closed() }), confirmation: confirmation({ start: closureDay }) }))
      .thenRejected('A6.2', /the office is closed on 2026-12-02 \(building inspection\)/);
    reservation
      .given([requested])
      .when(confirmSlot({ context: confirmationContext({ office: closed() }) }))
      .then([confirmed]);
  });
});

describe('RESERVATION lifecycle', () => {
  it('emits nothing for a request re-sent for an existing reservation', () => {
    reservation.given([requested]).when(requestReservation()).then([]);
  });

  it('rejects confirming a reservation twice', () => {
    reservation
      .given([requested, confirmed])
      .when(confirmSlot())
      .thenRejected('RESERVATION', /this reservation is confirmed/);
  });

  it('opens check-in 15 minutes before the start', () => {
    reservation
      .given([requested, confirmed, invited])
      .when({ type: 'CheckIn', now: plusSeconds(SESSION_START, -15 * 60 - 1) })
      .thenRejected('RESERVATION', /opens 15 minutes/);
    reservation
      .given([requested, confirmed, invited])
      .when({ type: 'CheckIn', now: plusSeconds(SESSION_START, -15 * 60) })
      .then([checkedInAt(plusSeconds(SESSION_START, -15 * 60))]);
  });

  it('completes a checked-in session', () => {
    reservation
      .given([requested, confirmed, invited, checkedInAt(SESSION_START)])
      .when({ type: 'CompleteSession', now: plusSeconds(SESSION_START, 1800) })
      .then([{ type: 'SessionCompleted', data: { reservationId: RESERVATION_ID, completedAt: plusSeconds(SESSION_START, 1800).toISOString() } }]);
  });

  it('records an abandoned confirmation only while still requested, and once', () => {
    const command = { type: 'AbandonConfirmation', holdId: 'hold-1', counselorId: COUNSELOR_ID, start: SESSION_START, now: NOW } as const;
    reservation
      .given([requested])
      .when(command)
      .then([
        {
          type: 'ConfirmationAbandoned',
          data: {
            reservationId: RESERVATION_ID,
            counselorId: COUNSELOR_ID,
            start: SESSION_START.toISOString(),
            holdId: 'hold-1',
            abandonedAt: NOW.toISOString(),
          },
        },
      ]);
    reservation.given([requested, confirmed]).when(command).then([]);
    const abandoned = reservationDecider.decide(command, fold(reservationDecider, [requested]));
    reservation
      .given([requested, ...abandoned])
      .when(command)
      .then([]);
  });
});

describe('SLOT a confirmation whose hold was abandoned cannot finish later', () => {
  const abandoned = {
    type: 'ConfirmationAbandoned',
    data: {
      reservationId: RESERVATION_ID,
      counselorId: COUNSELOR_ID,
      start: SESSION_START.toISOString(),
      holdId: 'hold-1',
      abandonedAt: NOW.toISOString(),
    },
  } as const;

  it('rejects finishing the abandoned confirmation (same holdId)', () => {
    reservation
      .given([requested, abandoned])
      .when(confirmSlot())
      .thenRejected('SLOT', /did not finish in time/);
  });

  it('confirms again under a new hold', () => {
    reservation
      .given([requested, abandoned])
      .when(confirmSlot({ confirmation: confirmation({ holdId: 'hold-2' }) }))
      .then([slotConfirmed({ holdId: 'hold-2' })]);
  });
});
