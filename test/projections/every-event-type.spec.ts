import { EVENT_SCHEMA_VERSIONS, EventType } from '../../src/domain/events';
import { auditProjector } from '../../src/projections/audit/audit.projector';
import { slotHoldProjector } from '../../src/projections/calendar/slot-hold.projector';
import { jobSeekerProjector } from '../../src/projections/job-seekers/job-seeker.projector';
import { reservationProjector } from '../../src/projections/reservations/reservation.projector';
import type { DocumentProjector } from '../../src/projections/document-projector';
import { History, ONE_OF_EACH, PERSONAL_VALUES, project } from './projection-fixtures';

const projectors = [reservationProjector, slotHoldProjector, jobSeekerProjector, auditProjector];
const allTypes = Object.keys(EVENT_SCHEMA_VERSIONS) as EventType[];

describe.each(projectors.map((p) => [p.name, p] as const))('the %s projector decides about every event type', (_name, projector) => {
  it.each(allTypes)('%s is either handled or explicitly ignored, not both', (type) => {
    const listed = [projector.handles.includes(type), projector.ignores.includes(type)];
    expect(listed.filter(Boolean)).toHaveLength(1);
  });

  it('lists no type that does not exist', () => {
    expect([...projector.handles, ...projector.ignores].filter((t) => !allTypes.includes(t))).toEqual([]);
  });
});

describe('every projector takes a history with one event of every type', () => {
  const history = new History();
  for (const event of Object.values(ONE_OF_EACH)) history.add(event);

  it.each(projectors.map((p) => [p.name, p] as const))(
    '%s: projects it, and a second delivery of the same events changes nothing',
    (_name, projector) => {
      const once = project(projector as DocumentProjector<object>, history.events);
      const snapshot = JSON.stringify([...once]);
      project(projector as DocumentProjector<object>, history.events, once);
      expect(JSON.stringify([...once])).toBe(snapshot);
      expect(once.size).toBeGreaterThan(0);
    },
  );

  it.each(projectors.map((p) => [p.name, p] as const))(
    'A8.1 / A7.2 %s: after the erasure no personal value and no raw device id is left; no hold id is ever kept for answers',
    (_name, projector) => {
      const json = JSON.stringify([...project(projector as DocumentProjector<object>, history.events).values()]);
      for (const value of PERSONAL_VALUES) expect(json).not.toContain(value);
      expect(json).not.toContain('[sealed]');
      if (projector !== slotHoldProjector) expect(json).not.toContain('hold-secret');
    },
  );
});
