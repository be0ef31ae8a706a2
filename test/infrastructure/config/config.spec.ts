import { loadConfig } from '../../../src/infrastructure/config/config';

describe('the configuration, validated at start', () => {
  it('runs on the embedded default with nothing set', () => {
    expect(loadConfig({})).toMatchObject({ PORT: 3000, DATA_DIR: './data', AUTH_AUDIENCE: 'madoguchi', RATE_LIMIT_PER_MINUTE: 600 });
  });

  it('A8.1: several instances on EventStoreDB must share the keys of personal data (MongoDB) and the master key', () => {
    const esdb = { EVENTSTORE_URL: 'esdb://localhost:2113?tls=false', PSEUDONYM_KEY: 'ab'.repeat(32) };
    expect(() => loadConfig(esdb)).toThrow(/MONGODB_URL must be set when EVENTSTORE_URL is/);
    expect(() => loadConfig({ ...esdb, MONGODB_URL: 'mongodb://localhost:27017' })).toThrow(/MASTER_KEY must be set when MONGODB_URL is/);
    expect(loadConfig({ ...esdb, MONGODB_URL: 'mongodb://localhost:27017', MASTER_KEY: 'A'.repeat(44) }).MONGODB_URL).toBe('mongodb://localhost:27017');
  });

  it('A8.1: JWT sign-in only with the issuer named, and a secret long enough', () => {
    expect(() => loadConfig({ AUTH_JWT_SECRET: 'x'.repeat(32) })).toThrow(/AUTH_ISSUER must be set/);
    expect(() => loadConfig({ AUTH_JWT_SECRET: 'short', AUTH_ISSUER: 'https://idp.example.jp' })).toThrow(/AUTH_JWT_SECRET: must be at least 32 characters/);
    expect(loadConfig({ AUTH_JWKS_URL: 'https://idp.example.jp/jwks.json', AUTH_ISSUER: 'https://idp.example.jp' }).AUTH_ROLES_CLAIM).toBe('roles');
  });

  it('names every invalid variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', MONGODB_URL: 'http://x' })).toThrow(/PORT[\s\S]*MONGODB_URL: must be a mongodb/);
  });
});
