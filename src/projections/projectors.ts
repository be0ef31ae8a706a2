import type { Type } from '@nestjs/common';
import type { Projector } from '../application/consumers/consumer';
import { PendingSessionsProjector } from './sessions/pending-sessions.projection';
import { StaffDirectoryProjector } from './staff/staff-directory.projection';
import { DirectoryProjector } from './directory/directory.projection';
import { JobSeekerDirectoryProjector } from './job-seeker/job-seeker-directory.projection';
import { HeldSessionsProjector } from './calendar/calendar.projection';
import { OpenHoldsProjector } from '../application/reservation/confirmation-recovery';

/**
 * Every projector the application runs (one consumer each, on the read store). Add a new read model's
 * projector class here; app.module provides them all to the consumer runtime.
 */
export const projectorClasses: Array<Type<Projector>> = [StaffDirectoryProjector, DirectoryProjector, JobSeekerDirectoryProjector, HeldSessionsProjector, OpenHoldsProjector, PendingSessionsProjector];
