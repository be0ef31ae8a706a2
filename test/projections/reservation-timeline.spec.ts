import { reservationProjector, ReservationDocument } from '../../src/projections/reservations/reservation.projector';
import { History, ONE_OF_EACH as E, project, RES } from './projection-fixtures';

const reservation = (history: History) => project(reservationProjector, history.events).get(RES) as ReservationDocument;

describe('the reservation timeline: who did what, when, under which rule', () => {
  it('each step with its actor, JST time, rule and correlation; the check-in shows only the device pseudonym (A7.2)', () => {
    const history = new History()
      .add(E.ReservationRequested, { actor: 'staff:tanaka', correlationId: 'call-1' })
      .add(E.SlotHeld, { actor: 'staff:sato' })
      .add(E.SlotConfirmed, { actor: 'staff:sato' })
      .add(E.InvitationFailed, { actor: 'system:invitations' })
      .add(E.InvitationSent, { actor: 'system:invitations' })
      .add(E.CheckedIn, { actor: 'staff:sato' });
    const document = reservation(history);
    expect(document.timeline.map((t) => [t.event, t.rule, t.actor])).toEqual([
      ['ReservationRequested', 'A6.2', 'staff:tanaka'],
      ['SlotHeld', 'SLOT', 'staff:sato'],
      ['SlotConfirmed', 'A6.1', 'staff:sato'],
      ['InvitationFailed', 'A6.3', 'system:invitations'],
      ['InvitationSent', 'A6.3', 'system:invitations'],
      ['CheckedIn', 'A7.1', 'staff:sato'],
    ]);
    expect(document.timeline[0]).toMatchObject({ at: '2026-11-26T10:00:00+09:00', correlationId: 'call-1', summary: '予約受付（電話）' });
    expect(document).toMatchObject({
      status: 'checked-in',
      when: '2026-12-01T10:00:00+09:00',
      checkedInAt: '2026-12-01T10:00:00+09:00',
      devicePseudonym: 'dev-pseudo-1',
      invitation: { status: 'sent' },
    });
    expect(JSON.stringify(document)).not.toMatch(/hold-secret|\[sealed\]/);
  });

  it('A6.4: a follow-up holds its slot before it is requested; the hold (and its release, if the booking is refused) does not stop the read model', () => {
    const followUp = new History().add(E.SlotHeld).add(E.SlotReleased).add(E.ReservationRequested).add(E.SlotHeld).add(E.SlotConfirmed);
    expect(reservation(followUp).timeline.map((t) => t.event)).toEqual(['ReservationRequested', 'SlotHeld', 'SlotConfirmed']);
  });

  it('A8.1: an erasure blanks the e-mail and every reason and note, and is itself on the timeline', () => {
    const history = new History()
      .add(E.ReservationRequested)
      .add(E.SlotHeld)
      .add(E.SlotConfirmed)
      .add(E.InterpreterNotified)
      .add(E.ReservationCancelled)
      .add(E.PersonalDataErased);
    const document = reservation(history);
    expect(document).toMatchObject({ email: '[erased]', erased: true, cancellation: { channel: 'phone', reason: '[erased]' }, status: 'cancelled' });
    expect(
      document.timeline.filter((t) => t.details && ('reason' in t.details || 'note' in t.details)).map((t) => t.details!.reason ?? t.details!.note),
    ).toEqual(['[erased]', '[erased]']);
    expect(document.timeline.at(-1)).toMatchObject({ event: 'PersonalDataErased', rule: 'A8.1', summary: '個人情報を消去' });
  });
});
