import { useEffect, useState } from 'preact/hooks';
import type { JobSeekerListItem, Overview, Page } from './api';
import { go, useApp } from './context';
import { Refusal } from './errors';
import { Check, Field, useCommand } from './forms';
import { TimeInputs } from './reservation';
import { jstInstant } from './i18n';

const ENVIRONMENT = ['A5.1', 'A5.2', 'A5.3', 'A5.4', 'A5.5', 'A5.6'] as const;

/**
 * Phone and counter intake, top to bottom: find the job seeker by the 求職番号 heard (or register them), record
 * consent item by item, take the request with its 1st and 2nd wish. Every refusal shows next to its field.
 */
export function IntakeScreen() {
  const { api, t } = useApp();
  const [jobSeekerNo, setJobSeekerNo] = useState('');
  const [found, setFound] = useState<{ item?: JobSeekerListItem; overview?: Overview }>();
  const search = useCommand(async () => {
    const page = await api.get<Page<JobSeekerListItem>>(`/v1/job-seekers?jobSeekerNo=${encodeURIComponent(jobSeekerNo)}`);
    const item = page.items[0];
    return { item, overview: item ? await api.get<Overview>(`/v1/job-seekers/${item.jobSeekerId}/overview`) : undefined };
  }, setFound);
  return (
    <section aria-labelledby="intake-title">
      <h2 id="intake-title">{t.intake}</h2>
      <form class="card" onSubmit={search.submit} role="search">
        <Field name="jobSeekerNo" label={t.jobSeekerNo} error={search.error}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              required
              inputMode="numeric"
              placeholder="33010-12345671"
              value={jobSeekerNo}
              onInput={(e) => {
                setJobSeekerNo(e.currentTarget.value);
                setFound(undefined);
              }}
            />
          )}
        </Field>
        <Refusal error={search.error} fields={['jobSeekerNo']} />
        <button type="submit" disabled={search.busy}>
          {t.find}
        </button>
        {found && (
          <p role="status">
            {found.item ? (
              <>
                {t.found}: <a href={`#/job-seekers/${found.item.jobSeekerId}`}>{found.item.name}</a>
              </>
            ) : (
              t.notFound
            )}
          </p>
        )}
      </form>
      {found && <Intake key={found.item?.jobSeekerId ?? jobSeekerNo} jobSeekerNo={jobSeekerNo} overview={found.overview} />}
    </section>
  );
}

function Intake({ jobSeekerNo, overview: first }: { jobSeekerNo: string; overview?: Overview }) {
  const { api } = useApp();
  const [overview, setOverview] = useState(first);
  const reload = (jobSeekerId: string) => api.get<Overview>(`/v1/job-seekers/${jobSeekerId}/overview`).then(setOverview);
  return (
    <>
      <Registration jobSeekerNo={jobSeekerNo} overview={overview} registered={reload} />
      {overview && <Consent overview={overview} given={() => reload(overview.jobSeekerId)} />}
      {overview && <RequestForm jobSeekerNo={jobSeekerNo} overview={overview} />}
    </>
  );
}

