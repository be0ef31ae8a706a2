import { useEffect, useState } from 'preact/hooks';
import type { JobSeekerListItem, Overview, Page, SessionSummary } from './api';
import { useApp } from './context';
import { Refusal } from './errors';
import { Field, useCommand } from './forms';
import { formatWhen } from './i18n';

/** The job seekers by name (the read is recorded, A8.1). */
export function JobSeekersScreen() {
  const { api, t } = useApp();
  const [page, setPage] = useState<Page<JobSeekerListItem>>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    api.get<Page<JobSeekerListItem>>('/v1/job-seekers?limit=200').then(setPage).catch(setError);
  }, []);
  if (error) return <Refusal error={error} />;
  if (!page) return <p aria-busy="true">{t.loading}</p>;
  return (
    <section aria-labelledby="job-seekers-title">
      <h2 id="job-seekers-title">{t.jobSeekers}</h2>
      <ul class="list">
        {page.items.map((item) => (
          <li key={item.jobSeekerId}>
            <a href={`#/job-seekers/${item.jobSeekerId}`}>{item.name}</a> {item.registration === 'pre' ? `(${t.pre})` : ''}{' '}
            {item.refused && <span class="badge danger">{t.refused}</span>}
            {item.noShowCount > 0 && <span class="badge">{`${t.noShows} ${item.noShowCount}`}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A job seeker at a glance: consents, terms version, no-shows, refusal, sessions; a supervisor may refuse or lift. */
export function JobSeekerScreen({ jobSeekerId }: { jobSeekerId: string }) {
  const { api, t, lang, supervisor } = useApp();
  const [overview, setOverview] = useState<Overview>();
  const [error, setError] = useState<unknown>();
  const load = () => api.get<Overview>(`/v1/job-seekers/${jobSeekerId}/overview`).then(setOverview).catch(setError);
  useEffect(() => {
    void load();
  }, [jobSeekerId]);
  if (error) return <Refusal error={error} />;
  if (!overview) return <p aria-busy="true">{t.loading}</p>;
  const consent = overview.consent;
  return (
    <section aria-labelledby="job-seeker-title">
      <h2 id="job-seeker-title">{overview.name}</h2>
      {overview.refusal && (
        <p class="badge danger" role="status">
          {t.refused} ({overview.refusal.article}) {formatWhen(overview.refusal.since, lang)}: {overview.refusal.reason}
        </p>
      )}
      {overview.refusalReviewDue && <p class="badge">{`${t.reviewDue}: ${t.noShows} ${overview.refusalReviewDue.noShowCount}`}</p>}
      <dl class="facts">
        <dt>{t.registration}</dt>
        <dd>{overview.registration === 'pre' ? t.pre : t.full}</dd>
        <dt>{t.email}</dt>
        <dd>{overview.email ?? '—'}</dd>
        <dt>{t.phone}</dt>
        <dd>{overview.phone ?? '—'}</dd>
        <dt>{t.inPersonDifficulty}</dt>
        <dd>{overview.inPersonDifficulty}</dd>
        <dt>{t.termsVersion}</dt>
        <dd>{consent ? `${consent.termsVersion} (${formatWhen(consent.givenAt, lang)})` : t.none}</dd>
        <dt>{t.noShows}</dt>
        <dd>{overview.noShowCount}</dd>
      </dl>
      {consent && (
        <section class="card" aria-labelledby="consent-items">
          <h3 id="consent-items">{t.consent}</h3>
          <ul class="consents">
            {Object.entries(consent.environment).map(([item, yes]) => (
              <li key={item} class={yes ? 'yes' : 'no'}>
                {t.env[item] ?? item}: {yes ? t.yes : t.no}
              </li>
            ))}
            <li>
              {t.device}: {t.devices[consent.deviceReadiness.device]} / {t.hasWebCamera}: {consent.deviceReadiness.hasWebCamera ? t.yes : t.no} /{' '}
              {t.appPrepared}: {consent.deviceReadiness.appPrepared ? t.yes : t.no}
            </li>
            <li>
              {t.designatedApp}: {consent.designatedApp}
            </li>
            <li>{t.recording}</li>
          </ul>
        </section>
      )}
      <Sessions title={t.upcoming} sessions={overview.upcomingSessions} />
      <Sessions title={t.past} sessions={overview.pastSessions} />
      {supervisor && !overview.erasedAt && <RefusalForm overview={overview} done={() => void load()} />}
    </section>
  );
}

function Sessions({ title, sessions }: { title: string; sessions: SessionSummary[] }) {
  const { t, lang } = useApp();
  return (
    <section class="card">
      <h3>{title}</h3>
      {sessions.length === 0 ? (
        <p class="help">{t.none}</p>
      ) : (
        <ul>
          {sessions.map((s) => (
            <li key={s.reservationId}>
              <a href={`#/reservations/${s.reservationId}`}>{formatWhen(s.when, lang)}</a>{' '}
              <span class={`slot state-${s.status}`}>{t.state[s.status]}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** A12.1 / A6.5: refuse service, or lift the refusal; supervisors only (the page shows it to no one else). */
function RefusalForm({ overview, done }: { overview: Overview; done: () => void }) {
  const { api, t } = useApp();
  const [article, setArticle] = useState<'A12.1' | 'A6.5'>(overview.refusalReviewDue ? 'A6.5' : 'A12.1');
  const [reason, setReason] = useState('');
  const lifting = overview.refusal !== undefined;
  const command = useCommand(
    () =>
      lifting
        ? api.command('POST', `/v1/job-seekers/${overview.jobSeekerId}/refusal/lift`, { reason })
        : api.command('POST', `/v1/job-seekers/${overview.jobSeekerId}/refusal`, { article, reason }),
    () => {
      setReason('');
      done();
    },
  );
  return (
    <form class="card" onSubmit={command.submit} aria-labelledby="refusal-title">
      <h3 id="refusal-title">{lifting ? t.lift : t.refuse}</h3>
      {!lifting && (
        <Field name="article" label={t.article} error={command.error}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={article} onChange={(e) => setArticle(e.currentTarget.value as 'A12.1' | 'A6.5')}>
              <option value="A12.1">A12.1</option>
              <option value="A6.5">A6.5</option>
            </select>
          )}
        </Field>
      )}
      <Field name="reason" label={t.reason} error={command.error}>
        {(id, d) => <textarea id={id} aria-describedby={d} required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
      </Field>
      <Refusal error={command.error} fields={['article', 'reason']} />
      <button type="submit" class="danger" disabled={command.busy}>
        {lifting ? t.lift : t.refuse}
      </button>
    </form>
  );
}
