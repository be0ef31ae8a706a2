import type { MadoguchiEvent } from '../../src/domain/events';
import { applyEvent, DocumentProjector, Positioned } from '../../src/projections/document-projector';
import type { ProjectedEvent } from '../../src/projections/projected-event';

/** A stream of projected events with increasing positions, by `staff:tanaka` unless said otherwise. */
export class History {
  private position = 0n;
  readonly events: ProjectedEvent[] = [];

  add(event: MadoguchiEvent, options: { actor?: string; at?: string; correlationId?: string } = {}): this {
    this.position += 1n;
    const commandId = `cmd-${this.position}`;
    this.events.push({
      event,
      position: this.position,
      streamId: 'any',
      metadata: {
        commandId,
        correlationId: options.correlationId ?? commandId,
        causationId: commandId,
        actor: options.actor ?? 'staff:tanaka',
        recordedAt: options.at ?? '2026-11-26T01:00:00.000Z',
      },
    });
    return this;
  }
}

/** Folds events through a projector the way the runtime does: targets, applyEvent, write or delete. */
export function project<D extends object>(
  projector: DocumentProjector<D>,
  events: readonly ProjectedEvent[],
  documents = new Map<string, Positioned<D>>(),
): Map<string, Positioned<D>> {
  for (const projected of events) {
    const targets = projector.targets(projected);
    const ids =
      'ids' in targets
        ? targets.ids
        : [...documents].filter(([, doc]) => (doc as Record<string, unknown>)[targets.where.field] === targets.where.value).map(([id]) => id);
    for (const id of ids) {
      const next = applyEvent(projector, documents.get(id), projected);
      if (next === 'unchanged') continue;
      if (next === null) documents.delete(id);
      else documents.set(id, next);
    }
  }
  return documents;
}

export const JS = 'js-1';
export const RES = 'res-1';
export const OFFICE = 'office-1';
export const COUNSELOR = 'counselor-1';
/** Tuesday 2026-12-01 10:00 JST. */
export const START = '2026-12-01T01:00:00.000Z';
export const END = '2026-12-01T01:30:00.000Z';
const AT = '2026-11-26T01:00:00.000Z';

/**
 * One event of every type, in an order the read models accept (registered before consenting,
 * requested before confirmed). A `Record` over the event types: a new type must be added here.
 */
