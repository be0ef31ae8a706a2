/**
 * The staff page (/ui/) in headless Chromium (Debian's `chromium`, driven by playwright-core) against a running
 * service on the embedded default, filled with the demo week. Every flow goes through the page's controls, and
 * so through the same API as any integration. axe-core checks each main screen (0 serious or critical
 * violations); screenshots of the main screens are written to docs/screenshots.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { runDemo } from '../../src/infrastructure/demo/demo';
import { startService, TestService } from './harness';

jest.setTimeout(180_000);

const ROOT = resolve(__dirname, '..', '..');
const SCREENSHOTS = join(ROOT, 'docs', 'screenshots');
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const WAIT = { timeout: 15_000 };

interface AxeResult {
  violations: Array<{ id: string; impact: string | null; help: string; nodes: unknown[] }>;
}

describe('the staff page (/ui/) in a real browser', () => {
  let service: TestService;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let officeId: string;
  const tokens: Record<'supervisor' | 'counselor' | 'auditor', string> = { supervisor: '', counselor: '', auditor: '' };
  /** Every request the page made to a host other than the service's. */
  const outside: string[] = [];
  const axeResults: Record<string, string> = {};

  beforeAll(async () => {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-ui.mjs')], { cwd: ROOT });
    service = await startService();
    // The demo week, through the public API, dated from the service's clock (Thursday 2026-11-26 10:00 JST).
    officeId = (await runDemo(service.app, service.clock.now(), () => undefined)).officeId;
    tokens.supervisor = await service.tokenFor('ui-supervisor', ['supervisor', 'counselor']);
    tokens.counselor = await service.tokenFor('ui-counselor', ['counselor']);
    tokens.auditor = await service.tokenFor('ui-auditor', ['auditor']);
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    context.setDefaultTimeout(WAIT.timeout);
    page = await context.newPage();
    page.on('request', (request) => {
      if (!request.url().startsWith(service.url)) outside.push(request.url());
    });
  });

  afterAll(async () => {
    console.info(
      `axe-core on each main screen (serious + critical / all violations):\n${Object.entries(axeResults)
        .map(([s, r]) => `  ${s}: ${r}`)
        .join('\n')}`,
    );
    await browser?.close();
    await service?.close();
  });

  /** axe-core on the page as it is: no serious or critical violation. Injected over the DevTools protocol (the page's CSP allows no inline script). */
  async function expectAccessible(screen: string) {
    await page.evaluate(AXE);
    const result = await page.evaluate<AxeResult>('axe.run()');
    const grave = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    axeResults[screen] =
      `${grave.length} / ${result.violations.length}${result.violations.length ? ` (${result.violations.map((v) => `${v.id}: ${v.impact}`).join(', ')})` : ''}`;
    expect(grave.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  }

  const shot = (name: string, fullPage = false) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });

  async function signIn(token: string) {
    await page.goto(`${service.url}/ui/`);
    await page.evaluate('sessionStorage.clear()');
    await page.reload();
    await page.getByLabel('職員トークン').fill(token);
    await page.getByLabel('職員トークン').press('Enter');
  }

  /** Waits until the reservation shown has this status. */
  const status = (label: string) => page.locator('.facts .slot', { hasText: new RegExp(`^${label}$`) }).waitFor();

  async function reservationsOf(status: string): Promise<Array<{ reservationId: string; name: string; when: string }>> {
    const answer = await service.send('GET', `/v1/reservations?officeId=${officeId}&status=${status}&limit=200`);
    expect(answer.status).toBe(200);
    return answer.body.items;
  }

  it('is served from the service under a strict CSP (self only, no inline code)', async () => {
    const answer = await fetch(`${service.url}/ui/`);
    expect(answer.status).toBe(200);
    const csp = answer.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toMatch(/https?:/);
  });

  it('signs in with a staff token only: a made-up one is refused with the service’s message', async () => {
    await page.goto(`${service.url}/ui/`);
    await expectAccessible('sign-in');
    await shot('sign-in');
    await page.getByLabel('職員トークン').fill('mdg_00000000000000000000000000000000_made-up');
    await page.getByRole('button', { name: 'サインイン' }).click();
    await expect(page.getByRole('alert').textContent(WAIT)).resolves.toMatch(/A8\.1/);
  });

  it('shows the office week: slot states, the holiday, weekends, leave and shorter days, in Japanese dates', async () => {
    await signIn(tokens.supervisor);
    await page.getByRole('heading', { name: 'カレンダー: ハローワーク岡山' }).waitFor();
    // The service's today is Thursday 2026-11-26: its week, Monday 23rd (勤労感謝の日) to Sunday 29th.
    await page.getByRole('heading', { name: /11月23日（月）/ }).waitFor();
    await expect(page.locator('section.day.closed', { hasText: '11月23日（月）' }).textContent()).resolves.toMatch(/勤労感謝の日/);
    await expect(page.locator('section.day.closed', { hasText: '11月28日（土）' }).textContent()).resolves.toMatch(/土曜日/);
    const friday = page.locator('section.day', { hasText: '11月27日（金）' });
    await expect(friday.locator('td.state-invited, td.state-confirmed').count()).resolves.toBeGreaterThan(0);
    await expectAccessible('calendar (office, week)');
    await shot('calendar-office-week');
    // Next week: the demo's leave (鈴木 美咲) and shorter day (佐藤 健一) show as not bookable, with the reason.
    await page.getByRole('button', { name: '次へ' }).click();
    await page.getByRole('heading', { name: /12月1日（火）/ }).waitFor();
    const unavailable = await page.locator('td.unavailable').first().getAttribute('title');
    expect(unavailable).toMatch(/休暇|勤務は/);
    // A closure day of the office and a blocked period of a counselor, added by a supervisor, show too.
    const counselors = (await service.send('GET', `/v1/offices/${officeId}/counselors`)).body.items;
    expect((await service.send('POST', `/v1/offices/${officeId}/closure-days`, { date: '2026-12-04', reason: '庁舎点検' })).status).toBe(201);
    const yamada = counselors.find((c: { name: string }) => c.name === '山田 花子');
    expect(
      (
        await service.send('POST', `/v1/counselors/${yamada.counselorId}/exceptions`, {
          kind: 'blocked',
          from: '2026-12-02T15:00:00+09:00',
          to: '2026-12-02T16:00:00+09:00',
          reason: '所内会議',
        })
      ).status,
    ).toBe(201);
    await page.getByRole('button', { name: '前へ' }).click();
    await page.getByRole('button', { name: '次へ' }).click();
    await expect(page.locator('section.day.closed', { hasText: '12月4日（金）' }).textContent(WAIT)).resolves.toMatch(/庁舎点検/);
    // One counselor, one day: the year-end closure 12/29–1/3.
    await page.getByLabel('相談員').selectOption({ label: '山田 花子' });
    await page.getByLabel('日', { exact: true }).check();
    await page.getByLabel('日付').fill('2026-12-02');
    await page.getByRole('heading', { name: '12月2日（水）' }).waitFor();
    await expect(page.locator('td[title*="所内会議"]').count()).resolves.toBe(2);
    await expectAccessible('calendar (counselor, day)');
    await shot('calendar-counselor-day');
    await page.getByLabel('日付').fill('2026-12-30');
    await expect(page.locator('section.day.closed').textContent(WAIT)).resolves.toMatch(/12月30日（水）.*年末年始/);
  });

  it('phone intake: registers a job seeker, records consent item by item, takes a request; refusals show their rule next to the field', async () => {
    await page.getByRole('link', { name: '電話・窓口受付' }).click();
    await page.getByLabel('求職番号').fill('33010-99887766');
    await page.getByRole('button', { name: '検索' }).click();
    await page.getByText('この求職番号の登録はありません').waitFor();
    await page.getByLabel('氏名').fill('岡山 一郎');
    await page.getByLabel('メールアドレス').first().fill('ichiro@example.jp');
    await page.getByLabel('電話番号').fill('086-000-0000');
    await page.getByLabel('来所が困難な理由').fill('遠方に住んでいるため');
    await page.getByRole('button', { name: '登録する' }).click();
    await page.getByRole('heading', { name: '同意' }).waitFor();
    await expectAccessible('phone intake');
    for (const item of ['A5.1', 'A5.2', 'A5.3', 'A5.4', 'A5.5', 'A5.6']) await page.getByLabel(new RegExp(`^${item.replace('.', '\\.')} `)).check();
    await page.getByLabel('カメラがある').check();
    await page.getByLabel('アプリを準備済み').check();
    await page.getByLabel(/指定アプリ Webex を使うことに同意する/).check();
    // A12.2 not acknowledged: the service refuses, and the page says so beside that checkbox.
    await page.getByRole('button', { name: '同意を記録する' }).click();
    const besideAck = page.locator('.check', { has: page.getByLabel(/A12\.2/) }).getByRole('alert');
    await expect(besideAck.textContent(WAIT)).resolves.toMatch(/^A12\.2 .*録/);
    await page.getByLabel(/A12\.2/).check();
    await page.getByRole('button', { name: '同意を記録する' }).click();
    await page.getByText('同意済み: 2022-07-28').waitFor();
    // A first wish already past: A6.2 beside the first wish.
    const firstWish = page.getByRole('group', { name: '第1希望' });
    await firstWish.getByLabel('日付').fill('2026-11-25');
    await page.getByRole('button', { name: '申し込む' }).click();
    await expect(firstWish.getByRole('alert').textContent(WAIT)).resolves.toMatch(/^A6\.2 /);
    await firstWish.getByLabel('日付').fill('2026-12-01');
    await firstWish.getByLabel('時刻').selectOption('13:00');
    const secondWish = page.getByRole('group', { name: '第2希望' });
    await secondWish.getByLabel('日付').fill('2026-12-01');
    await secondWish.getByLabel('時刻').selectOption('15:00');
    await page.getByLabel('通訳が必要').check();
    await shot('phone-intake', true);
    await page.getByRole('button', { name: '申し込む' }).click();
    await page.getByRole('heading', { name: '予約: 岡山 一郎' }).waitFor();
    await expect(page.locator('.facts').textContent()).resolves.toMatch(/第1希望: 12月1日（火） 13:00.*第2希望: 12月1日（火） 15:00/);
  });

  it('confirms the request into a free slot, its wishes highlighted in the calendar', async () => {
    await page.getByRole('heading', { name: '枠を確定する（希望日時を優先）' }).waitFor();
    const first = page.locator('tr.wish-1');
    await expect(first.locator('th').textContent(WAIT)).resolves.toBe('13:00第1希望');
    await expect(page.locator('tr.wish-2 th').textContent()).resolves.toBe('15:00第2希望');
    await expectAccessible('reservation (confirm)');
    await shot('reservation-confirm', true);
    await first.getByRole('button', { name: /13:00 山田 花子 で確定/ }).click();
    await status('確定');
    await page.locator('.facts', { hasText: '確定枠12月1日（火） 13:00 山田 花子' }).waitFor();
  });

  it('checks in, books a follow-up during the session (A6.4), completes', async () => {
    // Check-in opens 15 minutes before the start: the service's clock moves to 12:55 on the day.
    service.clock.set('2026-12-01T03:55:00Z');
    await page.reload();
    await page.getByLabel('端末ID（アプリが示すもの、任意）').fill('device-ichiro-01');
    await page.getByRole('button', { name: '受付（チェックイン）' }).click();
    await page.getByRole('heading', { name: '次回の予約（A6.4）' }).waitFor();
    await status('受付済');
    const followUp = page.getByRole('form', { name: '次回の予約（A6.4）' });
    await followUp.getByLabel('求職番号').fill('33010-99887766');
    await followUp.getByLabel('相談員').selectOption({ label: '山田 花子' });
    await followUp.getByLabel('日付').fill('2026-12-08');
    await followUp.getByLabel('時刻').selectOption('10:30');
    await followUp.getByRole('button', { name: '予約する' }).click();
    await followUp.getByRole('link', { name: '予約を開く' }).waitFor();
    await page.getByRole('button', { name: '完了' }).click();
    await status('完了');
    await page.getByRole('link', { name: '求職者のページ' }).click();
    await page.getByRole('heading', { name: '岡山 一郎' }).waitFor();
    await expect(page.getByRole('heading', { name: '今後の相談' }).locator('..').textContent()).resolves.toMatch(/12月8日（火） 10:30 確定/);
  });

  it('cancels a confirmed session by phone and stops one in progress', async () => {
    const ahead = (await reservationsOf('confirmed')).filter((r) => new Date(r.when) > service.clock.now());
    ahead.sort((a, b) => a.when.localeCompare(b.when));
    const [toStop, toCancel] = [ahead[0], ahead.at(-1)!];
    await page.goto(`${service.url}/ui/#/reservations/${toCancel.reservationId}`);
    const cancel = page.getByRole('form', { name: '取消（電話）' });
    await cancel.getByLabel('理由').fill('本人から電話: 体調不良のため');
    await cancel.getByRole('button', { name: '取消（電話）' }).click();
    await status('取消');
    service.clock.set(new Date(new Date(toStop.when).getTime() - 5 * 60_000).toISOString());
    await page.goto(`${service.url}/ui/#/reservations/${toStop.reservationId}`);
    await page.getByRole('button', { name: '受付（チェックイン）' }).click();
    const stop = page.getByRole('form', { name: '中止' });
    await stop.getByLabel('理由').fill('就職以外の目的での利用のため');
    await stop.getByRole('button', { name: '中止' }).click();
    await status('中止');
    await expect(page.locator('.timeline').textContent()).resolves.toMatch(/A12\.1/);
  });

  it('lists what is due: near the A6.1 deadline, not invited, failed invitations, awaiting check-in, refusal reviews, invited after a cancellation, closure days, undelivered terms notices', async () => {
    await page.getByRole('link', { name: 'やること' }).click();
    for (const list of [
      '確定期限（A6.1）が近い申込',
      '確定期限を過ぎた申込',
      '案内メール未送信',
      '案内メールの送信に失敗',
      '本日の受付待ち',
      '利用停止の検討（A6.5）',
      '取消し後に案内メールが届いた相談（本人へ連絡）',
      '休業日の相談（移動し本人へ連絡）',
      '規約改定のお知らせが届かなかった方（A13）',
    ]) {
      await page.getByRole('heading', { name: new RegExp(`^${list.replace(/[()（）.]/g, '.')}`) }).waitFor();
    }
    const near = page.locator('section.card', { has: page.getByRole('heading', { name: /確定期限（A6\.1）が近い申込/ }) });
    await expect(near.getByRole('link').count()).resolves.toBeGreaterThan(0);
    await expectAccessible('to-do lists');
    await shot('todo');
    await near.getByRole('link').first().click();
    await page.getByRole('heading', { name: '枠を確定する（希望日時を優先）' }).waitFor();
  });

  it("shows a job seeker's page (consents, terms version, no-shows, sessions); a supervisor refuses service and lifts it", async () => {
    await page.getByRole('link', { name: '求職者のページ' }).click();
    await page.getByRole('heading', { name: '同意' }).waitFor();
    await expect(page.locator('.facts').textContent()).resolves.toMatch(/利用規約の版2022-07-28/);
    await expect(page.locator('.consents').textContent()).resolves.toMatch(/A5\.1 .*はい/);
    await expectAccessible('job seeker');
    await shot('job-seeker', true);
    const refuse = page.getByRole('form', { name: '利用を停止する（統括）' });
    await refuse.getByLabel('根拠').selectOption('A12.1');
    await refuse.getByLabel('理由').fill('相談中の暴言のため');
    await refuse.getByRole('button', { name: '利用を停止する（統括）' }).click();
    await page.getByText(/利用停止中 \(A12\.1\)/).waitFor();
    const lift = page.getByRole('form', { name: '利用停止を解除する（統括）' });
    await lift.getByLabel('理由').fill('面談の上、解除');
    await lift.getByRole('button', { name: '利用停止を解除する（統括）' }).click();
    await page.getByRole('form', { name: '利用を停止する（統括）' }).waitFor();
    await expect(page.getByText(/利用停止中/).count()).resolves.toBe(0);
  });

  it('offers a counselor no refusal, and an auditor nothing of the counter work', async () => {
    const [reservation] = await reservationsOf('confirmed');
    await signIn(tokens.counselor);
    await page.getByRole('heading', { name: /カレンダー/ }).waitFor();
    await page.goto(`${service.url}/ui/#/reservations/${reservation.reservationId}`);
    await page.getByRole('link', { name: '求職者のページ' }).click();
    await page.getByRole('heading', { name: '今後の相談' }).waitFor();
    await expect(page.getByRole('button', { name: /利用を停止する/ }).count()).resolves.toBe(0);
    await signIn(tokens.auditor);
    await page.getByText('この画面で行える操作の権限がありません').waitFor();
    await expect(page.getByRole('navigation').count()).resolves.toBe(0);
  });

  it('can be used with the keyboard alone, reads in English, and fits a tablet', async () => {
    await page.goto(`${service.url}/ui/`);
    await page.getByRole('button', { name: 'サインアウト' }).click();
    await page.getByLabel('職員トークン').focus();
    await page.keyboard.type(tokens.supervisor);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /カレンダー/ }).waitFor();
    // Tab from the top of the page to the to-do link, then Enter.
    await page.locator('body').focus();
    let focused = '';
    for (let i = 0; i < 10 && focused !== 'やること'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate<string>("document.activeElement?.textContent ?? ''");
    }
    expect(focused).toBe('やること');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /やること: / }).waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('link', { name: 'Calendar' }).click();
    // The week of the service's today (moved to 2026-12-02 by the tests above).
    await page.getByRole('heading', { name: 'Wed 2 Dec' }).waitFor();
    await expect(page.evaluate<string>('document.documentElement.lang')).resolves.toBe('en');
    await expectAccessible('calendar (English)');
    await page.getByRole('button', { name: '日本語' }).click();
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.getByRole('link', { name: 'カレンダー' }).click();
    await page.getByRole('heading', { name: '12月2日（水）' }).waitFor();
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await shot('calendar-tablet');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('asked no host but the service for anything', () => {
    expect(outside).toEqual([]);
  });
});
