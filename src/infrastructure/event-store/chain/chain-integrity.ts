import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { EventStore } from '../../../application/ports/event-store';
import { type ChainReport, describeBreak, verifyTail } from './chain-verifier';

/** The event store below the encryption of personal data (events as stored). */
export const STORED_EVENTS = Symbol('STORED_EVENTS');

export type ChainStatus = { status: 'unchecked' } | { status: 'intact'; report: ChainReport } | { status: 'broken'; report: ChainReport };

/**
 * Issue 19: checks the newest events' links at start-up. A broken link does not stop the service (the auditors
 * need it to look into what happened), but /health reports it and answers 503: no instance should take new
 * decisions on a history that was changed behind its back until an operator has looked (`npm run verify`).
 */
@Injectable()
export class ChainIntegrity implements OnApplicationBootstrap {
  private readonly logger = new Logger('HashChain');
  private current: ChainStatus = { status: 'unchecked' };

  constructor(@Inject(STORED_EVENTS) private readonly stored: EventStore) {}

  async onApplicationBootstrap(): Promise<void> {
    const report = await verifyTail(this.stored);
    this.current = { status: report.broken ? 'broken' : 'intact', report };
    if (report.broken) this.logger.error(`${describeBreak(report.broken)}. Run npm run verify for the whole store.`);
    else this.logger.log(`hash chain intact over the newest ${report.checked} events`);
  }

  status(): ChainStatus {
    return this.current;
  }
}
