import { z } from 'zod';
import type { CommandOutcome } from '../../application/event-sourcing/command-answer';
import type { JobSeekerAnswer } from '../../application/job-seeker/job-seeker.commands';
import type { CounselorAnswer, OfficeAnswer } from '../../application/office/office.commands';
import type { Page } from '../../application/page';
import type { AccessRecord } from '../../application/privacy/access-log';
import type { DisclosureAnswer, ErasureAnswer } from '../../application/privacy/privacy.commands';
import type { ReservationAnswer } from '../../application/reservation/reservation.commands';
import type { StaffAnswer, TokenAnswer } from '../../application/staff/staff.commands';
import type { TermsAnswer } from '../../application/terms/terms.commands';
import type { Principal } from '../../application/ports/authenticator';
import { ROLES } from '../../domain/staff/staff';
import type { TermsVersion } from '../../domain/terms/terms';
import type { CounselorView, OfficeView } from '../../projections/directory/directory.projection';
import type { JobSeekerListItem, JobSeekerView } from '../../projections/job-seeker/job-seeker-directory.projection';
import type { StaffMemberView } from '../../projections/staff/staff-directory.projection';

/**
 * The answers of every endpoint as zod schemas, documented in the OpenAPI by `AnswerSchema`. Each is
 * tied to the TypeScript type the application answers with: `describes<T>()` fails to compile when
 * the two differ in a field's type, in a required field, or in an optional field at the top. (Nested
 * optional fields are caught at run time: test/e2e/openapi.spec.ts validates real answers, every
 * object strict, against the served document.)
 */
type Same<A, B> = [A] extends [B]
  ? [B] extends [A]
    ? [keyof A] extends [keyof B]
      ? [keyof B] extends [keyof A]
        ? true
        : false
      : false
    : false
  : false;
function describes<T>() {
  return <S extends z.ZodType>(
    schema: S & (Same<z.output<S>, T> extends true ? unknown : { error: 'the schema does not describe the type'; schema: z.output<S>; type: T }),
  ) => schema;
}

const instant = z.string().describe('a date and time, ISO 8601 in UTC, e.g. 2026-12-01T01:00:00.000Z (10:00 JST)');
const jstDate = z.string().describe('a date in JST, YYYY-MM-DD');
const streamChange = z
  .object({
    streamId: z.string(),
    revision: z
      .string()
      .nullable()
      .describe("revision of the stream's last event after this command's last event there; null while the stream is empty"),
    appended: z.array(z.string()).describe('the event types this command appended to this stream, in order'),
  })
  .strict();
const outcome = {
  appended: z
    .array(z.string())
    .describe('every event type the command appended, on every stream, in order (on a re-send: the same as the first answer)'),
  streams: z
    .array(streamChange)
    .describe('each stream the command appended to, in the order appended (the one it looked at, when it appended nothing)'),
  replayed: z
    .boolean()
    .describe('true when this Idempotency-Key had already been used for this command: the answer repeats the first one, nothing new was appended'),
};
export const commandOutcome = describes<CommandOutcome>()(z.object(outcome).strict());

const answer = <I extends z.ZodRawShape>(ids: I) => z.object({ ...ids, ...outcome }).strict();
export const reservationAnswer = describes<ReservationAnswer>()(answer({ reservationId: z.uuid() }));
export const officeAnswer = describes<OfficeAnswer>()(answer({ officeId: z.uuid() }));
export const counselorAnswer = describes<CounselorAnswer>()(
  answer({
    counselorId: z.uuid(),
    exceptionId: z.uuid().optional().describe('the availability exception just added: DELETE …/exceptions/{exceptionId} removes it'),
  }),
);
export const jobSeekerAnswer = describes<JobSeekerAnswer>()(
  answer({ jobSeekerId: z.string().describe('the job seeker id (64 hex digits), derived from the 求職番号') }),
);
export const erasureAnswer = describes<ErasureAnswer>()(answer({ jobSeekerId: z.string() }));
export const termsAnswer = describes<TermsAnswer>()(answer({ version: z.string() }));
export const staffAnswer = describes<StaffAnswer>()(answer({ staffId: z.string() }));
export const tokenAnswer = describes<TokenAnswer>()(
  answer({
    staffId: z.string(),
    tokenId: z.string(),
    token: z.string().optional().describe('the bearer token, in this answer only (only its hash is recorded); absent on a re-send'),
    expiresAt: z.string().optional().describe('when the token stops working (JST); absent on a re-send'),
  }),
);
export const disclosureAnswer = describes<DisclosureAnswer>()(
  answer({
    requestId: z.uuid(),
    devices: z.array(z.object({ reservationId: z.uuid(), checkedInAt: instant, pseudonym: z.string(), identifier: z.string() }).strict()),
  }),
);

