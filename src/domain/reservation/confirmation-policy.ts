import { assertSessionSlot, confirmationDeadline, describeJst, toJst } from '../calendar/business-calendar';
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
  const when = describeJst(start);

  if (counselor.officeId !== reservation.officeId) {
    throw new RuleViolation('COUNSELOR', `${counselor.name} works for another office; choose a counselor of this reservation's office.`);
  }
  assertSessionSlot(start, 'A6.2', office.closures);
  if (now.getTime() >= confirmationDeadline(start).getTime()) {
    throw new RuleViolation(
      'A6.1',
      `A session on ${toJst(start).date} had to be confirmed by 23:59 JST the day before. Offer the job seeker a later date.`,
    );
  }
  const unavailable = unavailabilityReason(counselor, start);
  if (unavailable) throw new RuleViolation('COUNSELOR', `Cannot confirm ${when}: ${unavailable}.`);

  if (jobSeeker.status !== 'registered') {
    throw new RuleViolation('A2.1', 'The job seeker of this reservation is not registered.');
  }
  notErased(jobSeeker);
  if (jobSeeker.refusal) {
    throw new RuleViolation('A12.1', `Service to this job seeker is refused (${jobSeeker.refusal.article}); it must be lifted before confirming.`);
  }
  const inForce = termsVersionInForce(terms, toJst(start).date);
  if (!inForce) {
    throw new RuleViolation('A13', `No terms of use are in force on ${toJst(start).date}. Publish a terms version first.`);
  }
  const consent = consentTo(jobSeeker, inForce.version);
  if (!consent) {
    const earlier = jobSeeker.consents.at(-1);
    throw new RuleViolation(
      earlier ? 'A13' : 'A2.3',
      earlier
        ? `Terms version ${inForce.version} takes effect on ${inForce.effectiveFrom}; the job seeker consented only to ${earlier.termsVersion}. Record consent to ${inForce.version} first.`
        : `The job seeker has not consented to the terms of use (version ${inForce.version}). Record their consent first.`,
    );
  }
  const refused = ENVIRONMENT_ITEMS.filter((item) => !consent.environment[item]);
  if (refused.length > 0) {
    throw new RuleViolation('A5', `The job seeker's device or connection does not meet ${refused.join(', ')} of the terms. Help them fix it, then record a new declaration.`, {
      items: refused,
    });
  }
  const { hasWebCamera, appPrepared } = consent.deviceReadiness;
  if (!hasWebCamera || !appPrepared) {
    throw new RuleViolation(
      'A2.2',
      `The job seeker needs ${!hasWebCamera ? 'a device with a web camera' : ''}${!hasWebCamera && !appPrepared ? ' and ' : ''}${!appPrepared ? `the ${office.designatedApp.name} app prepared` : ''} before a session can be confirmed.`,
    );
  }
  if (consent.designatedApp.name !== office.designatedApp.name) {
    throw new RuleViolation(
      'A4',
      `The job seeker agreed to ${consent.designatedApp.name}, but ${office.name} now uses ${office.designatedApp.name}. Record their consent to the new app's terms first.`,
    );
  }
  return { meetingUrl: meetingUrlFor(office, counselor.roomUrl, confirmation.sessionToken), termsVersion: inForce.version };
}
