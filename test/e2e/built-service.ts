import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
let built: string | undefined;

/**
 * Builds the service as `npm start` does (swc into dist, the staff page into ui/dist beside it), once per test
 * file, into a temp dir; returns its main.js.
 */
export function builtMain(): string {
  if (!built) {
    const dir = mkdtempSync(join(tmpdir(), 'madoguchi-built-'));
    const dist = join(dir, 'dist');
    execFileSync(join(ROOT, 'node_modules', '.bin', 'swc'), ['src', '-d', dist, '--strip-leading-paths', '--copy-files', '--quiet'], { cwd: ROOT });
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-ui.mjs'), join(dir, 'ui', 'dist')], { cwd: ROOT });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    built = join(dist, 'main.js');
  }
  return built;
}

/** A fresh data directory under the OS temp dir. */
export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'madoguchi-data-'));
}

export interface ServiceProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with stdout once it matches (rejects if the process ends first). */
  waitForStdout(pattern: RegExp): Promise<RegExpMatchArray>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/**
 * `node dist/main.js <args>` as a real process on a loopback port chosen by the system (PORT=0), with only
 * the given variables (plus PATH).
 */
export function runBuilt(args: string[], env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, [builtMain(), ...args], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    waiters.forEach((w) => w());
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  let ended = false;
  void exited.then(() => {
    ended = true;
    waiters.forEach((w) => w());
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForStdout: (pattern) =>
      new Promise((done, fail) => {
        const check = () => {
          const match = out.match(pattern);
          if (match) done(match);
          else if (ended) fail(new Error(`the service ended before printing ${pattern}\nstdout:\n${out}\nstderr:\n${err}`));
        };
        waiters.push(check);
        check();
      }),
    async stop() {
      if (!ended) child.kill('SIGTERM');
      return exited;
    },
  };
}
