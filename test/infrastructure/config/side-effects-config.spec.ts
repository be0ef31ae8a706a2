import { loadConfig } from '../../../src/infrastructure/config/config';

describe('configuration of the scheduler and the mailer', () => {
  it('defaults to the in-process scheduler and the outbox (nothing set)', () => {
    const config = loadConfig({});

    expect(config.REDIS_URL).toBeUndefined();
    expect(config.SMTP_URL).toBeUndefined();
  });

  it('takes a Redis and an SMTP URL', () => {
    expect(loadConfig({ REDIS_URL: 'redis://localhost:6379', SMTP_URL: 'smtp://mail.example:587' })).toMatchObject({
      REDIS_URL: 'redis://localhost:6379',
      SMTP_URL: 'smtp://mail.example:587',
    });
  });

  it('refuses URLs of another kind, naming the variable', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://localhost:6379', SMTP_URL: 'mail.example' })).toThrow(
      /REDIS_URL: must be a redis[\s\S]*SMTP_URL: must be an smtp/,
    );
  });
});
