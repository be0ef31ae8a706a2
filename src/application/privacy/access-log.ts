import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { addDays, JstDate, toJst } from '../../domain/calendar/business-calendar';
import { EVENT_SCHEMA_VERSIONS } from '../../domain/events';
import type { PersonalDataViewed } from '../../domain/privacy/access';
import { Page, page } from '../page';
import { CLOCK, Clock } from '../ports/clock';
import type { EventStore } from '../ports/event-store';
import { EVENT_STORE } from '../ports/tokens';
import { streams } from '../streams';

export interface AccessQuery {
  from: JstDate;
  to: JstDate;
  jobSeekerId?: string;
  viewer?: string;
  offset: number;
  limit: number;
}

export type AccessRecord = PersonalDataViewed['data'] & { position: string };

/** Auditors look at most this many days at once. */
export const MAX_AUDIT_DAYS = 31;

/**
 * A8.1: every read of personal data is recorded before the data is shown (no record, no answer),
 * in one stream per JST day; auditors query a date range.
 */
@Injectable()
export class AccessLog {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async record(viewer: string, view: string, jobSeekerIds: string[]): Promise<void> {
    if (jobSeekerIds.length === 0) return;
    const now = this.clock.now();
    const data: PersonalDataViewed['data'] = { viewer, view, jobSeekerIds: [...new Set(jobSeekerIds)], viewedAt: now.toISOString() };
    const commandId = randomUUID();
    // 'any': views of one day are recorded in any order, and each call is a view of its own (a fresh event id),
    // so a retry is a second view, not a duplicate; nothing here relies on the store recognising a retry.
    await this.store.append(
      streams.accessLog(toJst(now).date),
      [
        {
          eventId: randomUUID(),
          type: 'PersonalDataViewed',
          schemaVersion: EVENT_SCHEMA_VERSIONS.PersonalDataViewed,
          data,
          metadata: { commandId, correlationId: commandId, causationId: commandId, actor: viewer, recordedAt: now.toISOString() },
        },
      ],
      'any',
    );
  }

  async query(query: AccessQuery): Promise<Page<AccessRecord>> {
    const matching: AccessRecord[] = [];
    for (let day = query.from; day <= query.to; day = addDays(day, 1)) {
      for (const event of await this.store.readStream(streams.accessLog(day))) {
        const data = event.data as PersonalDataViewed['data'];
        if (query.jobSeekerId && !data.jobSeekerIds.includes(query.jobSeekerId)) continue;
        if (query.viewer && data.viewer !== query.viewer) continue;
        matching.push({ ...data, position: String(event.position) });
      }
    }
    return page(matching, query.offset, query.limit);
  }
}
