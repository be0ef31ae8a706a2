import { useEffect, useState } from 'preact/hooks';
import type { Calendar, Counselor, Page, Slot } from './api';
import { go, useApp } from './context';
import { Refusal } from './errors';
import { addDays, fill, formatDate, formatWhen, jstTimeOf } from './i18n';

export interface CalendarQuery {
  counselorId?: string;
  date: string;
  span: 'day' | 'week';
}

/** Day or week of an office (every counselor) or of one counselor: each 30-minute slot's state, closures, leave, blocked periods. */
export function CalendarScreen({ params }: { params: URLSearchParams }) {
  const { api, office, t, today } = useApp();
  const [counselors, setCounselors] = useState<Counselor[]>([]);
  const query: CalendarQuery = {
    counselorId: params.get('counselor') ?? undefined,
    date: params.get('date') ?? today,
    span: params.get('span') === 'day' ? 'day' : 'week',
  };
  useEffect(() => {
    void api.get<Page<Counselor>>(`/v1/offices/${office.officeId}/counselors?limit=200`).then((page) => setCounselors(page.items));
  }, [office.officeId]);
  const show = (change: Partial<CalendarQuery>) => {
    const next = { ...query, ...change };
    const search = new URLSearchParams({ date: next.date, span: next.span, ...(next.counselorId ? { counselor: next.counselorId } : {}) });
    go(`#/calendar?${search.toString()}`);
  };
  const step = query.span === 'week' ? 7 : 1;
  return (
    <section aria-labelledby="calendar-title">
      <h2 id="calendar-title">
        {t.calendar}: {office.name}
      </h2>
      <div class="controls" role="group" aria-label={t.calendar}>
        <label>
          {t.counselor}{' '}
          <select value={query.counselorId ?? ''} onChange={(e) => show({ counselorId: e.currentTarget.value || undefined })}>
            <option value="">{t.allCounselors}</option>
            {counselors.map((c) => (
              <option value={c.counselorId} key={c.counselorId}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <fieldset class="inline">
          <legend class="visually-hidden">{`${t.day} / ${t.week}`}</legend>
          {(['day', 'week'] as const).map((span) => (
            <label key={span}>
              <input type="radio" name="span" value={span} checked={query.span === span} onChange={() => show({ span })} />
              {span === 'day' ? t.day : t.week}
            </label>
          ))}
        </fieldset>
        <label>
          {t.date} <input type="date" value={query.date} onChange={(e) => e.currentTarget.value && show({ date: e.currentTarget.value })} />
        </label>
        <button type="button" onClick={() => show({ date: addDays(query.date, -step) })}>
          {t.previous}
        </button>
        <button type="button" onClick={() => show({ date: today })}>
          {t.today}
        </button>
        <button type="button" onClick={() => show({ date: addDays(query.date, step) })}>
          {t.next}
        </button>
      </div>
      <Legend />
      <CalendarView query={query} />
    </section>
  );
}

const STATES = ['free', 'held', 'confirmed', 'invited', 'checked-in', 'completed', 'stopped', 'missed', 'cancelled'] as const;

function Legend() {
  const { t } = useApp();
  return (
    <ul class="legend" aria-label={t.legend}>
      {STATES.map((state) => (
        <li key={state} class={`slot state-${state}`}>
          {t.state[state]}
        </li>
      ))}
      <li class="slot unavailable">{t.unavailable}</li>
      <li class="slot state-free">{t.pastDeadline}</li>
    </ul>
  );
}

export interface Pick {
  /** The request's wishes, highlighted where they fall (1st, 2nd). */
  wishes: string[];
  /** Offered on every bookable slot. */
  confirm: (counselorId: string, start: string, counselorName: string) => void;
}

export function CalendarView({ query, pick }: { query: CalendarQuery; pick?: Pick }) {
  const { api, office, t, lang } = useApp();
  const [calendar, setCalendar] = useState<Calendar>();
  const [error, setError] = useState<unknown>();
  const path = query.counselorId ? `/v1/counselors/${query.counselorId}/calendar` : `/v1/offices/${office.officeId}/calendar`;
  useEffect(() => {
    setCalendar(undefined);
    api
      .get<Calendar>(`${path}?date=${query.date}${query.span === 'week' ? '&span=week' : ''}`)
      .then(setCalendar)
      .catch(setError);
  }, [path, query.date, query.span]);
  if (error) return <Refusal error={error} />;
  if (!calendar) return <p aria-busy="true">{t.loading}</p>;
  const wishNo = (start: string) => (pick ? pick.wishes.findIndex((w) => new Date(w).getTime() === new Date(start).getTime()) : -1);
  return (
    <div class="calendar">
      {calendar.days.map((day) => {
        const title = formatDate(day.date, lang);
        if (day.closed) {
          return (
            <section key={day.date} class="day closed" aria-label={title}>
              <h3>
                {title} <span class="closed-reason">{`${t.closed}: ${day.closed}`}</span>
              </h3>
            </section>
          );
        }
        const times = day.counselors[0]?.slots.map((s) => s.start) ?? [];
        return (
          <section key={day.date} class="day" aria-label={title}>
            <h3>{title}</h3>
            <div class="scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t.time}</th>
                    {day.counselors.map((c) => (
                      <th scope="col" key={c.counselorId}>
                        {c.name}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {times.map((start, row) => {
                    const wish = wishNo(start);
                    return (
                      <tr key={start} class={wish >= 0 ? `wish wish-${wish + 1}` : undefined}>
                        <th scope="row">
                          {jstTimeOf(start)}
                          {wish >= 0 && <span class="wish-mark">{wish === 0 ? t.firstWish : t.secondWish}</span>}
                        </th>
                        {day.counselors.map((c) => (
                          <SlotCell key={c.counselorId} slot={c.slots[row]} counselor={c} pick={pick} />
                        ))}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </section>
        );
      })}
    </div>
  );
}

function SlotCell({ slot, counselor, pick }: { slot: Slot; counselor: { counselorId: string; name: string }; pick?: Pick }) {
  const { t, lang } = useApp();
  const state = slot.state === 'confirmed' && slot.invited ? 'invited' : slot.state;
  // Free, available, but past its A6.1 confirmation deadline (or already begun): nothing can be booked there any more.
  const label = state === 'free' && !slot.bookable && !slot.unavailable ? t.pastDeadline : t.state[state];
  const classes = `slot state-${state}${slot.unavailable ? ' unavailable' : ''}${slot.bookable ? ' bookable' : ''}`;
  const when = formatWhen(slot.start, lang);
  return (
    <td class={classes} title={slot.unavailable}>
      {slot.reservationId ? (
        <a href={`#/reservations/${slot.reservationId}`} aria-label={`${when} ${counselor.name}: ${label}`}>
          {label}
        </a>
      ) : pick && slot.bookable ? (
        <button type="button" onClick={() => pick.confirm(counselor.counselorId, slot.start, counselor.name)}>
          {fill(t.confirmWith, { when: jstTimeOf(slot.start), counselor: counselor.name })}
        </button>
      ) : (
        <span>{slot.unavailable ? `${t.unavailable}` : label}</span>
      )}
      {slot.unavailable && <span class="visually-hidden">: {slot.unavailable}</span>}
    </td>
  );
}
