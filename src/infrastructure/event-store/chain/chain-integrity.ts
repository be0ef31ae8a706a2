import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { EventStore } from '../../../application/ports/event-store';
import { type ChainReport, describeBreak, verifyTail } from './chain-verifier';

/** The event store below the encryption of personal data (events as stored). */
export const STORED_EVENTS = Symbol('STORED_EVENTS');

export type ChainStatus =
  | { status: 'unchecked'; error?: string }
  | { status: 'checking' }
  | { status: 'intact'; report: ChainReport }
  | { status: 'broken'; report: ChainReport };

/**
 * Issue 19: checks the newest events' links at start-up. A broken link does not stop the service (the auditors
 * need it to look into what happened), but /health reports it and answers 503: no instance should take new
 * decisions on a history that was changed behind its back until an operator has looked (`npm run verify`).
 * The check runs beside the read models' catch-up (it does not hold up the start); /health is 503 until it is
 * done. A store that cannot be read leaves it unchecked: /health reports the store itself.
 */
@Injectable()
export class ChainIntegrity implements OnApplicationBootstrap {
  private readonly logger = new Logger('HashChain');
  private current: ChainStatus = { status: 'unchecked' };

  constructor(@Inject(STORED_EVENTS) private readonly stored: EventStore) {}

  onApplicationBootstrap(): void {
    this.current = { status: 'checking' };
    void this.check();
  }

  private async check(): Promise<void> {
    try {
      const report = await verifyTail(this.stored);
      this.current = { status: report.broken ? 'broken' : 'intact', report };
      if (report.broken) this.logger.error(`${describeBreak(report.broken)}. Run npm run verify for the whole store.`);
      // Debug: a start says nothing at info unless something needs the operator.
      else this.logger.debug(`hash chain intact over the newest ${report.checked} events`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.current = { status: 'unchecked', error: message };
      this.logger.warn(`the hash chain could not be checked at start-up: ${message}`);
    }
  }

  status(): ChainStatus {
    return this.current;
  }
}
