import { Inject, Injectable } from '@nestjs/common';
import { toDomainEvent } from '../../application/event-sourcing/event-sourcing';
import type { StoredEvent } from '../../application/ports/event-store';
import { DeviceRecords } from '../../application/privacy/privacy.commands';
import type { PersonalDetails, RegistrationKind } from '../../domain/job-seeker/job-seeker';
import { ERASED } from '../../domain/privacy/personal-data';
import { Page, page } from '../../application/page';
import { READ_STORE, ReadStore, ReadTransaction } from '../../application/ports/read-store';
import type { Projector } from '../../application/consumers/consumer';
import { ReadModels } from '../../application/consumers/read-models';
import type { EventType } from '../../domain/events';

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

const JOB_SEEKERS = 'job_seekers';
type JobSeekerDocument = JobSeekerView & { id: string };

/**
 * Job seekers as staff look them up: personal details, consents, no-shows, refusal, reservations and
 * devices (pseudonyms only, A7.2). Durable, one document per job seeker; an erasure blanks the details
 * at once (the read store overwrites freed pages: secure_delete), and a rebuild after it never sees
 * them (the events read as ERASED).
 */
@Injectable()
export class JobSeekerDirectoryProjector implements Projector {
  readonly name = 'job-seeker-directory';
  readonly handles: EventType[] = [
    'JobSeekerRegistered',
    'JobSeekerDetailsUpdated',
    'JobSeekerRegistrationCompleted',
    'ConsentGiven',
    'NoShowCounted',
    'ServiceRefused',
    'ServiceRefusalLifted',
    'PersonalDataErased',
    'ReservationRequested',
    'CheckedIn',
  ];
  readonly collections = [{ name: JOB_SEEKERS }];

  async apply(stored: StoredEvent, tx: ReadTransaction): Promise<void> {
    if (!stored.streamId.startsWith('jobseeker-') && !stored.streamId.startsWith('reservation-')) return;
    const event = toDomainEvent(stored);
    const change = async (jobSeekerId: string, changes: (view: JobSeekerView) => void, required = true) => {
      const view = await tx.get<JobSeekerDocument>(JOB_SEEKERS, jobSeekerId);
      if (!view) {
        if (required) throw new Error(`Job-seeker event for unknown job seeker ${jobSeekerId}`);
        return;
      }
      changes(view);
      await tx.put(JOB_SEEKERS, view);
    };
    switch (event.type) {
      case 'JobSeekerRegistered': {
        const { jobSeekerId, registration, name, email, phone, inPersonDifficulty } = event.data;
        await tx.put<JobSeekerDocument>(JOB_SEEKERS, {
          id: jobSeekerId,
          jobSeekerId,
          registration,
          name,
          email,
          phone,
          inPersonDifficulty,
          consents: [],
          noShowCount: 0,
          reservations: [],
          devices: [],
        });
        return;
      }
      case 'JobSeekerDetailsUpdated': {
        const { jobSeekerId, ...changes } = event.data;
        return change(jobSeekerId, (view) => Object.assign(view, changes));
      }
      case 'JobSeekerRegistrationCompleted':
        return change(event.data.jobSeekerId, (view) => (view.registration = 'full'));
      case 'ConsentGiven': {
        const { termsVersion, designatedApp, givenAt } = event.data;
        return change(event.data.jobSeekerId, (view) => view.consents.push({ termsVersion, designatedApp: designatedApp.name, givenAt }));
      }
      case 'NoShowCounted':
        return change(event.data.jobSeekerId, (view) => (view.noShowCount = event.data.noShowCount));
      case 'ServiceRefused':
        return change(
          event.data.jobSeekerId,
          (view) => (view.refusal = { article: event.data.article, reason: event.data.reason, since: event.data.refusedAt }),
        );
      case 'ServiceRefusalLifted':
        return change(event.data.jobSeekerId, (view) => delete view.refusal);
      case 'PersonalDataErased':
        return change(event.data.jobSeekerId, (view) => {
          Object.assign(view, { name: ERASED, inPersonDifficulty: ERASED, erasedAt: event.data.erasedAt });
          if (view.email !== undefined) view.email = ERASED;
          if (view.phone !== undefined) view.phone = ERASED;
          if (view.refusal) view.refusal.reason = ERASED;
        });
      case 'ReservationRequested':
        return change(event.data.jobSeekerId, (view) => view.reservations.push(event.data.reservationId), false);
      case 'CheckedIn': {
        const { reservationId, checkedInAt, device } = event.data;
        if (!device) return;
        return change(event.data.jobSeekerId, (view) => view.devices.push({ reservationId, checkedInAt, pseudonym: device.pseudonym }), false);
      }
      default:
        return;
    }
  }
}

/** Queries of the job-seeker directory; each waits until it has caught up (read-your-writes). */
@Injectable()
export class JobSeekerDirectoryProjection implements DeviceRecords {
  constructor(
    private readonly readModels: ReadModels,
    @Inject(READ_STORE) private readonly store: ReadStore,
  ) {}

  async jobSeeker(jobSeekerId: string): Promise<JobSeekerView | undefined> {
    await this.readModels.caughtUp('job-seeker-directory');
    const found = await this.store.get<JobSeekerDocument>(JOB_SEEKERS, jobSeekerId);
    if (!found) return undefined;
    const { id: _id, ...view } = found;
    return view;
  }

  /** Sorted by name in Japanese order, which the stores cannot index: the list is read whole, then sorted. */
  async list(offset: number, limit: number): Promise<Page<JobSeekerListItem>> {
    await this.readModels.caughtUp('job-seeker-directory');
    const all: JobSeekerListItem[] = [];
    let after: string | undefined;
    do {
      const found: { items: JobSeekerDocument[]; next?: string } = await this.store.find<JobSeekerDocument>(JOB_SEEKERS, { limit: 1000, after });
      all.push(...found.items.map(listItem));
      after = found.next;
    } while (after);
    all.sort((a, b) => a.name.localeCompare(b.name, 'ja') || a.jobSeekerId.localeCompare(b.jobSeekerId));
    return page(all, offset, limit);
  }

  /** The list restricted to one job seeker (the lookup by 求職番号): one item, or none if not registered. */
  async listOne(jobSeekerId: string, offset: number, limit: number): Promise<Page<JobSeekerListItem>> {
    const view = await this.jobSeeker(jobSeekerId);
    return page(view ? [listItem(view)] : [], offset, limit);
  }

  async reservationsWithDevices(jobSeekerId: string): Promise<string[]> {
    await this.readModels.caughtUp('job-seeker-directory');
    const found = await this.store.get<JobSeekerDocument>(JOB_SEEKERS, jobSeekerId);
    return [...new Set(found?.devices.map((d) => d.reservationId) ?? [])];
  }
}
