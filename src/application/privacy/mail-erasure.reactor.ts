import { Inject, Injectable } from '@nestjs/common';
import type { Reactor } from '../consumers/reactor';
import type { StoredEvent } from '../ports/event-store';
import { MAILER, type Mailer } from '../ports/mailer';

/**
 * A8.1: the erasure of a job seeker's personal data reaches the copies of the e-mails sent to them (the outbox keeps
 * name, address and session in the clear). At least once from its checkpoint, on every instance: forgetting twice
 * forgets nothing more.
 */
@Injectable()
export class MailErasureReactor implements Reactor {
  readonly name = 'mail-erasure';
  readonly handles = ['PersonalDataErased'];

  constructor(@Inject(MAILER) private readonly mailer: Mailer) {}

  async react(event: StoredEvent): Promise<void> {
    await this.mailer.forget((event.data as { jobSeekerId: string }).jobSeekerId);
  }
}