function Registration({
  jobSeekerNo,
  overview,
  registered,
}: {
  jobSeekerNo: string;
  overview?: Overview;
  registered: (id: string) => Promise<void>;
}) {
  const { api, t } = useApp();
  const [form, setForm] = useState({
    registration: overview?.registration ?? 'full',
    name: overview?.name ?? '',
    email: overview?.email ?? '',
    phone: overview?.phone ?? '',
    inPersonDifficulty: overview?.inPersonDifficulty ?? '',
  });
  const set = (key: keyof typeof form) => (e: { currentTarget: { value: string } }) => setForm({ ...form, [key]: e.currentTarget.value });
  const command = useCommand(
    () =>
      api.command<{ jobSeekerId: string }>('POST', '/v1/job-seekers', {
        jobSeekerNo,
        registration: form.registration,
        name: form.name,
        ...(form.email ? { email: form.email } : {}),
        ...(form.phone ? { phone: form.phone } : {}),
        inPersonDifficulty: form.inPersonDifficulty,
      }),
    (answer) => void registered(answer.jobSeekerId),
  );
  const fields = ['registration', 'name', 'email', 'phone', 'inPersonDifficulty'];
  return (
    <form class="card" onSubmit={command.submit} aria-labelledby="registration-title">
      <h3 id="registration-title">
        {overview ? t.update : t.register}: {t.jobSeekerNo} {jobSeekerNo}
      </h3>
      <Field name="registration" label={t.registration} error={command.error}>
        {(id, d) => (
          <select id={id} aria-describedby={d} value={form.registration} onChange={set('registration')}>
            <option value="pre">{t.pre}</option>
            <option value="full">{t.full}</option>
          </select>
        )}
      </Field>
      <Field name="name" label={t.name} error={command.error}>
        {(id, d) => <input id={id} aria-describedby={d} required value={form.name} onInput={set('name')} />}
      </Field>
      <Field name="email" label={t.email} error={command.error}>
        {(id, d) => <input id={id} type="email" aria-describedby={d} value={form.email} onInput={set('email')} />}
      </Field>
      <Field name="phone" label={t.phone} error={command.error}>
        {(id, d) => <input id={id} type="tel" aria-describedby={d} value={form.phone} onInput={set('phone')} />}
      </Field>
      <Field name="inPersonDifficulty" label={t.inPersonDifficulty} error={command.error}>
        {(id, d) => <textarea id={id} aria-describedby={d} required value={form.inPersonDifficulty} onInput={set('inPersonDifficulty')} />}
      </Field>
      <Refusal error={command.error} fields={fields} />
      <button type="submit" disabled={command.busy}>
        {overview ? t.update : t.register}
      </button>
    </form>
  );
}

