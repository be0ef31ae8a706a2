/**
 * Every message staff read, in Japanese (the default) and English, keyed by a message code. One
 * catalogue, pure data and formatting: a code without both texts, or a throw with a code that is not
 * here or with the wrong parameters, does not compile. Times are written in JST from the instant
 * given; nothing here reads a clock.
 *
 * To add a message: add `'area.what': text((p: { … }) => '日本語', (p) => 'English')` below, then
 * `throw new RuleViolation('A6.2', 'area.what', { … })` (or use the code in a BadInput problem).
 */
export type Language = 'ja' | 'en';

type Texts<P> = { readonly ja: (params: P) => string; readonly en: (params: P) => string };

/** Both languages, or it does not compile; the parameters' type is taken from the Japanese text. */
function text<P = undefined>(ja: (params: P) => string, en: (params: P) => string): Texts<P> {
  return { ja, en };
}

// ---- formatting (pure; JST = UTC+9, no daylight saving) -------------------------------------------

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;
const WEEKDAYS_JA = ['日', '月', '火', '水', '木', '金', '土'];
const pad = (n: number) => String(n).padStart(2, '0');

function jstParts(instant: Date | string) {
  const shifted = new Date(new Date(instant).getTime() + JST_OFFSET_MS);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    weekday: shifted.getUTCDay(),
    time: `${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}${shifted.getUTCSeconds() || shifted.getUTCMilliseconds() ? `:${pad(shifted.getUTCSeconds())}` : ''}`,
    isoDate: shifted.toISOString().slice(0, 10),
  };
}

