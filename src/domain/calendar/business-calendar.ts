import holidayJp from '@holiday-jp/holiday_jp';
import { RuleId, RuleViolation } from '../shared/errors';
import type { ClosedReason } from '../shared/messages';

/**
 * The business calendar. Every rule is decided in Japan Standard Time (UTC+9, no daylight
 * saving) whatever the machine's time zone; instants are stored in UTC.
 */
export const SESSION_MINUTES = 30; // A6.1
export const OPENING_MINUTE = 10 * 60; // A6.2: 10:00
export const CLOSING_MINUTE = 17 * 60; // A6.2: a session ends by 17:00
export const NO_SHOW_GRACE_MINUTES = 10; // A6.5

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

/** A calendar date in JST, 'YYYY-MM-DD'. */
export type JstDate = string;

export interface JstMoment {
  date: JstDate;
  /** Minutes since 00:00 JST. */
  minuteOfDay: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

export function toJst(instant: Date): JstMoment {
  const shifted = new Date(instant.getTime() + JST_OFFSET_MS);
  return {
    date: shifted.toISOString().slice(0, 10),
    minuteOfDay: shifted.getUTCHours() * 60 + shifted.getUTCMinutes(),
    weekday: shifted.getUTCDay(),
  };
}

/** The instant of `minuteOfDay` on a JST date. */
export function jstInstant(date: JstDate, minuteOfDay = 0): Date {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - JST_OFFSET_MS + minuteOfDay * MINUTE_MS);
}

export function addMinutes(instant: Date, minutes: number): Date {
  return new Date(instant.getTime() + minutes * MINUTE_MS);
}

export function addDays(date: JstDate, days: number): JstDate {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * 24 * 60 * MINUTE_MS).toISOString().slice(0, 10);
}

export function weekdayOf(date: JstDate): number {
  return new Date(`${date}T00:00:00.000Z`).getUTCDay();
}

export function formatMinute(minuteOfDay: number): string {
  return `${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}`;
}

/** 'HH:MM' → minutes since midnight. */
export function parseMinute(hhmm: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!match) throw new Error(`Not a time of day: ${hhmm}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/**
 * Japanese national holidays, looked up by the JST date string. (The library's isHoliday()
 * reads a Date in the machine's zone and is a day late on UTC machines; its table is not.)
 */
const holidays: Readonly<Record<string, { name: string } | undefined>> = holidayJp.holidays;

export function nationalHolidayName(date: JstDate): string | undefined {
  const name = holidays[date]?.name;
  // The table calls a day between two holidays (祝日法 3条3項) just 休日: its name is 国民の休日.
  return name === '休日' ? '国民の休日' : name;
}

/** Hello Work's year-end and new-year closure, 12/29 – 1/3. */
export function isYearEndClosure(date: JstDate): boolean {
  const monthDay = date.slice(5);
  return monthDay >= '12-29' || monthDay <= '01-03';
}

/** Why a JST date is not a business day, or undefined when it is one. */
export function closedReason(date: JstDate, officeClosures: ReadonlyMap<JstDate, string> = new Map()): ClosedReason | undefined {
  const weekday = weekdayOf(date);
  if (weekday === 0 || weekday === 6) return { kind: 'weekend', date, weekday };
  const holiday = nationalHolidayName(date);
  if (holiday) return { kind: 'holiday', date, name: holiday };
  if (isYearEndClosure(date)) return { kind: 'year-end', date };
  const officeReason = officeClosures.get(date);
  if (officeReason !== undefined) return { kind: 'office', date, reason: officeReason };
  return undefined;
}

/**
 * A6.1 / A6.2: a session starts on the half hour, on a business day, no earlier than 10:00 JST,
 * and ends by 17:00 JST. Throws a RuleViolation under `rule` naming what is wrong (and which wish, if one).
 */
export function assertSessionSlot(start: Date, rule: RuleId, officeClosures?: ReadonlyMap<JstDate, string>, wish?: 1 | 2): void {
  const { date, minuteOfDay } = toJst(start);
  if (start.getUTCSeconds() !== 0 || start.getUTCMilliseconds() !== 0 || minuteOfDay % SESSION_MINUTES !== 0) {
    throw new RuleViolation(rule, 'slot.not-on-half-hour', { start, wish });
  }
  if (minuteOfDay < OPENING_MINUTE || minuteOfDay + SESSION_MINUTES > CLOSING_MINUTE) {
    throw new RuleViolation(rule, 'slot.outside-hours', { start, wish });
  }
  const closed = closedReason(date, officeClosures);
  if (closed) throw new RuleViolation(rule, 'slot.closed', { start, wish, closed });
}

/** A6.1: a slot on day D may be confirmed until 23:59:59 JST of day D-1; this is the first instant too late. */
export function confirmationDeadline(start: Date): Date {
  return jstInstant(toJst(start).date);
}

/** A6.5: the instant a session with no check-in counts as missed. */
export function noShowDeadline(start: Date): Date {
  return addMinutes(start, NO_SHOW_GRACE_MINUTES);
}

/** The slots of a JST date between two minutes of the day (default the whole business day). */
export function slotStarts(date: JstDate, fromMinute = OPENING_MINUTE, toMinute = CLOSING_MINUTE): Date[] {
  const starts: Date[] = [];
  for (let minute = fromMinute; minute + SESSION_MINUTES <= toMinute; minute += SESSION_MINUTES) {
    starts.push(jstInstant(date, minute));
  }
  return starts;
}
