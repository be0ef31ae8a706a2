import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite/sqlite-event-store';
import { createHttpApp } from '../../src/infrastructure/http/http-app';
import type { LogLevel } from '../../src/infrastructure/logging/logging';
import { tempDbFile, testPorts, TestClock } from './harness';

/** The service's log lines at a LOG_LEVEL: start, one request, a careless log call, stop. */
async function logsAt(level: LogLevel): Promise<Array<Record<string, unknown>>> {
  const lines: string[] = [];
  const dbFile = tempDbFile();
  const app: NestFastifyApplication = await createHttpApp(testPorts(SqliteEventStore.open(dbFile), dbFile, new TestClock()), {
    logs: { level, destination: { write: (line: string) => void lines.push(line) } },
  });
  await app.listen(0, '127.0.0.1');
  expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  new Logger('Careless').warn({ msg: 'someone logged a person', name: '倉敷 次郎', details: { email: 'jiro@example.jp', phone: '086-999-0001' } });
  await app.close();
  return lines
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

describe('LOG_LEVEL: the logs obey it, as JSON lines', () => {
  it('silent: not one line', async () => {
    expect(await logsAt('silent')).toEqual([]);
  });

  it("info: the request lines, no start-up chatter (modules, route mappings), and no person's data", async () => {
    const entries = await logsAt('info');
    expect(entries.some((e) => e.context === 'Request' && e.route === '/health' && e.status === 200 && e.level === 'info')).toBe(true);
    expect(
      entries.filter((e) => ['RouterExplorer', 'RoutesResolver', 'InstanceLoader', 'NestFactory', 'NestApplication'].includes(e.context as string)),
    ).toEqual([]);
    expect(entries.every((e) => typeof e.time === 'string' && e.service === 'madoguchi')).toBe(true);
    const careless = entries.find((e) => e.context === 'Careless');
    expect(careless).toMatchObject({ level: 'warn', name: '[redacted]', details: { email: '[redacted]', phone: '[redacted]' } });
  });

  it('warn: warnings only, no request lines', async () => {
    const entries = await logsAt('warn');
    expect(entries.map((e) => e.context)).toEqual(['Careless']);
  });

  it('debug: also what Nest did at start, every route mapped among it', async () => {
    const entries = await logsAt('debug');
    expect(entries.some((e) => e.context === 'RouterExplorer' && e.level === 'debug' && /Mapped \{\/health, GET\} route/.test(e.msg as string))).toBe(
      true,
    );
    expect(entries.some((e) => e.context === 'Request')).toBe(true);
  });
});
