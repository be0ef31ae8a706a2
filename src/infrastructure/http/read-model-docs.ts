import { applyDecorators } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { AnswerSchema } from './openapi';
import { z } from 'zod';
import { EVENT_SCHEMA_VERSIONS } from '../../domain/events';
import { InvalidCursor } from '../read-store/query';
import { BadInput, says } from './validation';

/**
 * The query endpoints of the read models: the response documented in the OpenAPI from a zod
 * schema that also types the controller's answer (so the document and the answer cannot drift).
 */
export function Query(summary: string, response: z.ZodType) {
  // The 4xx answers that apply (400, 401, 403, 404, 429) are added with the error body by documentErrors.
  return applyDecorators(ApiOperation({ summary }), AnswerSchema(200, response));
}

/** Runs a query; a page cursor that this query did not give out answers 400. */
export async function paged<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    if (error instanceof InvalidCursor) throw new BadInput([{ field: 'after', in: 'query', code: 'input.page-cursor' }]);
    throw error;
  }
}

/** Cursor pagination: `limit` (≤ 200) and `after` = the `next` of the previous page. */
export const cursorPage = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    after: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,2000}$/, says('input.page-cursor'))
      .optional()
      .describe('the `next` of the previous page'),
  })
  .strict();

const jst = z.string().describe('JST instant, e.g. 2026-12-01T10:00:00+09:00');
const ruleId = z.string().describe('the rule of the terms (A6.1 …) or of Madoguchi (SLOT, RESERVATION, OFFICE, COUNSELOR)');
const eventType = z.enum(Object.keys(EVENT_SCHEMA_VERSIONS) as [keyof typeof EVENT_SCHEMA_VERSIONS]);
export const eventTypeParam = eventType;
export const reservationStatus = z.enum(['requested', 'confirmed', 'invited', 'checked-in', 'completed', 'stopped', 'missed', 'cancelled']);

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), next: z.string().optional().describe('cursor of the next page (pass as `after`); absent on the last page') });

export const calendarSchema = z.object({
  officeId: z.string(),
  counselorId: z.string().optional(),
  from: z.string(),
  to: z.string(),
  days: z.array(
    z.object({
      date: z.string(),
      closed: z.string().optional().describe('weekend, national holiday, 12/29–1/3 or office closure day'),
      counselors: z.array(
        z.object({
          counselorId: z.string(),
          name: z.string(),
          active: z.boolean(),
          slots: z.array(
            z.object({
              start: jst,
              end: jst,
              state: z.enum(['free', 'held', 'confirmed', 'checked-in', 'completed', 'stopped', 'missed', 'cancelled']),
              reservationId: z.string().optional(),
              jobSeekerId: z.string().optional().describe("the reservation's job-seeker id (a pseudonym, no name)"),
              invited: z.boolean().optional(),
              unavailable: z
                .string()
                .optional()
                .describe("why nothing can be booked here: the counselor's hours, leave, a blocked period, the day closed"),
              bookable: z.boolean().describe('a wish fits here: free, available, and still before its A6.1 confirmation deadline'),
            }),
          ),
        }),
      ),
    }),
  ),
});

export const timelineEntrySchema = z.object({
  at: jst,
  event: eventType,
  summary: z.string(),
  actor: z.string(),
  rule: ruleId,
  commandId: z.string(),
  correlationId: z.string(),
  details: z.record(z.string(), z.union([z.string(), z.boolean()])).optional(),
});

export const reservationSummarySchema = z.object({
  reservationId: z.string(),
  officeId: z.string(),
  jobSeekerId: z.string(),
  name: z.string().describe('personal data: the read is recorded (A8.1)'),
  status: reservationStatus,
  when: jst,
  channel: z.enum(['phone', 'counter', 'during-session']),
  wishes: z.array(jst),
  counselorId: z.string().optional(),
  invitation: z.enum(['sent', 'failed']).optional(),
});

export const reservationDetailSchema = z.object({
  reservationId: z.string(),
  officeId: z.string(),
  jobSeekerId: z.string(),
  name: z.string(),
  channel: z.enum(['phone', 'counter', 'during-session']),
  email: z.string(),
  wishes: z.array(jst),
  attendance: z.object({ interpreter: z.boolean(), assistant: z.boolean() }),
  notified: z.array(z.enum(['interpreter', 'assistant'])),
  requestedDuring: z.string().optional(),
  requestedAt: jst,
  status: reservationStatus,
  when: jst,
  slot: z
    .object({ counselorId: z.string(), start: jst, end: jst, meetingUrl: z.string(), designatedApp: z.string(), termsVersion: z.string() })
    .optional(),
  invitation: z
    .union([z.object({ status: z.literal('sent'), at: jst }), z.object({ status: z.literal('failed'), at: jst, reason: z.string() })])
    .optional(),
  invitedAfterCancellation: z
    .object({ at: jst })
    .optional()
    .describe('A6.3: the invitation went out although the session was cancelled (the cancellation crossed the send)'),
  checkedInAt: jst.optional(),
  devicePseudonym: z.string().optional().describe('A7.2: the device only as a pseudonym'),
  cancellation: z
    .object({
      channel: z.enum(['phone', 'counter', 'staff']),
      at: jst,
      reason: z.string(),
      refusal: z
        .object({ article: z.enum(['A12.1', 'A6.5']), since: jst })
        .optional()
        .describe('A12.1: cancelled because the job seeker was refused service; `reason` is the refusal’s'),
    })
    .optional(),
  erased: z.literal(true).optional(),
  timeline: z.array(timelineEntrySchema),
});

