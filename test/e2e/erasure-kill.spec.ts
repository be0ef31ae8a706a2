import Database from 'better-sqlite3';
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDbFile } from './harness';

const CHILD = join(__dirname, 'fixtures', 'service-child.js');

/** Every file of the data directory (events, keys, and any journal, -wal or -shm beside them), as on disk now. */
function everyFileBytes(directory: string): Buffer {
  return Buffer.concat(readdirSync(directory).map((name) => readFileSync(join(directory, name))));
}

/** Whether any 8 consecutive bytes of `secret` are in `bytes`: a partly overwritten key still leaks. */
function containsAnyPart(bytes: Buffer, secret: Buffer): boolean {
  for (let start = 0; start + 8 <= secret.length; start += 1) if (bytes.includes(secret.subarray(start, start + 8))) return true;
  return false;
}

function wrappedKeyOf(keysFile: string, subject: string): Buffer {
  const db = new Database(keysFile, { readonly: true });
  try {
    return (db.prepare('SELECT wrapped FROM subject_keys WHERE subject = ?').get(subject) as { wrapped: Buffer }).wrapped;
  } finally {
    db.close();
  }
}

describe('A8.1: erasure is final when it answers, also when the process is killed right after', () => {
  let child: ChildProcess | undefined;
  let dbFile: string;

  beforeEach(() => {
    dbFile = tempDbFile();
  });

  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exit = once(child, 'exit');
      child.kill('SIGKILL');
      await exit;
    }
    rmSync(dirname(dbFile), { recursive: true, force: true });
  });

  it('A8.1: kill -9 right after the erasure answer leaves no byte of the wrapped key in any file of the data directory', async () => {
    child = fork(CHILD, [], { execArgv: [], stdio: 'ignore' });
    const started = once(child, 'message');
    child.send({ dbFile });
    const [{ url, token }] = (await started) as [{ url: string; token: string }];
    const send = async (path: string, body: unknown) => {
      const response = await fetch(url + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, string> };
    };
    const registered = await send('/v1/job-seekers', {
      jobSeekerNo: '33010-7654321',
      registration: 'full',
      name: '倉敷 花子',
      email: 'hanako@example.jp',
      inPersonDifficulty: '介護のため外出が難しい',
    });
    expect(registered.status).toBe(201);
    const jobSeekerId = registered.body.jobSeekerId;
    const other = await send('/v1/job-seekers', {
      jobSeekerNo: '33010-1111111',
      registration: 'full',
      name: '岡山 次郎',
      inPersonDifficulty: '遠方に住んでいる',
    });
    const wrapped = wrappedKeyOf(`${dbFile}.keys`, jobSeekerId);
    const otherWrapped = wrappedKeyOf(`${dbFile}.keys`, other.body.jobSeekerId);
    expect(everyFileBytes(dirname(dbFile)).includes(wrapped)).toBe(true);

    const erased = await send(`/v1/job-seekers/${jobSeekerId}/erasure`, { reason: '保存期間の満了' });
    const exit = once(child, 'exit');
    child.kill('SIGKILL');
    await exit;

    expect(erased.status).toBe(200);
    const bytes = everyFileBytes(dirname(dbFile));
    expect(containsAnyPart(bytes, wrapped)).toBe(false);
    expect(bytes.includes(otherWrapped)).toBe(true);
  });
});
