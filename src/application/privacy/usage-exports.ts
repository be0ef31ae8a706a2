import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EVENT_SCHEMA_VERSIONS } from '../../domain/events';
import type { UsageRecordsExported } from '../../domain/privacy/access';
import { CLOCK, Clock } from '../ports/clock';
import type { EventStore } from '../ports/event-store';
import { EVENT_STORE } from '../ports/tokens';
import { streams } from '../streams';

/** A7.2: every export of usage records is recorded before it is handed out (no record, no file). */
@Injectable()
export class UsageExports {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async record(exportedBy: string, officeId: string, month: string, sessions: number): Promise<void> {
    const now = this.clock.now().toISOString();
    const data: UsageRecordsExported['data'] = { officeId, month, sessions, exportedBy, exportedAt: now };
    const commandId = randomUUID();
    // 'any': each export is one of its own (a fresh event id); a second download is a second export.
    await this.store.append(
      streams.usageExports(officeId),
      [
        {
          eventId: randomUUID(),
          type: 'UsageRecordsExported',
          schemaVersion: EVENT_SCHEMA_VERSIONS.UsageRecordsExported,
          data,
          metadata: { commandId, correlationId: commandId, causationId: commandId, actor: exportedBy, recordedAt: now },
        },
      ],
      'any',
    );
  }
}