const sessionSchema = z.object({ reservationId: z.string(), status: reservationStatus, when: jst, counselorId: z.string().optional() });
export const jobSeekerOverviewSchema = z.object({
  jobSeekerId: z.string(),
  registration: z.enum(['pre', 'full']),
  name: z.string(),
  email: z.string().optional(),
  phone: z.string().optional(),
  inPersonDifficulty: z.string(),
  consent: z
    .object({
      termsVersion: z.string(),
      givenAt: jst,
      environment: z.object({
        'A5.1': z.boolean(),
        'A5.2': z.boolean(),
        'A5.3': z.boolean(),
        'A5.4': z.boolean(),
        'A5.5': z.boolean(),
        'A5.6': z.boolean(),
      }),
      deviceReadiness: z.object({ device: z.enum(['smartphone', 'tablet', 'pc']), hasWebCamera: z.boolean(), appPrepared: z.boolean() }),
      designatedApp: z.string(),
      recordingProhibitionAcknowledged: z.literal(true),
    })
    .optional(),
  termsVersions: z.array(z.string()),
  noShowCount: z.number(),
  refusalReviewDue: z.object({ since: jst, noShowCount: z.number() }).optional(),
  refusal: z.object({ article: z.enum(['A12.1', 'A6.5']), reason: z.string(), since: jst }).optional(),
  devicePseudonyms: z.array(z.string()).describe('A7.2: pseudonyms only'),
  erasedAt: jst.optional(),
  upcomingSessions: z.array(sessionSchema),
  pastSessions: z.array(sessionSchema),
});

const deadlineItem = z.object({ reservationId: z.string(), jobSeekerId: z.string(), officeId: z.string(), wish: jst, deadline: jst });
const sessionItem = z.object({ reservationId: z.string(), jobSeekerId: z.string(), officeId: z.string(), counselorId: z.string(), start: jst });
export const todoSchema = z.object({
  officeId: z.string(),
  at: jst,
  nearConfirmationDeadline: z.array(deadlineItem),
  pastConfirmationDeadline: z.array(deadlineItem),
  notInvited: z.array(sessionItem),
  failedInvitations: z.array(sessionItem.extend({ failedAt: jst, reason: z.string() })),
  invitedAfterCancellation: z
    .array(sessionItem.extend({ cancelledAt: jst, sentAt: jst }))
    .describe('A6.3: cancelled sessions whose invitation went out all the same (the cancellation crossed the send): tell the job seeker it is void'),
  awaitingCheckInToday: z.array(sessionItem),
  refusalReviews: z.array(z.object({ jobSeekerId: z.string(), name: z.string(), noShowCount: z.number(), since: jst })),
  failedTermsNotices: z
    .array(z.object({ jobSeekerId: z.string(), name: z.string(), termsVersion: z.string(), failedAt: jst, reason: z.string() }))
    .describe('A13: terms notices refused for good by the mail server, until the job seeker consents to that version'),
  onClosureDays: z
    .array(
      sessionItem.extend({
        closure: z.string().describe('why the office is closed that day'),
        invitation: z.enum(['withheld', 'sent']).describe('withheld: no invitation goes out for a closed day; call the job seeker'),
      }),
    )
    .describe('OFFICE: sessions on a day the office is closed (one confirmed while the day was being closed), to be moved'),
});

export const auditEntrySchema = z.object({
  entryId: z.string().describe('the global position, zero-padded'),
  event: eventType,
  at: jst,
  actor: z.string(),
  commandId: z.string(),
  correlationId: z.string(),
  causationId: z.string(),
  rule: ruleId,
  jobSeekerIds: z.array(z.string()),
  reservationId: z.string().optional(),
  officeId: z.string().optional(),
  counselorId: z.string().optional(),
  staffId: z.string().optional(),
  devicePseudonyms: z.array(z.string()).optional().describe('A7.2: pseudonyms only'),
});

const replayedEvent = z.object({
  position: z.string(),
  streamId: z.string(),
  revision: z.string(),
  at: jst,
  event: eventType,
  actor: z.string(),
  commandId: z.string(),
  correlationId: z.string(),
  causationId: z.string(),
  rule: ruleId,
  data: z
    .record(z.string(), z.unknown())
    .describe('the event as recorded; personal values opened ([erased] once erased), device identifiers [sealed]'),
});
export const replaySchema = z.object({
  subject: z.string(),
  asOf: jst,
  events: z.array(replayedEvent).describe('every event of the subject recorded at or before asOf, oldest first: what the state was folded from'),
  state: z.record(z.string(), z.unknown()).describe('the state as of asOf, as the domain folds it'),
  since: z
    .object({
      at: jst,
      state: z.record(z.string(), z.unknown()),
      events: z.array(z.string()).describe('positions of the events recorded after `since`, up to asOf'),
      changes: z.array(z.object({ field: z.string(), before: z.unknown(), after: z.unknown() })),
    })
    .optional(),
});
