import { toJstTimes } from '../../../src/infrastructure/http/jst-times';

describe('answers show their instants in JST', () => {
  it('writes every UTC instant of an answer, at any depth, with the +09:00 offset', () => {
    const answer = {
      id: 'r-1',
      start: '2026-12-01T01:00:00.000Z',
      slots: [{ start: '2026-12-01T05:30:00Z', end: new Date('2026-12-01T06:00:00Z') }],
      history: [['2026-11-30T15:00:00.000Z']],
    };
    expect(toJstTimes(answer)).toEqual({
      id: 'r-1',
      start: '2026-12-01T10:00:00.000+09:00',
      slots: [{ start: '2026-12-01T14:30:00.000+09:00', end: '2026-12-01T15:00:00.000+09:00' }],
      history: [['2026-12-01T00:00:00.000+09:00']],
    });
  });

  it('leaves every other text as it is: dates, times already in JST, free text holding an instant', () => {
    const answer = {
      date: '2026-12-01',
      hhmm: '10:00',
      jst: '2026-12-01T10:00:00.000+09:00',
      note: 'moved 2026-12-01T01:00:00.000Z',
      twentyLong: 'abcdefghijTabcdefghZ',
      twentyFourLong: 'x2026-12-01T01:00:00.00Z',
      count: 3,
      none: null,
    };
    expect(toJstTimes(answer)).toEqual(answer);
  });

  it('does not change the value it was given (a cached answer is shown the same way twice)', () => {
    const cached = { items: [{ name: 'a' }, { at: '2026-12-01T01:00:00.000Z' }] };
    const first = toJstTimes(cached);
    expect(cached).toEqual({ items: [{ name: 'a' }, { at: '2026-12-01T01:00:00.000Z' }] });
    expect(toJstTimes(cached)).toEqual(first);
  });
});
