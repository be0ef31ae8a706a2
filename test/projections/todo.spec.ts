import { jobSeekerProjector, JobSeekerDocument } from '../../src/projections/job-seekers/job-seeker.projector';
import { reservationProjector, ReservationDocument } from '../../src/projections/reservations/reservation.projector';
import { todoLists } from '../../src/projections/todo/todo';
import { History, JS, ONE_OF_EACH as E, project, RES } from './projection-fixtures';

/** Thursday 2026-11-26 10:00 JST; the sample's session is Tuesday 2026-12-01 10:00 JST. */
const NOW = new Date('2026-11-26T01:00:00Z');

function lists(history: History, now = NOW, closures = new Map<string, string>()) {
  const reservations = [...project(reservationProjector, history.events).values()] as ReservationDocument[];
  const jobSeekers = [...project(jobSeekerProjector, history.events).values()] as JobSeekerDocument[];
  return todoLists(reservations, jobSeekers, closures, now);
}
const requested = (wishes: string[]) =>
  new History().add(E.JobSeekerRegistered).add({ ...E.ReservationRequested, data: { ...E.ReservationRequested.data, wishes } });

describe('A6.1 requests near and past their confirmation deadline', () => {
  it('within 48 hours of the deadline of the earliest open wish: near; further: nothing to do yet', () => {
    expect(lists(requested(['2026-11-27T05:00:00.000Z'])).nearConfirmationDeadline).toEqual([
      { reservationId: RES, jobSeekerId: JS, officeId: 'office-1', wish: '2026-11-27T14:00:00+09:00', deadline: '2026-11-27T00:00:00+09:00' },
    ]);
    expect(lists(requested(['2026-12-10T05:00:00.000Z']))).toMatchObject({ nearConfirmationDeadline: [], pastConfirmationDeadline: [] });
  });

  it('the 1st wish too late, the 2nd still open: near by the 2nd; both too late: past', () => {
    const both = requested(['2026-11-26T05:00:00.000Z', '2026-11-27T05:00:00.000Z']);
    expect(lists(both).nearConfirmationDeadline.map((i) => i.wish)).toEqual(['2026-11-27T14:00:00+09:00']);
    expect(lists(both, new Date('2026-11-26T15:00:00Z')).pastConfirmationDeadline.map((i) => i.deadline)).toEqual(['2026-11-27T00:00:00+09:00']);
  });

  it('a confirmed or cancelled request is off the list', () => {
    const confirmed = requested(['2026-11-27T05:00:00.000Z']).add(E.SlotConfirmed);
    expect(lists(confirmed).nearConfirmationDeadline).toEqual([]);
  });
});

describe('A6.3 invitations and A6.5 check-in', () => {
  const confirmed = () => new History().add(E.JobSeekerRegistered).add(E.ReservationRequested).add(E.SlotHeld).add(E.SlotConfirmed);

  it('confirmed and not invited; then invited: off the list', () => {
    expect(lists(confirmed()).notInvited.map((i) => i.reservationId)).toEqual([RES]);
    expect(lists(confirmed().add(E.InvitationSent)).notInvited).toEqual([]);
  });

  it('a failed invitation is listed with its time and reason until one is sent', () => {
    const failed = confirmed().add(E.InvitationFailed);
    expect(lists(failed)).toMatchObject({
      notInvited: [],
      failedInvitations: [{ reservationId: RES, reason: E.InvitationFailed.data.reason, start: '2026-12-01T10:00:00+09:00' }],
    });
    expect(lists(failed.add(E.InvitationSent)).failedInvitations).toEqual([]);
  });

  it('on the session day (JST) it awaits check-in until checked in, missed or cancelled', () => {
    const sessionDay = new Date('2026-11-30T15:30:00Z'); // 12/1 00:30 JST
    expect(lists(confirmed()).awaitingCheckInToday).toEqual([]);
    expect(lists(confirmed(), sessionDay).awaitingCheckInToday.map((i) => i.reservationId)).toEqual([RES]);
    expect(lists(confirmed().add(E.CheckedIn), sessionDay).awaitingCheckInToday).toEqual([]);
    expect(lists(confirmed().add(E.SessionMissed), sessionDay).awaitingCheckInToday).toEqual([]);
  });
});