/** 'YYYY-MM-DD' (a JST calendar date) → 2026年12月2日（水） / 2026-12-02. */
export function jstDate(language: Language, date: string): string {
  if (language === 'en') return date;
  const d = new Date(`${date}T00:00:00Z`);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日（${WEEKDAYS_JA[d.getUTCDay()]}）`;
}

/** An instant → 2026年12月2日（水）10:00 / 2026-12-02 10:00 JST (seconds only when there are some). */
export function jstDateTime(language: Language, instant: Date | string): string {
  const p = jstParts(instant);
  return language === 'en' ? `${p.isoDate} ${p.time} JST` : `${jstDate('ja', p.isoDate)}${p.time}`;
}

function list(language: Language, items: readonly string[]): string {
  return items.join(language === 'ja' ? '、' : ', ');
}

const ordinalWish = (language: Language, wish: 1 | 2) => (language === 'ja' ? `第${wish}希望` : `${wish === 1 ? '1st' : '2nd'} wish`);

// ---- words used inside messages --------------------------------------------------------------------

/** What a 404 names. */
export type Thing = 'Office' | 'Counselor' | 'Job seeker' | 'Reservation' | 'Staff member' | 'Availability exception';
const things: Record<Thing, Record<Language, string>> = {
  Office: { ja: '窓口', en: 'Office' },
  Counselor: { ja: '相談員', en: 'Counselor' },
  'Job seeker': { ja: '求職者', en: 'Job seeker' },
  Reservation: { ja: '予約', en: 'Reservation' },
  'Staff member': { ja: '職員', en: 'Staff member' },
  'Availability exception': { ja: '勤務の例外（休暇・不在・短縮勤務）', en: 'Availability exception' },
};

/** A5.1–A5.6, the environment declaration, so a refusal says what the item is. */
export type EnvironmentItem = 'A5.1' | 'A5.2' | 'A5.3' | 'A5.4' | 'A5.5' | 'A5.6';
const environmentItems: Record<EnvironmentItem, Record<Language, string>> = {
  'A5.1': { ja: '端末が不正なプログラム等に侵されていないこと', en: 'the device is not compromised' },
  'A5.2': { ja: '安全性が不明なフリーWi-Fiを使わないこと', en: 'no free Wi-Fi of unknown safety' },
  'A5.3': { ja: 'OSがサポート期間内で最新の状態であること', en: 'the operating system is supported and patched' },
  'A5.4': { ja: 'パーソナルファイアウォールが有効であること', en: 'a personal firewall is on' },
  'A5.5': { ja: 'ファイル共有ソフト（Winny、Share等）を入れていないこと', en: 'no file-sharing software (Winny, Share)' },
  'A5.6': { ja: 'ウイルス対策ソフトが最新の定義で動いていること', en: 'antivirus with current signatures' },
};
const environment = (language: Language, items: readonly EnvironmentItem[]) =>
  list(
    language,
    items.map((item) => (language === 'ja' ? `${item}（${environmentItems[item].ja}）` : `${item} (${environmentItems[item].en})`)),
  );

export type ReservationStatus = 'requested' | 'confirmed' | 'invited' | 'checked-in' | 'completed' | 'stopped' | 'cancelled' | 'missed';
const statuses: Record<ReservationStatus, string> = {
  requested: '受付済み（未確定）',
  confirmed: '確定済み',
  invited: '案内送信済み',
  'checked-in': '面談中',
  completed: '面談終了',
  stopped: '面談中止',
  cancelled: '取消済み',
  missed: '無断キャンセル',
};

export type ReservationAction = 'confirm' | 'invite' | 'record-failed-invitation' | 'notify-helper' | 'check-in' | 'complete' | 'stop' | 'cancel';
const actions: Record<ReservationAction, Record<Language, string>> = {
  confirm: { ja: '枠を確定', en: 'confirm a slot' },
  invite: { ja: '案内メールを送信', en: 'send an invitation' },
  'record-failed-invitation': { ja: '案内メールの送信失敗を記録', en: 'record a failed invitation' },
  'notify-helper': { ja: '通訳者・介助者に連絡', en: 'add an interpreter or assistant' },
  'check-in': { ja: 'チェックイン', en: 'check in' },
  complete: { ja: '面談を終了', en: 'complete the session' },
  stop: { ja: '面談を中止', en: 'stop the session' },
  cancel: { ja: '取消', en: 'cancel' },
};

const helpers = { interpreter: { ja: '通訳者', en: 'interpreter' }, assistant: { ja: '介助者', en: 'assistant' } } as const;

/** Why a JST date has no sessions (A6.2). */
export type ClosedReason =
  | { kind: 'weekend'; date: string; weekday: 0 | 6 }
  | { kind: 'holiday'; date: string; name: string }
  | { kind: 'year-end'; date: string }
  | { kind: 'office'; date: string; reason: string };

export function describeClosed(language: Language, closed: ClosedReason): string {
  const ja = language === 'ja';
  switch (closed.kind) {
    case 'weekend':
      return ja ? `${closed.weekday === 0 ? '日曜日' : '土曜日'}のため` : `${closed.date} is a ${closed.weekday === 0 ? 'Sunday' : 'Saturday'}`;
    case 'holiday':
      return ja ? `祝日・休日（${closed.name}）のため` : `${closed.date} is a national holiday (${closed.name})`;
    case 'year-end':
      return ja ? '年末年始の休業期間（12月29日〜1月3日）のため' : `${closed.date} falls in the year-end closure (12/29 – 1/3)`;
    case 'office':
      return ja ? `窓口の休業日（${closed.reason}）のため` : `the office is closed on ${closed.date} (${closed.reason})`;
  }
}

/** A slot of a closed day, as the calendar marks it. */
export function describeClosedSlot(language: Language, closed: ClosedReason): string {
  return language === 'ja' ? `予約不可: ${describeClosed('ja', closed)}` : `Not bookable: ${describeClosed('en', closed)}`;
}

/** Why a counselor cannot take a session (A6.1 confirmation). */
export type Unavailability =
  | { kind: 'inactive'; name: string }
  | { kind: 'leave'; name: string; date: string; reason: string }
  | { kind: 'blocked'; name: string; from: string; to: string; reason: string }
  | { kind: 'shorter-day'; name: string; date: string; from: string; to: string; reason: string }
  | { kind: 'day-off'; name: string; start: string }
  | { kind: 'outside-hours'; name: string; from: string; to: string; start: string };

export function describeUnavailability(language: Language, u: Unavailability): string {
  const ja = language === 'ja';
  switch (u.kind) {
    case 'inactive':
      return ja ? `${u.name}さんは現在無効になっています` : `${u.name} is no longer active`;
    case 'leave':
      return ja ? `${u.name}さんは${jstDate('ja', u.date)}は休暇です（${u.reason}）` : `${u.name} is on leave on ${u.date} (${u.reason})`;
    case 'blocked':
      return ja
        ? `${u.name}さんは${jstDateTime('ja', u.from)}〜${jstDateTime('ja', u.to)}は対応できません（${u.reason}）`
        : `${u.name} is unavailable ${jstDateTime('en', u.from)} – ${jstDateTime('en', u.to)} (${u.reason})`;
    case 'shorter-day':
      return ja
        ? `${u.name}さんの${jstDate('ja', u.date)}の勤務は${u.from}〜${u.to}のみです（${u.reason}）`
        : `${u.name} works only ${u.from}–${u.to} on ${u.date} (${u.reason})`;
    case 'day-off':
      return ja ? `${u.name}さんはこの曜日は勤務しません` : `${u.name} does not work on this weekday (${jstDateTime('en', u.start)})`;
    case 'outside-hours':
      return ja
        ? `${u.name}さんのこの曜日の勤務は${u.from}〜${u.to}です`
        : `${u.name} works ${u.from}–${u.to} on this weekday (${jstDateTime('en', u.start)} is outside)`;
  }
}

/** Where working hours were given: a weekday (1 = Monday) or a shorter day. */
export type HoursScope = { weekday: string } | { shorterDay: string };
const scope = (language: Language, s: HoursScope) =>
  'weekday' in s
    ? language === 'ja'
      ? `${WEEKDAYS_JA[Number(s.weekday) % 7]}曜日`
      : `Weekday ${s.weekday}`
    : language === 'ja'
      ? `${jstDate('ja', s.shorterDay)}の短縮勤務`
      : `Shorter day ${s.shorterDay}`;

type Slot = { start: Date; wish?: 1 | 2 };
const slot = (language: Language, p: Slot) => `${p.wish ? `${ordinalWish(language, p.wish)} ` : ''}${jstDateTime(language, p.start)}`;

// ---- the catalogue -----------------------------------------------------------------------------------

export const catalogue = {
  // A6.1 / A6.2: the business calendar
  'slot.not-on-half-hour': text(
    (p: Slot) => `${slot('ja', p)} は開始時刻になりません。面談は毎時0分か30分ちょうどに始まります（30分枠）。`,
    (p) => `${slot('en', p)} is not a start time: sessions start on the hour or the half hour (30-minute slots), to the second.`,
  ),
  'slot.outside-hours': text(
    (p: Slot) => `${slot('ja', p)}：面談は平日の10:00〜17:00（日本時間）で、最後の枠は16:30開始です。`,
    (p) => `${slot('en', p)}: sessions run on weekdays between 10:00 and 17:00 JST; the last one starts at 16:30.`,
  ),
  'slot.closed': text(
    (p: Slot & { closed: ClosedReason }) => `${slot('ja', p)}：${describeClosed('ja', p.closed)}面談はありません。`,
    (p) => `${slot('en', p)}: no sessions because ${describeClosed('en', p.closed)}.`,
  ),
  'slot.taken': text(
    (p: { start: Date }) => `この相談員は${jstDateTime('ja', p.start)}にすでに面談があります。別の相談員か時間を選んでください。`,
    (p) => `This counselor already has a session at ${jstDateTime('en', p.start)}; choose another counselor or time.`,
  ),

  // A6.2: requests
  'wishes.count': text(
    () => '第1希望の日時を指定してください（第2希望まで指定できます）。',
    () => 'Give a 1st wished date and time, and at most a 2nd.',
  ),
  'wishes.same': text(
    () => '第2希望が第1希望と同じです。第2希望を省くか、別の日時にしてください。',
    () => 'The 2nd wish is the same as the 1st; leave it out or give another time.',
  ),
  'wish.past': text(
    (p: { wish: 1 | 2; start: Date }) => `${ordinalWish('ja', p.wish)}（${jstDateTime('ja', p.start)}）は過ぎた日時です。`,
    (p) => `The ${ordinalWish('en', p.wish)} (${jstDateTime('en', p.start)}) is in the past.`,
  ),

  // A2.1 / A8.1 / A12.1 / A12.2 / A13: job seekers
  'job-seeker.unknown-number': text(
    () => 'この求職番号で求職登録された方はいません。オンライン職業相談には求職登録（本登録）が必要です。',
    () => 'No registered job seeker has this job-seeker number. Online consultations need a completed registration (求職登録).',
  ),
  'job-seeker.pre-registered': text(
    () => 'この方は仮登録のみです。予約を受ける前に本登録を済ませてください。',
    () => 'This job seeker is only pre-registered. Complete the registration (本登録) before taking a reservation.',
  ),
  'job-seeker.not-registered': text(
    () => 'この求職者は登録されていません。先に求職登録をしてください。',
    () => 'This job seeker is not registered. Register them (求職登録) first.',
  ),
  'job-seeker.of-reservation-not-registered': text(
    () => 'この予約の求職者は求職登録されていません。',
    () => 'The job seeker of this reservation is not registered.',
  ),
  'job-seeker.no-downgrade': text(
    () => 'この方は本登録済みです。仮登録に戻すことはできません。',
    () => 'This job seeker has completed registration; it cannot go back to pre-registration.',
  ),
  'job-seeker.erased': text(
    (p: { erasedAt: string }) =>
      `この求職者の個人情報は${jstDate('ja', jstParts(p.erasedAt).isoDate)}に消去されました。これ以上記録できません。再び利用される場合は求職番号をもう一度登録してください（新しい記録と新しいIDになります）。`,
    (p) =>
      `This job seeker's personal data was erased on ${jstParts(p.erasedAt).isoDate}; nothing more can be recorded for them. If they come back, register their 求職番号 again (POST /v1/job-seekers): that opens a new record with a new id.`,
  ),
  'job-seeker.data-erased': text(
    () => 'この求職者の個人情報は消去されています。個人情報を記録することはもうできません。',
    () => "This job seeker's personal data has been erased; nothing personal can be recorded for them any more.",
  ),
  'refusal.booking': text(
    (p: { since: string; article: string }) =>
      `この求職者へのサービスは${jstDate('ja', jstParts(p.since).isoDate)}から停止しています（${p.article}）。予約の前に停止を解除してください。`,
    (p) => `Service to this job seeker was refused on ${jstParts(p.since).isoDate} (${p.article}); it must be lifted before booking.`,
  ),
  'refusal.confirming': text(
    (p: { article: string }) => `この求職者へのサービスは停止中です（${p.article}）。確定の前に停止を解除してください。`,
    (p) => `Service to this job seeker is refused (${p.article}); it must be lifted before confirming.`,
  ),
  'refusal.already': text(
    (p: { since: string }) => `この求職者へのサービスはすでに停止しています（${jstDateTime('ja', p.since)}から）。`,
    (p) => `Service to this job seeker is already refused (since ${jstDateTime('en', p.since)}).`,
  ),
  'refusal.none': text(
    () => 'この求職者へのサービスは停止されていません。解除するものはありません。',
    () => 'Service to this job seeker is not refused; there is nothing to lift.',
  ),
  'recording.not-acknowledged': text(
    () => '面談をどのような方法でも録音・録画しないことに、求職者の了承が必要です。',
    () => 'The job seeker must acknowledge that recording the session by any means is prohibited.',
  ),

  // A13 / A2.3 / A4 / A5 / A2.2: terms and consent
  'terms.not-published': text(
    (p: { version: string }) => `利用規約 ${p.version} は公開されていません。同意できるのは公開済みの版だけです。`,
    (p) => `Terms version ${p.version} has not been published; consent can only be given to a published version.`,
  ),
  'terms.already-published': text(
    (p: { version: string }) => `利用規約 ${p.version} はすでに公開済みです。変更は新しい版として公開してください。`,
    (p) => `Terms version ${p.version} has already been published; publish changes under a new version.`,
  ),
  'terms.effective-in-past': text(
    (p: { effectiveFrom: string; today: string }) =>
      `利用規約の施行日を過去（${jstDate('ja', p.effectiveFrom)}）にはできません。今日は${jstDate('ja', p.today)}です。`,
    (p) => `A terms version cannot take effect in the past (${p.effectiveFrom}; today is ${p.today} JST).`,
  ),
  'terms.not-after-latest': text(
    (p: { version: string; latest: string; latestFrom: string }) =>
      `版 ${p.version} の施行日は、版 ${p.latest} の施行日（${jstDate('ja', p.latestFrom)}）より後にしてください。`,
    (p) => `Version ${p.version} must take effect after version ${p.latest} (effective ${p.latestFrom}).`,
  ),
  'terms.none-in-force': text(
    (p: { date: string }) => `${jstDate('ja', p.date)}に有効な利用規約がありません。先に利用規約の版を公開してください。`,
    (p) => `No terms of use are in force on ${p.date}. Publish a terms version first.`,
  ),
  'terms.consent-outdated': text(
    (p: { version: string; effectiveFrom: string; consented: string }) =>
      `利用規約 ${p.version} が${jstDate('ja', p.effectiveFrom)}から有効ですが、この方が同意したのは ${p.consented} だけです。先に ${p.version} への同意を記録してください。`,
    (p) =>
      `Terms version ${p.version} takes effect on ${p.effectiveFrom}; the job seeker consented only to ${p.consented}. Record consent to ${p.version} first.`,
  ),
  'terms.no-consent': text(
    (p: { version: string }) => `この方は利用規約（版 ${p.version}）に同意していません。先に同意を記録してください。`,
    (p) => `The job seeker has not consented to the terms of use (version ${p.version}). Record their consent first.`,
  ),
  'environment.not-met': text(
    (p: { items: EnvironmentItem[] }) =>
      `この方の端末・通信環境が利用規約の次の項目を満たしていません：${environment('ja', p.items)}。直すのを手伝い、あらためて申告を記録してください。`,
    (p) =>
      `The job seeker's device or connection does not meet ${environment('en', p.items)} of the terms. Help them fix it, then record a new declaration.`,
  ),
  'device.not-ready': text(
    (p: { camera: boolean; app: boolean; appName: string }) =>
      `面談を確定するには、${[p.camera ? '' : 'Webカメラ付きの端末', p.app ? '' : `${p.appName}アプリの準備`].filter(Boolean).join('と')}が必要です。`,
    (p) =>
      `The job seeker needs ${[p.camera ? '' : 'a device with a web camera', p.app ? '' : `the ${p.appName} app prepared`].filter(Boolean).join(' and ')} before a session can be confirmed.`,
  ),
  'app.changed': text(
    (p: { agreed: string; office: string; current: string }) =>
      `この方が同意したアプリは${p.agreed}ですが、${p.office}は現在${p.current}を使っています。先に新しいアプリの利用規約への同意を記録してください。`,
    (p) => `The job seeker agreed to ${p.agreed}, but ${p.office} now uses ${p.current}. Record their consent to the new app's terms first.`,
  ),
  'meeting-url.no-token': text(
    () => '面談ごとの会議URLのテンプレートには {token} を含めてください（例 https://meet.example.jp/j/{token}）。',
    () => 'A per-session meeting URL template must contain {token}, e.g. https://meet.example.jp/j/{token}.',
  ),
  'room-url.missing': text(
    (p: { office: string; app: string }) =>
      `${p.office}では相談員ごとに固定の${p.app}ルームを使いますが、この相談員にはまだありません。先に相談員のルームURLを設定してください。`,
    (p) => `${p.office} gives every counselor a fixed ${p.app} room, but this counselor has none yet. Set the counselor's room URL first.`,
  ),

  // A6.1 / A6.3 / A6.4 / A6.5 / A12.3: reservations
  'confirmation.deadline': text(
    (p: { date: string }) => `${jstDate('ja', p.date)}の面談は前日の23:59（日本時間）までに確定する必要がありました。より後の日を提案してください。`,
    (p) => `A session on ${p.date} had to be confirmed by 23:59 JST the day before. Offer the job seeker a later date.`,
  ),
  'confirmation.abandoned': text(
    () => 'この確定は時間内に終わらず、枠は解放されました。もう一度確定してください。',
    () => 'This confirmation did not finish in time and its slot was released. Confirm the reservation again.',
  ),
  'counselor.other-office': text(
    (p: { name: string }) => `${p.name}さんは別の窓口の相談員です。この予約の窓口の相談員を選んでください。`,
    (p) => `${p.name} works for another office; choose a counselor of this reservation's office.`,
  ),
  'counselor.unavailable': text(
    (p: { start: Date; why: Unavailability }) => `${jstDateTime('ja', p.start)}には確定できません：${describeUnavailability('ja', p.why)}。`,
    (p) => `Cannot confirm ${jstDateTime('en', p.start)}: ${describeUnavailability('en', p.why)}.`,
  ),
  'reservation.wrong-status': text(
    (p: { action: ReservationAction; status: ReservationStatus }) => `この予約は「${statuses[p.status]}」のため、${actions[p.action].ja}できません。`,
    (p) => `Cannot ${actions[p.action].en}: this reservation is ${p.status}.`,
  ),
  'follow-up.not-in-session': text(
    (p: { status: ReservationStatus }) => `次回の予約は面談中にだけ受け付けます。元の予約は「${statuses[p.status]}」です。`,
    (p) => `A follow-up can be booked during a session only: the reservation it is booked from is ${p.status}.`,
  ),
  'helper.too-late': text(
    (p: { role: keyof typeof helpers; start: string }) =>
      `${helpers[p.role].ja}への連絡は面談の開始（${jstDateTime('ja', p.start)}）より前に必要です。`,
    (p) => `An ${helpers[p.role].en} must be notified before the session starts (${jstDateTime('en', p.start)}).`,
  ),
  'check-in.closed': text(
    (p: { deadline: Date }) =>
      `チェックインは${jstDateTime('ja', p.deadline)}に締め切られました。開始から10分を過ぎても連絡のない予約は取消扱いです。`,
    (p) => `Check-in closed at ${jstDateTime('en', p.deadline)}: 10 minutes after the start without contact, the reservation counts as cancelled.`,
  ),
  'check-in.not-yet': text(
    (p: { minutes: number; start: Date }) => `チェックインは開始の${p.minutes}分前から受け付けます（開始 ${jstDateTime('ja', p.start)}）。`,
    (p) => `Check-in opens ${p.minutes} minutes before the start (${jstDateTime('en', p.start)}).`,
  ),
  'cancel.missed': text(
    () => '開始から10分を過ぎても連絡がなかったため、この予約はすでに取消（無断キャンセル）扱いです。',
    () => 'More than 10 minutes have passed since the start without contact: the reservation already counts as cancelled (missed).',
  ),
  'missed.too-early': text(
    (p: { deadline: Date }) => `無断キャンセルとして記録できるのは開始の10分後（${jstDateTime('ja', p.deadline)}）からです。`,
    (p) => `A session counts as missed only 10 minutes after its start (${jstDateTime('en', p.deadline)}).`,
  ),

  // Offices and counselors
  'office.exists': text(
    (p: { officeId: string }) => `窓口 ${p.officeId} はすでに存在します。`,
    (p) => `Office ${p.officeId} already exists.`,
  ),
  'closure.unknown': text(
    (p: { date: string }) => `${jstDate('ja', p.date)}はこの窓口の休業日ではありません。`,
    (p) => `${p.date} is not a closure day of this office.`,
  ),
  'closure.has-sessions': text(
    (p: { date: string; starts: string[] }) =>
      `${jstDate('ja', p.date)}には面談が${p.starts.length}件あります。休業日にする前に移動するか取り消してください：${list(
        'ja',
        p.starts.map((s) => jstDateTime('ja', s)),
      )}。`,
    (p) =>
      `${p.date} has ${p.starts.length} session(s). Move or cancel them before closing the office that day: ${list(
        'en',
        p.starts.map((s) => jstDateTime('en', s)),
      )}.`,
  ),
  'counselor.exists': text(
    (p: { counselorId: string }) => `相談員 ${p.counselorId} はすでに存在します。`,
    (p) => `Counselor ${p.counselorId} already exists.`,
  ),
  'hours.not-a-time': text(
    (p: { scope: HoursScope }) => `${scope('ja', p.scope)}：時刻は HH:MM で書いてください（例 10:00）。`,
    (p) => `${scope('en', p.scope)}: times are written HH:MM, e.g. 10:00.`,
  ),
  'hours.outside': text(
    (p: { scope: HoursScope; from: string; to: string }) =>
      `${scope('ja', p.scope)}：${p.from}〜${p.to} は10:00〜17:00（日本時間）の中で、30分単位にし、30分の面談が1枠以上入るようにしてください。`,
    (p) =>
      `${scope('en', p.scope)}: ${p.from}–${p.to} must lie within 10:00–17:00 JST, on the half hour, and leave room for at least one 30-minute session.`,
  ),
  'blocked.end-before-start': text(
    (p: { from: string; to: string }) =>
      `不在期間は開始より後に終わるようにしてください（${jstDateTime('ja', p.from)} 〜 ${jstDateTime('ja', p.to)}）。`,
    (p) => `A blocked period must end after it starts (${jstDateTime('en', p.from)} – ${jstDateTime('en', p.to)}).`,
  ),
  'exception.conflict': text(
    (p: { exceptionId: string }) => `勤務の例外 ${p.exceptionId} は別の内容ですでに登録されています。先に削除してください。`,
    (p) => `Availability exception ${p.exceptionId} already exists with other values; remove it first.`,
  ),
  'counselor.has-future-sessions': text(
    (p: { name: string; starts: string[] }) =>
      `${p.name}さんには今後の面談が${p.starts.length}件あります。無効にする前に移動するか取り消してください：${list(
        'ja',
        p.starts.map((s) => jstDateTime('ja', s)),
      )}。`,
    (p) =>
      `${p.name} still holds ${p.starts.length} future session(s). Move or cancel them before deactivating: ${list(
        'en',
        p.starts.map((s) => jstDateTime('en', s)),
      )}.`,
  ),

  // A8.1 / A7.2: staff, access, privacy
  'staff.not-enrolled': text(
    () => 'この職員は登録されていません。先に役割を付けて登録してください。',
    () => 'This staff member is not enrolled. Enroll them with their roles first.',
  ),
  'staff.no-roles': text(
    () => '職員には少なくとも1つの役割を付けてください。',
    () => 'Give the staff member at least one role.',
  ),
  'token.validity': text(
    (p: { maxDays: number }) => `トークンの有効期間は1日から${p.maxDays}日までです。`,
    (p) => `A token is valid for 1 to ${p.maxDays} days.`,
  ),
  'token.unknown': text(
    (p: { staffId: string; tokenId: string }) => `職員 ${p.staffId} にトークン ${p.tokenId} はありません。`,
    (p) => `Staff member ${p.staffId} has no token ${p.tokenId}.`,
  ),
  'disclosure.no-devices': text(
    () => 'この求職者の端末の記録はありません。開示するものはありません。',
    () => 'No device of this job seeker is on record: there is nothing to disclose.',
  ),
  unauthenticated: text(
    () => 'サインインしてください：職員トークンを "Authorization: Bearer <トークン>" として送ってください。',
    () => 'Sign in first: send your staff token as "Authorization: Bearer <token>".',
  ),
  'token.invalid': text(
    () => 'このトークンは使えません（不明、期限切れ、または失効済み）。管理者に新しいトークンを発行してもらってください。',
    () => 'This token is not valid (unknown, expired or revoked). Ask an administrator for a new one.',
  ),
  forbidden: text(
    (p: { roles: readonly string[]; needed: readonly string[] }) =>
      `あなたの役割（${p.roles.join('、') || 'なし'}）ではこの操作はできません。必要な役割：${p.needed.join('、') || 'なし（誰にも許可されていません）'}。`,
    (p) => `Your roles (${p.roles.join(', ') || 'none'}) do not allow this; it needs ${p.needed.join(' or ') || 'a role no one has'}.`,
  ),

  // Answers of the HTTP edge
  'not-found': text(
    (p: { what: Thing; id: string }) => `${things[p.what].ja}（${p.id}）が見つかりません。`,
    (p) => `${things[p.what].en} ${p.id} was not found.`,
  ),
  'route.not-found': text(
    (p: { method: string; path: string }) => `${p.method} ${p.path} という操作はありません。`,
    (p) => `There is no operation ${p.method} ${p.path}.`,
  ),
  conflict: text(
    () => 'ほかの人が同時に変更しました。読み込み直して、もう一度お試しください。',
    () => 'Someone else changed this at the same moment. Reload and try again.',
  ),
  'too-many-requests': text(
    (p: { max: number; seconds: number; withToken: boolean }) =>
      `${p.withToken ? 'このトークンでの' : '有効なトークンのないこのアドレスからの'}要求が1分間に${p.max}回を超えました。${p.seconds}秒待ってから、もう一度お試しください。`,
    (p) =>
      `More than ${p.max} requests in a minute ${p.withToken ? 'with this token' : 'from this address without a valid token'}. Wait ${p.seconds} s and try again.`,
  ),
  'staff.tokens-from-identity-provider': text(
    () =>
      'この環境では職員は認証基盤（AUTH_JWKS_URL または AUTH_JWT_SECRET）でサインインするため、窓口はトークンを発行しません。職員の役割は認証基盤で設定してください。',
    () =>
      'Staff sign in with the identity provider here (AUTH_JWKS_URL or AUTH_JWT_SECRET is set): Madoguchi issues no tokens. Give the staff member their roles in the identity provider.',
  ),
  'idempotency-key.reused': text(
    () =>
      'このIdempotency-Keyは別の要求（メソッド・パス・内容が異なる）に使用済みのため、この要求は実行していません。新しい要求は新しいキー（新しいUUID）で送ってください。最初の要求を繰り返す場合は、同じキーで内容を変えずに送ってください。',
    () =>
      'This Idempotency-Key was already used for a different request (another method, path or body), so this request was not carried out. ' +
      'A key stands for one request: send this request with a new key (a fresh UUID). To repeat the first request, send it again unchanged with the same key.',
  ),
  'payload-too-large': text(
    (p: { kilobytes: number }) => `送信データが大きすぎます（上限 ${p.kilobytes} KB）。`,
    (p) => `The request body is too large (at most ${p.kilobytes} KB).`,
  ),
  'uri-too-long': text(
    () => 'URLが長すぎます。',
    () => 'The URL is too long.',
  ),
  'unsupported-media-type': text(
    () => '送信データは JSON（Content-Type: application/json）で送ってください。',
    () => 'Send the body as JSON (Content-Type: application/json).',
  ),
  'event-store.down': text(
    () => 'イベントストアが応答しません。',
    () => 'The event store does not answer.',
  ),
  'http.other': text(
    (p: { status: number }) => `要求を処理できませんでした（HTTP ${p.status}）。`,
    (p) => `The request could not be handled (HTTP ${p.status}).`,
  ),
  'read-model.unavailable': text(
    () => 'この一覧は最新の状態に更新中です。失われたものはありません。少し待ってからもう一度お試しください。',
    () => 'This list is being brought up to date; nothing was lost. Try again in a moment.',
  ),
  internal: text(
    () => 'こちら側で問題が起きました。二重に記録されたものはありません。もう一度お試しください。続く場合はサポートに連絡してください。',
    () => 'Something went wrong on our side; nothing was recorded twice. Try again, and call support if it persists.',
  ),

  // 400: malformed input, one text per kind of problem (never the validator's own words)
  'bad-request': text(
    (p: { problems: string[] }) => `入力に誤りがあります：${p.problems.join('／')}`,
    (p) => `The request is not valid: ${p.problems.join('; ')}`,
  ),
  'input.not-json': text(
    () => '本文が正しい JSON ではありません',
    () => 'is not valid JSON',
  ),
  'input.required': text(
    () => '必須です',
    () => 'is required',
  ),
  'input.type': text(
    (p: { expected: string }) =>
      `${({ string: '文字列', number: '数値', boolean: 'true または false', object: 'オブジェクト', array: '配列' } as Record<string, string>)[p.expected] ?? p.expected}で指定してください`,
    (p) =>
      `must be ${({ string: 'a string', number: 'a number', boolean: 'true or false', object: 'an object', array: 'an array' } as Record<string, string>)[p.expected] ?? p.expected}`,
  ),
  'input.too-long': text(
    (p: { maximum: number }) => `${p.maximum}文字以内にしてください`,
    (p) => `must be at most ${p.maximum} characters`,
  ),
  'input.too-many': text(
    (p: { maximum: number }) => `${p.maximum}個以内にしてください`,
    (p) => `must have at most ${p.maximum} items`,
  ),
  'input.too-few': text(
    (p: { minimum: number }) => `${p.minimum}個以上にしてください`,
    (p) => `must have at least ${p.minimum} items`,
  ),
  'input.too-big': text(
    (p: { maximum: number }) => `${p.maximum}以下にしてください`,
    (p) => `must be at most ${p.maximum}`,
  ),
  'input.too-small': text(
    (p: { minimum: number }) => `${p.minimum}以上にしてください`,
    (p) => `must be at least ${p.minimum}`,
  ),
  'input.integer': text(
    () => '整数で指定してください',
    () => 'must be a whole number',
  ),
  'input.one-of': text(
    (p: { values: string[] }) => `次のどれかにしてください：${p.values.join('、')}`,
    (p) => `must be one of: ${p.values.join(', ')}`,
  ),
  'input.invalid': text(
    () => '形式が正しくありません',
    () => 'is not in the expected form',
  ),
  'input.unknown-field': text(
    () => '不明な項目です（送れる項目は API 文書を参照してください）',
    () => 'is not a known field (see the API document for the fields this accepts)',
  ),
  'input.unknown-query': text(
    () => '不明なクエリパラメータです（この操作で使えるクエリパラメータではありません）',
    () => 'is not a query parameter this operation takes',
  ),
  'input.text.lone-surrogate': text(
    () => '壊れた文字（対になっていないサロゲート）が含まれています',
    () => 'contains a broken character (a lone surrogate)',
  ),
  'input.text.control': text(
    () => '改行・タブ・NUL などの制御文字は使えません',
    () => 'must not contain control characters such as line breaks, tabs or NUL',
  ),
  'input.text.bidi': text(
    () => '文字の向きを変える制御文字（U+202A〜U+202E、U+2066〜U+2069）は使えません',
    () => 'must not contain bidirectional override characters (U+202A–U+202E, U+2066–U+2069)',
  ),
  'input.text.blank': text(
    () => '空にはできません（空白やゼロ幅文字だけの値も不可）',
    () => 'must not be empty (nor only spaces or zero-width characters)',
  ),
  'input.id': text(
    () => '作成時に返された ID（UUID）を指定してください',
    () => 'must be an id as returned when the thing was created (a UUID)',
  ),
  'input.job-seeker-id': text(
    () => '登録時に返された求職者 ID を指定してください',
    () => 'must be a job-seeker id as returned on registration',
  ),
  'input.page-cursor': text(
    () => '前のページの回答にあった `next` の値を指定してください',
    () => 'must be the `next` cursor of the previous page of this same query',
  ),
  'input.job-seeker-no': text(
    () => '求職番号（数字とハイフン）を指定してください',
    () => 'must be the job-seeker number (求職番号), digits and hyphens',
  ),
  'input.instant': text(
    () => 'タイムゾーン付きの日時で指定してください（例 2026-12-01T10:00:00+09:00）',
    () => 'must be a date and time with its zone, e.g. 2026-12-01T10:00:00+09:00',
  ),
  'input.date': text(
    () => '日付を YYYY-MM-DD で指定してください（例 2026-12-01）',
    () => 'must be a date written YYYY-MM-DD',
  ),
  'input.hhmm': text(
    () => '時刻を HH:MM で指定してください（例 10:00）',
    () => 'must be a time written HH:MM, e.g. 10:00',
  ),
  'input.email': text(
    () => 'メールアドレスを指定してください',
    () => 'must be an e-mail address',
  ),
  'input.url': text(
    () => 'http(s) の URL を指定してください',
    () => 'must be an http(s) URL',
  ),
  'input.url-token': text(
    () => '{token} を含めてください',
    () => 'must contain {token}',
  ),
  'input.phone': text(
    () => '電話番号を指定してください（例 086-222-2905）',
    () => 'must be a telephone number, e.g. 086-222-2905',
  ),
  'input.staff-id': text(
    () => '1〜64文字の英数字または . _ @ - で指定してください（職員番号など）',
    () => 'must be 1–64 letters, digits or . _ @ - (e.g. the staff number)',
  ),
  'input.viewer': text(
    () => '「staff:職員ID」の形で指定してください（例 staff:tanaka）',
    () => 'must be a viewer written staff:<staff id>, e.g. staff:tanaka',
  ),
  'input.actor': text(
    () => '「staff:職員ID」または「system:処理名」の形で指定してください（例 staff:tanaka）',
    () => 'must be staff:<staff id> or system:<process>, e.g. staff:tanaka',
  ),
  'input.token-id': text(
    () => '発行時に返されたトークン ID を指定してください',
    () => 'must be a token id as returned when the token was issued',
  ),
  'input.device-id': text(
    () => '会議アプリが示す端末 ID（印字可能な ASCII 文字）を指定してください',
    () => 'must be the device id as the meeting app reports it (printable ASCII)',
  ),
  'input.idempotency-key': text(
    () => '8〜128文字の英数字または . _ ~ - で指定してください（UUID を推奨）',
    () => 'must be 8–128 letters, digits or . _ ~ - (a UUID is best)',
  ),
  'input.name-or-room-url': text(
    () => '新しい名前か roomUrl（または両方）を指定してください',
    () => 'give a new name, a roomUrl, or both',
  ),
  'input.at-least-one-role': text(
    () => '役割を少なくとも1つ指定してください',
    () => 'give at least one role',
  ),
  'input.from-after-to': text(
    () => '終了日（to）は開始日（from）以降にしてください',
    () => 'from must not be after to',
  ),
  'input.range-too-long': text(
    (p: { days: number }) => `一度に指定できるのは${p.days}日までです`,
    (p) => `at most ${p.days} days at once`,
  ),
  'input.position': text(
    () => 'イベントの位置（0 以上の整数）を指定してください',
    () => 'must be an event position (a whole number, 0 or more)',
  ),
  'input.event-types': text(
    () => 'イベントの種類をカンマ区切りで指定してください（例：SlotConfirmed,ReservationCancelled）',
    () => 'must be event types separated by commas, e.g. SlotConfirmed,ReservationCancelled',
  ),
  'input.month': text(
    () => '月を YYYY-MM の形で指定してください',
    () => 'must be a month, YYYY-MM',
  ),
  'input.replay-subject': text(
    () => 'reservation:<ID>、job-seeker:<ID>、counselor-day:<相談員ID>:<日付> のいずれかを指定してください',
    () => 'must be reservation:<id>, job-seeker:<id> or counselor-day:<counselor id>:<date>',
  ),
} satisfies Record<string, Texts<never>>;

