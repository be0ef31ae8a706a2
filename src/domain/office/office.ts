import { JstDate } from '../calendar/business-calendar';
import type { HeldSession } from '../counselor/counselor';
import { assertNever, Decider, DomainEvent } from '../shared/decider';
import { NotFound, RuleViolation } from '../shared/errors';

/** The office (stream `office-<officeId>`): the configuration every session depends on. */
export interface DesignatedApp {
  /** A4: the video-call app the office designates, e.g. "Webex" or "Zoom". */
  name: string;
  /** A4: the URL of that app's own terms, which consent records. */
  termsUrl: string;
}

/**
 * A4: how a session's meeting URL is made.
 * - 'counselor-room': every counselor has a fixed room URL.
 * - 'per-session': a template whose `{token}` is replaced by a fresh token for every session.
 */
export type MeetingUrlPolicy = { kind: 'counselor-room' } | { kind: 'per-session'; template: string };

export interface OfficeProfile {
  name: string;
  /** A6.5: the number job seekers phone to cancel; printed in every invitation. */
  cancellationPhone: string;
  /** The From: address of the office's e-mails. */
  senderEmail: string;
}

export type OfficeOpened = DomainEvent<
  'OfficeOpened',
  { officeId: string; designatedApp: DesignatedApp; meetingUrlPolicy: MeetingUrlPolicy } & OfficeProfile
>;
export type OfficeProfileChanged = DomainEvent<'OfficeProfileChanged', { officeId: string } & Partial<OfficeProfile>>;
export type DesignatedAppChanged = DomainEvent<
  'DesignatedAppChanged',
  { officeId: string; designatedApp: DesignatedApp; meetingUrlPolicy: MeetingUrlPolicy }
>;
export type OfficeClosureDayAdded = DomainEvent<'OfficeClosureDayAdded', { officeId: string; date: JstDate; reason: string }>;
export type OfficeClosureDayRemoved = DomainEvent<'OfficeClosureDayRemoved', { officeId: string; date: JstDate }>;

export type OfficeEvent = OfficeOpened | OfficeProfileChanged | DesignatedAppChanged | OfficeClosureDayAdded | OfficeClosureDayRemoved;

export interface Office extends OfficeProfile {
  officeId: string;
  designatedApp: DesignatedApp;
  meetingUrlPolicy: MeetingUrlPolicy;
  /** Office-specific closure days on top of national holidays and 12/29–1/3, with the reason. */
  closures: ReadonlyMap<JstDate, string>;
}
export type OfficeState = { status: 'unknown' } | ({ status: 'open' } & Office);

export type OpenOffice = { type: 'OpenOffice'; officeId: string; designatedApp: DesignatedApp; meetingUrlPolicy: MeetingUrlPolicy } & OfficeProfile;
export type ChangeOfficeProfile = { type: 'ChangeOfficeProfile' } & Partial<OfficeProfile>;
export type ChangeDesignatedApp = { type: 'ChangeDesignatedApp'; designatedApp: DesignatedApp; meetingUrlPolicy: MeetingUrlPolicy };
/** `sessions`: the office's sessions on that day (confirmed, invited or in progress; from the read models). */
export type AddClosureDay = { type: 'AddClosureDay'; date: JstDate; reason: string; sessions: readonly HeldSession[] };
export type RemoveClosureDay = { type: 'RemoveClosureDay'; date: JstDate };
export type OfficeCommand = OpenOffice | ChangeOfficeProfile | ChangeDesignatedApp | AddClosureDay | RemoveClosureDay;

export const MEETING_TOKEN_PLACEHOLDER = '{token}';

function assertPolicy(policy: MeetingUrlPolicy): void {
  if (policy.kind === 'per-session' && !policy.template.includes(MEETING_TOKEN_PLACEHOLDER)) {
    throw new RuleViolation('A4', 'meeting-url.no-token');
  }
}

export function openOffice(state: OfficeState): Office {
  if (state.status !== 'open') throw new NotFound('Office', 'requested');
  return state;
}

const PROFILE_KEYS = ['name', 'cancellationPhone', 'senderEmail'] as const;

