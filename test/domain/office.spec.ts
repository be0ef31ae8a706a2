import { meetingUrlFor, officeDecider, OpenOffice } from '../../src/domain/office/office';
import { specFor } from './given-when-then';
import { OFFICE_ID, officeOpened, officeState, ROOM_URL, violationOf, WEBEX, ZOOM } from './fixtures';

const office = specFor(officeDecider);

function open(overrides: Partial<Omit<OpenOffice, 'type'>> = {}): OpenOffice {
  return { type: 'OpenOffice', ...officeOpened().data, ...overrides };
}

const PER_SESSION = { kind: 'per-session', template: 'https://okayama.zoom.us/j/{token}' } as const;

describe('A4 each office configures its designated app and how meeting URLs are made', () => {
  it('opens an office with its designated app and meeting URL policy', () => {
    office.given([]).when(open()).then([officeOpened()]);
  });

  it('changes the designated app and its policy', () => {
    office
      .given([officeOpened()])
      .when({ type: 'ChangeDesignatedApp', designatedApp: ZOOM, meetingUrlPolicy: PER_SESSION })
      .then([{ type: 'DesignatedAppChanged', data: { officeId: OFFICE_ID, designatedApp: ZOOM, meetingUrlPolicy: PER_SESSION } }]);
  });

  it("gives the counselor's fixed room under the counselor-room policy", () => {
    expect(meetingUrlFor(officeState(), ROOM_URL, 'tok-1')).toBe(ROOM_URL);
  });

  it('fills the per-session template with the (URL-encoded) session token', () => {
    const perSession = officeState([officeOpened({ designatedApp: ZOOM, meetingUrlPolicy: PER_SESSION })]);
    expect(meetingUrlFor(perSession, ROOM_URL, 'tok-1')).toBe('https://okayama.zoom.us/j/tok-1');
    expect(meetingUrlFor(perSession, undefined, 'a/b c')).toBe('https://okayama.zoom.us/j/a%2Fb%20c');
  });

  it('rejects a counselor-room URL for a counselor with no room (A4)', () => {
    const violation = violationOf(() => meetingUrlFor(officeState(), undefined, 'tok-1'));
    expect(violation.rule).toBe('A4');
    expect(violation.message).toMatch(/固定のWebexルーム/);
  });

  it('evolves to the new app after DesignatedAppChanged', () => {
    const changed = officeState([
      officeOpened(),
      { type: 'DesignatedAppChanged', data: { officeId: OFFICE_ID, designatedApp: ZOOM, meetingUrlPolicy: PER_SESSION } },
    ]);
    expect(changed.designatedApp).toEqual(ZOOM);
    expect(changed.meetingUrlPolicy).toEqual(PER_SESSION);
  });
});

describe('OFFICE configuration: templates, closure days', () => {
  it('rejects a per-session template without {token}, on opening and on change (A4)', () => {
    const noToken = { kind: 'per-session', template: 'https://okayama.zoom.us/j/fixed' } as const;
    office
      .given([])
      .when(open({ meetingUrlPolicy: noToken }))
      .thenRejected('A4', /must contain \{token\}/);
    office
      .given([officeOpened()])
      .when({ type: 'ChangeDesignatedApp', designatedApp: ZOOM, meetingUrlPolicy: noToken })
      .thenRejected('A4', /\{token\}/);
  });

  it('rejects opening the same office twice', () => {
    office
      .given([officeOpened()])
      .when(open())
      .thenRejected('OFFICE', /already exists/);
  });

  it('adds a closure day with its reason, once', () => {
    const added = { type: 'OfficeClosureDayAdded', data: { officeId: OFFICE_ID, date: '2026-12-02', reason: 'building inspection' } } as const;
    office.given([officeOpened()]).when({ type: 'AddClosureDay', date: '2026-12-02', reason: 'building inspection', sessions: [] }).then([added]);
    office.given([officeOpened(), added]).when({ type: 'AddClosureDay', date: '2026-12-02', reason: 'building inspection', sessions: [] }).then([]);
    expect(officeState([officeOpened(), added]).closures.get('2026-12-02')).toBe('building inspection');
  });

  it('refuses a closure day on a day with sessions, listing them (like deactivating a counselor): they are moved or cancelled first', () => {
    const sessions = [
      { reservationId: 'res-1', start: '2026-12-02T01:00:00.000Z' },
      { reservationId: 'res-2', start: '2026-12-02T05:30:00.000Z' },
    ];
    const closing = { type: 'AddClosureDay', date: '2026-12-02', reason: 'building inspection', sessions } as const;
    office
      .given([officeOpened()])
      .when(closing)
      .thenRejected('OFFICE', /2026年12月2日（水）には面談が2件あります.*10:00.*14:30/);
    office
      .given([officeOpened()])
      .when(closing)
      .thenRejected('OFFICE', /has 2 session\(s\)\. Move or cancel them/);
    let details: unknown;
    try {
      officeDecider.decide(closing, { status: 'open', ...officeState() });
    } catch (error) {
      details = (error as { details?: unknown }).details;
    }
    expect(details).toEqual({ sessions });
  });

  it('removes a closure day, and rejects removing a day that is not one', () => {
    const added = { type: 'OfficeClosureDayAdded', data: { officeId: OFFICE_ID, date: '2026-12-02', reason: 'building inspection' } } as const;
    office
      .given([officeOpened(), added])
      .when({ type: 'RemoveClosureDay', date: '2026-12-02' })
      .then([{ type: 'OfficeClosureDayRemoved', data: { officeId: OFFICE_ID, date: '2026-12-02' } }]);
    office
      .given([officeOpened()])
      .when({ type: 'RemoveClosureDay', date: '2026-12-02' })
      .thenRejected('OFFICE', /not a closure day/);
  });

  it('records only the profile fields that changed', () => {
    office
      .given([officeOpened()])
      .when({ type: 'ChangeOfficeProfile', name: 'ハローワーク岡山', cancellationPhone: '086-000-0000' })
      .then([{ type: 'OfficeProfileChanged', data: { officeId: OFFICE_ID, cancellationPhone: '086-000-0000' } }]);
  });

  it('keeps Webex as the default designated app of the fixture office', () => {
    expect(officeState().designatedApp).toEqual(WEBEX);
  });
});
