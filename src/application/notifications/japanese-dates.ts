import { formatMinute, type JstDate, toJst, weekdayOf } from '../../domain/calendar/business-calendar';

const WEEKDAYS = ['日', '月', '火', '水', '木', '金', '土'];

/** '2026年12月1日（火）' */
export function japaneseDate(date: JstDate): string {
  const [year, month, day] = date.split('-').map(Number);
  return `${year}年${month}月${day}日（${WEEKDAYS[weekdayOf(date)]}）`;
}

/** A session as job seekers read it, in JST: '2026年12月1日（火）14:00〜14:30'. */
export function japaneseSession(start: Date, end: Date): string {
  const from = toJst(start);
  return `${japaneseDate(from.date)}${formatMinute(from.minuteOfDay)}〜${formatMinute(toJst(end).minuteOfDay)}`;
}
