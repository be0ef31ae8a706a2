import ical, { ICalCalendarMethod } from 'ical-generator';
import type { MailAddress, MailMessage } from '../ports/mailer';
import { japaneseDate, japaneseSession } from './japanese-dates';
import { type MessageTemplates, render } from './templates';

/** The sender: the office, from its profile (OfficeOpened / OfficeProfileChanged). */
export interface OfficeSender {
  officeId: string;
  name: string;
  senderEmail: string;
  /** A6.5: the number to phone to cancel. */
  cancellationPhone: string;
}

/** What an invitation needs, all of it in SlotConfirmed, ReservationRequested and the office profile. */
export interface Invitation {
  reservationId: string;
  jobSeekerId: string;
  /** The SlotConfirmed event: the invitation's Message-ID derives from it, so a retried send keeps it. */
  confirmationEventId: string;
  office: OfficeSender;
  to: MailAddress & { name: string };
  start: Date;
  end: Date;
  /** A4: recorded in SlotConfirmed. */
  meetingUrl: string;
  designatedApp: string;
  /** When the slot was confirmed: the calendar entry's time stamp (no clock read here). */
  confirmedAt: Date;
}

/** A6.3, A6.4 (also a follow-up's confirmation): the invitation e-mail, with an .ics of the session. */
export function invitationMessage(templates: MessageTemplates, invitation: Invitation): MailMessage {
  const { office, to } = invitation;
  const when = japaneseSession(invitation.start, invitation.end);
  const rendered = render(templates.invitation, {
    name: to.name,
    officeName: office.name,
    when,
    app: invitation.designatedApp,
    meetingUrl: webUrl(invitation.meetingUrl),
    cancellationPhone: office.cancellationPhone,
  });
  return {
    from: { name: office.name, address: office.senderEmail },
    to: { name: to.name, address: to.address },
    ...rendered,
    attachments: [{ filename: 'invitation.ics', contentType: 'text/calendar; charset=UTF-8; method=PUBLISH', content: sessionCalendar(invitation) }],
    messageId: `invitation-${invitation.confirmationEventId}@madoguchi`,
    jobSeekerId: invitation.jobSeekerId,
  };
}

/** The session as an iCalendar event in UTC (never floating), with the URL, the office and how to cancel. */
function sessionCalendar(invitation: Invitation): string {
  const { office } = invitation;
  const calendar = ical({
    prodId: { company: 'Hello Work', product: 'Madoguchi', language: 'JA' },
    method: ICalCalendarMethod.PUBLISH,
    name: office.name,
  });
  calendar.createEvent({
    id: `reservation-${invitation.reservationId}@madoguchi`,
    start: invitation.start,
    end: invitation.end,
    stamp: invitation.confirmedAt,
    summary: `オンライン職業相談（${office.name}）`,
    description:
      `参加URL（${invitation.designatedApp}）: ${invitation.meetingUrl}\n` +
      `キャンセルはお電話で: ${office.name} ${office.cancellationPhone}\n` +
      '録音・録画は禁止です。事前にアプリの準備と接続テストをお願いします。',
    location: invitation.meetingUrl,
    url: invitation.meetingUrl,
    organizer: { name: office.name, email: office.senderEmail },
  });
  return calendar.toString();
}

/** A13: a new terms version and its effective date, to a job seeker with a session on or after it. */
export interface TermsNotice {
  /** The TermsVersionPublished event: with the job seeker, it makes the Message-ID, so each person gets it once. */
  publishedEventId: string;
  jobSeekerId: string;
  office: OfficeSender;
  to: MailAddress & { name: string };
  version: string;
  title: string;
  summary: string;
  effectiveFrom: string;
}

export function termsNoticeMessage(templates: MessageTemplates, notice: TermsNotice): MailMessage {
  const { office, to } = notice;
  const rendered = render(templates['terms-notice'], {
    name: to.name,
    officeName: office.name,
    title: notice.title,
    version: notice.version,
    effectiveFrom: japaneseDate(notice.effectiveFrom),
    summary: notice.summary,
    phone: office.cancellationPhone,
  });
  return {
    from: { name: office.name, address: office.senderEmail },
    to: { name: to.name, address: to.address },
    ...rendered,
    messageId: `terms-${notice.publishedEventId}-${notice.jobSeekerId}@madoguchi`,
    jobSeekerId: notice.jobSeekerId,
  };
}

/** A meeting URL goes into a link: only http(s), so a recorded value can never become a javascript: link. */
function webUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`A meeting URL must be http(s), not ${parsed.protocol}`);
  return url;
}
