import { Inject, Injectable } from '@nestjs/common';
import { ReadModels } from '../../application/consumers/read-models';
import { READ_STORE, ReadStore, Where } from '../../application/ports/read-store';
import { addDays, JstDate } from '../../domain/calendar/business-calendar';
import type { EventType } from '../../domain/events';
import { DocumentProjection, Stored, withoutStorage } from '../document-projection';
import type { CursorPage } from '../reservations/reservations.read-model';
import { jstMidnight } from '../reservations/reservations.read-model';
import { AuditEntry, auditProjector } from './audit.projector';

export const AUDIT_LOG = 'audit_log';

@Injectable()
export class AuditLogProjection extends DocumentProjection<AuditEntry> {
  constructor() {
    super(auditProjector, {
      name: AUDIT_LOG,
      indexes: [{ fields: [{ field: 'at' }] }, { fields: [{ field: 'actor' }, { field: 'at' }] }, { fields: [{ field: 'event' }, { field: 'at' }] }],
    });
  }
}

export interface AuditFilter {
  /** JST dates, inclusive. */
  from: JstDate;
  to: JstDate;
  jobSeekerId?: string;
  /** The staff member or process that acted, e.g. `staff:tanaka`. */
  actor?: string;
  type?: EventType;
}

/** The audit log for auditors: in the order things happened, a page at a time. */
@Injectable()
export class AuditQueries {
  constructor(
    private readonly readModels: ReadModels,
    @Inject(READ_STORE) private readonly store: ReadStore,
  ) {}

  async events(filter: AuditFilter, page: { after?: string; limit: number }): Promise<CursorPage<AuditEntry>> {
    await this.readModels.caughtUp(auditProjector.name);
    const where: Where = { at: { gte: jstMidnight(filter.from), lt: jstMidnight(addDays(filter.to, 1)) } };
    if (filter.jobSeekerId) where.jobSeekerIds = { contains: filter.jobSeekerId };
    if (filter.actor) where.actor = filter.actor;
    if (filter.type) where.event = filter.type;
    const found = await this.store.find<Stored<AuditEntry>>(AUDIT_LOG, {
      where,
      orderBy: [{ field: 'entryId' }],
      limit: page.limit,
      after: page.after,
    });
    return { items: found.items.map(withoutStorage), ...(found.next ? { next: found.next } : {}) };
  }
}
