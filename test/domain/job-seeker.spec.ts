import { GiveConsent, jobSeekerDecider, nextGeneration, RegisterJobSeeker } from '../../src/domain/job-seeker/job-seeker';
import { fold } from '../../src/domain/shared/decider';
import { specFor } from './given-when-then';
import { consentGiven, FULL_ENVIRONMENT, JOB_SEEKER_ID, JOB_SEEKER_NO, jobSeekerRegistered, NOW, READY_DEVICE, WEBEX, ZOOM } from './fixtures';

const jobSeeker = specFor(jobSeekerDecider);

function register(overrides: Partial<Omit<RegisterJobSeeker, 'type'>> = {}): RegisterJobSeeker {
  const { jobSeekerId, jobSeekerNo, registration, name, email, phone, inPersonDifficulty } = jobSeekerRegistered().data;
  return { type: 'RegisterJobSeeker', jobSeekerId, jobSeekerNo, generation: 0, registration, name, email, phone, inPersonDifficulty, ...overrides };
}

function giveConsent(overrides: Partial<Omit<GiveConsent, 'type'>> = {}): GiveConsent {
  return {
    type: 'GiveConsent',
    termsVersion: 'v1',
    publishedVersions: ['v1'],
    environment: FULL_ENVIRONMENT,
    deviceReadiness: READY_DEVICE,
    designatedApp: WEBEX,
    recordingProhibitionAcknowledged: true,
    now: NOW,
    ...overrides,
  };
}

const consentEvent = (overrides: Parameters<typeof consentGiven>[0] = {}) => consentGiven({ givenAt: NOW.toISOString(), ...overrides });

describe('A2.1 only registered job seekers; the reason in-person visits are hard is recorded', () => {
  it('registers a job seeker with the stated in-person difficulty', () => {
    jobSeeker.given([]).when(register()).then([jobSeekerRegistered()]);
  });

  it('records a pre-registration (仮登録) as such', () => {
    jobSeeker
      .given([])
      .when(register({ registration: 'pre' }))
      .then([jobSeekerRegistered({ registration: 'pre' })]);
  });

  it('emits nothing when the same registration is sent again', () => {
    jobSeeker.given([jobSeekerRegistered()]).when(register()).then([]);
  });

  it('emits JobSeekerDetailsUpdated with only the fields that changed', () => {
    jobSeeker
      .given([jobSeekerRegistered()])
      .when(register({ email: 'new@example.jp', inPersonDifficulty: 'cares for a parent at home' }))
      .then([
        {
          type: 'JobSeekerDetailsUpdated',
          data: { jobSeekerId: JOB_SEEKER_ID, email: 'new@example.jp', inPersonDifficulty: 'cares for a parent at home' },
        },
      ]);
  });

  it('compares with the details as updated, not as first registered', () => {
    jobSeeker
      .given([jobSeekerRegistered(), { type: 'JobSeekerDetailsUpdated', data: { jobSeekerId: JOB_SEEKER_ID, phone: '080-1111-2222' } }])
      .when(register({ phone: '080-1111-2222' }))
      .then([]);
  });

  it('completes a pre-registration: pre → full emits JobSeekerRegistrationCompleted', () => {
    jobSeeker
      .given([jobSeekerRegistered({ registration: 'pre' })])
      .when(register({ registration: 'full' }))
      .then([{ type: 'JobSeekerRegistrationCompleted', data: { jobSeekerId: JOB_SEEKER_ID } }]);
  });

  it('completes a pre-registration and records changed details together', () => {
    jobSeeker
      .given([jobSeekerRegistered({ registration: 'pre' })])
      .when(register({ registration: 'full', name: '岡山 花子' }))
      .then([
        { type: 'JobSeekerDetailsUpdated', data: { jobSeekerId: JOB_SEEKER_ID, name: '岡山 花子' } },
        { type: 'JobSeekerRegistrationCompleted', data: { jobSeekerId: JOB_SEEKER_ID } },
      ]);
  });

  it('rejects going back from full to pre-registration', () => {
    jobSeeker
      .given([jobSeekerRegistered()])
      .when(register({ registration: 'pre' }))
      .thenRejected('A2.1', /cannot go back to pre-registration/);
  });

  it('rejects consent, a no-show count, a refusal for an unknown job seeker', () => {
    jobSeeker
      .given([])
      .when(giveConsent())
      .thenRejected('A2.1', /not registered/);
    jobSeeker.given([]).when({ type: 'CountNoShow', reservationId: 'res-1' }).thenRejected('A2.1');
    jobSeeker.given([]).when({ type: 'RefuseService', article: 'A12.1', reason: 'threats', now: NOW }).thenRejected('A2.1');
  });

  it('keeps the job-seeker number only in JobSeekerRegistered', () => {
    jobSeeker
      .given([])
      .when(register())
      .thenEvents(([event]) => expect(event.data).toMatchObject({ jobSeekerNo: JOB_SEEKER_NO }));
  });
});

