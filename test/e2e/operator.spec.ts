import { ADMIN_TOKEN_DAYS } from '../../src/application/staff/staff.commands';
import { runBuilt, ServiceProcess, tempDataDir } from './built-service';

/** What the operator does on the server, through the built service (`node dist/main.js`) as a real process. */
const TOKEN = /mdg_[0-9a-f]{32}_[A-Za-z0-9_-]{43}/;
const VALID_UNTIL = /Valid until (\d{4}-\d\d-\d\d \d\d:\d\d) JST \((\S+)\)\. Before then, or if it is lost: npm start -- --new-admin-token/;

async function listening(process: ServiceProcess): Promise<string> {
  return (await process.waitForStdout(/listening on (http:\/\/127\.0\.0\.1:\d+)/))[1];
}

async function staffList(url: string, token: string): Promise<number> {
  return (await fetch(`${url}/v1/staff`, { headers: { authorization: `Bearer ${token}` } })).status;
}

function expectAYearFromNow(expiresAt: string, jst: string) {
  const days = (Date.parse(expiresAt) - Date.now()) / 86_400_000;
  expect(days).toBeGreaterThan(ADMIN_TOKEN_DAYS - 1);
  expect(days).toBeLessThanOrEqual(ADMIN_TOKEN_DAYS);
  // The JST wall-clock time printed is the instant's, 9 hours ahead of UTC.
  expect(new Date(`${jst.replace(' ', 'T')}:00+09:00`).getTime()).toBe(Math.floor(Date.parse(expiresAt) / 60_000) * 60_000);
}

// Each case starts up to three Node processes; on a busy 2-core machine each start can take seconds.
jest.setTimeout(180_000);

describe('A8.1: the operator signs in on the server', () => {
  const running: ServiceProcess[] = [];
  const run = (args: string[], env: Record<string, string>) => {
    const process = runBuilt(args, env);
    running.push(process);
    return process;
  };
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.stop()));
  });

  it('prints the first administrator token with its expiry in JST; --new-admin-token on that data directory prints a working new one', async () => {
    const DATA_DIR = tempDataDir();
    const first = run([], { DATA_DIR, LOG_LEVEL: 'silent' });
    const url = await listening(first);
    const token = (await first.waitForStdout(new RegExp(`First start[^\\n]*\\n  (${TOKEN.source})\\n`)))[1];
    const [, jst, expiresAt] = await first.waitForStdout(VALID_UNTIL);
    expectAYearFromNow(expiresAt, jst);
    expect(await staffList(url, token)).toBe(200);
    // The built service serves the staff page it was built with (npm run build: dist and ui/dist).
    const staffPage = await fetch(`${url}/ui/`);
    expect(staffPage.status).toBe(200);
    expect(await staffPage.text()).toContain('<script type="module" src="./main.js"></script>');

    // The token is lost: the operator asks for a new one on the same data directory, the service still running.
    const recovery = run(['--new-admin-token'], { DATA_DIR, LOG_LEVEL: 'silent' });
    expect(await recovery.exited).toBe(0);
    expect(recovery.stderr()).toBe('');
    const printed = recovery.stdout();
    expect(printed).toMatch(/^A new administrator token \(shown this once; keep it safe\):\n {2}mdg_/);
    const newToken = printed.match(TOKEN)![0];
    expect(newToken).not.toBe(token);
    const [, newJst, newExpiresAt] = printed.match(VALID_UNTIL)!;
    expectAYearFromNow(newExpiresAt, newJst);
    expect(await staffList(url, newToken)).toBe(200); // the running instance accepts it at once
    await first.stop();

    // The next start shows no token (not a first start), and the new token administers staff.
    const again = run([], { DATA_DIR, LOG_LEVEL: 'silent' });
    const againUrl = await listening(again);
    expect(await staffList(againUrl, newToken)).toBe(200);
    expect(again.stdout()).not.toMatch(TOKEN);
  });

  it('first start at the default LOG_LEVEL: the URL and the token in plain lines on stdout, only JSON lines on stderr', async () => {
    const DATA_DIR = tempDataDir();
    const service = run([], { DATA_DIR });
    await service.waitForStdout(VALID_UNTIL);
    const lines = service.stdout().trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^Madoguchi is listening on http:\/\/127\.0\.0\.1:(\d+) \(API docs: http:\/\/127\.0\.0\.1:\1\/docs\)$/);
    expect(lines[1]).toBe(
      `  event store: SQLite in ${DATA_DIR}; keys: SQLite; sign-in: staff tokens issued by Madoguchi; logs: JSON lines on stderr (LOG_LEVEL=info)`,
    );
    expect(lines[2]).toBe("First start: the administrator's token, shown this once (keep it safe):");
    expect(lines[3]).toMatch(new RegExp(`^  ${TOKEN.source}$`));
    expect(lines[4]).toMatch(new RegExp(`^  ${VALID_UNTIL.source} on this server \\(same configuration\\) prints a new one\\.$`));
    await service.stop();
    const logs = service
      .stderr()
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(logs.map((entry) => entry.context)).toEqual(['Auth']); // no start-up chatter, no route mappings at info
    expect(logs[0]).toMatchObject({ level: 'info', service: 'madoguchi', msg: 'first start: administrator enrolled and token issued' });
    expect(service.stderr()).not.toMatch(TOKEN);
  });

  it('refuses --new-admin-token when staff sign in with the identity provider (JWTs), and says why', async () => {
    const recovery = run(['--new-admin-token'], {
      DATA_DIR: tempDataDir(),
      LOG_LEVEL: 'silent',
      AUTH_JWT_SECRET: 'x'.repeat(40),
      AUTH_ISSUER: 'https://idp.example.jp',
    });
    expect(await recovery.exited).toBe(1);
    expect(recovery.stdout()).not.toMatch(TOKEN);
    expect(recovery.stderr()).toMatch(/identity provider .*Madoguchi issues no tokens/);
  });
});
