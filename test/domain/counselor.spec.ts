import { describeUnavailability } from '../../src/domain/shared/messages';
import { AvailabilityException, counselorDecider, DEFAULT_WEEKLY_HOURS, unavailabilityReason } from '../../src/domain/counselor/counselor';
import { fold } from '../../src/domain/shared/decider';
import { specFor } from './given-when-then';
import { COUNSELOR_ID, counselorAdded, counselorState, jst, OFFICE_ID, violationOf } from './fixtures';

const counselor = specFor(counselorDecider);

const exceptionAdded = (exception: AvailabilityException) =>
  ({ type: 'AvailabilityExceptionAdded', data: { counselorId: COUNSELOR_ID, exception } }) as const;
const available = (events: Parameters<typeof counselorState>[0], date: string, hhmm: string) => {
  const why = unavailabilityReason(counselorState(events), jst(date, hhmm));
  return why && describeUnavailability('en', why);
};

describe('COUNSELOR availability, activity and office', () => {
  describe('availability', () => {
    it('is available 10:00–17:00 on weekdays by default', () => {
      expect(counselorState().weeklyHours).toEqual(DEFAULT_WEEKLY_HOURS);
      for (const hhmm of ['10:00', '13:30', '16:30']) expect(available(undefined, '2026-12-01', hhmm)).toBeUndefined();
    });

    it('is unavailable on a weekday set off in the weekly hours', () => {
      const weeklyHoursSet = {
        type: 'WeeklyHoursSet',
        data: { counselorId: COUNSELOR_ID, weeklyHours: { ...DEFAULT_WEEKLY_HOURS, '3': null } },
      } as const;
      expect(available([counselorAdded(), weeklyHoursSet], '2026-12-02', '10:00')).toMatch(/does not work on this weekday/); // Wednesday
      expect(available([counselorAdded(), weeklyHoursSet], '2026-12-01', '10:00')).toBeUndefined(); // Tuesday
    });

    it('is unavailable outside shorter weekly hours', () => {
      const weeklyHoursSet = {
        type: 'WeeklyHoursSet',
        data: { counselorId: COUNSELOR_ID, weeklyHours: { ...DEFAULT_WEEKLY_HOURS, '2': { from: '13:00', to: '15:00' } } },
      } as const;
      expect(available([counselorAdded(), weeklyHoursSet], '2026-12-01', '12:30')).toMatch(/works 13:00–15:00/);
      expect(available([counselorAdded(), weeklyHoursSet], '2026-12-01', '14:30')).toBeUndefined();
      expect(available([counselorAdded(), weeklyHoursSet], '2026-12-01', '15:00')).toMatch(/works 13:00–15:00/);
    });

    it('is unavailable on a leave day, and only that day', () => {
      const leave = exceptionAdded({ exceptionId: 'ex-1', kind: 'leave', date: '2026-12-01', reason: 'annual leave' });
      expect(available([counselorAdded(), leave], '2026-12-01', '16:30')).toMatch(/on leave on 2026-12-01 \(annual leave\)/);
      expect(available([counselorAdded(), leave], '2026-12-02', '10:00')).toBeUndefined();
    });

    it('is unavailable for a slot overlapping a blocked period (half-open)', () => {
      // blocked 10:15–11:00 JST
      const blocked = exceptionAdded({
        exceptionId: 'ex-2',
        kind: 'blocked',
        from: '2026-12-01T01:15:00.000Z',
        to: '2026-12-01T02:00:00.000Z',
        reason: 'training',
      });
      expect(available([counselorAdded(), blocked], '2026-12-01', '09:30')).toBeDefined(); // weekly hours anyway
      expect(available([counselorAdded(), blocked], '2026-12-01', '10:00')).toMatch(/unavailable .*\(training\)/);
      expect(available([counselorAdded(), blocked], '2026-12-01', '10:30')).toMatch(/\(training\)/);
      expect(available([counselorAdded(), blocked], '2026-12-01', '11:00')).toBeUndefined(); // starts as the block ends
      const blockedFromEleven = exceptionAdded({
        exceptionId: 'ex-3',
        kind: 'blocked',
        from: '2026-12-01T02:00:00.000Z',
        to: '2026-12-01T03:00:00.000Z',
        reason: 'meeting',
      });
      expect(available([counselorAdded(), blockedFromEleven], '2026-12-01', '10:30')).toBeUndefined(); // ends as the block starts
    });

    it('is available only within a shorter day on that date', () => {
      const shorter = exceptionAdded({
        exceptionId: 'ex-4',
        kind: 'shorter-day',
        date: '2026-12-01',
        from: '13:00',
        to: '15:00',
        reason: 'hospital visit',
      });
      expect(available([counselorAdded(), shorter], '2026-12-01', '10:00')).toMatch(/works only 13:00–15:00 on 2026-12-01 \(hospital visit\)/);
      expect(available([counselorAdded(), shorter], '2026-12-01', '13:00')).toBeUndefined();
      expect(available([counselorAdded(), shorter], '2026-12-01', '14:30')).toBeUndefined();
      expect(available([counselorAdded(), shorter], '2026-12-01', '15:00')).toMatch(/works only 13:00–15:00/);
      expect(available([counselorAdded(), shorter], '2026-12-02', '10:00')).toBeUndefined();
    });

    it('is available again once an exception is removed', () => {
      const leave = exceptionAdded({ exceptionId: 'ex-1', kind: 'leave', date: '2026-12-01', reason: 'annual leave' });
      const removed = { type: 'AvailabilityExceptionRemoved', data: { counselorId: COUNSELOR_ID, exceptionId: 'ex-1' } } as const;
      expect(available([counselorAdded(), leave, removed], '2026-12-01', '10:00')).toBeUndefined();
    });

    it('is unavailable when inactive', () => {
      const deactivated = { type: 'CounselorDeactivated', data: { counselorId: COUNSELOR_ID, reason: 'transferred' } } as const;
      expect(available([counselorAdded(), deactivated], '2026-12-01', '10:00')).toMatch(/no longer active/);
      expect(
        available([counselorAdded(), deactivated, { type: 'CounselorReactivated', data: { counselorId: COUNSELOR_ID } }], '2026-12-01', '10:00'),
      ).toBeUndefined();
    });
  });

  describe('configuration', () => {
    it('adds a counselor to an existing office, with an optional room URL', () => {
      counselor
        .given([])
        .when({ type: 'AddCounselor', counselorId: COUNSELOR_ID, officeId: OFFICE_ID, officeExists: true, name: '佐藤' })
        .then([{ type: 'CounselorAdded', data: { counselorId: COUNSELOR_ID, officeId: OFFICE_ID, name: '佐藤' } }]);
      counselor
        .given([counselorAdded()])
        .when({ type: 'AddCounselor', counselorId: COUNSELOR_ID, officeId: OFFICE_ID, officeExists: true, name: '佐藤' })
        .thenRejected('COUNSELOR', /already exists/);
    });

    it('sets weekly hours within 10:00–17:00 on the half hour, and rejects others', () => {
      const weeklyHours = { ...DEFAULT_WEEKLY_HOURS, '5': { from: '13:00', to: '16:00' } };
      counselor
        .given([counselorAdded()])
        .when({ type: 'SetWeeklyHours', weeklyHours })
        .then([{ type: 'WeeklyHoursSet', data: { counselorId: COUNSELOR_ID, weeklyHours } }]);
      for (const hours of [
        { from: '09:00', to: '12:00' },
        { from: '13:00', to: '17:30' },
        { from: '13:15', to: '15:00' },
        { from: '13:00', to: '13:00' },
        { from: '1pm', to: '15:00' },
      ]) {
        counselor
          .given([counselorAdded()])
          .when({ type: 'SetWeeklyHours', weeklyHours: { ...DEFAULT_WEEKLY_HOURS, '1': hours } })
          .thenRejected('COUNSELOR');
      }
    });

    it('rejects a blocked period that ends before it starts', () => {
      counselor
        .given([counselorAdded()])
        .when({
          type: 'AddAvailabilityException',
          exception: { exceptionId: 'ex-2', kind: 'blocked', from: '2026-12-01T02:00:00.000Z', to: '2026-12-01T01:00:00.000Z', reason: 'x' },
        })
        .thenRejected('COUNSELOR', /must end after it starts/);
    });

    it('adds an exception once, and rejects the same id with other values', () => {
      const leave: AvailabilityException = { exceptionId: 'ex-1', kind: 'leave', date: '2026-12-01', reason: 'annual leave' };
      counselor
        .given([counselorAdded()])
        .when({ type: 'AddAvailabilityException', exception: leave })
        .then([exceptionAdded(leave)]);
      counselor
        .given([counselorAdded(), exceptionAdded(leave)])
        .when({ type: 'AddAvailabilityException', exception: leave })
        .then([]);
      counselor
        .given([counselorAdded(), exceptionAdded(leave)])
        .when({ type: 'AddAvailabilityException', exception: { ...leave, date: '2026-12-02' } })
        .thenRejected('COUNSELOR', /already exists with other values/);
    });
  });

  describe('deactivation', () => {
    it('deactivates a counselor who holds no future session', () => {
      counselor
        .given([counselorAdded()])
        .when({ type: 'DeactivateCounselor', reason: 'transferred', futureSessions: [] })
        .then([{ type: 'CounselorDeactivated', data: { counselorId: COUNSELOR_ID, reason: 'transferred' } }]);
    });

    it('refuses deactivation while future sessions are held, listing them in details.sessions', () => {
      const sessions = [
        { reservationId: 'res-1', start: '2026-12-01T01:00:00.000Z' },
        { reservationId: 'res-2', start: '2026-12-02T05:30:00.000Z' },
      ];
      counselor
        .given([counselorAdded()])
        .when({ type: 'DeactivateCounselor', reason: 'transferred', futureSessions: sessions })
        .thenRejected('COUNSELOR', /still holds 2 future session/);
      const violation = violationOf(() =>
        counselorDecider.decide(
          { type: 'DeactivateCounselor', reason: 'transferred', futureSessions: sessions },
          fold(counselorDecider, [counselorAdded()]),
        ),
      );
      expect(violation.details).toEqual({ sessions });
      expect(violation.message).toContain('2026年12月1日（火）10:00、2026年12月2日（水）14:30'); // JST, not UTC
    });

    it('emits nothing when deactivating an inactive counselor or reactivating an active one', () => {
      const deactivated = { type: 'CounselorDeactivated', data: { counselorId: COUNSELOR_ID, reason: 'transferred' } } as const;
      counselor.given([counselorAdded(), deactivated]).when({ type: 'DeactivateCounselor', reason: 'again', futureSessions: [] }).then([]);
      counselor.given([counselorAdded()]).when({ type: 'ReactivateCounselor' }).then([]);
      counselor
        .given([counselorAdded(), deactivated])
        .when({ type: 'ReactivateCounselor' })
        .then([{ type: 'CounselorReactivated', data: { counselorId: COUNSELOR_ID } }]);
    });
  });
});
