import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StaffAccess } from '../../../src/application/staff/staff.commands';
import { SystemClock } from '../../../src/infrastructure/clock/system-clock';
import { loadConfig } from '../../../src/infrastructure/config/config';
import { rotateMasterKey } from '../../../src/infrastructure/crypto/rotate-master-key';
import { SqliteKeyStore } from '../../../src/infrastructure/crypto/sqlite-key-store';
import { openService } from '../../../src/infrastructure/start/start';
import { tempDataDir } from '../../e2e/built-service';

const open = (DATA_DIR: string, env: Record<string, string> = {}) =>
  openService(loadConfig({ DATA_DIR, LOG_LEVEL: 'silent', ...env }), new SystemClock());

describe('A8.1: npm run rotate-master-key on an embedded installation', () => {
  it('re-wraps every key under a new master key file: the service reads its job seekers after, the old key opens nothing', async () => {
    const DATA_DIR = tempDataDir();
    const app = await open(DATA_DIR);
    const headers = {
      authorization: `Bearer ${await app.get(StaffAccess).tokenFor('tanaka', 'tanaka', ['counselor'], 1, 'system:test')}`,
      'content-type': 'application/json',
    };
    const ids: string[] = [];
    for (const [no, name] of [
      ['33010-12345671', '田中 美穂'],
      ['33010-12345682', '高橋 翔太'],
    ]) {
      const answer = await app.inject({
        method: 'POST',
        url: '/v1/job-seekers',
        headers,
        payload: { jobSeekerNo: no, registration: 'full', name, inPersonDifficulty: '遠方在住' },
      });
      ids.push(answer.json().jobSeekerId);
    }
    await app.close();
    const keyFile = join(DATA_DIR, 'secrets', 'master.key');
    const oldKey = readFileSync(keyFile, 'utf8');

    const said: string[] = [];
    const result = await rotateMasterKey({ DATA_DIR }, (line) => said.push(line));
    expect(result).toMatchObject({ total: 2, rewrapped: 2, alreadyNew: 0 });
    expect(said.at(-2)).toBe('rotate-master-key: done — 2 keys: 2 re-wrapped now, 0 already by an earlier run');
    expect(readFileSync(keyFile, 'utf8')).not.toBe(oldKey);
    expect(existsSync(`${keyFile}.new`)).toBe(false);
    expect(() => SqliteKeyStore.open(join(DATA_DIR, 'keys.sqlite'), Buffer.from(oldKey.trim(), 'base64'))).toThrow(
      /master key is not the one it was stored with/,
    );

    const again = await open(DATA_DIR);
    const token = await again.get(StaffAccess).tokenFor('tanaka', 'tanaka', ['counselor'], 1, 'system:test');
    const read = await again.inject({ method: 'GET', url: `/v1/job-seekers/${ids[0]}`, headers: { authorization: `Bearer ${token}` } });
    expect(read.json()).toMatchObject({ name: '田中 美穂', inPersonDifficulty: '遠方在住' });
    await again.close();
  });

  it('with MASTER_KEY set, asks for NEW_MASTER_KEY instead of inventing one', async () => {
    await expect(rotateMasterKey({ DATA_DIR: tempDataDir(), MASTER_KEY: 'A'.repeat(43) + '=' }, () => undefined)).rejects.toThrow(
      /set NEW_MASTER_KEY/,
    );
  });
});
