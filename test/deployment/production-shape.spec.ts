/**
 * The container files, checked for their structure: Docker cannot run where these tests run, so nothing here
 * builds an image or starts a container (see "Running in production" in the README).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../src/infrastructure/config/config';

const root = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

interface Service {
  build?: string;
  image?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
}
const compose = parse(read('docker-compose.yml')) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const { madoguchi, eventstoredb, mongodb } = compose.services;

/** What compose makes of `${NAME:-default}` when NAME is not set. */
const withDefaults = (environment: Record<string, string>) =>
  Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, value.replace(/\$\{\w+:-([^}]*)\}/g, '$1')]));

describe('docker-compose.yml: the whole production shape', () => {
  it('runs the service from this repository once EventStoreDB and MongoDB are healthy', () => {
    expect(madoguchi.build).toBe('.');
    expect(madoguchi.depends_on).toEqual({
      eventstoredb: { condition: 'service_healthy' },
      mongodb: { condition: 'service_healthy' },
      redis: { condition: 'service_started' },
      mailpit: { condition: 'service_started' },
    });
    expect(eventstoredb.healthcheck?.test.join(' ')).toMatch(/health\/live/);
    expect(mongodb.healthcheck).toBeDefined();
  });

  it('gives the service the four production variables, keys from .env, and store URLs the configuration accepts', () => {
    const environment = madoguchi.environment ?? {};
    expect(environment).toMatchObject({ MASTER_KEY: '${MASTER_KEY:-}', PSEUDONYM_KEY: '${PSEUDONYM_KEY:-}' });

    const config = loadConfig({ ...withDefaults(environment), MASTER_KEY: 'A'.repeat(44), PSEUDONYM_KEY: 'ab'.repeat(32) });

    expect(config.EVENTSTORE_URL).toBe('esdb://eventstoredb:2113?tls=false');
    expect(config.MONGODB_URL).toBe('mongodb://mongodb:27017/madoguchi?replicaSet=rs0');
    expect(() => loadConfig(withDefaults(environment))).toThrow(/MASTER_KEY|PSEUDONYM_KEY/);
    const documented = read('.env.example');
    for (const name of ['MASTER_KEY', 'PSEUDONYM_KEY', 'EVENTSTORE_URL', 'MONGODB_URL']) expect(documented).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
    expect(read('.gitignore').split('\n')).toContain('.env');
  });

  it('keeps the service data on a named volume at DATA_DIR', () => {
    expect(madoguchi.volumes).toEqual(['madoguchi-data:/data']);
    expect(compose.volumes).toHaveProperty('madoguchi-data');
  });

  describe('the MongoDB healthcheck (its script run against stand-ins for the mongosh globals, not MongoDB)', () => {
    const script = mongodb.healthcheck?.test.at(-1) ?? '';

    /** The exit code the script asks mongosh for, given the replica set's state. */
    function exitCode(state: { initiated: boolean; primary: boolean }): { code: number; initiated: unknown[] } {
      const initiated: unknown[] = [];
      const rs = {
        status: () => {
          if (!state.initiated) throw new Error('MongoServerError: no replset config has been received');
          return { ok: 1 };
        },
        initiate: (config: unknown) => {
          initiated.push(config);
          return { ok: 1 };
        },
      };
      const db = { hello: () => ({ isWritablePrimary: state.primary }) };
      // mongosh's quit(code) ends the script: an exception carrying the exit code stands for it here.
      class Quit extends Error {
        constructor(readonly code: number) {
          super(`quit(${code})`);
        }
      }
      const quit = (code: number) => {
        throw new Quit(code);
      };
      try {
        // The healthcheck's own script text, run against the stand-ins above (as mongosh --eval would).
        // eslint-disable-next-line @typescript-eslint/no-implied-eval
        new Function('rs', 'db', 'quit', script)(rs, db, quit);
      } catch (thrown) {
        if (!(thrown instanceof Quit)) throw thrown;
        return { code: thrown.code, initiated };
      }
      return { code: 0, initiated };
    }

    it('fails while the replica set is not initiated, and initiates it with the member name the service connects to', () => {
      const first = exitCode({ initiated: false, primary: false });

      expect(first.code).toBe(1);
      expect(first.initiated).toEqual([{ _id: 'rs0', members: [{ _id: 0, host: 'mongodb:27017' }] }]);
      expect(withDefaults(madoguchi.environment ?? {}).MONGODB_URL).toContain('//mongodb:27017/');
    });

    it('fails while the member is not yet primary, and passes once it is', () => {
      expect(exitCode({ initiated: true, primary: false })).toEqual({ code: 1, initiated: [] });
      expect(exitCode({ initiated: true, primary: true })).toEqual({ code: 0, initiated: [] });
    });
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const instructions = dockerfile.split('\n').filter((line) => /^[A-Z]+ /.test(line));

  it('builds in one stage on node:20 (npm ci, build) and runs the compiled service in another', () => {
    expect(instructions.filter((line) => line.startsWith('FROM node:20'))).toHaveLength(2);
    expect(dockerfile).toMatch(/RUN npm ci\n/);
    expect(dockerfile).toMatch(/RUN npm run build && npm prune --omit=dev/);
    expect(dockerfile).toContain('CMD ["node", "dist/main.js"]');
    expect(JSON.parse(read('package.json')).scripts.build).toMatch(/swc src -d dist --strip-leading-paths/);
    for (const copied of ['package.json', 'package-lock.json', '.swcrc', 'tsconfig.json', 'src', 'scripts/build-ui.mjs', 'ui'])
      expect(existsSync(join(root, copied))).toBe(true);
    // The staff page is built beside dist (ui/dist), where the service looks for it.
    expect(dockerfile).toContain('COPY --from=build /app/ui/dist ./ui/dist');
  });

  it('runs as the unprivileged user node, with DATA_DIR on a volume and a HEALTHCHECK on /health', () => {
    const runStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runStage).toMatch(/^USER node$/m);
    expect(runStage).toMatch(/DATA_DIR=\/data/);
    expect(runStage).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(runStage).toMatch(/^HEALTHCHECK [\s\S]*\/health/m);
    expect(read('.dockerignore').split('\n')).toEqual(expect.arrayContaining(['node_modules', '.env', 'data']));
  });
});
