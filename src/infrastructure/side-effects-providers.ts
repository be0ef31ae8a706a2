import type { Provider } from '@nestjs/common';
import { MESSAGE_TEMPLATES } from '../application/notifications/templates';
import { MAILER, type Mailer } from '../application/ports/mailer';
import { SCHEDULER, type Scheduler } from '../application/ports/scheduler';
import { InvitationReactor } from '../application/reservation/invitation.reactor';
import { NoShowReactor } from '../application/reservation/no-show.reactor';
import { RefusalReactor } from '../application/job-seeker/refusal.reactor';
import { SlotReleaseReactor } from '../application/reservation/slot-release.reactor';
import { SideEffects } from '../application/side-effects/side-effects';
import { loadMessageTemplates } from './mail/templates';

/** Stops the side effects before the stores close (a no-op when the instance runs none). */
export class SideEffectsLifecycle {
  constructor(
    private readonly sideEffects?: SideEffects,
    private readonly mailer?: Mailer,
  ) {}
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
    SlotReleaseReactor,
    RefusalReactor,
    SideEffects,
    {
      provide: SideEffectsLifecycle,
      useFactory: (sideEffects: SideEffects) => new SideEffectsLifecycle(sideEffects, ports.mailer),
      inject: [SideEffects],
    },
  ];
}
