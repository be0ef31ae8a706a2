import type { EventType } from '../../domain/events';
import type { Attendance, CancelChannel, Channel } from '../../domain/reservation/reservation';
import type { SlotReleasedReason } from '../../domain/counselor-day/counselor-day';
import type { RefusalArticle } from '../../domain/job-seeker/job-seeker';
import { assertNever } from '../../domain/shared/decider';
import type { RuleId } from '../../domain/shared/errors';
import { ERASED } from '../../domain/privacy/personal-data';
import { DocumentProjector, eventTypes, NO_TARGETS, Targets } from '../document-projector';
import { jstIso, ProjectedEvent, RULE_OF } from '../projected-event';

export type ReservationStatus = 'requested' | 'confirmed' | 'invited' | 'checked-in' | 'completed' | 'stopped' | 'missed' | 'cancelled';

/** One line of a reservation's history: who did what, when, under which rule. No internal ids (hold ids). */
export interface TimelineEntry {
  /** JST, e.g. 2026-11-30T10:15:00+09:00. */
  at: string;
  event: EventType;
  /** In Japanese, for staff. */
  summary: string;
  /** The staff member (`staff:<id>`) or process (`system:<name>`). */
  actor: string;
  rule: RuleId;
  commandId: string;
  correlationId: string;
  /** What the step recorded; personal free text (reasons, notes) reads [erased] after an erasure. */
  details?: Record<string, string | boolean>;
}

/**
 * A reservation as staff read it. Times in JST. Personal values kept here: the e-mail given with
 * the request and the free text of the timeline; both read [erased] after PersonalDataErased.
 */
export interface ReservationDocument {
  reservationId: string;
  officeId: string;
  jobSeekerId: string;
  channel: Channel;
  email: string;
  /** A6.2: the 1st and optional 2nd wish, JST. */
  wishes: string[];
  attendance: Attendance;
  notified: Array<'interpreter' | 'assistant'>;
  /** A6.4: the session this follow-up was booked during. */
  requestedDuring?: string;
  requestedAt: string;
  status: ReservationStatus;
  /** When it takes place (JST): the confirmed start, or the 1st wish while requested. Lists sort and filter by it. */
  when: string;
  /** The confirmed slot, kept after a cancellation or a no-show so the calendar can show it. */
  slot?: { counselorId: string; start: string; end: string; meetingUrl: string; designatedApp: string; termsVersion: string };
  invitation?: { status: 'sent'; at: string } | { status: 'failed'; at: string; reason: string };
  /** A6.3: an invitation went out although the session was cancelled (a cancellation crossed the send): tell the job seeker. */
  invitedAfterCancellation?: { at: string };
  checkedInAt?: string;
  /** A7.2: the device only by its pseudonym. */
  devicePseudonym?: string;
  /** `refusal`: cancelled because the job seeker was refused service (A12.1), since then (JST). */
  cancellation?: { channel: CancelChannel; at: string; reason: string; refusal?: { article: RefusalArticle; since: string } };
  erased?: true;
  timeline: TimelineEntry[];
}

const RELEASE_REASONS: Record<SlotReleasedReason, string> = {
  cancelled: '取消しにより枠を解放',
  'confirmation-failed': '確定処理の失敗により枠を解放',
  'confirmation-abandoned': '中断された確定の枠を解放',
  missed: '欠席により枠を解放',
};
const CHANNELS: Record<Channel, string> = { phone: '電話', counter: '窓口', 'during-session': '相談中' };

const TYPES = eventTypes(
  [
    'ReservationRequested',
    'SlotHeld',
    'SlotReleased',
    'SlotConfirmed',
    'ConfirmationAbandoned',
    'InvitationSent',
    'InvitationSentAfterCancellation',
    'InvitationFailed',
    'InterpreterNotified',
    'CheckedIn',
    'SessionCompleted',
    'SessionStopped',
    'ReservationCancelled',
    'SessionMissed',
    'NoShowCounted',
    'PersonalDataErased',
  ],
  [
    'TermsVersionPublished',
    'JobSeekerRegistered',
    'JobSeekerDetailsUpdated',
    'JobSeekerRegistrationCompleted',
    'ConsentGiven',
    'RefusalReviewRequested',
    'TermsNoticeSent',
    'TermsNoticeFailed',
    'ServiceRefused',
    'ServiceRefusalLifted',
    'OfficeOpened',
    'OfficeProfileChanged',
    'DesignatedAppChanged',
    'OfficeClosureDayAdded',
    'OfficeClosureDayRemoved',
    'CounselorAdded',
    'CounselorRenamed',
    'CounselorRoomUrlSet',
    'WeeklyHoursSet',
    'AvailabilityExceptionAdded',
    'AvailabilityExceptionRemoved',
    'CounselorDeactivated',
    'CounselorReactivated',
    'StaffMemberEnrolled',
    'StaffRolesChanged',
    'StaffTokenIssued',
    'StaffTokenRevoked',
    'PersonalDataViewed',
    'LegalDisclosureMade',
    'UsageRecordsExported',
  ],
);
type Handled = (typeof TYPES.handles)[number];

