import { rotateMasterKey } from '../infrastructure/crypto/rotate-master-key';

rotateMasterKey(process.env, (line) => process.stdout.write(`${line}\n`)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
