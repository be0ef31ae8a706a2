import { assertSessionSlot, confirmationDeadline, toJst } from '../calendar/business-calendar';
import { Counselor, unavailabilityReason } from '../counselor/counselor';
import { consentTo, ENVIRONMENT_ITEMS, JobSeekerState, notErased } from '../job-seeker/job-seeker';
import { meetingUrlFor, Office } from '../office/office';
import { RuleViolation } from '../shared/errors';
import { TermsState, termsVersionInForce } from '../terms/terms';
import type { Confirmation, ReservationBase } from './reservation';

/** What a confirmation must know about the other boundaries: loaded from their streams by the handler. */
export interface ConfirmationContext {
  jobSeeker: JobSeekerState;
  terms: TermsState;
  office: Office;
  counselor: Counselor;
}

/**
 * Every rule a slot confirmation must pass, in the order staff can act on them. Returns the
 * meeting URL (A4) and the terms version consented to (A2.3).
 */
export function assertConfirmable(
  reservation: ReservationBase,
  confirmation: Confirmation,
  context: ConfirmationContext,
  now: Date,
): { meetingUrl: string; termsVersion: string } {
  const { start } = confirmation;
  const { jobSeeker, terms, office, counselor } = context;

  if (counselor.officeId !== reservation.officeId) {
    throw new RuleViolation('COUNSELOR', 'counselor.other-office', { name: counselor.name });
  }
  assertSessionSlot(start, 'A6.2', office.closures);
  if (now.getTime() >= confirmationDeadline(start).getTime()) {
    throw new RuleViolation('A6.1', 'confirmation.deadline', { date: toJst(start).date });
  }
  const unavailable = unavailabilityReason(counselor, start);
  if (unavailable) throw new RuleViolation('COUNSELOR', 'counselor.unavailable', { start, why: unavailable });

  if (jobSeeker.status !== 'registered') {
    throw new RuleViolation('A2.1', 'job-seeker.of-reservation-not-registered');
  }
  notErased(jobSeeker);
  if (jobSeeker.refusal) {
    throw new RuleViolation('A12.1', 'refusal.confirming', { article: jobSeeker.refusal.article });
  }
  const inForce = termsVersionInForce(terms, toJst(start).date);
  if (!inForce) {
    throw new RuleViolation('A13', 'terms.none-in-force', { date: toJst(start).date });
  }
  const consent = consentTo(jobSeeker, inForce.version);
  if (!consent) {
    const earlier = jobSeeker.consents.at(-1);
    throw earlier
      ? new RuleViolation('A13', 'terms.consent-outdated', {
          version: inForce.version,
          effectiveFrom: inForce.effectiveFrom,
          consented: earlier.termsVersion,
        })
      : new RuleViolation('A2.3', 'terms.no-consent', { version: inForce.version });
  }
  const refused = ENVIRONMENT_ITEMS.filter((item) => !consent.environment[item]);
  if (refused.length > 0) {
    throw new RuleViolation('A5', 'environment.not-met', { items: refused }, { items: refused });
  }
  const { hasWebCamera, appPrepared } = consent.deviceReadiness;
  if (!hasWebCamera || !appPrepared) {
    throw new RuleViolation('A2.2', 'device.not-ready', { camera: hasWebCamera, app: appPrepared, appName: office.designatedApp.name });
  }
  if (consent.designatedApp.name !== office.designatedApp.name) {
    throw new RuleViolation('A4', 'app.changed', { agreed: consent.designatedApp.name, office: office.name, current: office.designatedApp.name });
  }
  return { meetingUrl: meetingUrlFor(office, counselor.roomUrl, confirmation.sessionToken), termsVersion: inForce.version };
}
