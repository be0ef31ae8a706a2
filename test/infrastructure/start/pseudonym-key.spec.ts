import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { StaffAccess } from '../../../src/application/staff/staff.commands';
import { SystemClock } from '../../../src/infrastructure/clock/system-clock';
import { loadConfig } from '../../../src/infrastructure/config/config';
import { openService } from '../../../src/infrastructure/start/start';
import { tempDataDir } from '../../e2e/built-service';

const OTHER_KEY = 'cd'.repeat(32);
const open = (env: Record<string, string>) => openService(loadConfig({ LOG_LEVEL: 'silent', ...env }), new SystemClock());

async function register(app: NestFastifyApplication, jobSeekerNo: string, name: string): Promise<string> {
  const token = await app.get(StaffAccess).tokenFor('tanaka', 'tanaka', ['counselor'], 1, 'system:test');
  const answer = await app.inject({
    method: 'POST',
    url: '/v1/job-seekers',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: { jobSeekerNo, registration: 'full', name, inPersonDifficulty: '育児のため外出が難しい' },
  });
  expect([200, 201]).toContain(answer.statusCode); // 201 registered, 200 already there
  return answer.json().jobSeekerId;
}

describe('A8.1: a pseudonym key other than the one the ids were derived with is refused at start', () => {
  it('PSEUDONYM_KEY set on a data directory whose ids came from its key file: refused, naming the variable; the original key starts', async () => {
    const DATA_DIR = tempDataDir();
    const first = await open({ DATA_DIR });
    const miho = await register(first, '33010-12345671', '田中 美穂');
    await first.close();

    await expect(open({ DATA_DIR, PSEUDONYM_KEY: OTHER_KEY })).rejects.toThrow(
      /The pseudonym key \(PSEUDONYM_KEY\) is not the key this data's job-seeker ids were derived with: .*registered a second time/,
    );

    // The original key, given as the variable, is accepted: the same number is the same job seeker.
    const original = readFileSync(join(DATA_DIR, 'secrets', 'pseudonym.key'), 'utf8').trim();
    const again = await open({ DATA_DIR, PSEUDONYM_KEY: original });
    expect(await register(again, '33010-12345671', '田中 美穂')).toBe(miho);
    await again.close();
  });

  it('a lost key file (a new one made) on a data directory with job seekers: refused, naming the file', async () => {
    const DATA_DIR = tempDataDir();
    const first = await open({ DATA_DIR, PSEUDONYM_KEY: OTHER_KEY });
    await register(first, '33010-12345682', '高橋 翔太');
    await first.close();
    await expect(open({ DATA_DIR })).rejects.toThrow(/The pseudonym key \(the key file .*pseudonym\.key\) is not the key/);
  });

  it('a data directory without job seekers accepts any key', async () => {
    const DATA_DIR = tempDataDir();
    await (await open({ DATA_DIR })).close();
    await (await open({ DATA_DIR, PSEUDONYM_KEY: OTHER_KEY })).close();
  });
});