const pageOf = <S extends z.ZodType>(item: S) =>
  z
    .object({ items: z.array(item), total: z.number().int().describe('items in the whole list'), offset: z.number().int(), limit: z.number().int() })
    .strict();

const designatedApp = z.object({ name: z.string(), termsUrl: z.string() }).strict();
const meetingUrlPolicy = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('counselor-room') }).strict(),
  z.object({ kind: z.literal('per-session'), template: z.string() }).strict(),
]);
export const officeView = describes<OfficeView>()(
  z
    .object({
      officeId: z.uuid(),
      name: z.string(),
      cancellationPhone: z.string(),
      senderEmail: z.string(),
      designatedApp,
      meetingUrlPolicy,
      closures: z.array(z.object({ date: jstDate, reason: z.string() }).strict()),
    })
    .strict(),
);
export const officePage = describes<Page<OfficeView>>()(pageOf(officeView));

const dayHours = z.object({ from: z.string(), to: z.string() }).strict().nullable();
const exception = z.discriminatedUnion('kind', [
  z.object({ exceptionId: z.string(), kind: z.literal('leave'), date: jstDate, reason: z.string() }).strict(),
  z.object({ exceptionId: z.string(), kind: z.literal('blocked'), from: instant, to: instant, reason: z.string() }).strict(),
  z.object({ exceptionId: z.string(), kind: z.literal('shorter-day'), date: jstDate, from: z.string(), to: z.string(), reason: z.string() }).strict(),
]);
export const counselorView = describes<CounselorView>()(
  z
    .object({
      counselorId: z.uuid(),
      officeId: z.uuid(),
      name: z.string(),
      roomUrl: z.string().optional(),
      active: z.boolean(),
      weeklyHours: z.object({ '1': dayHours, '2': dayHours, '3': dayHours, '4': dayHours, '5': dayHours }).strict(),
      exceptions: z.array(exception),
    })
    .strict(),
);
export const counselorPage = describes<Page<CounselorView>>()(pageOf(counselorView));

const erasable = (text: string) => z.string().describe(`${text}; reads "[erased]" once the personal data was erased (A8.1)`);
export const jobSeekerView = describes<JobSeekerView>()(
  z
    .object({
      jobSeekerId: z.string(),
      registration: z.enum(['pre', 'full']),
      name: erasable('name'),
      email: erasable('e-mail').optional(),
      phone: erasable('telephone').optional(),
      inPersonDifficulty: erasable('A2.1: why coming in person is difficult'),
      consents: z.array(z.object({ termsVersion: z.string(), designatedApp: z.string(), givenAt: instant }).strict()),
      noShowCount: z.number().int(),
      refusal: z.object({ article: z.string(), reason: z.string(), since: instant }).strict().optional(),
      erasedAt: instant.optional(),
      reservations: z.array(z.uuid()),
      devices: z.array(z.object({ reservationId: z.uuid(), checkedInAt: instant, pseudonym: z.string() }).strict()).describe('A7.2: pseudonyms only'),
    })
    .strict(),
);
export const jobSeekerPage = describes<Page<JobSeekerListItem>>()(
  pageOf(
    z
      .object({
        jobSeekerId: z.string(),
        name: erasable('name'),
        registration: z.enum(['pre', 'full']),
        noShowCount: z.number().int(),
        erasedAt: instant.optional(),
        refused: z.boolean(),
      })
      .strict(),
  ),
);

