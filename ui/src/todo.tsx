import { useEffect, useState } from 'preact/hooks';
import type { Counselor, Page, Todo } from './api';
import { useApp } from './context';
import { Refusal } from './errors';
import { formatWhen } from './i18n';

/** What the office's staff must act on now (A6.1, A6.3, A6.5, A13, closure days), each item a link to where it is done. */
export function TodoScreen() {
  const { api, office, t, lang } = useApp();
  const [todo, setTodo] = useState<Todo>();
  const [counselors, setCounselors] = useState<Counselor[]>([]);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    api.get<Todo>(`/v1/offices/${office.officeId}/todo`).then(setTodo).catch(setError);
    void api.get<Page<Counselor>>(`/v1/offices/${office.officeId}/counselors?limit=200`).then((page) => setCounselors(page.items));
  }, [office.officeId]);
  if (error) return <Refusal error={error} />;
  if (!todo) return <p aria-busy="true">{t.loading}</p>;
  const name = (id: string) => counselors.find((c) => c.counselorId === id)?.name ?? '';
  const lists: Array<[keyof Todo, Array<{ key: string; href: string; text: string }>]> = [
    [
      'nearConfirmationDeadline',
      todo.nearConfirmationDeadline.map((i) => ({
        key: i.reservationId + i.wish,
        href: `#/reservations/${i.reservationId}`,
        text: `${formatWhen(i.wish, lang)} — ${t.deadline} ${formatWhen(i.deadline, lang)}`,
      })),
    ],
    [
      'pastConfirmationDeadline',
      todo.pastConfirmationDeadline.map((i) => ({
        key: i.reservationId + i.wish,
        href: `#/reservations/${i.reservationId}`,
        text: `${formatWhen(i.wish, lang)} — ${t.deadline} ${formatWhen(i.deadline, lang)}`,
      })),
    ],
    ...(['notInvited', 'failedInvitations', 'awaitingCheckInToday'] as const).map(
      (list) =>
        [
          list,
          todo[list].map((i) => ({
            key: i.reservationId,
            href: `#/reservations/${i.reservationId}`,
            text: `${formatWhen(i.start, lang)} ${name(i.counselorId)}${'reason' in i ? ` — ${i.reason}` : ''}`,
          })),
        ] as [keyof Todo, Array<{ key: string; href: string; text: string }>],
    ),
    [
      'invitedAfterCancellation',
      todo.invitedAfterCancellation.map((i) => ({
        key: i.reservationId,
        href: `#/reservations/${i.reservationId}`,
        text: `${formatWhen(i.start, lang)} ${name(i.counselorId)}`,
      })),
    ],
    [
      'onClosureDays',
      todo.onClosureDays.map((i) => ({
        key: i.reservationId,
        href: `#/reservations/${i.reservationId}`,
        text: `${formatWhen(i.start, lang)} ${name(i.counselorId)} — ${i.closure} (${i.invitation === 'sent' ? t.invitationSent : t.invitationWithheld})`,
      })),
    ],
    [
      'failedTermsNotices',
      todo.failedTermsNotices.map((i) => ({
        key: i.jobSeekerId + i.termsVersion,
        href: `#/job-seekers/${i.jobSeekerId}`,
        text: `${i.name} — ${t.termsVersion} ${i.termsVersion}: ${i.reason}`,
      })),
    ],
    [
      'refusalReviews',
      todo.refusalReviews.map((i) => ({
        key: i.jobSeekerId,
        href: `#/job-seekers/${i.jobSeekerId}`,
        text: `${i.name} — ${t.noShows} ${i.noShowCount}`,
      })),
    ],
  ];
  return (
    <section aria-labelledby="todo-title">
      <h2 id="todo-title">
        {t.todo}: {office.name} <small>({formatWhen(todo.at, lang)})</small>
      </h2>
      <div class="todo">
        {lists.map(([list, items]) => (
          <section key={list} class="card" aria-labelledby={`todo-${list}`}>
            <h3 id={`todo-${list}`}>
              {t.todoLists[list]} <span class="count">{items.length}</span>
            </h3>
            {items.length === 0 ? (
              <p class="help">{t.none}</p>
            ) : (
              <ul>
                {items.map((item) => (
                  <li key={item.key}>
                    <a href={item.href}>{item.text}</a>
                  </li>
                ))}
              </ul>
            )}
          </section>
        ))}
      </div>
    </section>
  );
}
