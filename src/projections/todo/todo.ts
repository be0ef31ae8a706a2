import { confirmationDeadline, toJst } from '../../domain/calendar/business-calendar';
import type { JobSeekerDocument } from '../job-seekers/job-seeker.projector';
import { jstIso } from '../projected-event';
import type { ReservationDocument } from '../reservations/reservation.projector';

/** A6.1: a request is "near its deadline" when its earliest open wish must be confirmed within this many hours. */
export const DEADLINE_NEAR_HOURS = 48;

export interface DeadlineItem {
  reservationId: string;
  jobSeekerId: string;
  officeId: string;
  /** The wish the deadline is about (the earliest one still confirmable, or the last one when all passed). */
  wish: string;
  /** A6.1: the first instant too late to confirm it (00:00 JST of the session day). */
  deadline: string;
}
export interface SessionItem {
  reservationId: string;
  jobSeekerId: string;
  officeId: string;
  counselorId: string;
  start: string;
}
export interface FailedInvitationItem extends SessionItem {
  failedAt: string;
  reason: string;
}
export interface ClosureDayItem extends SessionItem {
  /** Why the office is closed that day. */
  closure: string;
  /** OFFICE: 'withheld': no invitation goes out for a closed day; 'sent': it went out before the closure was recorded. */
  invitation: 'withheld' | 'sent';
}
export interface InvitedAfterCancellationItem extends SessionItem {
  cancelledAt: string;
  sentAt: string;
}
export interface FailedTermsNoticeItem {
  jobSeekerId: string;
  name: string;
  termsVersion: string;
  failedAt: string;
  reason: string;
}
export interface RefusalReviewItem {
  jobSeekerId: string;
  name: string;
  noShowCount: number;
  since: string;
}

/** What staff must act on now, each list earliest first. */
export interface TodoLists {
  /** A6.1: requests whose earliest open wish must be confirmed within DEADLINE_NEAR_HOURS. */
  nearConfirmationDeadline: DeadlineItem[];
  /** A6.1: requests whose every wish is past its confirmation deadline: call the job seeker for a new date. */
  pastConfirmationDeadline: DeadlineItem[];
  /** A6.3: confirmed, no invitation recorded yet. */
  notInvited: SessionItem[];
  /** A6.3: the invitation e-mail failed; tell the job seeker the same day. */
  failedInvitations: FailedInvitationItem[];
  /**
   * A6.3: cancelled sessions (a refusal, A12.1, or a cancellation that crossed the send) whose invitation went out all
   * the same: tell the job seeker it is void. Listed until the session's start.
   */
  invitedAfterCancellation: InvitedAfterCancellationItem[];
  /** A6.5: sessions of today (JST) not checked in yet. */
  awaitingCheckInToday: SessionItem[];
  /** A6.5: job seekers whose no-shows call for a refusal review. */
  refusalReviews: RefusalReviewItem[];
  /** A13: terms notices the mail server refused for good: tell the job seeker of the new terms (listed until they consent to them). */
  failedTermsNotices: FailedTermsNoticeItem[];
  /**
   * OFFICE: sessions on a day the office is closed, to be moved. Adding a closure day is refused while that day has
   * sessions; one confirmed at the same moment (the two commands decide on different streams) shows here. No
   * invitation is sent for it (only here, not in `notInvited` / `failedInvitations`): call the job seeker.
   */
  onClosureDays: ClosureDayItem[];
}

const byStart = <T extends { start: string }>(a: T, b: T) => a.start.localeCompare(b.start);

function session(r: ReservationDocument & { slot: NonNullable<ReservationDocument['slot']> }): SessionItem {
  return { reservationId: r.reservationId, jobSeekerId: r.jobSeekerId, officeId: r.officeId, counselorId: r.slot.counselorId, start: r.slot.start };
}

/**
 * The to-do lists, derived at the moment of the question from the reservation and job-seeker
 * read models: what is due depends on the clock, so it is computed, not stored.
 * `reservations`: the office's open ones (requested, confirmed, invited) and its cancelled ones from today on;
 * `jobSeekers`: those due for a refusal review or with a failed terms notice; `closures`: the office's closure days (JST date → reason).
 */
