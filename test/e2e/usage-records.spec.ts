import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JST, registerJobSeeker, requestBody, seed, startService, TestService } from './harness';

describe('A7: usage records as CSV by office and month (GET /v1/usage-records)', () => {
  let service: TestService;
  let ids: Awaited<ReturnType<typeof seed>>;
  beforeAll(async () => {
    service = await startService();
    ids = await seed(service, 2);
    const other = await registerJobSeeker(service, '33010-7654321', '倉敷 花子');
    const book = async (jobSeeker: { jobSeekerNo: string; name: string }, counselorId: string, start: string) => {
      const reservationId = (await service.send('POST', '/v1/reservations', requestBody(ids.officeId, jobSeeker, start))).body.reservationId;
      expect((await service.send('POST', `/v1/reservations/${reservationId}/confirmation`, { counselorId, start })).status).toBe(200);
      return reservationId as string;
    };
    const first = await book(ids.jobSeeker, ids.counselorIds[0], JST('2026-12-01', '10:00'));
    const second = await book(other, ids.counselorIds[1], JST('2026-12-01', '10:00'));
    await book(ids.jobSeeker, ids.counselorIds[0], JST('2026-12-03', '14:00'));
    const cancelled = await book(other, ids.counselorIds[0], JST('2026-12-04', '11:00'));
    await service.send('POST', `/v1/reservations/${cancelled}/cancellation`, { channel: 'phone', reason: '都合により' });
    service.clock.set('2026-12-01T00:56:00Z'); // 09:56 JST
    expect((await service.send('POST', `/v1/reservations/${first}/check-in`, { deviceId: 'device-A-0001' })).status).toBe(200);
    service.clock.set('2026-12-01T01:02:00Z'); // 10:02 JST
    expect((await service.send('POST', `/v1/reservations/${second}/check-in`, { deviceId: 'device-B-0002' })).status).toBe(200);
    service.clock.set('2026-12-01T02:00:00Z');
    expect((await service.send('POST', `/v1/reservations/${first}/completion`, {})).status).toBe(200);
  }, 60_000);
  afterAll(() => service.close());

  it('one line per session of the month; A7.2: no id, name, device identifier or pseudonym in it; the export is recorded', async () => {
    const auditor = await service.tokenFor('kansa', ['auditor']);
    const response = await fetch(`${service.url}/v1/usage-records?officeId=${ids.officeId}&month=2026-12`, {
      headers: { authorization: `Bearer ${auditor}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const csv = await response.text();
    if (process.env.WRITE_EXAMPLES) writeFileSync(join(__dirname, '../../docs/examples/usage-2026-12.csv'), csv);
    expect(csv.split('\r\n')).toEqual([
      'date,start_jst,end_jst,status,channel,checked_in,check_in_offset_minutes,device_recorded,interpreter,assistant',
      '2026-12-01,10:00,10:30,checked-in,phone,yes,2,yes,no,no',
      '2026-12-01,10:00,10:30,completed,phone,yes,-4,yes,no,no',
      '2026-12-03,14:00,14:30,confirmed,phone,no,,no,no,no',
      '2026-12-04,11:00,11:30,cancelled,phone,no,,no,no,no',
      '',
    ]);
    const events = await service.store.readAll({ limit: 10_000 });
    const identifying = events.flatMap((event) => [
      event.streamId.replace(/^[a-z-]+-/, ''),
      ...['jobSeekerId', 'reservationId', 'counselorId'].map((key) => event.data[key]).filter((v): v is string => typeof v === 'string'),
      ...(event.type === 'CheckedIn' ? [(event.data.device as { pseudonym: string }).pseudonym] : []),
    ]);
    for (const value of [...new Set(identifying)].filter((v) => v.length >= 8)) expect(csv).not.toContain(value);
    for (const text of ['device-A-0001', ids.jobSeeker.name, ids.jobSeeker.jobSeekerNo]) expect(csv).not.toContain(text);

    const exported = events.filter((event) => event.type === 'UsageRecordsExported');
    expect(exported.map((event) => event.data)).toEqual([
      { officeId: ids.officeId, month: '2026-12', sessions: 4, exportedBy: 'staff:kansa', exportedAt: expect.any(String) },
    ]);
    const audit = await service.send('GET', '/v1/audit/events?from=2026-12-01&to=2026-12-01&type=UsageRecordsExported', undefined, {
      authorization: `Bearer ${auditor}`,
    });
    expect(audit.body.items).toEqual([expect.objectContaining({ event: 'UsageRecordsExported', actor: 'staff:kansa', rule: 'A7.2' })]);
  });

  it('another month is empty (a header only) and still recorded; a bad month is 400', async () => {
    const supervisor = { authorization: `Bearer ${await service.tokenFor('shunin', ['supervisor'])}` };
    const response = await fetch(`${service.url}/v1/usage-records?officeId=${ids.officeId}&month=2027-01`, { headers: supervisor });
    expect((await response.text()).split('\r\n')).toHaveLength(2);
    expect((await service.send('GET', `/v1/usage-records?officeId=${ids.officeId}&month=2026-13`, undefined, supervisor)).status).toBe(400);
    expect(
      (
        await service.send('GET', `/v1/usage-records?officeId=${ids.officeId}&month=2026-12`, undefined, {
          authorization: `Bearer ${await service.tokenFor('c', ['counselor'])}`,
        })
      ).status,
    ).toBe(403);
  });
});
