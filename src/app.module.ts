import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { EventSourcing } from './application/event-sourcing/event-sourcing';
import { JobSeekerIds } from './application/job-seeker/job-seeker-ids';
import { jobSeekerCommandHandlers } from './application/job-seeker/job-seeker.commands';
import { OpenReservations } from './application/job-seeker/refusal.reactor';
import { HeldSessions, officeCommandHandlers } from './application/office/office.commands';
import { CLOCK, Clock } from './application/ports/clock';
import type { EventStore } from './application/ports/event-store';
import { AUTHENTICATOR, Authenticator } from './application/ports/authenticator';
import type { Pseudonymizer } from './application/ports/pseudonymizer';
import { EVENT_STORE, KEY_STORE, PSEUDONYMIZER } from './application/ports/tokens';
import { ChainIntegrity, STORED_EVENTS } from './infrastructure/event-store/chain/chain-integrity';
import { KeyStore, PERSONAL_DATA_VAULT, PersonalDataVault } from './application/ports/key-store';
import { ContextLoader } from './application/reservation/confirmation-context';
import { ConfirmationRecovery } from './application/reservation/confirmation-recovery';
import { reservationCommandHandlers } from './application/reservation/reservation.commands';
import { SlotBooking } from './application/reservation/slot-booking';
import { StaffAccess, staffCommandHandlers } from './application/staff/staff.commands';
import { PublishTermsVersionHandler, TermsCatalogue } from './application/terms/terms.commands';
import { StoreTokenAuthenticator } from './infrastructure/auth/store-token-authenticator';
import { AuthGuard } from './infrastructure/http/auth.guard';
import { ErrorFilter } from './infrastructure/http/error.filter';
import { NoUndeclaredQuery } from './infrastructure/http/validation';
import { HealthController } from './infrastructure/http/health.controller';
import { OutboxController } from './infrastructure/http/outbox.controller';
import { JobSeekersController, TermsController } from './infrastructure/http/job-seekers.controller';
import { OfficesController } from './infrastructure/http/offices.controller';
import { ReservationsController } from './infrastructure/http/reservations.controller';
import { SignedInController, StaffController } from './infrastructure/http/staff.controller';
import { PrivacyController } from './infrastructure/http/privacy.controller';
import { EventFeeds, EventsController } from './infrastructure/http/events.controller';
import { UsageController } from './infrastructure/http/usage.controller';
import { UsageExports } from './application/privacy/usage-exports';
import { UsageRecords } from './projections/reservations/usage-records';
import { AccessLog } from './application/privacy/access-log';
import { DeviceRecords, privacyCommandHandlers } from './application/privacy/privacy.commands';
import { AuditQueries } from './projections/audit/audit.read-model';
import { AuditReplay } from './projections/audit/replay';
import { CalendarQueries } from './projections/calendar/calendar.read-model';
import { JobSeekerOverviewQuery } from './projections/job-seekers/job-seeker-overview';
import { JobSeekerQueries } from './projections/job-seekers/job-seekers.read-model';
import { ReservationQueries } from './projections/reservations/reservations.read-model';
import { TodoQueries } from './projections/todo/todo.queries';
import { readModelControllers } from './infrastructure/http/read-model.controllers';
import { JobSeekerDirectoryProjection } from './projections/job-seeker/job-seeker-directory.projection';
import { CalendarProjection } from './projections/calendar/calendar.projection';
import { DirectoryProjection } from './projections/directory/directory.projection';
import { StaffDirectoryChanges, StaffDirectoryProjection } from './projections/staff/staff-directory.projection';
import { READ_STORE, ReadStore } from './application/ports/read-store';
import { CONSUMER_RUNTIME_OPTIONS, PROJECTORS, ReadModels } from './application/consumers/read-models';
import type { ConsumerRuntimeOptions } from './application/consumers/consumer-runtime';
import { Metrics } from './infrastructure/metrics/metrics';
import { MetricsController } from './infrastructure/http/metrics.controller';
import { projectorClasses } from './projections/projectors';
import { SqliteReadStore } from './infrastructure/read-store/sqlite/sqlite-read-store';
import type { Scheduler } from './application/ports/scheduler';
import type { Mailer } from './application/ports/mailer';
import { sideEffectProviders, SideEffectsLifecycle } from './infrastructure/side-effects-providers';