function entry(projected: ProjectedEvent, at: string, summary: string, details?: TimelineEntry['details']): TimelineEntry {
  const { event, metadata } = projected;
  return {
    at: jstIso(at),
    event: event.type,
    summary,
    actor: metadata.actor,
    rule: RULE_OF[event.type],
    commandId: metadata.commandId,
    correlationId: metadata.correlationId,
    ...(details ? { details } : {}),
  };
}

function requireDocument(document: ReservationDocument | undefined, projected: ProjectedEvent): ReservationDocument {
  if (!document) throw new Error(`${projected.event.type} at position ${projected.position} for a reservation never requested`);
  return document;
}

function withEntry(document: ReservationDocument, changes: Partial<ReservationDocument>, line: TimelineEntry): ReservationDocument {
  return { ...document, ...changes, timeline: [...document.timeline, line] };
}

function evolve(current: ReservationDocument | undefined, projected: ProjectedEvent): ReservationDocument | null {
  const event = projected.event as Extract<ProjectedEvent['event'], { type: Handled }>;
  const at = projected.metadata.recordedAt;
  if (event.type === 'ReservationRequested') {
    if (current) return current; // the same request delivered again
    const { reservationId, officeId, jobSeekerId, channel, email, wishes, attendance, requestedDuring, requestedAt } = event.data;
    return {
      reservationId,
      officeId,
      jobSeekerId,
      channel,
      email,
      wishes: wishes.map(jstIso),
      attendance,
      notified: [],
      ...(requestedDuring ? { requestedDuring } : {}),
      requestedAt: jstIso(requestedAt),
      status: 'requested',
      when: jstIso(wishes[0]),
      timeline: [
        entry(projected, requestedAt, `予約受付（${CHANNELS[channel]}）`, {
          wishes: wishes.map(jstIso).join(' / '),
          ...(requestedDuring ? { requestedDuring } : {}),
        }),
      ],
    };
  }
  // A6.4: a follow-up's slot is held before the follow-up is requested and confirmed in one step (and given back if
  // that step is refused): its timeline starts at the request.
  if (!current && (event.type === 'SlotHeld' || event.type === 'SlotReleased')) return null;
  const document = requireDocument(current, projected);
  switch (event.type) {
    case 'SlotHeld':
      return withEntry(
        document,
        {},
        entry(projected, at, '相談員の枠を仮押さえ', { counselorId: event.data.counselorId, start: jstIso(event.data.start) }),
      );
    case 'SlotReleased':
      return withEntry(
        document,
        {},
        entry(projected, at, RELEASE_REASONS[event.data.reason], { counselorId: event.data.counselorId, start: jstIso(event.data.start) }),
      );
    case 'SlotConfirmed': {
      const { counselorId, start, end, meetingUrl, designatedApp, termsVersion, confirmedAt } = event.data;
      const slot = { counselorId, start: jstIso(start), end: jstIso(end), meetingUrl, designatedApp, termsVersion };
      return withEntry(
        document,
        { status: 'confirmed', slot, when: slot.start },
        entry(projected, confirmedAt, '予約確定', { counselorId, start: slot.start, termsVersion }),
      );
    }
    case 'ConfirmationAbandoned':
      return withEntry(
        document,
        {},
        entry(projected, event.data.abandonedAt, '確定処理が完了せず中断', { counselorId: event.data.counselorId, start: jstIso(event.data.start) }),
      );
    case 'InvitationSent':
      return withEntry(
        document,
        { status: 'invited', invitation: { status: 'sent', at: jstIso(event.data.sentAt) } },
        entry(projected, event.data.sentAt, '案内メール送信'),
      );
    case 'InvitationSentAfterCancellation':
      return withEntry(
        document,
        { invitedAfterCancellation: { at: jstIso(event.data.sentAt) } },
        entry(projected, event.data.sentAt, '取消し後に案内メールが送信された（本人へ取消しの連絡が必要）'),
      );
    case 'InvitationFailed': {
      const failure = { status: 'failed' as const, at: jstIso(event.data.failedAt), reason: event.data.reason };
      return withEntry(document, { invitation: failure }, entry(projected, event.data.failedAt, '案内メール送信失敗', { reason: event.data.reason }));
    }
    case 'InterpreterNotified':
      return withEntry(
        document,
        { notified: [...document.notified, event.data.role] },
        entry(projected, event.data.notifiedAt, event.data.role === 'interpreter' ? '通訳者の同席を連絡' : '介助者の同席を連絡', {
          note: event.data.note,
        }),
      );
    case 'CheckedIn': {
      const pseudonym = event.data.device?.pseudonym;
      return withEntry(
        document,
        { status: 'checked-in', checkedInAt: jstIso(event.data.checkedInAt), ...(pseudonym ? { devicePseudonym: pseudonym } : {}) },
        entry(projected, event.data.checkedInAt, '入室（チェックイン）', pseudonym ? { devicePseudonym: pseudonym } : undefined),
      );
    }
    case 'SessionCompleted':
      return withEntry(document, { status: 'completed' }, entry(projected, event.data.completedAt, '相談終了'));
    case 'SessionStopped':
      return withEntry(document, { status: 'stopped' }, entry(projected, event.data.stoppedAt, '相談を中止', { reason: event.data.reason }));
    case 'ReservationCancelled': {
      const { channel, reason, cancelledAt, refusal } = event.data;
      const cancellation = {
        channel,
        at: jstIso(cancelledAt),
        reason,
        ...(refusal ? { refusal: { article: refusal.article, since: jstIso(refusal.refusedAt) } } : {}),
      };
      // A12.1: cancelled because the job seeker was refused service, under the refusal's article.
      const line = refusal
        ? { ...entry(projected, cancelledAt, `利用拒否（${refusal.article}）により予約取消し`, { channel, reason }), rule: refusal.article }
        : entry(projected, cancelledAt, '予約取消し', { channel, reason });
      return withEntry(document, { status: 'cancelled', cancellation }, line);
    }
    case 'SessionMissed':
      return withEntry(document, { status: 'missed' }, entry(projected, event.data.recordedAt, '連絡なく開始10分経過（無断キャンセル）'));
    case 'NoShowCounted':
      return withEntry(document, {}, entry(projected, at, `無断キャンセルを計上（${event.data.noShowCount}回目）`));
    case 'PersonalDataErased':
      return {
        ...eraseReservation(document),
        timeline: [...eraseTimeline(document.timeline), entry(projected, event.data.erasedAt, '個人情報を消去')],
      };
    default:
      return assertNever(event, 'reservation read-model event');
  }
}

