import { loadConfig } from '../../../src/infrastructure/config/config';

const EVERY_VARIABLE = [
  'PORT',
  'HOST',
  'DATA_DIR',
  'EVENTSTORE_URL',
  'PSEUDONYM_KEY',
  'MONGODB_URL',
  'MASTER_KEY',
  'AUTH_JWKS_URL',
  'AUTH_JWT_SECRET',
  'AUTH_ISSUER',
  'AUTH_AUDIENCE',
  'AUTH_ROLES_CLAIM',
  'RATE_LIMIT_PER_MINUTE',
  'LOG_LEVEL',
];

describe('the configuration: an empty variable means unset (as a .env file writes PORT=)', () => {
  it('PORT= listens on the default port 3000, not on a random one', () => {
    expect(loadConfig({ PORT: '' }).PORT).toBe(3000);
    expect(loadConfig({ PORT: '  ' }).PORT).toBe(3000);
  });

  it('every variable set empty gives exactly the embedded default', () => {
    expect(loadConfig(Object.fromEntries(EVERY_VARIABLE.map((name) => [name, ''])))).toEqual(loadConfig({}));
  });

  it('an empty variable satisfies no requirement: MONGODB_URL= with EVENTSTORE_URL set is reported missing', () => {
    expect(() => loadConfig({ EVENTSTORE_URL: 'esdb://localhost:2113?tls=false', PSEUDONYM_KEY: 'ab'.repeat(32), MONGODB_URL: '' })).toThrow(
      /MONGODB_URL must be set when EVENTSTORE_URL is/,
    );
  });
});