describe('A2.2 consent records the device and app readiness', () => {
  it('records the device readiness declaration as given (it blocks only at confirmation)', () => {
    const notReady = { device: 'smartphone', hasWebCamera: false, appPrepared: false } as const;
    jobSeeker
      .given([jobSeekerRegistered()])
      .when(giveConsent({ deviceReadiness: notReady }))
      .then([consentEvent({ deviceReadiness: notReady })]);
  });
});

describe('A4 consent records the designated app', () => {
  it('records the app and its terms URL the job seeker agreed to', () => {
    jobSeeker
      .given([jobSeekerRegistered(), consentEvent()])
      .when(giveConsent({ designatedApp: ZOOM }))
      .then([consentEvent({ designatedApp: ZOOM })]);
  });
});

describe('A5 consent carries the environment declaration item by item', () => {
  it('records each item A5.1 … A5.6 as declared, including a false one', () => {
    const environment = { ...FULL_ENVIRONMENT, 'A5.5': false };
    jobSeeker
      .given([jobSeekerRegistered()])
      .when(giveConsent({ environment }))
      .then([consentEvent({ environment })]);
  });
});

describe('A12.2 consent carries the acknowledgement that recording is prohibited', () => {
  it('records the consent with the acknowledgement', () => {
    jobSeeker.given([jobSeekerRegistered()]).when(giveConsent()).then([consentEvent()]);
  });

  it('rejects a consent without the acknowledgement', () => {
    jobSeeker
      .given([jobSeekerRegistered()])
      .when(giveConsent({ recordingProhibitionAcknowledged: false }))
      .thenRejected('A12.2', /recording/);
  });
});

describe('A13 consent only to a published terms version', () => {
  it('rejects consent to a version that has not been published', () => {
    jobSeeker
      .given([jobSeekerRegistered()])
      .when(giveConsent({ termsVersion: 'v2', publishedVersions: ['v1'] }))
      .thenRejected('A13', /v2 has not been published/);
  });

  it('accepts consent to a newer published version next to the older consent', () => {
    jobSeeker
      .given([jobSeekerRegistered(), consentEvent()])
      .when(giveConsent({ termsVersion: 'v2', publishedVersions: ['v1', 'v2'] }))
      .then([consentEvent({ termsVersion: 'v2' })]);
  });
});

describe('A13 the notice of a new terms version is recorded once per version', () => {
  const at = NOW.toISOString();
  const sent = {
    type: 'TermsNoticeSent',
    data: { jobSeekerId: JOB_SEEKER_ID, termsVersion: 'v2', messageId: 'terms-e1-js@madoguchi', sentAt: at },
  } as const;
  const notice = (outcome: { messageId: string } | { reason: string }, termsVersion = 'v2') =>
    ({ type: 'RecordTermsNotice', termsVersion, outcome, now: NOW }) as const;

  it('records the notice sent, with the Message-ID', () => {
    jobSeeker
      .given([jobSeekerRegistered()])
      .when(notice({ messageId: 'terms-e1-js@madoguchi' }))
      .then([sent]);
  });

  it('records a notice refused for good, with the reason', () => {
    jobSeeker
      .given([jobSeekerRegistered()])
      .when(notice({ reason: 'SMTP 550 mailbox unavailable' }))
      .then([
        { type: 'TermsNoticeFailed', data: { jobSeekerId: JOB_SEEKER_ID, termsVersion: 'v2', reason: 'SMTP 550 mailbox unavailable', failedAt: at } },
      ]);
  });

  it('records nothing for a version whose notice is recorded already (a retried job, a second instance)', () => {
    jobSeeker
      .given([jobSeekerRegistered(), sent])
      .when(notice({ messageId: 'terms-e1-js@madoguchi' }))
      .then([]);
    jobSeeker
      .given([jobSeekerRegistered(), sent])
      .when(notice({ reason: 'SMTP 451' }))
      .then([]);
  });

  it('records the notice of the next version', () => {
    jobSeeker
      .given([jobSeekerRegistered(), sent])
      .when(notice({ messageId: 'terms-e2-js@madoguchi' }, 'v3'))
      .then([{ type: 'TermsNoticeSent', data: { ...sent.data, termsVersion: 'v3', messageId: 'terms-e2-js@madoguchi' } }]);
  });
});