function Consent({ overview, given }: { overview: Overview; given: () => Promise<void> }) {
  const { api, t, office } = useApp();
  const [versions, setVersions] = useState<{ versions: Array<{ version: string; effectiveFrom: string }>; inForce?: string }>();
  const [termsVersion, setTermsVersion] = useState('');
  const [environment, setEnvironment] = useState<Record<string, boolean>>(Object.fromEntries(ENVIRONMENT.map((item) => [item, false])));
  const [readiness, setReadiness] = useState({ device: 'pc', hasWebCamera: false, appPrepared: false });
  const [appAgreed, setAppAgreed] = useState(false);
  const [acknowledged, setAcknowledged] = useState(false);
  useEffect(() => {
    void api.get<NonNullable<typeof versions>>('/v1/terms-versions').then((answer) => {
      setVersions(answer);
      setTermsVersion(answer.inForce ?? answer.versions.at(-1)?.version ?? '');
    });
  }, []);
  const app = office.designatedApp;
  const command = useCommand(
    async () => {
      // A4: using the designated app means agreeing to its terms; without that agreement there is no consent to record.
      if (!app || !appAgreed) throw new Error(t.designatedApp);
      return api.command('POST', `/v1/job-seekers/${overview.jobSeekerId}/consents`, {
        termsVersion,
        environment,
        deviceReadiness: readiness,
        designatedApp: app,
        recordingProhibitionAcknowledged: acknowledged,
      });
    },
    () => void given(),
  );
  const fields = ['termsVersion', ...ENVIRONMENT, 'device', 'hasWebCamera', 'appPrepared', 'designatedApp', 'recordingProhibitionAcknowledged'];
  return (
    <form class="card" onSubmit={command.submit} aria-labelledby="consent-title">
      <h3 id="consent-title">{t.consent}</h3>
      {overview.consent && (
        <p role="status">
          {t.consentGiven}: {overview.consent.termsVersion}
        </p>
      )}
      <Field name="termsVersion" label={t.termsVersion} error={command.error}>
        {(id, d) => (
          <select id={id} aria-describedby={d} value={termsVersion} onChange={(e) => setTermsVersion(e.currentTarget.value)}>
            {versions?.versions.map((v) => (
              <option key={v.version} value={v.version}>
                {v.version}
              </option>
            ))}
          </select>
        )}
      </Field>
      <fieldset>
        <legend>{t.environment}</legend>
        {ENVIRONMENT.map((item) => (
          <Check
            key={item}
            name={item}
            label={t.env[item]}
            checked={environment[item]}
            set={(value) => setEnvironment({ ...environment, [item]: value })}
            error={command.error}
          />
        ))}
      </fieldset>
      <fieldset>
        <legend>{t.device}</legend>
        <Field name="device" label={t.device} error={command.error}>
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              value={readiness.device}
              onChange={(e) => setReadiness({ ...readiness, device: e.currentTarget.value })}
            >
              {Object.entries(t.devices).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Check
          name="hasWebCamera"
          label={t.hasWebCamera}
          checked={readiness.hasWebCamera}
          set={(v) => setReadiness({ ...readiness, hasWebCamera: v })}
        />
        <Check name="appPrepared" label={t.appPrepared} checked={readiness.appPrepared} set={(v) => setReadiness({ ...readiness, appPrepared: v })} />
      </fieldset>
      <Check
        name="designatedApp"
        label={t.designatedAppAgreed.replace('{app}', app?.name ?? '—')}
        checked={appAgreed}
        set={setAppAgreed}
        error={command.error}
      />
      <Check name="recordingProhibitionAcknowledged" label={t.recording} checked={acknowledged} set={setAcknowledged} error={command.error} />
      <Refusal error={command.error} fields={fields} />
      <button type="submit" disabled={command.busy}>
        {t.giveConsent}
      </button>
    </form>
  );
}

function RequestForm({ jobSeekerNo, overview }: { jobSeekerNo: string; overview: Overview }) {
  const { api, t, office } = useApp();
  const [channel, setChannel] = useState<'phone' | 'counter'>('phone');
  const [email, setEmail] = useState(overview.email ?? '');
  const [first, setFirst] = useState({ date: '', time: '10:00' });
  const [second, setSecond] = useState({ date: '', time: '10:00' });
  const [attendance, setAttendance] = useState({ interpreter: false, assistant: false });
  const command = useCommand(
    () =>
      api.command<{ reservationId: string }>('POST', '/v1/reservations', {
        officeId: office.officeId,
        jobSeekerNo,
        name: overview.name,
        email,
        channel,
        firstWish: jstInstant(first.date, first.time),
        ...(second.date ? { secondWish: jstInstant(second.date, second.time) } : {}),
        attendance,
      }),
    (answer) => go(`#/reservations/${answer.reservationId}`),
  );
  return (
    <form class="card" onSubmit={command.submit} aria-labelledby="request-title">
      <h3 id="request-title">{t.request}</h3>
      <fieldset class="inline">
        <legend>{t.channel}</legend>
        {(['phone', 'counter'] as const).map((value) => (
          <label key={value}>
            <input type="radio" name="channel" value={value} checked={channel === value} onChange={() => setChannel(value)} />
            {t.channels[value]}
          </label>
        ))}
      </fieldset>
      <Field name="email" id="field-request-email" label={t.email} error={command.error}>
        {(id, d) => <input id={id} type="email" required aria-describedby={d} value={email} onInput={(e) => setEmail(e.currentTarget.value)} />}
      </Field>
      <TimeInputs
        name="firstWish"
        label={t.firstWish}
        date={first.date}
        time={first.time}
        setDate={(date) => setFirst({ ...first, date })}
        setTime={(time) => setFirst({ ...first, time })}
        error={command.error}
      />
      <TimeInputs
        name="secondWish"
        label={t.secondWish}
        required={false}
        date={second.date}
        time={second.time}
        setDate={(date) => setSecond({ ...second, date })}
        setTime={(time) => setSecond({ ...second, time })}
        error={command.error}
      />
      <Check
        name="interpreter"
        label={t.interpreter}
        checked={attendance.interpreter}
        set={(v) => setAttendance({ ...attendance, interpreter: v })}
      />
      <Check name="assistant" label={t.assistant} checked={attendance.assistant} set={(v) => setAttendance({ ...attendance, assistant: v })} />
      <Refusal error={command.error} fields={['email', 'firstWish', 'secondWish', 'channel']} />
      <button type="submit" disabled={command.busy}>
        {t.submitRequest}
      </button>
    </form>
  );
}
