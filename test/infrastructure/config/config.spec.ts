// The client's own parser, reached inside its package (it is not exported): what the client will make of a string.
import { parseConnectionString } from '@eventstore/db-client/dist/Client/parseConnectionString';
import { loadConfig } from '../../../src/infrastructure/config/config';

describe('the configuration, validated at start', () => {
  it('runs on the embedded default with nothing set', () => {
    expect(loadConfig({})).toMatchObject({ PORT: 3000, DATA_DIR: './data', AUTH_AUDIENCE: 'madoguchi', RATE_LIMIT_PER_MINUTE: 600 });
  });

  it('A8.1: several instances on EventStoreDB must share the keys of personal data (MongoDB) and the master key', () => {
    const esdb = { EVENTSTORE_URL: 'esdb://localhost:2113?tls=false', PSEUDONYM_KEY: 'ab'.repeat(32) };
    expect(() => loadConfig(esdb)).toThrow(/MONGODB_URL must be set when EVENTSTORE_URL is/);
    expect(() => loadConfig({ ...esdb, MONGODB_URL: 'mongodb://localhost:27017' })).toThrow(/MASTER_KEY must be set when MONGODB_URL is/);
    expect(loadConfig({ ...esdb, MONGODB_URL: 'mongodb://localhost:27017', MASTER_KEY: 'A'.repeat(44) }).MONGODB_URL).toBe(
      'mongodb://localhost:27017',
    );
  });

  it('A8.1: JWT sign-in only with the issuer named, and a secret long enough', () => {
    expect(() => loadConfig({ AUTH_JWT_SECRET: 'x'.repeat(32) })).toThrow(/AUTH_ISSUER must be set/);
    expect(() => loadConfig({ AUTH_JWT_SECRET: 'short', AUTH_ISSUER: 'https://idp.example.jp' })).toThrow(
      /AUTH_JWT_SECRET: must be at least 32 characters/,
    );
    expect(loadConfig({ AUTH_JWKS_URL: 'https://idp.example.jp/jwks.json', AUTH_ISSUER: 'https://idp.example.jp' }).AUTH_ROLES_CLAIM).toBe('roles');
  });

  it('names every invalid variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', MONGODB_URL: 'http://x' })).toThrow(/PORT[\s\S]*MONGODB_URL: must be a mongodb/);
  });

  describe('connection strings of the production stores', () => {
    const shared = { PSEUDONYM_KEY: 'ab'.repeat(32), MONGODB_URL: 'mongodb://localhost:27017', MASTER_KEY: 'A'.repeat(44) };
    const withEventStore = (url: string) => loadConfig({ ...shared, EVENTSTORE_URL: url });
    const withMongoDb = (url: string) => loadConfig({ ...shared, EVENTSTORE_URL: 'esdb://localhost:2113?tls=false', MONGODB_URL: url });

    it.each([
      ['one node without TLS', 'esdb://localhost:2113?tls=false', ['localhost:2113']],
      [
        'a three-node cluster with credentials',
        'esdb://admin:changeit@node1:2113,node2:2113,node3:2113?tls=true',
        ['node1:2113', 'node2:2113', 'node3:2113'],
      ],
      [
        'discovery through a DNS name',
        'esdb+discover://admin:changeit@cluster.example.jp:2113?tlsCAFile=/etc/esdb/ca.crt&nodePreference=leader',
        ['cluster.example.jp:2113'],
      ],
      [
        'gossip seeds, default port, options in any case',
        'esdb+discover://node1,node2:2114/?TLS=true&node_preference=read-only-replica&gossipTimeout=3000',
        ['node1:2113', 'node2:2114'],
      ],
    ])('accepts EVENTSTORE_URL for %s, as the EventStoreDB client 6.2.1 parses it', (_form, url, nodes) => {
      expect(withEventStore(url).EVENTSTORE_URL).toBe(url);
      expect(parseConnectionString(url).hosts.map(({ address, port }) => `${address}:${port}`)).toEqual(nodes);
    });

    it.each([
      ['an http URL', 'http://localhost:2113', /scheme http:\/\/ is not understood by the EventStoreDB client 6\.2\.1: use esdb:\/\//],
      ['the KurrentDB client’s scheme, which client 6.2.1 does not know', 'kurrentdb://localhost:2113?tls=false', /scheme kurrentdb:\/\//],
      ['kurrentdb+discover', 'kurrentdb+discover://node1:2113', /scheme kurrentdb\+discover:\/\//],
      ['no node', 'esdb://?tls=false', /must look like esdb:\/\//],
      ['a port that is not a number', 'esdb://node1:21x3,node2:2113', /node "node1:21x3" must be host or host:port/],
      ['a misspelt option the client would silently ignore', 'esdb://localhost:2113?tsl=false', /unknown option "tsl"/],
      ['a boolean option that is not true or false', 'esdb://localhost:2113?tls=no', /option tls must be true or false/],
      ['an unknown node preference', 'esdb://localhost:2113?nodePreference=nearest', /must be leader, follower, random or readOnlyReplica/],
    ])('refuses EVENTSTORE_URL with %s, naming the variable', (_form, url, reason) => {
      expect(() => withEventStore(url)).toThrow(/EVENTSTORE_URL: /);
      expect(() => withEventStore(url)).toThrow(reason);
    });

    it.each([
      ['a replica set of three members', 'mongodb://a,b,c/?replicaSet=rs0'],
      ['credentials, database and options', 'mongodb://madoguchi:s%40cret@db1:27017,db2:27017/madoguchi?replicaSet=rs0&authSource=admin&tls=true'],
      ['a DNS seed list (Atlas and similar)', 'mongodb+srv://madoguchi:secret@cluster0.example.jp/madoguchi?retryWrites=true'],
    ])('accepts MONGODB_URL for %s', (_form, url) => {
      expect(withMongoDb(url).MONGODB_URL).toBe(url);
    });

    it.each([
      ['another scheme', 'postgres://db/madoguchi', /must be a mongodb:\/\/ or mongodb\+srv:\/\/ URL/],
      ['no host', 'mongodb://', /Protocol and host list are required/],
      ['a port on a DNS seed list', 'mongodb+srv://cluster0.example.jp:27017/', /mongodb\+srv URI cannot have port number/],
      ['several names on a DNS seed list', 'mongodb+srv://a.example.jp,b.example.jp/', /cannot have multiple service names/],
    ])('refuses MONGODB_URL with %s, in the driver’s words', (_form, url, reason) => {
      expect(() => withMongoDb(url)).toThrow(/MONGODB_URL: /);
      expect(() => withMongoDb(url)).toThrow(reason);
    });
  });
});