export type MessageCode = keyof typeof catalogue;
export type ParamsOf<C extends MessageCode> = Parameters<(typeof catalogue)[C]['ja']>[0];
/** Texts written `() => '…'` take no parameters (their parameter type comes out as never or undefined). */
type TakesNoParams<C extends MessageCode> = [ParamsOf<C>] extends [never] ? true : undefined extends ParamsOf<C> ? true : false;

/** A message as data: its code and, when its texts take any, its parameters. */
export type Message = {
  [C in MessageCode]: TakesNoParams<C> extends true ? { code: C; params?: undefined } : { code: C; params: ParamsOf<C> };
}[MessageCode];

/** The arguments after the rule id of `new RuleViolation(rule, code, params?, details?)`. */
export type MessageArgs = {
  [C in MessageCode]: TakesNoParams<C> extends true
    ? [code: C, params?: undefined, details?: Record<string, unknown>]
    : [code: C, params: ParamsOf<C>, details?: Record<string, unknown>];
}[MessageCode];

/** The codes an input problem (400) may name. */
export type InputCode = Extract<MessageCode, `input.${string}`>;

export function render(language: Language, message: Message): string {
  return (catalogue[message.code][language] as (params: unknown) => string)(message.params);
}

/**
 * The language of an answer from an Accept-Language header: English when English is preferred to
 * Japanese, Japanese otherwise (also with no header).
 */
export function languageOf(acceptLanguage: string | undefined): Language {
  let best: { language: Language; q: number } = { language: 'ja', q: 0 };
  for (const part of (acceptLanguage ?? '').split(',')) {
    const [tag, ...parameters] = part.trim().toLowerCase().split(';');
    const q = Number(
      parameters
        .map((p) => p.trim())
        .find((p) => p.startsWith('q='))
        ?.slice(2) ?? 1,
    );
    const language = tag === 'en' || tag.startsWith('en-') ? 'en' : tag === 'ja' || tag.startsWith('ja-') ? 'ja' : undefined;
    if (language && Number.isFinite(q) && q > best.q) best = { language, q };
  }
  return best.language;
}
