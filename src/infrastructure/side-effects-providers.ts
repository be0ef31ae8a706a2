import type { Provider } from '@nestjs/common';
import type { ConsumerStatus } from '../application/consumers/consumer-runtime';
import { MESSAGE_TEMPLATES } from '../application/notifications/templates';
import { MAILER, type Mailer } from '../application/ports/mailer';
import { SCHEDULER, type Scheduler } from '../application/ports/scheduler';
import { InvitationReactor } from '../application/reservation/invitation.reactor';
import { NoShowReactor } from '../application/reservation/no-show.reactor';
import { RefusalReactor } from '../application/job-seeker/refusal.reactor';
import { SlotReleaseReactor } from '../application/reservation/slot-release.reactor';
import { MailErasureReactor } from '../application/privacy/mail-erasure.reactor';
import { SideEffects } from '../application/side-effects/side-effects';
import { TermsNoticeReactor } from '../application/terms/terms-notice.reactor';
import { loadMessageTemplates } from './mail/templates';

/** Stops the side effects before the stores close (a no-op when the instance runs none). */
export class SideEffectsLifecycle {
  constructor(
    private readonly sideEffects?: SideEffects,
    private readonly mailer?: Mailer,
  ) {}
  /** The reactors' positions and states, for /health/ready (none when the instance runs no side effects). */
  status(): ConsumerStatus[] {
    return this.sideEffects?.runtime.status() ?? [];
  }

  async stop(): Promise<void> {
    await this.sideEffects?.stop();
    await this.mailer?.close();
  }
}

export function sideEffectProviders(ports: { scheduler: Scheduler; mailer: Mailer }): Provider[] {
  return [
    { provide: SCHEDULER, useValue: ports.scheduler },
    { provide: MAILER, useValue: ports.mailer },
    { provide: MESSAGE_TEMPLATES, useFactory: () => loadMessageTemplates() },
    NoShowReactor,
    InvitationReactor,
    TermsNoticeReactor,
    SlotReleaseReactor,
    RefusalReactor,
    MailErasureReactor,
    SideEffects,
    {
      provide: SideEffectsLifecycle,
      useFactory: (sideEffects: SideEffects) => new SideEffectsLifecycle(sideEffects, ports.mailer),
      inject: [SideEffects],
    },
  ];
}
