/**
 * A8.1 with two instances on one DATA_DIR (one event log, one read store): a token revoked, or a staff member's roles
 * changed, through one instance holds on the other as soon as its staff directory has caught up, though the other
 * had already let that token in (and keeps what it checked in memory).
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { StaffAccess } from '../../src/application/staff/staff.commands';
import { SystemClock } from '../../src/infrastructure/clock/system-clock';
import { loadConfig } from '../../src/infrastructure/config/config';
import { openService } from '../../src/infrastructure/start/start';
import { tempDataDir } from './built-service';

describe('A8.1: staff tokens on two instances sharing one store', () => {
  const apps: NestFastifyApplication[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  it('refuses on the first instance a token the second revoked, and holds the roles the second changed', async () => {
    const DATA_DIR = tempDataDir();
    const open = async () => {
      const app = await openService(loadConfig({ DATA_DIR, LOG_LEVEL: 'silent' }), new SystemClock());
      apps.push(app);
      return app;
    };
    const first = await open();
    const second = await open();
    const admin = `Bearer ${await first.get(StaffAccess).tokenFor('suzuki', '鈴木 一郎', ['admin'], 1, 'system:test')}`;
    const sato = await first.get(StaffAccess).issuedTokenFor('sato', '佐藤 花子', ['counselor'], 1, 'system:test');
    const asSato = (app: NestFastifyApplication) =>
      app.inject({ method: 'GET', url: '/v1/job-seekers', headers: { authorization: `Bearer ${sato.token}` } }).then((a) => a.statusCode);

    // The first instance lets sato in, more than once.
    expect([await asSato(first), await asSato(first), await asSato(second)]).toEqual([200, 200, 200]);

    // The second makes sato an auditor: the first no longer lets sato list job seekers (counter staff only).
    const changed = await second.inject({
      method: 'POST',
      url: '/v1/staff',
      headers: { authorization: admin },
      payload: { staffId: 'sato', name: '佐藤 花子', roles: ['auditor'] },
    });
    expect(changed.json()).toMatchObject({ appended: ['StaffRolesChanged'] });
    expect(await asSato(first)).toBe(403);

    // The second revokes sato's token: the first refuses it on its next request.
    const revoked = await second.inject({
      method: 'POST',
      url: `/v1/staff/sato/tokens/${sato.tokenId}/revocation`,
      headers: { authorization: admin },
      payload: {},
    });
    expect(revoked.json()).toMatchObject({ appended: ['StaffTokenRevoked'] });
    expect(await asSato(first)).toBe(401);
    expect(await asSato(second)).toBe(401);
  });
});
