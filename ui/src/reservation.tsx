import { useEffect, useState } from 'preact/hooks';
import type { Counselor, Page, Reservation } from './api';
import { CalendarView } from './calendar';
import { useApp } from './context';
import { Refusal } from './errors';
import { Field, useCommand } from './forms';
import { formatWhen, jstDateOf, jstInstant } from './i18n';

/** One reservation: what it is, its timeline, and the steps its state allows. */
export function ReservationScreen({ reservationId }: { reservationId: string }) {
  const { api, t, lang } = useApp();
  const [reservation, setReservation] = useState<Reservation>();
  const [counselors, setCounselors] = useState<Counselor[]>([]);
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState('');
  const load = () => api.get<Reservation>(`/v1/reservations/${reservationId}`).then(setReservation).catch(setError);
  useEffect(() => {
    void load();
  }, [reservationId]);
  useEffect(() => {
    if (reservation)
      void api.get<Page<Counselor>>(`/v1/offices/${reservation.officeId}/counselors?limit=200`).then((page) => setCounselors(page.items));
  }, [reservation?.officeId]);
  if (error) return <Refusal error={error} />;
  if (!reservation) return <p aria-busy="true">{t.loading}</p>;
  const recorded = () => {
    setNotice(t.done);
    void load();
  };
  const counselorName = (id?: string) => counselors.find((c) => c.counselorId === id)?.name ?? id ?? '';
  const status = reservation.status === 'confirmed' && reservation.invitation?.status === 'sent' ? 'invited' : reservation.status;
  return (
    <section aria-labelledby="reservation-title">
      <h2 id="reservation-title">
        {t.reservation}: {reservation.name}
      </h2>
      <p role="status" class="notice">
        {notice}
      </p>
      <dl class="facts">
        <dt>{t.status}</dt>
        <dd>
          <span class={`slot state-${status}`}>{t.state[status] ?? status}</span>
        </dd>
        <dt>{t.wishes}</dt>
        <dd>
          <ol>
            {reservation.wishes.map((w, i) => (
              <li key={w}>
                {i === 0 ? t.firstWish : t.secondWish}: {formatWhen(w, lang)}
              </li>
            ))}
          </ol>
        </dd>
        {reservation.slot && (
          <>
            <dt>{t.slot}</dt>
            <dd>
              {formatWhen(reservation.slot.start, lang)} {counselorName(reservation.slot.counselorId)}
            </dd>
          </>
        )}
        <dt>{t.channel}</dt>
        <dd>{t.channels[reservation.channel] ?? reservation.channel}</dd>
        <dt>{t.email}</dt>
        <dd>{reservation.email}</dd>
        {(reservation.attendance.interpreter || reservation.attendance.assistant) && (
          <>
            <dt>
              {t.interpreter} / {t.assistant}
            </dt>
            <dd>
              {reservation.attendance.interpreter ? t.yes : t.no} / {reservation.attendance.assistant ? t.yes : t.no}
            </dd>
          </>
        )}
        {reservation.invitation && (
          <>
            <dt>{t.invitation}</dt>
            <dd>
              {reservation.invitation.status === 'sent' ? t.sent : t.failed} {formatWhen(reservation.invitation.at, lang)}{' '}
              {reservation.invitation.reason}
            </dd>
          </>
        )}
      </dl>
      <p>
        <a href={`#/job-seekers/${reservation.jobSeekerId}`}>{t.openJobSeeker}</a>
      </p>
      {reservation.status === 'requested' && <Confirm reservation={reservation} done={recorded} />}
      {(reservation.status === 'confirmed' || reservation.status === 'invited') && <CheckIn reservation={reservation} done={recorded} />}
      {reservation.status === 'checked-in' && (
        <>
          <Step reservation={reservation} step="completion" label={t.complete} done={recorded} />
          <Step reservation={reservation} step="stop" label={t.stop} withReason done={recorded} />
          <FollowUp reservation={reservation} counselors={counselors} done={recorded} />
        </>
      )}
      {(reservation.status === 'requested' || reservation.status === 'confirmed' || reservation.status === 'invited') && (
        <Step reservation={reservation} step="cancellation" label={t.cancel} withReason done={recorded} />
      )}
      <h3>{t.timeline}</h3>
      <ol class="timeline">
        {reservation.timeline.map((entry) => (
          <li key={`${entry.at}-${entry.event}`}>
            <time>{formatWhen(entry.at, lang)}</time> {entry.summary} <span class="rule">{entry.rule}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** A6.1: a free slot for the request, its wishes first: the day of each wish, the wishes marked; or another day. */
function Confirm({ reservation, done }: { reservation: Reservation; done: () => void }) {
  const { api, t, lang } = useApp();
  const wishDays = [...new Set(reservation.wishes.map(jstDateOf))];
  const [date, setDate] = useState(wishDays[0]);
  const [error, setError] = useState<unknown>();
  const confirm = async (counselorId: string, start: string) => {
    try {
      await api.command('POST', `/v1/reservations/${reservation.reservationId}/confirmation`, { counselorId, start });
      done();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section class="card" aria-labelledby="confirm-title">
      <h3 id="confirm-title">{t.confirmTitle}</h3>
      <div class="controls">
        {wishDays.map((day) => (
          <button type="button" key={day} aria-pressed={date === day} onClick={() => setDate(day)}>
            {reservation.wishes
              .filter((w) => jstDateOf(w) === day)
              .map((w) => `${reservation.wishes.indexOf(w) === 0 ? t.firstWish : t.secondWish} ${formatWhen(w, lang)}`)
              .join(' / ')}
          </button>
        ))}
        <label>
          {t.otherSlots} <input type="date" value={date} onChange={(e) => e.currentTarget.value && setDate(e.currentTarget.value)} />
        </label>
      </div>
      <Refusal error={error} />
      <CalendarView query={{ date, span: 'day' }} pick={{ wishes: reservation.wishes, confirm: (c, s) => void confirm(c, s) }} />
    </section>
  );
}

function CheckIn({ reservation, done }: { reservation: Reservation; done: () => void }) {
  const { api, t } = useApp();
  const [deviceId, setDeviceId] = useState('');
  const command = useCommand(
    () => api.command('POST', `/v1/reservations/${reservation.reservationId}/check-in`, deviceId.trim() ? { deviceId: deviceId.trim() } : {}),
    done,
  );
  return (
    <form class="card" onSubmit={command.submit}>
      <h3>{t.checkIn}</h3>
      <Field name="deviceId" label={t.deviceId} error={command.error}>
        {(id, describedBy) => <input id={id} aria-describedby={describedBy} value={deviceId} onInput={(e) => setDeviceId(e.currentTarget.value)} />}
      </Field>
      <Refusal error={command.error} fields={['deviceId']} />
      <button type="submit" disabled={command.busy}>
        {t.checkIn}
      </button>
    </form>
  );
}

/** Complete (no body), stop (A12.1, a reason), cancel by phone (A6.5, a reason). */
function Step(props: {
  reservation: Reservation;
  step: 'completion' | 'stop' | 'cancellation';
  label: string;
  withReason?: boolean;
  done: () => void;
}) {
  const { api, t } = useApp();
  const [reason, setReason] = useState('');
  const body = props.step === 'cancellation' ? { channel: 'phone', reason } : props.withReason ? { reason } : {};
  const command = useCommand(() => api.command('POST', `/v1/reservations/${props.reservation.reservationId}/${props.step}`, body), props.done);
  return (
    <form class="card" onSubmit={command.submit} aria-label={props.label}>
      <h3>{props.label}</h3>
      {props.withReason && (
        <Field name={`reason-${props.step}`} label={t.reason} error={undefined}>
          {(id) => <textarea id={id} required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
        </Field>
      )}
      <Refusal error={command.error} />
      <button type="submit" disabled={command.busy} class={props.step === 'completion' ? undefined : 'danger'}>
        {props.label}
      </button>
    </form>
  );
}

/** A6.4: a follow-up with a fixed slot, booked during the session: requested and confirmed at once, then invited. */
function FollowUp({ reservation, counselors, done }: { reservation: Reservation; counselors: Counselor[]; done: () => void }) {
  const { api, t } = useApp();
  const [jobSeekerNo, setJobSeekerNo] = useState('');
  const [counselorId, setCounselorId] = useState(reservation.slot?.counselorId ?? '');
  const [date, setDate] = useState('');
  const [time, setTime] = useState('10:00');
  const [followUpId, setFollowUpId] = useState<string>();
  const command = useCommand(
    () =>
      api.command<{ reservationId: string }>('POST', `/v1/reservations/${reservation.reservationId}/follow-ups`, {
        jobSeekerNo,
        name: reservation.name,
        email: reservation.email,
        attendance: reservation.attendance,
        counselorId,
        start: jstInstant(date, time),
      }),
    (answer) => {
      setFollowUpId(answer.reservationId);
      done();
    },
  );
  return (
    <form class="card" onSubmit={command.submit} aria-labelledby="follow-up-title">
      <h3 id="follow-up-title">{t.followUp}</h3>
      <Field name="jobSeekerNo" label={t.jobSeekerNo} error={command.error}>
        {(id, d) => <input id={id} aria-describedby={d} required value={jobSeekerNo} onInput={(e) => setJobSeekerNo(e.currentTarget.value)} />}
      </Field>
      <Field name="counselorId" label={t.counselor} error={command.error}>
        {(id, d) => (
          <select id={id} aria-describedby={d} value={counselorId} onChange={(e) => setCounselorId(e.currentTarget.value)}>
            {counselors.map((c) => (
              <option key={c.counselorId} value={c.counselorId}>
                {c.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <TimeInputs name="start" date={date} time={time} setDate={setDate} setTime={setTime} error={command.error} />
      <Refusal error={command.error} fields={['jobSeekerNo', 'counselorId', 'start']} />
      <button type="submit" disabled={command.busy}>
        {t.book}
      </button>
      {followUpId && (
        <p>
          <a href={`#/reservations/${followUpId}`}>{t.openReservation}</a>
        </p>
      )}
    </form>
  );
}

/** A date and a half-hour start (10:00–16:30) in JST. */
export function TimeInputs(props: {
  name: string;
  date: string;
  time: string;
  setDate: (v: string) => void;
  setTime: (v: string) => void;
  error: unknown;
  label?: string;
  required?: boolean;
}) {
  const { t } = useApp();
  const times = Array.from({ length: 14 }, (_, i) => `${String(10 + Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`);
  return (
    <fieldset class="inline">
      <legend>{props.label ?? t.date}</legend>
      <Field name={props.name} label={t.date} error={props.error}>
        {(id, d) => (
          <input
            id={id}
            type="date"
            required={props.required ?? true}
            aria-describedby={d}
            value={props.date}
            onInput={(e) => props.setDate(e.currentTarget.value)}
          />
        )}
      </Field>
      <div class="field">
        <label for={`field-${props.name}-time`}>{t.time}</label>
        <select id={`field-${props.name}-time`} value={props.time} onChange={(e) => props.setTime(e.currentTarget.value)}>
          {times.map((time) => (
            <option key={time}>{time}</option>
          ))}
        </select>
      </div>
    </fieldset>
  );
}
