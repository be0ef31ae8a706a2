import 'reflect-metadata';
import { SingleBar } from 'cli-progress';
import { AccessLog } from '../application/privacy/access-log';
import { SystemClock } from '../infrastructure/clock/system-clock';
import { loadConfig } from '../infrastructure/config/config';
import { AuditReplay, replaySubject } from '../projections/audit/replay';
import { openEncryptedStore } from './stores';

const USAGE =
  'usage: npm run replay -- <reservation:<id>|job-seeker:<id>|counselor-day:<counselor id>:<YYYY-MM-DD>> --auditor <staff id> [--as-of <instant>] [--since <instant>]';

function option(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

function instant(text: string | undefined, name: string): Date | undefined {
  if (text === undefined) return undefined;
  const parsed = new Date(text);
  if (Number.isNaN(parsed.getTime())) throw new Error(`${name} must be an instant, e.g. 2026-12-01T10:05:00+09:00`);
  return parsed;
}

/**
 * `npm run replay`: the auditors' replay (issue 19) on the operator's terminal: the subject's events (who, when,
 * which command, which rule), the state as of an instant and, with --since, what changed. The replay shows
 * personal data, so it is recorded (A8.1) under the auditor named with --auditor. Same configuration as the service.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  const subject = args[0] === undefined ? undefined : replaySubject(args[0]);
  const auditor = option(args, '--auditor');
  if (subject === undefined || auditor === undefined || !/^[A-Za-z0-9._@-]{1,64}$/.test(auditor)) {
    console.error(USAGE);
    process.exit(2);
  }
  const clock = new SystemClock();
  const asOf = instant(option(args, '--as-of'), '--as-of') ?? clock.now();
  const since = instant(option(args, '--since'), '--since');
  const stores = await openEncryptedStore(loadConfig());
  const bar = new SingleBar({
    format: 'replay {bar} {percentage}% | {value} events read | ETA {eta_formatted}',
    hideCursor: true,
    noTTYOutput: true,
  });
  try {
    bar.start(1, 0);
    const replay = await new AuditReplay(stores.eventStore, new AccessLog(stores.eventStore, clock)).replay(
      { subject, asOf, since, viewer: `staff:${auditor}` },
      (read, head, position) => {
        bar.setTotal(Math.max(Number(head), 1));
        bar.update(Number(position), { value: read });
      },
    );
    bar.update(bar.getTotal());
    bar.stop();
    console.log(`${replay.subject} as of ${replay.asOf}: ${replay.events.length} events (this replay is recorded for the audit, A8.1)`);
    for (const event of replay.events) {
      console.log(
        `  ${event.position.padStart(8)}  ${event.at}  ${event.event.padEnd(28)} ${event.rule.padEnd(12)} ${event.actor}  command ${event.commandId}`,
      );
    }
    console.log(`state as of ${replay.asOf}:\n${JSON.stringify(replay.state, null, 2)}`);
    if (replay.since) {
      console.log(`changed since ${replay.since.at} (events at ${replay.since.events.join(', ') || 'none'}):`);
      for (const change of replay.since.changes) console.log(`  ${change.field}: ${JSON.stringify(change.before)} → ${JSON.stringify(change.after)}`);
    }
  } finally {
    bar.stop();
    await stores.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
