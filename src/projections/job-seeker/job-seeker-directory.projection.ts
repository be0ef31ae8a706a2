import { Injectable } from '@nestjs/common';
import { toDomainEvent } from '../../application/event-sourcing/event-sourcing';
import type { StoredEvent } from '../../application/ports/event-store';
import { DeviceRecords } from '../../application/privacy/privacy.commands';
import type { PersonalDetails, RegistrationKind } from '../../domain/job-seeker/job-seeker';
import { ERASED } from '../../domain/privacy/personal-data';
import { Page, page } from '../../application/page';
import { LiveProjection } from '../live-projection';

export interface JobSeekerView extends PersonalDetails {
  jobSeekerId: string;
  registration: RegistrationKind;
  consents: Array<{ termsVersion: string; designatedApp: string; givenAt: string }>;
  noShowCount: number;
  refusal?: { article: string; reason: string; since: string };
  /** A8.1: set once the personal data was erased; the personal fields then read as ERASED. */
  erasedAt?: string;
  reservations: string[];
  /** A7.2: devices only by their pseudonym. */
  devices: Array<{ reservationId: string; checkedInAt: string; pseudonym: string }>;
}
export type JobSeekerListItem = Pick<JobSeekerView, 'jobSeekerId' | 'name' | 'registration' | 'noShowCount' | 'erasedAt'> & { refused: boolean };

function listItem({ jobSeekerId, name, registration, noShowCount, erasedAt, refusal }: JobSeekerView): JobSeekerListItem {
  return { jobSeekerId, name, registration, noShowCount, erasedAt, refused: refusal !== undefined };
}

/**
 * Job seekers as staff look them up: personal details, consents, no-shows, refusal, reservations and
 * devices (pseudonyms only, A7.2). Kept in memory on every instance; an erasure blanks the details
 * here at once, and a rebuild after it never sees them (the events read as ERASED).
 */
@Injectable()
export class JobSeekerDirectoryProjection extends LiveProjection implements DeviceRecords {
  protected readonly projectionName = 'job-seeker-directory';
  private readonly jobSeekers = new Map<string, JobSeekerView>();

  protected apply(stored: StoredEvent): void {
    if (!stored.streamId.startsWith('jobseeker-') && !stored.streamId.startsWith('reservation-')) return;
    const event = toDomainEvent(stored);
    switch (event.type) {
      case 'JobSeekerRegistered': {
        const { jobSeekerId, registration, name, email, phone, inPersonDifficulty } = event.data;
        this.jobSeekers.set(jobSeekerId, { jobSeekerId, registration, name, email, phone, inPersonDifficulty, consents: [], noShowCount: 0, reservations: [], devices: [] });
        return;
      }
      case 'JobSeekerDetailsUpdated': {
        const { jobSeekerId, ...changes } = event.data;
        Object.assign(this.get(jobSeekerId), changes);
        return;
      }
      case 'JobSeekerRegistrationCompleted':
        this.get(event.data.jobSeekerId).registration = 'full';
        return;
      case 'ConsentGiven':
        this.get(event.data.jobSeekerId).consents.push({ termsVersion: event.data.termsVersion, designatedApp: event.data.designatedApp.name, givenAt: event.data.givenAt });
        return;
      case 'NoShowCounted':
        this.get(event.data.jobSeekerId).noShowCount = event.data.noShowCount;
        return;
      case 'ServiceRefused':
        this.get(event.data.jobSeekerId).refusal = { article: event.data.article, reason: event.data.reason, since: event.data.refusedAt };
        return;
      case 'ServiceRefusalLifted':
        this.get(event.data.jobSeekerId).refusal = undefined;
        return;
      case 'PersonalDataErased': {
        const view = this.get(event.data.jobSeekerId);
        Object.assign(view, { name: ERASED, inPersonDifficulty: ERASED, erasedAt: event.data.erasedAt });
        if (view.email !== undefined) view.email = ERASED;
        if (view.phone !== undefined) view.phone = ERASED;
        if (view.refusal) view.refusal.reason = ERASED;
        return;
      }
      case 'ReservationRequested':
        this.jobSeekers.get(event.data.jobSeekerId)?.reservations.push(event.data.reservationId);
        return;
      case 'CheckedIn':
        if (event.data.device) {
          const { reservationId, checkedInAt, device } = event.data;
          this.jobSeekers.get(event.data.jobSeekerId)?.devices.push({ reservationId, checkedInAt, pseudonym: device.pseudonym });
        }
        return;
      default:
        return;
    }
  }

  private get(jobSeekerId: string): JobSeekerView {
    const view = this.jobSeekers.get(jobSeekerId);
    if (!view) throw new Error(`Job-seeker event for unknown job seeker ${jobSeekerId}`);
    return view;
  }

  async jobSeeker(jobSeekerId: string): Promise<JobSeekerView | undefined> {
    await this.caughtUp();
    const view = this.jobSeekers.get(jobSeekerId);
    return view && structuredClone(view);
  }

  async list(offset: number, limit: number): Promise<Page<JobSeekerListItem>> {
    await this.caughtUp();
    const all = [...this.jobSeekers.values()].sort((a, b) => a.name.localeCompare(b.name, 'ja') || a.jobSeekerId.localeCompare(b.jobSeekerId)).map(listItem);
    return page(all, offset, limit);
  }

  /** The list restricted to one job seeker (the lookup by 求職番号): one item, or none if not registered. */
  async listOne(jobSeekerId: string, offset: number, limit: number): Promise<Page<JobSeekerListItem>> {
    await this.caughtUp();
    const view = this.jobSeekers.get(jobSeekerId);
    return page(view ? [listItem(view)] : [], offset, limit);
  }

  async reservationsWithDevices(jobSeekerId: string): Promise<string[]> {
    await this.caughtUp();
    return [...new Set(this.jobSeekers.get(jobSeekerId)?.devices.map((d) => d.reservationId) ?? [])];
  }
}
