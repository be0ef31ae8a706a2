import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuilt, tempDataDir } from './built-service';

/** The production clients: each is loaded only when its URL is configured. */
const PRODUCTION_CLIENTS = ['mongodb', '@eventstore/db-client', '@grpc/grpc-js', 'bullmq', 'ioredis', '@bull-board/api', '@bull-board/fastify'];

jest.setTimeout(120_000);

describe('the embedded default (issue 18: memory)', () => {
  it('serves without loading the clients of EventStoreDB, MongoDB, BullMQ/Redis or Bull Board (about 55 MB of memory)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'madoguchi-footprint-'));
    const report = join(dir, 'loaded.json');
    const preload = join(dir, 'report-loaded.js');
    // Every package the process has loaded, by name, when asked with SIGWINCH (Nest's shutdown hooks take SIGTERM and SIGUSR2).
    writeFileSync(
      preload,
      `process.on('SIGWINCH', () => {
        const names = new Set(Object.keys(require.cache).map((f) => /node_modules\\/((@[^/]+\\/)?[^/]+)/.exec(f)?.[1]).filter(Boolean));
        require('node:fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify([...names]));
      });`,
    );
    const service = runBuilt([], { DATA_DIR: tempDataDir(), LOG_LEVEL: 'warn', NODE_OPTIONS: `--require ${preload}` });
    const [, url] = await service.waitForStdout(/(http:\/\/127\.0\.0\.1:\d+)/);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    service.child.kill('SIGWINCH');
    while (!existsSync(report)) await new Promise((resolve) => setTimeout(resolve, 50));
    await service.stop();

    const loaded = JSON.parse(readFileSync(report, 'utf8')) as string[];
    expect(loaded).toEqual(expect.arrayContaining(['better-sqlite3', 'fastify']));
    expect(loaded.filter((name) => PRODUCTION_CLIENTS.includes(name))).toEqual([]);
  });
});