export const staffPage = describes<Page<StaffMemberView>>()(
  pageOf(
    z
      .object({
        staffId: z.string(),
        name: z.string(),
        roles: z.array(z.enum(ROLES)),
        tokens: z.array(z.object({ tokenId: z.string(), issuedAt: instant, expiresAt: instant, revokedAt: instant.optional() }).strict()),
      })
      .strict(),
  ),
);

export const accessPage = describes<Page<AccessRecord>>()(
  pageOf(
    z
      .object({
        viewer: z.string().describe('staff:<staffId>'),
        view: z.string().describe("what was shown: 'job-seeker', 'reservation', 'job-seeker-list'"),
        jobSeekerIds: z.array(z.string()),
        viewedAt: instant,
        position: z.string().describe("the record's position in the event store"),
      })
      .strict(),
  ),
);

export const live = z.object({ status: z.literal('live') }).strict();

/** /health and /health/ready: the event store's head and each consumer's position and lag (200 ready, 503 not). */
export const readiness = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    eventStore: z.union([z.object({ head: z.string() }).strict(), z.object({ error: z.string() }).strict()]),
    consumers: z.array(
      z
        .object({
          name: z.string(),
          state: z.string(),
          position: z.string().nullable(),
          lag: z.string().nullable().describe("positions between the consumer and the event store's head"),
          caughtUp: z.boolean(),
          error: z.object({ message: z.string(), position: z.string().optional(), at: z.string() }).strict().optional(),
        })
        .strict(),
    ),
    chain: z
      .object({
        status: z.enum(['unchecked', 'checking', 'intact', 'broken']),
        checked: z.number().int().describe('newest events whose hash-chain links were checked at start-up'),
        firstBroken: z.string().optional().describe('which event, which link (npm run verify walks the whole store)'),
      })
      .strict()
      .describe('Issue 19: tamper evidence, the newest events checked at start-up; 503 while checking and when broken'),
  })
  .strict();

/** Every error: `{ error, message, rule?, problems?, details? }` (the ErrorFilter's one shape). */
export const errorBody = z
  .object({
    error: z
      .string()
      .describe(
        'a code for programs: bad_request, unauthenticated, forbidden, not_found, conflict, payload_too_large, rule_violation, too_many_requests, idempotency_key_reused',
      ),
    code: z.string().describe("the message's key in the catalogue (src/domain/shared/messages.ts), e.g. slot.closed"),
    message: z.string().describe('what went wrong and what to do, for the staff member: Japanese, or English with Accept-Language: en'),
    rule: z.string().optional().describe('the rule that refuses it (A6.1, A8.1, SLOT, …)'),
    problems: z
      .array(z.object({ field: z.string(), in: z.enum(['body', 'query', 'path', 'header']), code: z.string(), problem: z.string() }).strict())
      .optional()
      .describe('400: each field that is not valid'),
    details: z.record(z.string(), z.unknown()).optional().describe('422: facts behind the refusal, e.g. the sessions that block a deactivation'),
  })
  .strict();

export const termsCatalogueAnswer = describes<{ versions: TermsVersion[]; inForce?: string }>()(
  z
    .object({
      versions: z.array(z.object({ version: z.string(), effectiveFrom: jstDate }).strict()).describe('ordered by effective date'),
      inForce: z
        .string()
        .optional()
        .describe('the version in force today (JST), which a consent given now names (A13); absent before the first takes effect'),
    })
    .strict(),
);

export const principalAnswer = describes<Principal>()(
  z.object({ staffId: z.string(), roles: z.array(z.enum(ROLES)).describe('what this staff member may do (A8.1)') }).strict(),
);