describe('A6.5 missed sessions count toward a refusal review', () => {
  const counted = (reservationId: string, noShowCount: number) =>
    ({ type: 'NoShowCounted', data: { jobSeekerId: JOB_SEEKER_ID, reservationId, noShowCount } }) as const;

  it('counts a missed session', () => {
    jobSeeker
      .given([jobSeekerRegistered()])
      .when({ type: 'CountNoShow', reservationId: 'res-1' })
      .then([counted('res-1', 1)]);
  });

  it('counts a reservation once, however often it is reported', () => {
    jobSeeker
      .given([jobSeekerRegistered(), counted('res-1', 1)])
      .when({ type: 'CountNoShow', reservationId: 'res-1' })
      .then([]);
  });

  it('requests a refusal review at the 3rd no-show', () => {
    jobSeeker
      .given([jobSeekerRegistered(), counted('res-1', 1), counted('res-2', 2)])
      .when({ type: 'CountNoShow', reservationId: 'res-3' })
      .then([counted('res-3', 3), { type: 'RefusalReviewRequested', data: { jobSeekerId: JOB_SEEKER_ID, noShowCount: 3 } }]);
  });

  it('does not count the 3rd report of the same reservation as a 3rd no-show', () => {
    jobSeeker
      .given([jobSeekerRegistered(), counted('res-1', 1), counted('res-2', 2)])
      .when({ type: 'CountNoShow', reservationId: 'res-2' })
      .then([]);
  });

  it('requests the review only once (not again at the 4th)', () => {
    jobSeeker
      .given([
        jobSeekerRegistered(),
        counted('res-1', 1),
        counted('res-2', 2),
        counted('res-3', 3),
        { type: 'RefusalReviewRequested', data: { jobSeekerId: JOB_SEEKER_ID, noShowCount: 3 } },
      ])
      .when({ type: 'CountNoShow', reservationId: 'res-4' })
      .then([counted('res-4', 4)]);
  });
});

describe('A12.1 staff can refuse a job seeker until the refusal is lifted', () => {
  const refused = {
    type: 'ServiceRefused',
    data: { jobSeekerId: JOB_SEEKER_ID, article: 'A12.1', reason: 'threatened staff', refusedAt: '2026-11-20T01:00:00.000Z' },
  } as const;

  it('refuses service with the reason and the article', () => {
    jobSeeker
      .given([jobSeekerRegistered()])
      .when({ type: 'RefuseService', article: 'A12.1', reason: 'threatened staff', now: NOW })
      .then([
        { type: 'ServiceRefused', data: { jobSeekerId: JOB_SEEKER_ID, article: 'A12.1', reason: 'threatened staff', refusedAt: NOW.toISOString() } },
      ]);
  });

  it('rejects refusing a job seeker who is already refused', () => {
    jobSeeker
      .given([jobSeekerRegistered(), refused])
      .when({ type: 'RefuseService', article: 'A6.5', reason: 'no-shows', now: NOW })
      .thenRejected('A12.1', /already refused/);
  });

  it('lifts a refusal', () => {
    jobSeeker
      .given([jobSeekerRegistered(), refused])
      .when({ type: 'LiftRefusal', reason: 'apologised', now: NOW })
      .then([{ type: 'ServiceRefusalLifted', data: { jobSeekerId: JOB_SEEKER_ID, reason: 'apologised', liftedAt: NOW.toISOString() } }]);
  });

  it('rejects lifting when nothing is refused, and allows refusing again after a lift', () => {
    jobSeeker
      .given([jobSeekerRegistered()])
      .when({ type: 'LiftRefusal', reason: 'x', now: NOW })
      .thenRejected('A12.1', /not refused/);
    jobSeeker
      .given([
        jobSeekerRegistered(),
        refused,
        { type: 'ServiceRefusalLifted', data: { jobSeekerId: JOB_SEEKER_ID, reason: 'apologised', liftedAt: NOW.toISOString() } },
      ])
      .when({ type: 'RefuseService', article: 'A12.1', reason: 'again', now: NOW })
      .thenEvents((events) => expect(events.map((e) => e.type)).toEqual(['ServiceRefused']));
  });

  it('does not request a refusal review for a job seeker already refused', () => {
    const counted = (reservationId: string, noShowCount: number) =>
      ({ type: 'NoShowCounted', data: { jobSeekerId: JOB_SEEKER_ID, reservationId, noShowCount } }) as const;
    jobSeeker
      .given([jobSeekerRegistered(), refused, counted('res-1', 1), counted('res-2', 2)])
      .when({ type: 'CountNoShow', reservationId: 'res-3' })
      .then([counted('res-3', 3)]);
  });
});

