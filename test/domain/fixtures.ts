/**
 * Small builders for the domain specs. Every instant is fixed: the specs never read the wall
 * clock. `NOW` is Thursday 2026-11-26 10:00 JST; the default session is Tuesday 2026-12-01
 * 10:00 JST (a business day: no holiday, not in the year-end closure).
 */
import { addMinutes, jstInstant, JstDate, parseMinute, SESSION_MINUTES } from '../../src/domain/calendar/business-calendar';
import { Counselor, CounselorEvent, counselorDecider, knownCounselor } from '../../src/domain/counselor/counselor';
import {
  Consent,
  ConsentGiven,
  EnvironmentDeclaration,
  JobSeekerEvent,
  JobSeekerRegistered,
  JobSeekerState,
  jobSeekerDecider,
} from '../../src/domain/job-seeker/job-seeker';
import { DesignatedApp, MeetingUrlPolicy, Office, OfficeEvent, OfficeOpened, officeDecider, openOffice } from '../../src/domain/office/office';
import { ConfirmationContext } from '../../src/domain/reservation/confirmation-policy';
import {
  Attendance,
  Confirmation,
  ConfirmSlot,
  ReservationRequested,
  RequestReservation,
  SlotConfirmed,
} from '../../src/domain/reservation/reservation';
import { fold } from '../../src/domain/shared/decider';
import { RuleViolation } from '../../src/domain/shared/errors';
import { TermsEvent, TermsState, TermsVersionPublished, termsDecider } from '../../src/domain/terms/terms';

// ---- time -------------------------------------------------------------------------------

/** Thursday 2026-11-26 10:00 JST. */
export const NOW = new Date('2026-11-26T01:00:00Z');

/** The instant of 'HH:MM' JST on a JST date. */
export function jst(date: JstDate, hhmm: string): Date {
  return jstInstant(date, parseMinute(hhmm));
}

/** Tuesday 2026-12-01 (a business day). */
export const SESSION_DATE = '2026-12-01';
/** Tuesday 2026-12-01 10:00 JST = 01:00 UTC. */
export const SESSION_START = jst(SESSION_DATE, '10:00');

export function plusSeconds(instant: Date, seconds: number): Date {
  return new Date(instant.getTime() + seconds * 1000);
}

// ---- ids --------------------------------------------------------------------------------

export const OFFICE_ID = 'office-okayama';
export const OTHER_OFFICE_ID = 'office-kurashiki';
export const COUNSELOR_ID = 'counselor-sato';
export const JOB_SEEKER_ID = 'js-7f3a';
export const JOB_SEEKER_NO = '33010-12345678';
export const RESERVATION_ID = 'res-1';
export const EMAIL = 'taro@example.jp';

// ---- terms (A13) ------------------------------------------------------------------------

export function termsPublished(
  version = 'v1',
  effectiveFrom: JstDate = '2026-04-01',
  publishedAt = '2026-03-01T00:00:00.000Z',
): TermsVersionPublished {
  return {
    type: 'TermsVersionPublished',
    data: { version, effectiveFrom, title: `オンライン職業相談等利用規約 ${version}`, summary: 'summary', publishedAt },
  };
}

export function termsState(events: TermsEvent[] = [termsPublished()]): TermsState {
  return fold(termsDecider, events);
}

// ---- office (A4, OFFICE) ----------------------------------------------------------------

export const WEBEX: DesignatedApp = { name: 'Webex', termsUrl: 'https://www.webex.com/terms-of-service.html' };
export const ZOOM: DesignatedApp = { name: 'Zoom', termsUrl: 'https://explore.zoom.us/ja/terms/' };
export const ROOM_URL = 'https://okayama.webex.com/meet/sato';

export function officeOpened(
  overrides: Partial<{ officeId: string; designatedApp: DesignatedApp; meetingUrlPolicy: MeetingUrlPolicy; name: string }> = {},
): OfficeOpened {
  return {
    type: 'OfficeOpened',
    data: {
      officeId: OFFICE_ID,
      name: 'ハローワーク岡山',
      cancellationPhone: '086-241-3222',
      senderEmail: 'online@okayama.hellowork.example.jp',
      designatedApp: WEBEX,
      meetingUrlPolicy: { kind: 'counselor-room' },
      ...overrides,
    },
  };
}

export function officeState(events: OfficeEvent[] = [officeOpened()]): Office {
  return openOffice(fold(officeDecider, events));
}

// ---- counselor (COUNSELOR) --------------------------------------------------------------

export function counselorAdded(overrides: Partial<{ counselorId: string; officeId: string; name: string; roomUrl?: string }> = {}): CounselorEvent {
  return { type: 'CounselorAdded', data: { counselorId: COUNSELOR_ID, officeId: OFFICE_ID, name: '佐藤', roomUrl: ROOM_URL, ...overrides } };
}

export function counselorState(events: CounselorEvent[] = [counselorAdded()]): Counselor {
  return knownCounselor(fold(counselorDecider, events), COUNSELOR_ID);
}