export function todoLists(
  reservations: readonly ReservationDocument[],
  jobSeekers: readonly JobSeekerDocument[],
  closures: ReadonlyMap<string, string>,
  now: Date,
): TodoLists {
  const nearLimit = now.getTime() + DEADLINE_NEAR_HOURS * 3_600_000;
  const today = toJst(now).date;
  const lists: TodoLists = {
    nearConfirmationDeadline: [],
    pastConfirmationDeadline: [],
    notInvited: [],
    failedInvitations: [],
    invitedAfterCancellation: [],
    awaitingCheckInToday: [],
    refusalReviews: [],
    failedTermsNotices: [],
    onClosureDays: [],
  };
  for (const r of reservations) {
    if (r.status === 'requested') {
      const deadlines = r.wishes
        .map((wish) => ({ wish, deadline: confirmationDeadline(new Date(wish)) }))
        .sort((a, b) => a.deadline.getTime() - b.deadline.getTime());
      const open = deadlines.find((d) => d.deadline.getTime() > now.getTime());
      const item = (d: { wish: string; deadline: Date }): DeadlineItem => ({
        reservationId: r.reservationId,
        jobSeekerId: r.jobSeekerId,
        officeId: r.officeId,
        wish: d.wish,
        deadline: jstIso(d.deadline),
      });
      if (!open) lists.pastConfirmationDeadline.push(item(deadlines[deadlines.length - 1]));
      else if (open.deadline.getTime() <= nearLimit) lists.nearConfirmationDeadline.push(item(open));
      continue;
    }
    if (r.status === 'cancelled' && r.slot && r.invitedAfterCancellation && r.cancellation && Date.parse(r.slot.start) > now.getTime()) {
      const item = { ...session({ ...r, slot: r.slot }), cancelledAt: r.cancellation.at, sentAt: r.invitedAfterCancellation.at };
      lists.invitedAfterCancellation.push(item);
      continue;
    }
    if (!r.slot || (r.status !== 'confirmed' && r.status !== 'invited')) continue;
    const withSlot = r as ReservationDocument & { slot: NonNullable<ReservationDocument['slot']> };
    const closure = closures.get(r.slot.start.slice(0, 10));
    if (closure !== undefined) lists.onClosureDays.push({ ...session(withSlot), closure, invitation: r.status === 'invited' ? 'sent' : 'withheld' });
    else if (r.status === 'confirmed') {
      if (r.invitation?.status === 'failed')
        lists.failedInvitations.push({ ...session(withSlot), failedAt: r.invitation.at, reason: r.invitation.reason });
      else lists.notInvited.push(session(withSlot));
    }
    if (r.slot.start.slice(0, 10) === today) lists.awaitingCheckInToday.push(session(withSlot));
  }
  for (const j of jobSeekers) {
    if (j.refusalReviewDue && !j.refusal)
      lists.refusalReviews.push({ jobSeekerId: j.jobSeekerId, name: j.name, noShowCount: j.noShowCount, since: j.refusalReviewDue.since });
    for (const notice of j.failedTermsNotices ?? []) lists.failedTermsNotices.push({ jobSeekerId: j.jobSeekerId, name: j.name, ...notice });
  }
  lists.nearConfirmationDeadline.sort((a, b) => a.deadline.localeCompare(b.deadline));
  lists.pastConfirmationDeadline.sort((a, b) => a.deadline.localeCompare(b.deadline));
  lists.notInvited.sort(byStart);
  lists.failedInvitations.sort(byStart);
  lists.invitedAfterCancellation.sort(byStart);
  lists.failedTermsNotices.sort((a, b) => a.failedAt.localeCompare(b.failedAt));
  lists.awaitingCheckInToday.sort(byStart);
  lists.onClosureDays.sort(byStart);
  lists.refusalReviews.sort((a, b) => a.since.localeCompare(b.since));
  return lists;
}
