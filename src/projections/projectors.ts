import type { Type } from '@nestjs/common';
import type { Projector } from '../application/consumers/consumer';
import { PendingSessionsProjector } from './sessions/pending-sessions.projection';
import { StaffDirectoryProjector } from './staff/staff-directory.projection';
import { AuditLogProjection } from './audit/audit.read-model';
import { SlotHoldsProjection } from './calendar/calendar.read-model';
import { JobSeekersProjection } from './job-seekers/job-seekers.read-model';
import { ReservationsProjection } from './reservations/reservations.read-model';
import { DirectoryProjector } from './directory/directory.projection';
import { JobSeekerDirectoryProjector } from './job-seeker/job-seeker-directory.projection';
import { HeldSessionsProjector } from './calendar/calendar.projection';
import { OpenHoldsProjector } from '../application/reservation/confirmation-recovery';

/**
 * Every projector the application runs (one consumer each, on the read store). Add a new read model's
 * projector class here; app.module provides them all to the consumer runtime.
 */
export const projectorClasses: Array<Type<Projector>> = [
  StaffDirectoryProjector,
  DirectoryProjector,
  JobSeekerDirectoryProjector,
  HeldSessionsProjector,
  OpenHoldsProjector,
  ReservationsProjection,
  SlotHoldsProjection,
  JobSeekersProjection,
  AuditLogProjection,
  PendingSessionsProjector,
];