const PERSONAL_DETAILS = ['reason', 'note'] as const;

function eraseTimeline(timeline: TimelineEntry[]): TimelineEntry[] {
  return timeline.map((line) => {
    if (!line.details || !PERSONAL_DETAILS.some((key) => key in line.details!)) return line;
    const details = { ...line.details };
    for (const key of PERSONAL_DETAILS) if (key in details) details[key] = ERASED;
    return { ...line, details };
  });
}

function eraseReservation(document: ReservationDocument): ReservationDocument {
  const { invitation, cancellation } = document;
  return {
    ...document,
    email: ERASED,
    erased: true,
    ...(invitation?.status === 'failed' ? { invitation: { ...invitation, reason: ERASED } } : {}),
    ...(cancellation ? { cancellation: { ...cancellation, reason: ERASED } } : {}),
  };
}

function targets({ event }: ProjectedEvent): Targets {
  if (!TYPES.handled(event.type)) return NO_TARGETS;
  if (event.type === 'PersonalDataErased') return { where: { field: 'jobSeekerId', value: event.data.jobSeekerId } };
  return { ids: [(event.data as { reservationId: string }).reservationId] };
}

/**
 * Reservations with their timeline (who did what, when, under which rule): one document per
 * reservation, keyed by its id. The erasure of a job seeker reaches every reservation of theirs.
 */
export const reservationProjector: DocumentProjector<ReservationDocument> = {
  name: 'reservations',
  handles: TYPES.handles,
  ignores: TYPES.ignores,
  targets,
  evolve,
};
