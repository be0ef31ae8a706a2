import schema from './event-schema.json';

/** Where the schema is served (linked from the OpenAPI of GET /v1/events). */
export const EVENT_SCHEMA_PATH = '/v1/events/schema';

/** Issue 19: the JSON Schema of the integration feed's events, generated from the domain types by scripts/event-schema.js. */
export const EVENT_SCHEMA: Readonly<Record<string, unknown>> = schema;