// ---- job seeker (A2.1, A2.2, A4, A5, A12.2) ---------------------------------------------

export function jobSeekerRegistered(overrides: Partial<JobSeekerRegistered['data']> = {}): JobSeekerRegistered {
  return {
    type: 'JobSeekerRegistered',
    data: {
      jobSeekerId: JOB_SEEKER_ID,
      jobSeekerNo: JOB_SEEKER_NO,
      generation: 0,
      registration: 'full',
      name: '岡山 太郎',
      email: EMAIL,
      phone: '090-0000-0000',
      inPersonDifficulty: 'lives on an island without a daily ferry',
      ...overrides,
    },
  };
}

export const FULL_ENVIRONMENT: EnvironmentDeclaration = {
  'A5.1': true,
  'A5.2': true,
  'A5.3': true,
  'A5.4': true,
  'A5.5': true,
  'A5.6': true,
};

export const READY_DEVICE: Consent['deviceReadiness'] = { device: 'pc', hasWebCamera: true, appPrepared: true };

export function consentGiven(overrides: Partial<Consent> = {}): ConsentGiven {
  return {
    type: 'ConsentGiven',
    data: {
      jobSeekerId: JOB_SEEKER_ID,
      recordingProhibitionAcknowledged: true,
      termsVersion: 'v1',
      environment: FULL_ENVIRONMENT,
      deviceReadiness: READY_DEVICE,
      designatedApp: WEBEX,
      givenAt: '2026-11-20T01:00:00.000Z',
      ...overrides,
    },
  };
}

/** A registered (full) job seeker with a complete consent to v1 for Webex, unless told otherwise. */
export function jobSeekerState(events: JobSeekerEvent[] = [jobSeekerRegistered(), consentGiven()]): JobSeekerState {
  return fold(jobSeekerDecider, events);
}

// ---- reservation ------------------------------------------------------------------------

export const NO_ATTENDANCE: Attendance = { interpreter: false, assistant: false };

export function confirmationContext(overrides: Partial<ConfirmationContext> = {}): ConfirmationContext {
  return {
    jobSeeker: jobSeekerState(),
    terms: termsState(),
    office: officeState(),
    counselor: counselorState(),
    ...overrides,
  };
}

export function confirmation(overrides: Partial<Confirmation> = {}): Confirmation {
  return { counselorId: COUNSELOR_ID, start: SESSION_START, holdId: 'hold-1', sessionToken: 'tok-1', ...overrides };
}

export function requestReservation(overrides: Partial<Omit<RequestReservation, 'type'>> = {}): RequestReservation {
  return {
    type: 'RequestReservation',
    reservationId: RESERVATION_ID,
    officeId: OFFICE_ID,
    context: { jobSeeker: jobSeekerState(), office: officeState() },
    jobSeekerNo: JOB_SEEKER_NO,
    name: '岡山 太郎',
    email: EMAIL,
    channel: 'phone',
    wishes: [SESSION_START],
    attendance: NO_ATTENDANCE,
    now: NOW,
    ...overrides,
  };
}

/** A reservation requested by phone on NOW for the default session (and an optional 2nd wish). */
export function reservationRequested(overrides: Partial<ReservationRequested['data']> = {}): ReservationRequested {
  return {
    type: 'ReservationRequested',
    data: {
      reservationId: RESERVATION_ID,
      officeId: OFFICE_ID,
      jobSeekerId: JOB_SEEKER_ID,
      jobSeekerNo: JOB_SEEKER_NO,
      name: '岡山 太郎',
      email: EMAIL,
      channel: 'phone',
      wishes: [SESSION_START.toISOString()],
      attendance: NO_ATTENDANCE,
      requestedAt: NOW.toISOString(),
      ...overrides,
    },
  };
}

export function confirmSlot(overrides: Partial<Omit<ConfirmSlot, 'type'>> = {}): ConfirmSlot {
  return { type: 'ConfirmSlot', confirmation: confirmation(), context: confirmationContext(), now: NOW, ...overrides };
}

/** The SlotConfirmed a default confirmation produces (start, URL and app overridable). */
export function slotConfirmed(overrides: Partial<SlotConfirmed['data']> = {}): SlotConfirmed {
  const start = overrides.start ? new Date(overrides.start) : SESSION_START;
  return {
    type: 'SlotConfirmed',
    data: {
      reservationId: RESERVATION_ID,
      officeId: OFFICE_ID,
      jobSeekerId: JOB_SEEKER_ID,
      counselorId: COUNSELOR_ID,
      start: start.toISOString(),
      end: addMinutes(start, SESSION_MINUTES).toISOString(),
      meetingUrl: ROOM_URL,
      designatedApp: 'Webex',
      termsVersion: 'v1',
      holdId: 'hold-1',
      confirmedAt: NOW.toISOString(),
      ...overrides,
    },
  };
}

// ---- violations -------------------------------------------------------------------------

/** Runs `action` and returns the RuleViolation it throws (fails the spec when it throws none). */
export function violationOf(action: () => unknown): RuleViolation {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(RuleViolation);
  return thrown as RuleViolation;
}