describe('A6.5 refusal reviews after no-shows', () => {
  it('due once requested, until service is refused; lifting the refusal does not bring it back', () => {
    const history = new History().add(E.JobSeekerRegistered).add(E.ReservationRequested).add(E.NoShowCounted).add(E.RefusalReviewRequested);
    expect(lists(history).refusalReviews).toEqual([{ jobSeekerId: JS, name: '岡山 太郎', noShowCount: 3, since: '2026-11-26T10:00:00+09:00' }]);
    history.add(E.ServiceRefused);
    expect(lists(history).refusalReviews).toEqual([]);
    history.add(E.ServiceRefusalLifted);
    expect(lists(history).refusalReviews).toEqual([]);
  });
});

describe('OFFICE sessions on a closure day, to be moved', () => {
  const confirmed = () => new History().add(E.JobSeekerRegistered).add(E.ReservationRequested).add(E.SlotHeld).add(E.SlotConfirmed);
  const closed = new Map([['2026-12-01', '停電工事']]);

  it('a confirmed or invited session on a closure day is listed with the closure; another day, or once cancelled: not', () => {
    expect(lists(confirmed(), NOW, closed)).toMatchObject({
      onClosureDays: [
        {
          reservationId: RES,
          jobSeekerId: JS,
          officeId: 'office-1',
          counselorId: E.SlotConfirmed.data.counselorId,
          start: '2026-12-01T10:00:00+09:00',
          closure: '停電工事',
          invitation: 'withheld',
        },
      ],
      notInvited: [], // its invitation is withheld, not missing: only the closure list asks staff to call
    });
    expect(lists(confirmed().add(E.InvitationFailed), NOW, closed).failedInvitations).toEqual([]);
    expect(lists(confirmed().add(E.InvitationSent), NOW, closed).onClosureDays.map((i) => [i.reservationId, i.invitation])).toEqual([[RES, 'sent']]);
    expect(lists(confirmed(), NOW, new Map([['2026-12-02', '停電工事']])).onClosureDays).toEqual([]);
    expect(lists(confirmed().add(E.ReservationCancelled), NOW, closed).onClosureDays).toEqual([]);
  });
});

describe('A6.3 an invitation that went out after its session was cancelled', () => {
  const cancelled = () =>
    new History().add(E.JobSeekerRegistered).add(E.ReservationRequested).add(E.SlotHeld).add(E.SlotConfirmed).add(E.ReservationCancelled);

  it('is listed, for staff to tell the job seeker, until the session’s start; a cancellation with no late invitation is not', () => {
    expect(lists(cancelled()).invitedAfterCancellation).toEqual([]);
    const late = cancelled().add(E.InvitationSentAfterCancellation);
    expect(lists(late).invitedAfterCancellation).toEqual([
      expect.objectContaining({ reservationId: RES, start: '2026-12-01T10:00:00+09:00', sentAt: '2026-11-26T10:00:00+09:00' }),
    ]);
    expect(lists(late, new Date('2026-12-01T01:00:00Z')).invitedAfterCancellation).toEqual([]);
  });
});

describe('A13 terms notices refused for good', () => {
  const failed = () => new History().add(E.JobSeekerRegistered).add(E.TermsNoticeFailed);

  it('are listed with the version and reason until the job seeker consents to that version, or is erased', () => {
    expect(lists(failed()).failedTermsNotices).toEqual([
      { jobSeekerId: JS, name: '岡山 太郎', termsVersion: '2027-04', failedAt: '2026-11-26T10:00:00+09:00', reason: 'SMTP 550 mailbox unavailable' },
    ]);
    const consentTo = (termsVersion: string) => ({ ...E.ConsentGiven, data: { ...E.ConsentGiven.data, termsVersion } });
    expect(lists(failed().add(consentTo('2022-07-28'))).failedTermsNotices).toHaveLength(1);
    expect(lists(failed().add(consentTo('2027-04'))).failedTermsNotices).toEqual([]);
    expect(lists(failed().add(E.PersonalDataErased)).failedTermsNotices).toEqual([]);
  });
});
