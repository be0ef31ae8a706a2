import { loadConfig } from '../../../src/infrastructure/config/config';

describe('configuration of the scheduler and the mailer', () => {
  it('defaults to the in-process scheduler and the outbox (nothing set)', () => {
    const config = loadConfig({});

    expect(config.REDIS_URL).toBeUndefined();
    expect(config.SMTP_URL).toBeUndefined();
    expect(config.REDIS_PREFIX).toBe('madoguchi');
  });

  it('takes a Redis and an SMTP URL', () => {
    expect(loadConfig({ REDIS_URL: 'redis://localhost:6379', SMTP_URL: 'smtp://mail.example:587' })).toMatchObject({
      REDIS_URL: 'redis://localhost:6379',
      SMTP_URL: 'smtp://mail.example:587',
    });
  });

  it('takes a Redis key prefix of its own, and refuses one Redis would misread', () => {
    expect(loadConfig({ REDIS_PREFIX: 'madoguchi-okayama' }).REDIS_PREFIX).toBe('madoguchi-okayama');
    expect(() => loadConfig({ REDIS_PREFIX: 'a:b' })).toThrow(/REDIS_PREFIX: must be 1–64 characters/);
  });

  it('refuses URLs of another kind, naming the variable', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://localhost:6379', SMTP_URL: 'mail.example' })).toThrow(
      /REDIS_URL: must be a redis[\s\S]*SMTP_URL: must be an smtp/,
    );
  });
});
