/**
 * The staff page calls the same HTTP API as any integration: a bearer token, an Idempotency-Key per command,
 * messages in the staff member's language. Nothing here talks to any other host.
 */
import type { Lang } from './i18n';

export interface Problem {
  field: string;
  in: string;
  code: string;
  problem: string;
}

/** An answer other than 2xx, as the service words it: the rule id and the message staff can act on. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: string; rule?: string; code?: string; message?: string; problems?: Problem[]; details?: unknown },
  ) {
    super(body.message ?? `HTTP ${status}`);
  }
  get rule(): string | undefined {
    return this.body.rule;
  }
  get problems(): Problem[] {
    return this.body.problems ?? [];
  }
}

export interface Session {
  token: string;
  lang: Lang;
}

export class Api {
  constructor(private readonly session: Session) {}

  get<T>(path: string): Promise<T> {
    return this.send<T>('GET', path);
  }

  /** A command, with a fresh Idempotency-Key: a retry of the same click by the browser is not recorded twice. */
  command<T>(method: 'POST' | 'PUT' | 'PATCH', path: string, body: unknown): Promise<T> {
    return this.send<T>(method, path, body, { 'idempotency-key': crypto.randomUUID() });
  }

  private async send<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const answer = await fetch(path, {
      method,
      headers: {
        authorization: `Bearer ${this.session.token}`,
        'accept-language': this.session.lang,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await answer.text();
    const parsed: unknown = text ? JSON.parse(text) : {};
    if (!answer.ok) throw new ApiError(answer.status, parsed as ApiError['body']);
    return parsed as T;
  }
}

/** The answers' shapes the page reads (see /docs-json). */
export interface Office {
  officeId: string;
  name: string;
  designatedApp?: { name: string; termsUrl: string };
  closures: string[];
}
export interface Counselor {
  counselorId: string;
  name: string;
  active: boolean;
}
export interface Page<T> {
  items: T[];
  total?: number;
  next?: string;
}
export type SlotState = 'free' | 'held' | 'confirmed' | 'checked-in' | 'completed' | 'stopped' | 'missed' | 'cancelled';
export interface Slot {
  start: string;
  end: string;
  state: SlotState;
  reservationId?: string;
  invited?: boolean;
  unavailable?: string;
  bookable: boolean;
}
export interface Calendar {
  officeId: string;
  from: string;
  to: string;
  days: Array<{ date: string; closed?: string; counselors: Array<{ counselorId: string; name: string; active: boolean; slots: Slot[] }> }>;
}
export type ReservationStatus = 'requested' | 'confirmed' | 'invited' | 'checked-in' | 'completed' | 'stopped' | 'missed' | 'cancelled';
export interface Reservation {
  reservationId: string;
  officeId: string;
  jobSeekerId: string;
  name: string;
  channel: string;
  email: string;
  wishes: string[];
  attendance: { interpreter: boolean; assistant: boolean };
  status: ReservationStatus;
  when: string;
  slot?: { counselorId: string; start: string; end: string; meetingUrl: string; designatedApp: string; termsVersion: string };
  invitation?: { status: 'sent' | 'failed'; at: string; reason?: string };
  checkedInAt?: string;
  cancellation?: { channel: string; at: string; reason: string };
  timeline: Array<{ at: string; event: string; summary: string; actor: string; rule: string }>;
}
export interface SessionSummary {
  reservationId: string;
  status: ReservationStatus;
  when: string;
  counselorId?: string;
}
export interface Overview {
  jobSeekerId: string;
  registration: 'pre' | 'full';
  name: string;
  email?: string;
  phone?: string;
  inPersonDifficulty: string;
  consent?: {
    termsVersion: string;
    givenAt: string;
    environment: Record<string, boolean>;
    deviceReadiness: { device: string; hasWebCamera: boolean; appPrepared: boolean };
    designatedApp: string;
  };
  termsVersions: string[];
  noShowCount: number;
  refusalReviewDue?: { since: string; noShowCount: number };
  refusal?: { article: string; reason: string; since: string };
  erasedAt?: string;
  upcomingSessions: SessionSummary[];
  pastSessions: SessionSummary[];
}
export interface JobSeekerListItem {
  jobSeekerId: string;
  name: string;
  registration: 'pre' | 'full';
  noShowCount: number;
  refused: boolean;
}
export interface Todo {
  officeId: string;
  at: string;
  nearConfirmationDeadline: Array<{ reservationId: string; jobSeekerId: string; wish: string; deadline: string }>;
  pastConfirmationDeadline: Array<{ reservationId: string; jobSeekerId: string; wish: string; deadline: string }>;
  notInvited: Array<{ reservationId: string; jobSeekerId: string; counselorId: string; start: string }>;
  failedInvitations: Array<{ reservationId: string; jobSeekerId: string; counselorId: string; start: string; reason: string }>;
  awaitingCheckInToday: Array<{ reservationId: string; jobSeekerId: string; counselorId: string; start: string }>;
  refusalReviews: Array<{ jobSeekerId: string; name: string; noShowCount: number; since: string }>;
  invitedAfterCancellation: Array<{ reservationId: string; jobSeekerId: string; counselorId: string; start: string; sentAt: string }>;
  onClosureDays: Array<{
    reservationId: string;
    jobSeekerId: string;
    counselorId: string;
    start: string;
    closure: string;
    invitation: 'withheld' | 'sent';
  }>;
  failedTermsNotices: Array<{ jobSeekerId: string; name: string; termsVersion: string; failedAt: string; reason: string }>;
}
export type Role = 'counselor' | 'supervisor' | 'auditor' | 'integration' | 'admin';
export interface Me {
  staffId: string;
  roles: Role[];
}
