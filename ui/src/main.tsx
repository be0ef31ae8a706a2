import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Api, ApiError, Me, Office, Page, Todo } from './api';
import { App, AppState } from './context';
import { CalendarScreen } from './calendar';
import { IntakeScreen } from './intake';
import { JobSeekerScreen, JobSeekersScreen } from './job-seeker';
import { ReservationScreen } from './reservation';
import { TodoScreen } from './todo';
import { labels, Lang } from './i18n';
import { Refusal } from './errors';

const TOKEN_KEY = 'madoguchi.token';
const LANG_KEY = 'madoguchi.lang';

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = () => setHash(location.hash);
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return hash;
}

function Root() {
  const [lang, setLang] = useState<Lang>(localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'ja');
  // The token lives for the browser tab only (sessionStorage): a shared counter PC forgets it when the tab closes.
  const [token, setToken] = useState(sessionStorage.getItem(TOKEN_KEY) ?? '');
  const t = labels[lang];
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = t.title;
    localStorage.setItem(LANG_KEY, lang);
  }, [lang]);
  const signOut = () => {
    sessionStorage.removeItem(TOKEN_KEY);
    setToken('');
  };
  const toggle = () => setLang(lang === 'ja' ? 'en' : 'ja');
  return token ? (
    <SignedIn
      key={token}
      token={token}
      lang={lang}
      toggleLang={toggle}
      signOut={signOut}
      onRefused={() => {
        sessionStorage.removeItem(TOKEN_KEY);
        setToken('');
      }}
    />
  ) : (
    <SignIn
      lang={lang}
      toggleLang={toggle}
      signedIn={(value) => {
        sessionStorage.setItem(TOKEN_KEY, value);
        setToken(value);
      }}
    />
  );
}

function LangButton({ lang, toggle }: { lang: Lang; toggle: () => void }) {
  return (
    <button type="button" class="lang" onClick={toggle} lang={lang === 'ja' ? 'en' : 'ja'}>
      {labels[lang].language}
    </button>
  );
}

function SignIn({ lang, toggleLang, signedIn }: { lang: Lang; toggleLang: () => void; signedIn: (token: string) => void }) {
  const t = labels[lang];
  const [value, setValue] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = (event: Event) => {
    event.preventDefault();
    new Api({ token: value.trim(), lang }).get<Me>('/v1/me').then(() => signedIn(value.trim()), setError);
  };
  return (
    <main class="sign-in" id="main">
      <header class="bar">
        <h1>{t.title}</h1>
        <LangButton lang={lang} toggle={toggleLang} />
      </header>
      <form onSubmit={submit} class="card">
        <h2>{t.signIn}</h2>
        <label for="token">{t.token}</label>
        <input
          id="token"
          type="password"
          autocomplete="off"
          required
          value={value}
          onInput={(e) => setValue(e.currentTarget.value)}
          aria-describedby="token-help"
        />
        <p id="token-help" class="help">
          {t.tokenHelp}
        </p>
        <Refusal error={error} />
        <button type="submit">{t.signIn}</button>
      </form>
    </main>
  );
}

interface Loaded {
  me: Me;
  offices: Office[];
  today: string;
}

function SignedIn(props: { token: string; lang: Lang; toggleLang: () => void; signOut: () => void; onRefused: () => void }) {
  const { token, lang } = props;
  const t = labels[lang];
  const api = new Api({ token, lang });
  const [loaded, setLoaded] = useState<Loaded>();
  const [officeId, setOfficeId] = useState<string>();
  const [error, setError] = useState<unknown>();
  const hash = useHash();
  useEffect(() => {
    void (async () => {
      try {
        const me = await api.get<Me>('/v1/me');
        if (!me.roles.some((role) => role === 'counselor' || role === 'supervisor')) return setLoaded({ me, offices: [], today: '' });
        const offices = (await api.get<Page<Office>>('/v1/offices?limit=200')).items;
        const first = offices[0];
        // The service's clock decides what today is (JST).
        const today = first ? (await api.get<Todo>(`/v1/offices/${first.officeId}/todo`)).at.slice(0, 10) : '';
        setOfficeId(first?.officeId);
        setLoaded({ me, offices, today });
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) props.onRefused();
        else setError(e);
      }
    })();
  }, [token]);
  if (error) return <Refusal error={error} />;
  if (!loaded) return <p aria-busy="true">{t.loading}</p>;
  const office = loaded.offices.find((o) => o.officeId === officeId);
  const header = (
    <header class="bar">
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        {t.skip}
      </a>
      <h1>{t.title}</h1>
      {office && (
        <nav aria-label={t.title}>
          <ul>
            {(
              [
                ['#/calendar', t.calendar],
                ['#/intake', t.intake],
                ['#/todo', t.todo],
                ['#/job-seekers', t.jobSeekers],
              ] as const
            ).map(([href, label]) => (
              <li key={href}>
                <a href={href} aria-current={hash.startsWith(href) ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <div class="who">
        {loaded.offices.length > 1 && (
          <label>
            {t.office}{' '}
            <select value={officeId} onChange={(e) => setOfficeId(e.currentTarget.value)}>
              {loaded.offices.map((o) => (
                <option value={o.officeId} key={o.officeId}>
                  {o.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {office && loaded.offices.length === 1 && <span>{office.name}</span>}
        <span>
          {t.signedInAs}: {loaded.me.staffId}
        </span>
        <LangButton lang={lang} toggle={props.toggleLang} />
        <button type="button" onClick={props.signOut}>
          {t.signOut}
        </button>
      </div>
    </header>
  );
  if (!office) {
    return (
      <>
        {header}
        <main id="main" tabIndex={-1}>
          <p role="status">{t.noRights}</p>
        </main>
      </>
    );
  }
  const state: AppState = { api, lang, t, me: loaded.me, office, today: loaded.today, supervisor: loaded.me.roles.includes('supervisor') };
  return (
    <App.Provider value={state}>
      {header}
      <main id="main" tabIndex={-1}>
        <Screen hash={hash} key={`${hash}|${office.officeId}`} />
      </main>
    </App.Provider>
  );
}

function Screen({ hash }: { hash: string }) {
  const [path, query = ''] = hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean);
  switch (parts[0]) {
    case 'intake':
      return <IntakeScreen />;
    case 'todo':
      return <TodoScreen />;
    case 'reservations':
      return <ReservationScreen reservationId={parts[1]} />;
    case 'job-seekers':
      return parts[1] ? <JobSeekerScreen jobSeekerId={parts[1]} /> : <JobSeekersScreen />;
    default:
      return <CalendarScreen params={params} />;
  }
}

render(<Root />, document.getElementById('app')!);
