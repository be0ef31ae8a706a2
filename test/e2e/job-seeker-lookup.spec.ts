import { JST, registerJobSeeker, requestBody, seed, startService, TestService } from './harness';

/** The counter's everyday lookup: the 求職番号 heard on the phone finds the job seeker. */
describe('A8.1: find a job seeker by the 求職番号 (GET /v1/job-seekers?jobSeekerNo=)', () => {
  let service: TestService;
  let seeded: Awaited<ReturnType<typeof seed>>;
  let miho: { jobSeekerId: string };

  beforeEach(async () => {
    service = await startService();
    seeded = await seed(service);
    miho = await registerJobSeeker(service, '33010-12345671', '田中 美穂');
  });
  afterEach(() => service.close());

  const lookup = (no: string, token?: string) =>
    service.send('GET', `/v1/job-seekers?jobSeekerNo=${encodeURIComponent(no)}`, undefined, token ? { authorization: `Bearer ${token}` } : {});

  it('finds them however the number is written (hyphens or not, full-width digits), and records the read', async () => {
    for (const spelling of ['33010-12345671', '3301012345671', '３３０１０-１２３４５６７１', '３３０１０１２３４５６７１']) {
      const found = await lookup(spelling);
      expect(found).toMatchObject({
        status: 200,
        body: { total: 1, items: [{ jobSeekerId: miho.jobSeekerId, name: '田中 美穂', registration: 'full', refused: false }] },
      });
    }
    const sato = await service.tokenFor('sato', ['counselor']);
    expect((await lookup('33010-12345671', sato)).status).toBe(200);
    const auditor = `Bearer ${await service.tokenFor('yamamoto', ['auditor'])}`;
    const views = await service.send('GET', `/v1/audit/personal-data-views?from=2026-11-26&to=2026-11-26&viewer=staff:sato`, undefined, {
      authorization: auditor,
    });
    expect(views.body.items).toEqual([
      expect.objectContaining({ viewer: 'staff:sato', view: 'job-seeker-lookup', jobSeekerIds: [miho.jobSeekerId] }),
    ]);
  });

  it('answers an empty page for a number nobody registered, and records nothing (nothing personal was shown)', async () => {
    const head = await service.store.headPosition();
    expect(await lookup('33010-99999999')).toMatchObject({ status: 200, body: { total: 0, items: [] } });
    expect(await service.store.headPosition()).toBe(head);
  });

  it('refuses what is not a 求職番号 (400, nothing recorded), and auditors (403)', async () => {
    const head = await service.store.headPosition();
    const refused = await lookup('田中 美穂');
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('jobSeekerNo');
    expect(await service.store.headPosition()).toBe(head);
    expect((await lookup('33010-12345671', await service.tokenFor('yamamoto', ['auditor']))).status).toBe(403);
  });

  it('answers times as instants in JST (+09:00): a reservation made for 10:00 JST reads 10:00+09:00', async () => {
    const requested = await service.send('POST', '/v1/reservations', requestBody(seeded.officeId, seeded.jobSeeker, JST('2026-12-01', '10:00')));
    const id = requested.body.reservationId;
    await service.send('POST', `/v1/reservations/${id}/confirmation`, { counselorId: seeded.counselorIds[0], start: JST('2026-12-01', '10:00') });
    const reservation = await service.send('GET', `/v1/reservations/${id}`);
    expect(reservation.body).toMatchObject({ wishes: ['2026-12-01T10:00:00+09:00'], slot: { start: '2026-12-01T10:00:00+09:00' } });
    expect(Date.parse(reservation.body.slot.start)).toBe(Date.parse('2026-12-01T01:00:00Z')); // the same instant
  });
});
