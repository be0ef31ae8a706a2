/**
 * The sessions side effects still wait for (read model `pending-sessions`, kept by
 * src/projections/sessions/pending-sessions.projection.ts): confirmed, neither checked in nor cancelled nor
 * missed. The reactors' sweepers re-derive from it what is due (no-show deadlines, invitations not sent, who is owed a terms notice).
 */
export const PENDING_SESSIONS = 'pending_sessions';
export const PENDING_SESSIONS_CONSUMER = 'pending-sessions';

export interface PendingSession {
  /** The reservation id. */
  id: string;
  jobSeekerId: string;
  start: string;
  /** A6.5: start + 10 minutes, ISO UTC (string order is time order). */
  noShowDeadline: string;
  /** The SlotConfirmed event, from which the invitation job's id derives. */
  confirmationEventId: string;
  /** When the slot was confirmed (absent in rows projected before it was kept: rebuild the read model). */
  confirmedAt?: string;
  invited: boolean;
  /** The last InvitationFailed, until InvitationSent: the minute sweep leaves these to the job's retries and the to-do list. */
  invitationFailedAt?: string;
}
