import { describeClosed } from '../../src/domain/shared/messages';
import holidayJp from '@holiday-jp/holiday_jp';
import {
  assertSessionSlot,
  closedReason,
  confirmationDeadline,
  noShowDeadline,
  SESSION_MINUTES,
  slotStarts,
  toJst,
} from '../../src/domain/calendar/business-calendar';
import { jst, violationOf } from './fixtures';

describe('A6.1 a session lasts 30 minutes and is confirmed by the day before', () => {
  it('cuts the business day into 30-minute slots, 10:00 to the last one at 16:30 JST', () => {
    expect(SESSION_MINUTES).toBe(30);
    const starts = slotStarts('2026-12-01').map((s) => s.toISOString());
    expect(starts).toHaveLength(14);
    expect(starts[0]).toBe('2026-12-01T01:00:00.000Z'); // 10:00 JST
    expect(starts[1]).toBe('2026-12-01T01:30:00.000Z'); // 10:30 JST
    expect(starts.at(-1)).toBe('2026-12-01T07:30:00.000Z'); // 16:30 JST
  });

  it('makes 00:00:00 JST of the session day the first instant too late to confirm', () => {
    // 2026-12-01 10:00 JST → deadline 2026-12-01 00:00 JST = 2026-11-30 15:00 UTC
    expect(confirmationDeadline(jst('2026-12-01', '10:00')).toISOString()).toBe('2026-11-30T15:00:00.000Z');
    expect(confirmationDeadline(jst('2026-12-01', '16:30')).toISOString()).toBe('2026-11-30T15:00:00.000Z');
  });

  it('rejects a start that is not on the hour or the half hour', () => {
    expect(violationOf(() => assertSessionSlot(jst('2026-12-01', '10:15'), 'A6.1')).rule).toBe('A6.1');
    expect(() => assertSessionSlot(new Date('2026-12-01T01:00:30Z'), 'A6.1')).toThrow(
      /10:00:30 は開始時刻になりません。面談は毎時0分か30分ちょうどに始まります/,
    );
  });
});

describe('A6.2 sessions on weekdays 10:00–17:00 JST, not on holidays nor 12/29–1/3', () => {
  const closed = (start: Date) => violationOf(() => assertSessionSlot(start, 'A6.2'));

  it('accepts 10:00 and 16:30 (ends at 17:00) on a business day', () => {
    expect(() => assertSessionSlot(jst('2026-12-01', '10:00'), 'A6.2')).not.toThrow();
    expect(() => assertSessionSlot(jst('2026-12-01', '16:30'), 'A6.2')).not.toThrow();
  });

  it('rejects 17:00, 09:30 and 10:15', () => {
    for (const hhmm of ['17:00', '09:30']) {
      const violation = closed(jst('2026-12-01', hhmm));
      expect(violation.rule).toBe('A6.2');
      expect(violation.messageIn('en')).toMatch(/between 10:00 and 17:00 JST/);
    }
    const offGrid = closed(jst('2026-12-01', '10:15'));
    expect(offGrid.rule).toBe('A6.2');
    expect(offGrid.messageIn('en')).toMatch(/half hour/);
  });

  it('rejects Saturdays and Sundays', () => {
    expect(closed(jst('2026-12-05', '10:00')).messageIn('en')).toMatch(/2026-12-05 is a Saturday/);
    expect(closed(jst('2026-12-06', '10:00')).messageIn('en')).toMatch(/2026-12-06 is a Sunday/);
  });

  it('rejects national holidays (2026-11-23 勤労感謝の日, 2027-01-11 成人の日)', () => {
    expect(closed(jst('2026-11-23', '10:00')).messageIn('en')).toMatch(/national holiday \(勤労感謝の日\)/);
    expect(closed(jst('2027-01-11', '10:00')).messageIn('en')).toMatch(/national holiday \(成人の日\)/);
  });

  it('rejects the year-end closure 12/29 – 1/3 and accepts 12/28 and 1/4', () => {
    for (const date of ['2026-12-29', '2026-12-30', '2026-12-31']) {
      expect(closed(jst(date, '10:00')).messageIn('en')).toMatch(/year-end closure/);
    }
    expect(describeClosed('en', closedReason('2027-01-01')!)).toMatch(/national holiday/);
    expect(describeClosed('en', closedReason('2027-01-02')!)).toMatch(/Saturday/);
    expect(describeClosed('en', closedReason('2027-01-03')!)).toMatch(/Sunday/);
    expect(closedReason('2026-12-28')).toBeUndefined(); // Monday
    expect(closedReason('2027-01-04')).toBeUndefined(); // Monday
    expect(() => assertSessionSlot(jst('2026-12-28', '16:30'), 'A6.2')).not.toThrow();
    expect(() => assertSessionSlot(jst('2027-01-04', '10:00'), 'A6.2')).not.toThrow();
  });

  it("rejects an office's own closure day, naming the office closure", () => {
    const closures = new Map([['2026-12-02', 'building inspection']]);
    const violation = violationOf(() => assertSessionSlot(jst('2026-12-02', '10:00'), 'A6.2', closures));
    expect(violation.rule).toBe('A6.2');
    expect(violation.messageIn('en')).toMatch(/the office is closed on 2026-12-02 \(building inspection\)/);
    expect(() => assertSessionSlot(jst('2026-12-01', '10:00'), 'A6.2', closures)).not.toThrow();
  });

  describe('decides in JST whatever process.env.TZ is', () => {
    const originalTz = process.env.TZ;
    afterEach(() => {
      if (originalTz === undefined) delete process.env.TZ;
      else process.env.TZ = originalTz;
    });

    // 2026-11-22T15:30Z is Sunday 2026-11-22 in UTC but Monday 2026-11-23 00:30 in JST (勤労感謝の日).
    const instant = new Date('2026-11-22T15:30:00Z');

    it.each(['UTC', 'Asia/Tokyo', 'America/Los_Angeles', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Europe/London'])(
      'gives the JST date and holiday with TZ=%s',
      (tz) => {
        process.env.TZ = tz;
        expect(toJst(instant)).toEqual({ date: '2026-11-23', minuteOfDay: 30, weekday: 1 });
        expect(closedReason(toJst(instant).date)).toEqual({ kind: 'holiday', date: '2026-11-23', name: '勤労感謝の日' });
        // 10:00 JST that day is still refused, and a real business day still accepted.
        expect(closed(new Date('2026-11-23T01:00:00Z')).messageIn('en')).toMatch(/勤労感謝の日/);
        expect(() => assertSessionSlot(new Date('2026-12-01T07:30:00Z'), 'A6.2')).not.toThrow();
        // Friday 2026-12-04T15:30Z is already Saturday in JST.
        expect(toJst(new Date('2026-12-04T15:30:00Z')).weekday).toBe(6);
      },
    );

    it('really runs in another zone: a machine-local reading of the same instant disagrees', () => {
      process.env.TZ = 'UTC';
      expect(instant.getDate()).toBe(22); // the local date is the 22nd, a Sunday…
      expect(holidayJp.isHoliday(instant)).toBe(false); // …so a local-zone holiday check misses 勤労感謝の日
      expect(closedReason(toJst(instant).date)).toMatchObject({ name: '勤労感謝の日' });
    });
  });
});

describe('A6.5 a session with no check-in counts as missed 10 minutes after the start', () => {
  it('puts the no-show deadline at start + 10 minutes', () => {
    expect(noShowDeadline(jst('2026-12-01', '10:00')).toISOString()).toBe('2026-12-01T01:10:00.000Z');
  });
});
