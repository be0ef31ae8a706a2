import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MESSAGE_NAMES, type MessageTemplates } from '../../application/notifications/templates';

/** Beside the compiled code too: the build copies them (`swc --copy-files`). */
const TEMPLATE_DIR = join(__dirname, '..', '..', 'application', 'notifications', 'templates');

/** Reads every message's .ja.txt and .ja.html once, at start: a missing file stops the start, not a send. */
export function loadMessageTemplates(dir = TEMPLATE_DIR): MessageTemplates {
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  return Object.fromEntries(MESSAGE_NAMES.map((name) => [name, { text: read(`${name}.ja.txt`), html: read(`${name}.ja.html`) }])) as MessageTemplates;
}
