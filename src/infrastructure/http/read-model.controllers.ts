import { AuditController } from './audit.controller';
import { CalendarController } from './calendar.controller';
import { JobSeekerOverviewController } from './job-seeker-overview.controller';
import { ReservationQueriesController } from './reservation-queries.controller';
import { TodoController } from './todo.controller';

/** The query endpoints of the durable read models (issue 16). */
export const readModelControllers = [CalendarController, ReservationQueriesController, JobSeekerOverviewController, TodoController, AuditController];
