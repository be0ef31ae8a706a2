import { Inject, Injectable } from '@nestjs/common';
import { ReadModels } from '../../application/consumers/read-models';
import { READ_STORE, ReadStore } from '../../application/ports/read-store';
import type { JstDate } from '../../domain/calendar/business-calendar';
import type { Stored } from '../document-projection';
import { reservationProjector, type ReservationDocument } from './reservation.projector';
import { RESERVATIONS, reservationWhere } from './reservations.read-model';

/**
 * A7: one session of an office's month for statistics. A7.2: nothing in it identifies a person or a device: no
 * reservation, job seeker or counselor id, no name, no device identifier or pseudonym (a pseudonym is the same
 * for every session of one device, so it would link them), only whether a device was recorded.
 */
export interface UsageRecord {
  /** JST. */
  date: string;
  start: string;
  end: string;
  status: ReservationDocument['status'];
  channel: ReservationDocument['channel'];
  checkedIn: boolean;
  /** Minutes between the start and the check-in (negative: early); empty when not checked in. */
  checkInOffsetMinutes: number | undefined;
  deviceRecorded: boolean;
  interpreter: boolean;
  assistant: boolean;
}

const PAGE = 500;
const COLUMNS = [
  'date',
  'start_jst',
  'end_jst',
  'status',
  'channel',
  'checked_in',
  'check_in_offset_minutes',
  'device_recorded',
  'interpreter',
  'assistant',
];

/** JST month `YYYY-MM`: its first and last day. */
export function monthDays(month: string): { from: JstDate; to: JstDate } {
  const [year, number] = month.split('-').map(Number);
  const last = new Date(Date.UTC(year, number, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

/** Issue 19: the usage records of an office's month, from the reservations read model (sessions with a slot). */
@Injectable()
export class UsageRecords {
  constructor(
    private readonly readModels: ReadModels,
    @Inject(READ_STORE) private readonly store: ReadStore,
  ) {}

  async month(officeId: string, month: string): Promise<UsageRecord[]> {
    await this.readModels.caughtUp(reservationProjector.name);
    const where = reservationWhere({ officeId, ...monthDays(month) });
    const records: UsageRecord[] = [];
    let after: string | undefined;
    do {
      const page = await this.store.find<Stored<ReservationDocument>>(RESERVATIONS, { where, orderBy: [{ field: 'when' }], limit: PAGE, after });
      for (const document of page.items) if (document.slot) records.push(usageRecord(document, document.slot));
      after = page.next;
    } while (after !== undefined);
    return records;
  }
}

function usageRecord(document: ReservationDocument, slot: NonNullable<ReservationDocument['slot']>): UsageRecord {
  return {
    date: slot.start.slice(0, 10),
    start: slot.start.slice(11, 16),
    end: slot.end.slice(11, 16),
    status: document.status,
    channel: document.channel,
    checkedIn: document.checkedInAt !== undefined,
    checkInOffsetMinutes:
      document.checkedInAt === undefined ? undefined : Math.round((Date.parse(document.checkedInAt) - Date.parse(slot.start)) / 60_000),
    deviceRecorded: document.devicePseudonym !== undefined,
    interpreter: document.attendance.interpreter,
    assistant: document.attendance.assistant,
  };
}

/** RFC 4180 CSV with a header line, one line per session in time order; every value is a date, time, number or a word of ours (nothing to quote). */
export function usageCsv(records: readonly UsageRecord[]): string {
  const yesNo = (value: boolean) => (value ? 'yes' : 'no');
  const lines = records.map((r) =>
    [
      r.date,
      r.start,
      r.end,
      r.status,
      r.channel,
      yesNo(r.checkedIn),
      r.checkInOffsetMinutes ?? '',
      yesNo(r.deviceRecorded),
      yesNo(r.interpreter),
      yesNo(r.assistant),
    ].join(','),
  );
  // Sorted by their own values: the order of the read model (by id within one time) would say nothing, but must not vary.
  return [COLUMNS.join(','), ...lines.sort()].map((line) => `${line}\r\n`).join('');
}