describe('A8.1 erasure of a job seeker’s personal data', () => {
  const erased = {
    type: 'PersonalDataErased',
    data: { jobSeekerId: JOB_SEEKER_ID, reason: 'retention period ended', erasedAt: NOW.toISOString() },
  } as const;

  it('records the erasure once; a re-sent erasure changes nothing', () => {
    jobSeeker.given([jobSeekerRegistered()]).when({ type: 'ErasePersonalData', reason: 'retention period ended', now: NOW }).then([erased]);
    jobSeeker.given([jobSeekerRegistered(), erased]).when({ type: 'ErasePersonalData', reason: 'again', now: NOW }).then([]);
  });

  it('refuses to erase a job seeker who was never registered', () => {
    jobSeeker.given([]).when({ type: 'ErasePersonalData', reason: 'x', now: NOW }).thenRejected('A2.1');
  });

  it('refuses to record anything personal after erasure: registration, consent, refusal, lifting', () => {
    const after = jobSeeker.given([jobSeekerRegistered(), erased]);
    after.when(register()).thenRejected('A8.1', /erased on 2026-11-26.*register their 求職番号 again.*new record with a new id/);
    after.when(giveConsent()).thenRejected('A8.1');
    after.when({ type: 'RefuseService', article: 'A12.1', reason: 'x', now: NOW }).thenRejected('A8.1');
  });

  it('erased, not banned: the same 求職番号 goes on to a new record of the next generation, registered with its own id', () => {
    expect(nextGeneration(fold(jobSeekerDecider, []))).toBeUndefined();
    expect(nextGeneration(fold(jobSeekerDecider, [jobSeekerRegistered()]))).toBeUndefined();
    expect(nextGeneration(fold(jobSeekerDecider, [jobSeekerRegistered(), erased]))).toBe(1);
    expect(nextGeneration(fold(jobSeekerDecider, [jobSeekerRegistered({ generation: 1 }), erased]))).toBe(2);

    jobSeeker
      .given([])
      .when(register({ jobSeekerId: 'js-generation-1', generation: 1, name: '岡山 太郎', email: undefined, phone: undefined }))
      .then([jobSeekerRegistered({ jobSeekerId: 'js-generation-1', generation: 1, email: undefined, phone: undefined })]);
  });

  it('reads a registration recorded before generations existed as the first generation', () => {
    const { generation: _absent, ...before } = jobSeekerRegistered().data;
    const legacy = { type: 'JobSeekerRegistered', data: before } as const;

    expect(fold(jobSeekerDecider, [legacy])).toMatchObject({ status: 'registered', generation: 0 });
    expect(nextGeneration(fold(jobSeekerDecider, [legacy, erased]))).toBe(1);
  });

  it('still counts a no-show of a session held before the erasure (no personal data in it)', () => {
    jobSeeker
      .given([jobSeekerRegistered(), erased])
      .when({ type: 'CountNoShow', reservationId: 'res-1' })
      .then([{ type: 'NoShowCounted', data: { jobSeekerId: JOB_SEEKER_ID, reservationId: 'res-1', noShowCount: 1 } }]);
  });
});
