import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describeBreak, verifyChain } from '../../src/infrastructure/event-store/chain/chain-verifier';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite/sqlite-event-store';
import { builtMain } from './built-service';
import { JST, requestBody, seed, startService } from './harness';

interface Row {
  position: number;
  stream_id: string;
  revision: number;
  type: string;
}

/** A service's store with a reservation, its confirmation and cancellation, and an erased job seeker. */
async function recordedHistory(): Promise<{ file: string; reservationStream: string }> {
  const service = await startService();
  const ids = await seed(service);
  const reservationId = (await service.send('POST', '/v1/reservations', requestBody(ids.officeId, ids.jobSeeker))).body.reservationId;
  await service.send('POST', `/v1/reservations/${reservationId}/confirmation`, {
    counselorId: ids.counselorIds[0],
    start: JST('2026-12-01', '10:00'),
  });
  await service.send('POST', `/v1/reservations/${reservationId}/cancellation`, { channel: 'phone', reason: '体調不良' });
  // Erasure destroys a key and changes no stored byte: it must not break a link.
  expect((await service.send('POST', `/v1/job-seekers/${ids.jobSeeker.jobSeekerId}/erasure`, { reason: '保存期間の満了' })).status).toBe(200);
  await service.close();
  return { file: service.dbFile, reservationStream: `reservation-${reservationId}` };
}

/** A copy of the store (events and keys) to tamper with behind the service's back. */
function copyOf(file: string): string {
  const copy = join(mkdtempSync(join(tmpdir(), 'madoguchi-tamper-')), 'events.sqlite');
  copyFileSync(file, copy);
  copyFileSync(`${file}.keys`, `${copy}.keys`);
  return copy;
}

function tamper(file: string, change: (db: Database.Database, rows: Row[]) => void): void {
  const db = new Database(file);
  try {
    change(db, db.prepare('SELECT position, stream_id, revision, type FROM events ORDER BY position').all() as Row[]);
  } finally {
    db.close();
  }
}

async function verify(file: string) {
  const store = SqliteEventStore.open(file);
  try {
    return await verifyChain(store);
  } finally {
    await store.close();
  }
}

describe('issue 19: tamper evidence on the SQLite file', () => {
  let history: { file: string; reservationStream: string };
  beforeAll(async () => {
    history = await recordedHistory();
  }, 60_000);

  it('the untouched store verifies intact, erasure included', async () => {
    const report = await verify(history.file);
    expect(report.broken).toBeUndefined();
    expect(report.unlinked).toBe(0);
    expect(report.checked).toBeGreaterThan(10);
  });

  it('an edited row: names the row and its content link; a restarted service reports it in /health (503)', async () => {
    const file = copyOf(history.file);
    let edited = 0;
    tamper(file, (db, rows) => {
      edited = rows.find((row) => row.stream_id === history.reservationStream && row.type === 'ReservationCancelled')!.position;
      db.prepare(`UPDATE events SET data = json_set(data, '$.channel', 'counter') WHERE position = ?`).run(edited);
    });
    const report = await verify(file);
    expect(report.broken).toMatchObject({
      kind: 'content',
      position: String(edited),
      streamId: history.reservationStream,
      type: 'ReservationCancelled',
    });

    const service = await startService({ dbFile: file });
    try {
      let health = await fetch(`${service.url}/health`);
      let body: any = await health.json();
      while (body.chain.status === 'checking') {
        await new Promise((resolve) => setTimeout(resolve, 50));
        health = await fetch(`${service.url}/health`);
        body = await health.json();
      }
      expect(health.status).toBe(503);
      expect(body.chain).toMatchObject({ status: 'broken', firstBroken: expect.stringContaining(`position ${edited} `) });
      if (process.env.WRITE_EXAMPLES) {
        writeFileSync(
          join(__dirname, '../../docs/examples/tamper-detected.txt'),
          `UPDATE events SET data = json_set(data, '$.channel', 'counter') WHERE position = ${edited};\n\n` +
            `npm run verify:\n${describeBreak(report.broken!)}\n\nGET /health (503):\n${JSON.stringify(body.chain, null, 2)}\n`,
        );
      }
    } finally {
      await service.close();
    }
  }, 60_000);

  it('a deleted row: the next event of its stream is out of sequence', async () => {
    const file = copyOf(history.file);
    let next = 0;
    tamper(file, (db, rows) => {
      const stream = rows.filter((row) => row.stream_id === history.reservationStream);
      db.prepare('DELETE FROM events WHERE position = ?').run(stream[1].position);
      next = stream[2].position;
    });
    expect((await verify(file)).broken).toMatchObject({ kind: 'revision', position: String(next), expected: 'revision 1', found: 'revision 2' });
  });

  it('a deleted row with the later revisions renumbered: the next event does not link to its new predecessor', async () => {
    const file = copyOf(history.file);
    let next = 0;
    tamper(file, (db, rows) => {
      const stream = rows.filter((row) => row.stream_id === history.reservationStream);
      db.prepare('DELETE FROM events WHERE position = ?').run(stream[1].position);
      for (const row of stream.slice(2)) db.prepare('UPDATE events SET revision = revision - 1 WHERE position = ?').run(row.position);
      next = stream[2].position;
    });
    expect((await verify(file)).broken).toMatchObject({ kind: 'prev', position: String(next) });
  });

  it('reordered rows (two events of a stream swap places): named at the first one out of sequence', async () => {
    const file = copyOf(history.file);
    let moved = 0;
    tamper(file, (db, rows) => {
      const [first, second] = rows.filter((row) => row.stream_id === history.reservationStream);
      const park = rows[rows.length - 1].position + 1000;
      db.prepare('UPDATE events SET position = ? WHERE position = ?').run(park, first.position);
      db.prepare('UPDATE events SET position = ? WHERE position = ?').run(first.position, second.position);
      db.prepare('UPDATE events SET position = ? WHERE position = ?').run(second.position, park);
      moved = first.position;
    });
    expect((await verify(file)).broken).toMatchObject({ kind: 'revision', position: String(moved), expected: 'revision 0', found: 'revision 1' });
  });

  it('npm run verify (the built CLI) walks the chain with progress and names the first broken link; exit code 1', async () => {
    const file = copyOf(history.file);
    let edited = 0;
    tamper(file, (db, rows) => {
      edited = rows.find((row) => row.type === 'JobSeekerRegistered')!.position;
      db.prepare(`UPDATE events SET metadata = json_set(metadata, '$.actor', 'staff:someone-else') WHERE position = ?`).run(edited);
    });
    const cli = join(dirname(builtMain()), 'cli', 'verify.js');
    const intact = spawnSync(process.execPath, [cli], {
      env: { PATH: process.env.PATH, DATA_DIR: dirname(history.file), PSEUDONYM_KEY: 'ab'.repeat(32) },
      encoding: 'utf8',
    });
    expect(intact.stdout).toMatch(/The hash chain is intact/);
    expect(intact.status).toBe(0);
    const broken = spawnSync(process.execPath, [cli], {
      env: { PATH: process.env.PATH, DATA_DIR: dirname(file), PSEUDONYM_KEY: 'ab'.repeat(32) },
      encoding: 'utf8',
    });
    expect(broken.stdout + broken.stderr).toMatch(/hash chain .*\d+ events/);
    expect(broken.stdout).toContain(`First broken link: position ${edited} `);
    expect(broken.status).toBe(1);
  }, 120_000);
});
