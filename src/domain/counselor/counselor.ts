import { addMinutes, CLOSING_MINUTE, JstDate, OPENING_MINUTE, parseMinute, SESSION_MINUTES, toJst } from '../calendar/business-calendar';
import { assertNever, Decider, DomainEvent } from '../shared/decider';
import { NotFound, RuleViolation } from '../shared/errors';
import type { HoursScope, Unavailability } from '../shared/messages';

/** A counselor of one office (stream `counselor-<counselorId>`): who they are and when they can take sessions. */

/** Working hours of one weekday, 'HH:MM'. Null: not working that weekday. */
export type DayHours = { from: string; to: string } | null;
/** Monday (1) to Friday (5); weekends are never business days. */
export type WeeklyHours = Record<'1' | '2' | '3' | '4' | '5', DayHours>;

export const DEFAULT_WEEKLY_HOURS: WeeklyHours = {
  '1': { from: '10:00', to: '17:00' },
  '2': { from: '10:00', to: '17:00' },
  '3': { from: '10:00', to: '17:00' },
  '4': { from: '10:00', to: '17:00' },
  '5': { from: '10:00', to: '17:00' },
};

export type AvailabilityException =
  | { exceptionId: string; kind: 'leave'; date: JstDate; reason: string }
  | { exceptionId: string; kind: 'blocked'; from: string; to: string; reason: string }
  | { exceptionId: string; kind: 'shorter-day'; date: JstDate; from: string; to: string; reason: string };

export type CounselorAdded = DomainEvent<'CounselorAdded', { counselorId: string; officeId: string; name: string; roomUrl?: string }>;
export type CounselorRenamed = DomainEvent<'CounselorRenamed', { counselorId: string; name: string }>;
export type CounselorRoomUrlSet = DomainEvent<'CounselorRoomUrlSet', { counselorId: string; roomUrl: string }>;
export type WeeklyHoursSet = DomainEvent<'WeeklyHoursSet', { counselorId: string; weeklyHours: WeeklyHours }>;
export type AvailabilityExceptionAdded = DomainEvent<'AvailabilityExceptionAdded', { counselorId: string; exception: AvailabilityException }>;
export type AvailabilityExceptionRemoved = DomainEvent<'AvailabilityExceptionRemoved', { counselorId: string; exceptionId: string }>;
export type CounselorDeactivated = DomainEvent<'CounselorDeactivated', { counselorId: string; reason: string }>;
export type CounselorReactivated = DomainEvent<'CounselorReactivated', { counselorId: string }>;

export type CounselorEvent =
  | CounselorAdded
  | CounselorRenamed
  | CounselorRoomUrlSet
  | WeeklyHoursSet
  | AvailabilityExceptionAdded
  | AvailabilityExceptionRemoved
  | CounselorDeactivated
  | CounselorReactivated;

export interface Counselor {
  counselorId: string;
  officeId: string;
  name: string;
  roomUrl?: string;
  active: boolean;
  weeklyHours: WeeklyHours;
  exceptions: AvailabilityException[];
}
export type CounselorState = { status: 'unknown' } | ({ status: 'known' } & Counselor);

/** A session the counselor still holds, as staff need it to move it elsewhere. */
export interface HeldSession {
  reservationId: string;
  start: string;
}

export type AddCounselor = { type: 'AddCounselor'; counselorId: string; officeId: string; officeExists: boolean; name: string; roomUrl?: string };
export type RenameCounselor = { type: 'RenameCounselor'; name: string };
export type SetRoomUrl = { type: 'SetRoomUrl'; roomUrl: string };
export type SetWeeklyHours = { type: 'SetWeeklyHours'; weeklyHours: WeeklyHours };
export type AddAvailabilityException = { type: 'AddAvailabilityException'; exception: AvailabilityException };
export type RemoveAvailabilityException = { type: 'RemoveAvailabilityException'; exceptionId: string };
/** `futureSessions`: what the counselor still holds from now on (from the calendar). */
export type DeactivateCounselor = { type: 'DeactivateCounselor'; reason: string; futureSessions: readonly HeldSession[] };
export type ReactivateCounselor = { type: 'ReactivateCounselor' };
export type CounselorCommand =
  | AddCounselor
  | RenameCounselor
  | SetRoomUrl
  | SetWeeklyHours
  | AddAvailabilityException
  | RemoveAvailabilityException
  | DeactivateCounselor
  | ReactivateCounselor;

function assertHours(hours: { from: string; to: string }, scope: HoursScope): void {
  let from: number;
  let to: number;
  try {
    from = parseMinute(hours.from);
    to = parseMinute(hours.to);
  } catch {
    throw new RuleViolation('COUNSELOR', 'hours.not-a-time', { scope });
  }
  if (from < OPENING_MINUTE || to > CLOSING_MINUTE || to - from < SESSION_MINUTES || from % SESSION_MINUTES !== 0 || to % SESSION_MINUTES !== 0) {
    throw new RuleViolation('COUNSELOR', 'hours.outside', { scope, from: hours.from, to: hours.to });
  }
}

function assertException(exception: AvailabilityException): void {
  switch (exception.kind) {
    case 'leave':
      return;
    case 'blocked':
      if (!(Date.parse(exception.from) < Date.parse(exception.to))) {
        throw new RuleViolation('COUNSELOR', 'blocked.end-before-start', { from: exception.from, to: exception.to });
      }
      return;
    case 'shorter-day':
      assertHours(exception, { shorterDay: exception.date });
      return;
    default:
      assertNever(exception, 'availability exception');
  }
}

export function knownCounselor(state: CounselorState, counselorId: string): Counselor {
  if (state.status !== 'known') throw new NotFound('Counselor', counselorId);
  return state;
}

