import 'reflect-metadata';
import { start } from './infrastructure/start/start';

// The operator's lines go to stdout as plain text; the service's logs are JSON lines (see createHttpApp).
start(process.argv.slice(2), process.env, (line) => process.stdout.write(`${line}\n`)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