export const officeDecider: Decider<OfficeCommand, OfficeEvent, OfficeState> = {
  initialState: () => ({ status: 'unknown' }),
  evolve: (state, event) => {
    if (event.type === 'OfficeOpened') {
      const { officeId, name, cancellationPhone, senderEmail, designatedApp, meetingUrlPolicy } = event.data;
      return { status: 'open', officeId, name, cancellationPhone, senderEmail, designatedApp, meetingUrlPolicy, closures: new Map() };
    }
    if (state.status !== 'open') return state;
    switch (event.type) {
      case 'OfficeProfileChanged': {
        const { officeId: _id, ...changes } = event.data;
        return { ...state, ...changes };
      }
      case 'DesignatedAppChanged':
        return { ...state, designatedApp: event.data.designatedApp, meetingUrlPolicy: event.data.meetingUrlPolicy };
      case 'OfficeClosureDayAdded':
        return { ...state, closures: new Map(state.closures).set(event.data.date, event.data.reason) };
      case 'OfficeClosureDayRemoved': {
        const closures = new Map(state.closures);
        closures.delete(event.data.date);
        return { ...state, closures };
      }
      default:
        return assertNever(event, 'office event');
    }
  },
  decide: (command, state) => {
    if (command.type === 'OpenOffice') {
      if (state.status === 'open') throw new RuleViolation('OFFICE', 'office.exists', { officeId: command.officeId });
      assertPolicy(command.meetingUrlPolicy);
      const { type: _t, ...data } = command;
      return [{ type: 'OfficeOpened', data }];
    }
    if (state.status !== 'open') throw new NotFound('Office', 'addressed');
    const officeId = state.officeId;
    switch (command.type) {
      case 'ChangeOfficeProfile': {
        const changes: Partial<OfficeProfile> = {};
        for (const key of PROFILE_KEYS) {
          if (command[key] !== undefined && command[key] !== state[key]) changes[key] = command[key];
        }
        return Object.keys(changes).length === 0 ? [] : [{ type: 'OfficeProfileChanged', data: { officeId, ...changes } }];
      }
      case 'ChangeDesignatedApp':
        assertPolicy(command.meetingUrlPolicy);
        return [
          { type: 'DesignatedAppChanged', data: { officeId, designatedApp: command.designatedApp, meetingUrlPolicy: command.meetingUrlPolicy } },
        ];
      case 'AddClosureDay':
        if (state.closures.get(command.date) === command.reason) return [];
        // Like a counselor's deactivation: the sessions of that day are moved or cancelled first, not left in place silently.
        if (command.sessions.length > 0) {
          throw new RuleViolation(
            'OFFICE',
            'closure.has-sessions',
            { date: command.date, starts: command.sessions.map((s) => s.start) },
            { sessions: command.sessions },
          );
        }
        return [{ type: 'OfficeClosureDayAdded', data: { officeId, date: command.date, reason: command.reason } }];
      case 'RemoveClosureDay':
        if (!state.closures.has(command.date)) {
          throw new RuleViolation('OFFICE', 'closure.unknown', { date: command.date });
        }
        return [{ type: 'OfficeClosureDayRemoved', data: { officeId, date: command.date } }];
      default:
        return assertNever(command, 'office command');
    }
  },
};

/**
 * A4: the meeting URL of a new session, fixed in SlotConfirmed. `sessionToken` is an unguessable
 * token the application makes; `roomUrl` is the counselor's fixed room.
 */
export function meetingUrlFor(office: Office, roomUrl: string | undefined, sessionToken: string): string {
  const policy = office.meetingUrlPolicy;
  switch (policy.kind) {
    case 'counselor-room':
      if (!roomUrl) {
        throw new RuleViolation('A4', 'room-url.missing', { office: office.name, app: office.designatedApp.name });
      }
      return roomUrl;
    case 'per-session':
      return policy.template.replace(MEETING_TOKEN_PLACEHOLDER, encodeURIComponent(sessionToken));
    default:
      return assertNever(policy, 'meeting URL policy');
  }
}