export const ONE_OF_EACH: { [T in MadoguchiEvent['type']]: Extract<MadoguchiEvent, { type: T }> } = {
  TermsVersionPublished: {
    type: 'TermsVersionPublished',
    data: { version: '2022-07-28', effectiveFrom: '2026-11-26', title: '規約', summary: '初版', publishedAt: AT },
  },
  StaffMemberEnrolled: { type: 'StaffMemberEnrolled', data: { staffId: 'tanaka', name: '田中', roles: ['counselor'], enrolledAt: AT } },
  StaffRolesChanged: { type: 'StaffRolesChanged', data: { staffId: 'tanaka', roles: ['counselor', 'supervisor'], changedAt: AT } },
  StaffTokenIssued: { type: 'StaffTokenIssued', data: { staffId: 'tanaka', tokenId: 't1', secretHash: 'ab', issuedAt: AT, expiresAt: AT } },
  StaffTokenRevoked: { type: 'StaffTokenRevoked', data: { staffId: 'tanaka', tokenId: 't1', revokedAt: AT } },
  OfficeOpened: {
    type: 'OfficeOpened',
    data: {
      officeId: OFFICE,
      name: 'ハローワーク岡山',
      cancellationPhone: '086-222-2905',
      senderEmail: 'o@example.jp',
      designatedApp: { name: 'Webex', termsUrl: 'https://w.example/t' },
      meetingUrlPolicy: { kind: 'counselor-room' },
    },
  },
  OfficeProfileChanged: { type: 'OfficeProfileChanged', data: { officeId: OFFICE, name: 'ハローワーク岡山（本所）' } },
  DesignatedAppChanged: {
    type: 'DesignatedAppChanged',
    data: { officeId: OFFICE, designatedApp: { name: 'Zoom', termsUrl: 'https://z.example/t' }, meetingUrlPolicy: { kind: 'counselor-room' } },
  },
  OfficeClosureDayAdded: { type: 'OfficeClosureDayAdded', data: { officeId: OFFICE, date: '2026-12-04', reason: '庁舎点検' } },
  OfficeClosureDayRemoved: { type: 'OfficeClosureDayRemoved', data: { officeId: OFFICE, date: '2026-12-04' } },
  CounselorAdded: { type: 'CounselorAdded', data: { counselorId: COUNSELOR, officeId: OFFICE, name: '佐藤', roomUrl: 'https://w.example/r/1' } },
  CounselorRenamed: { type: 'CounselorRenamed', data: { counselorId: COUNSELOR, name: '佐藤 花子' } },
  CounselorRoomUrlSet: { type: 'CounselorRoomUrlSet', data: { counselorId: COUNSELOR, roomUrl: 'https://w.example/r/2' } },
  WeeklyHoursSet: {
    type: 'WeeklyHoursSet',
    data: { counselorId: COUNSELOR, weeklyHours: { '1': null, '2': { from: '10:00', to: '17:00' }, '3': null, '4': null, '5': null } },
  },
  AvailabilityExceptionAdded: {
    type: 'AvailabilityExceptionAdded',
    data: { counselorId: COUNSELOR, exception: { exceptionId: 'x1', kind: 'leave', date: '2026-12-08', reason: '年休' } },
  },
  AvailabilityExceptionRemoved: { type: 'AvailabilityExceptionRemoved', data: { counselorId: COUNSELOR, exceptionId: 'x1' } },
  CounselorDeactivated: { type: 'CounselorDeactivated', data: { counselorId: COUNSELOR, reason: '異動' } },
  CounselorReactivated: { type: 'CounselorReactivated', data: { counselorId: COUNSELOR } },
  JobSeekerRegistered: {
    type: 'JobSeekerRegistered',
    data: {
      jobSeekerId: JS,
      jobSeekerNo: '33010-1234567',
      registration: 'pre',
      name: '岡山 太郎',
      email: 'taro@example.jp',
      phone: '086-000-0000',
      inPersonDifficulty: '育児',
    },
  },
  JobSeekerDetailsUpdated: { type: 'JobSeekerDetailsUpdated', data: { jobSeekerId: JS, phone: '086-111-1111' } },
  JobSeekerRegistrationCompleted: { type: 'JobSeekerRegistrationCompleted', data: { jobSeekerId: JS } },
  ConsentGiven: {
    type: 'ConsentGiven',
    data: {
      jobSeekerId: JS,
      termsVersion: '2022-07-28',
      environment: { 'A5.1': true, 'A5.2': true, 'A5.3': true, 'A5.4': true, 'A5.5': true, 'A5.6': true },
      deviceReadiness: { device: 'pc', hasWebCamera: true, appPrepared: true },
      designatedApp: { name: 'Webex', termsUrl: 'https://w.example/t' },
      recordingProhibitionAcknowledged: true,
      givenAt: AT,
    },
  },
  ReservationRequested: {
    type: 'ReservationRequested',
    data: {
      reservationId: RES,
      officeId: OFFICE,
      jobSeekerId: JS,
      jobSeekerNo: '33010-1234567',
      name: '岡山 太郎',
      email: 'taro@example.jp',
      channel: 'phone',
      wishes: [START],
      attendance: { interpreter: true, assistant: false },
      requestedAt: AT,
    },
  },
  SlotHeld: { type: 'SlotHeld', data: { counselorId: COUNSELOR, date: '2026-12-01', start: START, reservationId: RES, holdId: 'hold-secret-1' } },
  ConfirmationAbandoned: {
    type: 'ConfirmationAbandoned',
    data: { reservationId: RES, counselorId: COUNSELOR, start: START, holdId: 'hold-secret-1', abandonedAt: AT },
  },
  SlotReleased: {
    type: 'SlotReleased',
    data: { counselorId: COUNSELOR, date: '2026-12-01', start: START, reservationId: RES, holdId: 'hold-secret-1', reason: 'confirmation-abandoned' },
  },
  SlotConfirmed: {
    type: 'SlotConfirmed',
    data: {
      reservationId: RES,
      officeId: OFFICE,
      jobSeekerId: JS,
      counselorId: COUNSELOR,
      start: START,
      end: END,
      meetingUrl: 'https://w.example/r/2',
      designatedApp: 'Webex',
      termsVersion: '2022-07-28',
      holdId: 'hold-secret-2',
      confirmedAt: AT,
    },
  },
  InvitationFailed: { type: 'InvitationFailed', data: { reservationId: RES, jobSeekerId: JS, reason: 'mailbox of 岡山 太郎 full', failedAt: AT } },
  InvitationSent: { type: 'InvitationSent', data: { reservationId: RES, jobSeekerId: JS, to: 'taro@example.jp', messageId: 'm1', sentAt: AT } },
  InvitationSentAfterCancellation: {
    type: 'InvitationSentAfterCancellation',
    data: { reservationId: RES, jobSeekerId: JS, to: 'taro@example.jp', messageId: 'm1', sentAt: AT },
  },
  InterpreterNotified: {
    type: 'InterpreterNotified',
    data: { reservationId: RES, jobSeekerId: JS, role: 'interpreter', note: 'ベトナム語の通訳', notifiedAt: AT },
  },
  CheckedIn: {
    type: 'CheckedIn',
    data: { reservationId: RES, jobSeekerId: JS, checkedInAt: START, device: { identifier: '[sealed]', pseudonym: 'dev-pseudo-1' } },
  },
  SessionStopped: { type: 'SessionStopped', data: { reservationId: RES, jobSeekerId: JS, reason: '暴言があったため', stoppedAt: END } },
  SessionCompleted: { type: 'SessionCompleted', data: { reservationId: RES, completedAt: END } },
  ReservationCancelled: {
    type: 'ReservationCancelled',
    data: {
      reservationId: RES,
      jobSeekerId: JS,
      channel: 'phone',
      reason: '体調不良',
      cancelledAt: AT,
      slot: { counselorId: COUNSELOR, start: START },
    },
  },
  SessionMissed: { type: 'SessionMissed', data: { reservationId: RES, jobSeekerId: JS, counselorId: COUNSELOR, start: START, recordedAt: END } },
  NoShowCounted: { type: 'NoShowCounted', data: { jobSeekerId: JS, reservationId: RES, noShowCount: 3 } },
  RefusalReviewRequested: { type: 'RefusalReviewRequested', data: { jobSeekerId: JS, noShowCount: 3 } },
  TermsNoticeSent: {
    type: 'TermsNoticeSent',
    data: { jobSeekerId: JS, termsVersion: '2027-04', messageId: 'terms-e-js@madoguchi', sentAt: '2026-11-26T01:00:00.000Z' },
  },
  TermsNoticeFailed: {
    type: 'TermsNoticeFailed',
    data: { jobSeekerId: JS, termsVersion: '2027-04', reason: 'SMTP 550 mailbox unavailable', failedAt: '2026-11-26T01:00:00.000Z' },
  },
  ServiceRefused: { type: 'ServiceRefused', data: { jobSeekerId: JS, article: 'A6.5', reason: '3回無断欠席', refusedAt: AT } },
  ServiceRefusalLifted: { type: 'ServiceRefusalLifted', data: { jobSeekerId: JS, reason: '本人と面談', liftedAt: AT } },
  PersonalDataViewed: { type: 'PersonalDataViewed', data: { viewer: 'staff:tanaka', view: 'job-seeker', jobSeekerIds: [JS], viewedAt: AT } },
  LegalDisclosureMade: {
    type: 'LegalDisclosureMade',
    data: {
      requestId: 'lr-1',
      jobSeekerId: JS,
      authority: '岡山県警察',
      reference: '照会1号',
      reason: '捜査',
      devicePseudonyms: ['dev-pseudo-1'],
      disclosedAt: AT,
    },
  },
  UsageRecordsExported: {
    type: 'UsageRecordsExported',
    data: { officeId: 'office-1', month: '2026-12', sessions: 3, exportedBy: 'staff:kansa', exportedAt: AT },
  },
  PersonalDataErased: { type: 'PersonalDataErased', data: { jobSeekerId: JS, reason: '保存期間満了', erasedAt: AT } },
};

/** Every personal value in ONE_OF_EACH: none may survive an erasure in a read model. */
export const PERSONAL_VALUES = [
  '岡山 太郎',
  'taro@example.jp',
  '086-111-1111',
  '育児',
  'mailbox of',
  'ベトナム語',
  '暴言',
  '体調不良',
  '3回無断欠席',
  '33010-1234567',
  '照会1号',
];
