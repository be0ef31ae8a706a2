import { Injectable } from '@nestjs/common';
import { toDomainEvent } from '../../application/event-sourcing/event-sourcing';
import { StoredEvent } from '../../application/ports/event-store';
import { Counselor, counselorDecider, CounselorEvent } from '../../domain/counselor/counselor';
import { Office, officeDecider, OfficeEvent, OfficeState } from '../../domain/office/office';
import type { CounselorState } from '../../domain/counselor/counselor';
import { Page, page } from '../../application/page';
import { LiveProjection } from '../live-projection';


export type OfficeView = Omit<Office, 'closures'> & { closures: Array<{ date: string; reason: string }> };
export type CounselorView = Counselor;


/** Offices and counselors as staff list them; folded with the deciders' own evolve, so the two never disagree. */
@Injectable()
export class DirectoryProjection extends LiveProjection {
  protected readonly projectionName = 'directory';
  private readonly offices = new Map<string, OfficeState>();
  private readonly counselors = new Map<string, CounselorState>();

  protected apply(stored: StoredEvent): void {
    const event = toDomainEvent(stored);
    if (stored.streamId.startsWith('office-')) {
      const id = stored.streamId.slice('office-'.length);
      this.offices.set(id, officeDecider.evolve(this.offices.get(id) ?? officeDecider.initialState(), event as OfficeEvent));
    } else if (stored.streamId.startsWith('counselor-') && !stored.streamId.startsWith('counselor-day-')) {
      const id = stored.streamId.slice('counselor-'.length);
      this.counselors.set(id, counselorDecider.evolve(this.counselors.get(id) ?? counselorDecider.initialState(), event as CounselorEvent));
    }
  }

  async listOffices(offset: number, limit: number): Promise<Page<OfficeView>> {
    await this.caughtUp();
    const all = [...this.offices.values()].flatMap((s) => (s.status === 'open' ? [officeView(s)] : []));
    return page(all.sort((a, b) => a.name.localeCompare(b.name, 'ja')), offset, limit);
  }

  async office(officeId: string): Promise<OfficeView | undefined> {
    await this.caughtUp();
    const state = this.offices.get(officeId);
    return state?.status === 'open' ? officeView(state) : undefined;
  }

  async listCounselors(officeId: string, offset: number, limit: number, includeInactive: boolean): Promise<Page<CounselorView>> {
    await this.caughtUp();
    const all = [...this.counselors.values()].flatMap((s) =>
      s.status === 'known' && s.officeId === officeId && (includeInactive || s.active) ? [counselorView(s)] : [],
    );
    return page(all.sort((a, b) => a.name.localeCompare(b.name, 'ja')), offset, limit);
  }

  async counselor(counselorId: string): Promise<CounselorView | undefined> {
    await this.caughtUp();
    const state = this.counselors.get(counselorId);
    return state?.status === 'known' ? counselorView(state) : undefined;
  }
}

function officeView({ status: _s, closures, ...office }: Extract<OfficeState, { status: 'open' }>): OfficeView {
  return { ...office, closures: [...closures].sort(([a], [b]) => a.localeCompare(b)).map(([date, reason]) => ({ date, reason })) };
}

function counselorView({ status: _s, ...counselor }: Extract<CounselorState, { status: 'known' }>): CounselorView {
  return counselor;
}
