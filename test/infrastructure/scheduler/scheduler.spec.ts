import { SystemClock } from '../../../src/infrastructure/clock/system-clock';
import { BullMqScheduler } from '../../../src/infrastructure/scheduler/bullmq/bullmq-scheduler';
import { InProcessScheduler, systemTimers } from '../../../src/infrastructure/scheduler/in-process/in-process-scheduler';
import { CONTRACT_ATTEMPTS, CONTRACT_BACKOFF_MS, schedulerContract } from '../../contracts/scheduler.contract';
import { dropPrefix, REDIS_URL, requireRedis, uniquePrefix } from './redis.fixtures';

const clock = new SystemClock();

schedulerContract(
  'in-process (system timers)',
  () => new InProcessScheduler(clock, systemTimers, { attempts: CONTRACT_ATTEMPTS, backoffMs: CONTRACT_BACKOFF_MS }),
);

describe('BullMQ on Redis', () => {
  const prefix = uniquePrefix();
  let queues = 0;

  beforeAll(() => requireRedis());
  afterAll(() => dropPrefix(prefix));

  schedulerContract(`BullMQ (${REDIS_URL})`, () => {
    queues += 1;
    return new BullMqScheduler(clock, {
      url: REDIS_URL,
      prefix,
      queueName: `contract-${queues}`,
      attempts: CONTRACT_ATTEMPTS,
      backoffMs: CONTRACT_BACKOFF_MS,
    });
  });
});
