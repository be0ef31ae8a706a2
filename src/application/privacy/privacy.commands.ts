import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { jobSeekerDecider } from '../../domain/job-seeker/job-seeker';
import { legalRequestDecider } from '../../domain/privacy/access';
import { DeviceRecord, reservationDecider } from '../../domain/reservation/reservation';
import { NotFound } from '../../domain/shared/errors';
import { CommandContext, entityId } from '../event-sourcing/command-context';
import { CommandOutcome, outcomeOf } from '../event-sourcing/command-answer';
import { EventSourcing } from '../event-sourcing/event-sourcing';
import { CLOCK, Clock } from '../ports/clock';
import { PERSONAL_DATA_VAULT, PersonalDataVault } from '../ports/key-store';
import { streams } from '../streams';

export interface ErasureAnswer extends CommandOutcome {
  jobSeekerId: string;
}

export class ErasePersonalData extends Command<ErasureAnswer> {
  constructor(
    readonly jobSeekerId: string,
    readonly reason: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/**
 * A8.1: erasure is recorded, then the job seeker's key is destroyed (crypto-shredding). A crash in
 * between is finished by a re-send, or by the first instance that reads the PersonalDataErased event.
 */
@CommandHandler(ErasePersonalData)
export class ErasePersonalDataHandler implements ICommandHandler<ErasePersonalData> {
  constructor(
    private readonly es: EventSourcing,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ jobSeekerId, reason, context }: ErasePersonalData): Promise<ErasureAnswer> {
    const outcome = await this.es.execute(
      jobSeekerDecider,
      streams.jobSeeker(jobSeekerId),
      (state, now) => {
        if (state.status === 'unknown') throw new NotFound('Job seeker', jobSeekerId);
        return { type: 'ErasePersonalData' as const, reason, now };
      },
      context,
    );
    // Also on a re-send, or when erased earlier under another command: destroying is idempotent.
    await this.vault.erase(jobSeekerId, this.clock.now());
    return { jobSeekerId, ...outcomeOf(outcome) };
  }
}

/** Where the devices a job seeker checked in from are recorded (a read model answers it). */
export abstract class DeviceRecords {
  abstract reservationsWithDevices(jobSeekerId: string): Promise<string[]>;
}

export interface DisclosedDevice {
  reservationId: string;
  checkedInAt: string;
  pseudonym: string;
  identifier: string;
}

export interface DisclosureAnswer extends CommandOutcome {
  requestId: string;
  devices: DisclosedDevice[];
}

export class DiscloseDeviceIdentifiers extends Command<DisclosureAnswer> {
  constructor(
    readonly request: { jobSeekerId: string; authority: string; reference: string; reason: string },
    readonly context: CommandContext,
  ) {
    super();
  }
}

/**
 * A7.2: the only way a raw device identifier leaves the system. The sealed values are opened first
 * (an erased job seeker has nothing left to disclose), then the disclosure is recorded, and only then
 * answered: no record, no disclosure. A re-send answers again under the same single record.
 */
@CommandHandler(DiscloseDeviceIdentifiers)
export class DiscloseDeviceIdentifiersHandler implements ICommandHandler<DiscloseDeviceIdentifiers> {
  constructor(
    private readonly es: EventSourcing,
    private readonly records: DeviceRecords,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
  ) {}

  async execute({ request, context }: DiscloseDeviceIdentifiers): Promise<DisclosureAnswer> {
    const devices: DisclosedDevice[] = [];
    for (const reservationId of await this.records.reservationsWithDevices(request.jobSeekerId)) {
      for (const event of (await this.es.load(reservationDecider, streams.reservation(reservationId))).events) {
        if (event.type !== 'CheckedIn' || !event.data.device) continue;
        const opened = (await this.vault.unseal(event)).data as { checkedInAt: string; device: DeviceRecord };
        devices.push({ reservationId, checkedInAt: opened.checkedInAt, pseudonym: opened.device.pseudonym, identifier: opened.device.identifier });
      }
    }
    if (devices.length === 0 && (await this.es.load(jobSeekerDecider, streams.jobSeeker(request.jobSeekerId))).state.status === 'unknown') {
      throw new NotFound('Job seeker', request.jobSeekerId);
    }
    const requestId = entityId(context, 'legal-request');
    const outcome = await this.es.execute(
      legalRequestDecider,
      streams.legalRequest(requestId),
      (_state, now) => ({ type: 'RecordLegalDisclosure' as const, requestId, ...request, devicePseudonyms: devices.map((d) => d.pseudonym), now }),
      context,
    );
    return { requestId, ...outcomeOf(outcome), devices };
  }
}

export const privacyCommandHandlers = [ErasePersonalDataHandler, DiscloseDeviceIdentifiersHandler];