/** The ports an instance runs on; main.ts picks the adapters from the configuration, tests pass their own. */
export interface Ports {
  /** Already wrapped by the encryption of personal data (see encryptPersonalData). */
  eventStore: EventStore;
  /** The same store below the encryption: events as stored, with their hash-chain links (issue 19). */
  storedEvents: EventStore;
  vault: PersonalDataVault;
  keyStore: KeyStore;
  clock: Clock;
  pseudonymizer: Pseudonymizer;
  /** The identity provider; absent: the embedded staff tokens recorded in the event store. */
  authenticator?: Authenticator;
  /** Durable read models; absent: a private in-memory SQLite read store (tests). */
  readStore?: ReadStore;
  /**
   * Issue 17: the reactors (invitations, no-shows, slot releases, the consequences of a refusal) and the minute sweeps
   * (ConfirmationRecovery's too); absent: none of them runs (tests that do not need them).
   */
  sideEffects?: { scheduler: Scheduler; mailer: Mailer };
}

/** The instance owns its stores: closing the application closes them (after the consumers stopped). */
class EventStoreLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KEY_STORE) private readonly keys: KeyStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly readModels: ReadModels,
    private readonly sideEffects: SideEffectsLifecycle,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await this.sideEffects.stop();
    await this.readModels.runtime.stop();
    await this.readStore.close();
    await this.store.close();
    await this.keys.close();
  }
}

@Module({})
export class AppModule {
  static with(ports: Ports): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot()],
      controllers: [
        HealthController,
        MetricsController,
        ReservationsController,
        JobSeekersController,
        TermsController,
        OfficesController,
        StaffController,
        SignedInController,
        PrivacyController,
        OutboxController,
        EventsController,
        UsageController,
        ...readModelControllers,
      ],
      providers: [
        { provide: EVENT_STORE, useValue: ports.eventStore },
        { provide: STORED_EVENTS, useValue: ports.storedEvents },
        ChainIntegrity,
        { provide: CLOCK, useValue: ports.clock },
        { provide: PERSONAL_DATA_VAULT, useValue: ports.vault },
        { provide: KEY_STORE, useValue: ports.keyStore },
        { provide: PSEUDONYMIZER, useValue: ports.pseudonymizer },
        { provide: READ_STORE, useValue: ports.readStore ?? SqliteReadStore.open(':memory:') },
        ...projectorClasses,
        { provide: PROJECTORS, useFactory: (...projectors: unknown[]) => projectors, inject: projectorClasses },
        ReadModels,
        { provide: Metrics, useFactory: (clock: Clock) => new Metrics(clock), inject: [CLOCK] },
        StaffDirectoryChanges,
        {
          provide: CONSUMER_RUNTIME_OPTIONS,
          useFactory: (metrics: Metrics, staff: StaffDirectoryChanges): ConsumerRuntimeOptions => ({
            observer: { applied: (consumer, events) => (metrics.applied(consumer, events), staff.applied(consumer, events)) },
          }),
          inject: [Metrics, StaffDirectoryChanges],
        },
        { provide: APP_FILTER, useClass: ErrorFilter },
        // In this order: who may call first (401, 403), then what they sent (400).
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: NoUndeclaredQuery },
        ports.authenticator
          ? { provide: AUTHENTICATOR, useValue: ports.authenticator }
          : { provide: AUTHENTICATOR, useClass: StoreTokenAuthenticator },
        StaffDirectoryProjection,
        JobSeekerDirectoryProjection,
        { provide: DeviceRecords, useExisting: JobSeekerDirectoryProjection },
        AccessLog,
        EventFeeds,
        UsageExports,
        UsageRecords,
        ReservationQueries,
        { provide: OpenReservations, useExisting: ReservationQueries },
        JobSeekerQueries,
        JobSeekerOverviewQuery,
        CalendarQueries,
        TodoQueries,
        AuditQueries,
        TermsCatalogue,
        AuditReplay,
        ...privacyCommandHandlers,
        StaffAccess,
        ...staffCommandHandlers,
        EventStoreLifecycle,
        ...(ports.sideEffects ? sideEffectProviders(ports.sideEffects) : [{ provide: SideEffectsLifecycle, useValue: new SideEffectsLifecycle() }]),
        EventSourcing,
        JobSeekerIds,
        ContextLoader,
        SlotBooking,
        ConfirmationRecovery,
        CalendarProjection,
        { provide: HeldSessions, useExisting: CalendarProjection },
        DirectoryProjection,
        PublishTermsVersionHandler,
        ...jobSeekerCommandHandlers,
        ...reservationCommandHandlers,
        ...officeCommandHandlers,
      ],
    };
  }
}
