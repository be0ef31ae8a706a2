import { Inject, Injectable } from '@nestjs/common';
import { toDomainEvent } from '../../application/event-sourcing/event-sourcing';
import { StoredEvent } from '../../application/ports/event-store';
import { READ_STORE, ReadStore, ReadTransaction } from '../../application/ports/read-store';
import type { Projector } from '../../application/consumers/consumer';
import { ReadModels } from '../../application/consumers/read-models';
import { Counselor, counselorDecider, CounselorEvent } from '../../domain/counselor/counselor';
import { Office, officeDecider, OfficeEvent, OfficeState } from '../../domain/office/office';
import type { CounselorState } from '../../domain/counselor/counselor';
import type { EventType } from '../../domain/events';
import type { JstDate } from '../../domain/calendar/business-calendar';
import { Page, page } from '../../application/page';

export type OfficeView = Omit<Office, 'closures'> & { closures: Array<{ date: string; reason: string }> };
export type CounselorView = Counselor;

const OFFICES = 'directory_offices';
const COUNSELORS = 'directory_counselors';
type OfficeDocument = { id: string; state: Omit<Extract<OfficeState, { status: 'open' }>, 'closures'> & { closures: Array<[JstDate, string]> } };
type CounselorDocument = { id: string; officeId: string; state: Extract<CounselorState, { status: 'known' }> };

/**
 * Offices and counselors as staff list them, folded with the deciders' own evolve (so the two never
 * disagree) and kept durable: one document per office and per counselor with the decider's state.
 */
@Injectable()
export class DirectoryProjector implements Projector {
  readonly name = 'directory';
  readonly handles: EventType[] = [
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
  ];
  readonly collections = [{ name: OFFICES }, { name: COUNSELORS, indexes: [{ fields: [{ field: 'officeId' }] }] }];

  async apply(stored: StoredEvent, tx: ReadTransaction): Promise<void> {
    const event = toDomainEvent(stored);
    if (stored.streamId.startsWith('office-')) {
      const id = stored.streamId.slice('office-'.length);
      const found = await tx.get<OfficeDocument>(OFFICES, id);
      const state: OfficeState = found ? { ...found.state, closures: new Map(found.state.closures) } : officeDecider.initialState();
      const next = officeDecider.evolve(state, event as OfficeEvent);
      if (next.status === 'open') await tx.put<OfficeDocument>(OFFICES, { id, state: { ...next, closures: [...next.closures] } });
    } else if (stored.streamId.startsWith('counselor-') && !stored.streamId.startsWith('counselor-day-')) {
      const id = stored.streamId.slice('counselor-'.length);
      const found = await tx.get<CounselorDocument>(COUNSELORS, id);
      const next = counselorDecider.evolve(found?.state ?? counselorDecider.initialState(), event as CounselorEvent);
      if (next.status === 'known') await tx.put<CounselorDocument>(COUNSELORS, { id, officeId: next.officeId, state: next });
    }
  }
}

/** Queries of the directory. Offices and counselors are bounded by configuration: sorted here, in Japanese order. */
@Injectable()
export class DirectoryProjection {
  constructor(
    private readonly readModels: ReadModels,
    @Inject(READ_STORE) private readonly store: ReadStore,
  ) {}

  async listOffices(offset: number, limit: number): Promise<Page<OfficeView>> {
    await this.readModels.caughtUp('directory');
    const all = (await this.all<OfficeDocument>(OFFICES)).map((d) => officeView(d.state));
    return page(
      all.sort((a, b) => a.name.localeCompare(b.name, 'ja')),
      offset,
      limit,
    );
  }

  async office(officeId: string): Promise<OfficeView | undefined> {
    await this.readModels.caughtUp('directory');
    const found = await this.store.get<OfficeDocument>(OFFICES, officeId);
    return found && officeView(found.state);
  }

  async listCounselors(officeId: string, offset: number, limit: number, includeInactive: boolean): Promise<Page<CounselorView>> {
    await this.readModels.caughtUp('directory');
    const all = (await this.all<CounselorDocument>(COUNSELORS, officeId)).flatMap((d) =>
      includeInactive || d.state.active ? [counselorView(d.state)] : [],
    );
    return page(
      all.sort((a, b) => a.name.localeCompare(b.name, 'ja')),
      offset,
      limit,
    );
  }

  async counselor(counselorId: string): Promise<CounselorView | undefined> {
    await this.readModels.caughtUp('directory');
    const found = await this.store.get<CounselorDocument>(COUNSELORS, counselorId);
    return found && counselorView(found.state);
  }

  private async all<T extends { id: string }>(collection: string, officeId?: string): Promise<T[]> {
    const all: T[] = [];
    let after: string | undefined;
    do {
      const found: { items: T[]; next?: string } = await this.store.find<T>(collection, { where: officeId ? { officeId } : {}, limit: 1000, after });
      all.push(...found.items);
      after = found.next;
    } while (after);
    return all;
  }
}

function officeView({ status: _s, closures, ...office }: OfficeDocument['state']): OfficeView {
  return { ...office, closures: [...closures].sort(([a], [b]) => a.localeCompare(b)).map(([date, reason]) => ({ date, reason })) };
}

function counselorView({ status: _s, ...counselor }: CounselorDocument['state']): CounselorView {
  return counselor;
}