export const counselorDecider: Decider<CounselorCommand, CounselorEvent, CounselorState> = {
  initialState: () => ({ status: 'unknown' }),
  evolve: (state, event) => {
    if (event.type === 'CounselorAdded') {
      const { counselorId, officeId, name, roomUrl } = event.data;
      return { status: 'known', counselorId, officeId, name, roomUrl, active: true, weeklyHours: DEFAULT_WEEKLY_HOURS, exceptions: [] };
    }
    if (state.status !== 'known') return state;
    switch (event.type) {
      case 'CounselorRenamed':
        return { ...state, name: event.data.name };
      case 'CounselorRoomUrlSet':
        return { ...state, roomUrl: event.data.roomUrl };
      case 'WeeklyHoursSet':
        return { ...state, weeklyHours: event.data.weeklyHours };
      case 'AvailabilityExceptionAdded':
        return { ...state, exceptions: [...state.exceptions, event.data.exception] };
      case 'AvailabilityExceptionRemoved':
        return { ...state, exceptions: state.exceptions.filter((e) => e.exceptionId !== event.data.exceptionId) };
      case 'CounselorDeactivated':
        return { ...state, active: false };
      case 'CounselorReactivated':
        return { ...state, active: true };
      default:
        return assertNever(event, 'counselor event');
    }
  },
  decide: (command, state) => {
    if (command.type === 'AddCounselor') {
      if (state.status === 'known') throw new RuleViolation('COUNSELOR', 'counselor.exists', { counselorId: command.counselorId });
      if (!command.officeExists) throw new NotFound('Office', command.officeId);
      const { counselorId, officeId, name, roomUrl } = command;
      return [{ type: 'CounselorAdded', data: { counselorId, officeId, name, ...(roomUrl ? { roomUrl } : {}) } }];
    }
    if (state.status !== 'known') throw new NotFound('Counselor', 'addressed');
    const counselorId = state.counselorId;
    switch (command.type) {
      case 'RenameCounselor':
        return command.name === state.name ? [] : [{ type: 'CounselorRenamed', data: { counselorId, name: command.name } }];
      case 'SetRoomUrl':
        return command.roomUrl === state.roomUrl ? [] : [{ type: 'CounselorRoomUrlSet', data: { counselorId, roomUrl: command.roomUrl } }];
      case 'SetWeeklyHours':
        for (const [weekday, hours] of Object.entries(command.weeklyHours)) {
          if (hours) assertHours(hours, { weekday });
        }
        return [{ type: 'WeeklyHoursSet', data: { counselorId, weeklyHours: command.weeklyHours } }];
      case 'AddAvailabilityException': {
        const existing = state.exceptions.find((e) => e.exceptionId === command.exception.exceptionId);
        if (existing) {
          if (JSON.stringify(existing) === JSON.stringify(command.exception)) return [];
          throw new RuleViolation('COUNSELOR', 'exception.conflict', { exceptionId: existing.exceptionId });
        }
        assertException(command.exception);
        return [{ type: 'AvailabilityExceptionAdded', data: { counselorId, exception: command.exception } }];
      }
      case 'RemoveAvailabilityException':
        if (!state.exceptions.some((e) => e.exceptionId === command.exceptionId)) throw new NotFound('Availability exception', command.exceptionId);
        return [{ type: 'AvailabilityExceptionRemoved', data: { counselorId, exceptionId: command.exceptionId } }];
      case 'DeactivateCounselor':
        if (!state.active) return [];
        if (command.futureSessions.length > 0) {
          throw new RuleViolation(
            'COUNSELOR',
            'counselor.has-future-sessions',
            { name: state.name, starts: command.futureSessions.map((s) => s.start) },
            { sessions: command.futureSessions },
          );
        }
        return [{ type: 'CounselorDeactivated', data: { counselorId, reason: command.reason } }];
      case 'ReactivateCounselor':
        return state.active ? [] : [{ type: 'CounselorReactivated', data: { counselorId } }];
      default:
        return assertNever(command, 'counselor command');
    }
  },
};

/** Why the counselor cannot take a 30-minute session starting at `start`, or undefined when they can. */
export function unavailabilityReason(counselor: Counselor, start: Date): Unavailability | undefined {
  const { name } = counselor;
  if (!counselor.active) return { kind: 'inactive', name };
  const end = addMinutes(start, SESSION_MINUTES);
  const { date, minuteOfDay, weekday } = toJst(start);
  for (const exception of counselor.exceptions) {
    switch (exception.kind) {
      case 'leave':
        if (exception.date === date) return { kind: 'leave', name, date, reason: exception.reason };
        break;
      case 'blocked':
        if (Date.parse(exception.from) < end.getTime() && start.getTime() < Date.parse(exception.to)) {
          return { kind: 'blocked', name, from: exception.from, to: exception.to, reason: exception.reason };
        }
        break;
      case 'shorter-day':
        if (exception.date === date && !within(minuteOfDay, exception)) {
          return { kind: 'shorter-day', name, date, from: exception.from, to: exception.to, reason: exception.reason };
        }
        break;
      default:
        assertNever(exception, 'availability exception');
    }
  }
  const hours = counselor.weeklyHours[String(weekday) as keyof WeeklyHours];
  if (hours === undefined || hours === null) return { kind: 'day-off', name, start: start.toISOString() };
  if (!counselor.exceptions.some((e) => e.kind === 'shorter-day' && e.date === date) && !within(minuteOfDay, hours)) {
    return { kind: 'outside-hours', name, from: hours.from, to: hours.to, start: start.toISOString() };
  }
  return undefined;
}

function within(minuteOfDay: number, hours: { from: string; to: string }): boolean {
  return minuteOfDay >= parseMinute(hours.from) && minuteOfDay + SESSION_MINUTES <= parseMinute(hours.to);
}
