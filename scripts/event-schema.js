'use strict';
/**
 * Issue 19: writes the JSON Schema of the events on the integration feed (GET /v1/events) from the domain's
 * own types (src/domain/events.ts), so the published schema cannot drift from the code:
 *   node scripts/event-schema.js           writes src/infrastructure/http/event-schema.json
 *   node scripts/event-schema.js --check   exits 1 when the committed file is not what the types give
 * Definitions are inlined: the generator's names for anonymous types change with every edit of a file.
 */
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { createGenerator } = require('ts-json-schema-generator');
require('../test/support/register-ts');
const { EVENT_SCHEMA_VERSIONS } = require('../src/domain/events.ts');

const ROOT = join(__dirname, '..');
const OUTPUT = join(ROOT, 'src/infrastructure/http/event-schema.json');

const generated = createGenerator({
  path: join(ROOT, 'src/domain/events.ts'),
  tsconfig: join(ROOT, 'tsconfig.json'),
  type: 'MadoguchiEvent',
  skipTypeCheck: true,
}).createSchema('MadoguchiEvent');
const definitions = generated.definitions;

function inline(schema) {
  if (Array.isArray(schema)) return schema.map(inline);
  if (typeof schema !== 'object' || schema === null) return schema;
  if (typeof schema.$ref === 'string') {
    const name = decodeURIComponent(schema.$ref.replace('#/definitions/', ''));
    return inline(definitions[name]);
  }
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, inline(value)]));
}

/** The event types of the union, each as `{ type, data }`. */
function eventsOf(schema) {
  const resolved = inline(schema);
  if (resolved.anyOf) return resolved.anyOf.flatMap(eventsOf);
  return [resolved];
}

const position = { type: 'string', pattern: '^[0-9]{1,20}$' };
const $defs = {};
for (const event of eventsOf(generated)) {
  const type = event.properties.type.const;
  $defs[type] = {
    type: 'object',
    additionalProperties: false,
    required: ['position', 'streamId', 'revision', 'eventId', 'type', 'schemaVersion', 'data', 'metadata'],
    properties: {
      position: { ...position, description: 'global position in the store; the SSE id' },
      streamId: { type: 'string' },
      revision: { ...position, description: '0-based revision inside the stream' },
      eventId: { type: 'string' },
      type: { const: type },
      schemaVersion: { const: EVENT_SCHEMA_VERSIONS[type] },
      data: event.properties.data,
      metadata: { $ref: '#/$defs/Metadata' },
    },
  };
}
const types = Object.keys(EVENT_SCHEMA_VERSIONS);
const missing = types.filter((type) => !$defs[type]);
if (missing.length > 0) throw new Error(`no schema for ${missing.join(', ')}`);

const schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: '/v1/events/schema',
  title: 'Madoguchi events (GET /v1/events)',
  description:
    'One event of the integration feed. Personal values read as "[redacted]", or "[erased]" once erased (A8.1); a device only by its pseudonym (A7.2). ' +
    'A new schema version of a type is announced by its schemaVersion; fields are only ever added within a version.',
  oneOf: types.map((type) => ({ $ref: `#/$defs/${type}` })),
  $defs: {
    ...Object.fromEntries(types.map((type) => [type, $defs[type]])),
    Metadata: {
      type: 'object',
      additionalProperties: false,
      required: ['actor', 'recordedAt', 'commandId', 'correlationId', 'causationId'],
      properties: {
        actor: { type: 'string', description: 'staff:<id>, or system:<process> for timers and reactors' },
        recordedAt: { type: 'string', format: 'date-time' },
        commandId: { type: 'string' },
        correlationId: { type: 'string' },
        causationId: { type: 'string' },
      },
    },
  },
};
const text = `${JSON.stringify(schema, null, 2)}\n`;
if (process.argv.includes('--check')) {
  if (readFileSync(OUTPUT, 'utf8') !== text) {
    console.error(`${OUTPUT} is not what the event types give: run npm run schema:events and commit it`);
    process.exit(1);
  }
} else {
  writeFileSync(OUTPUT, text);
  console.log(`wrote ${OUTPUT} (${types.length} event types)`);
}
