import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { Answer } from './harness';

type Schema = Record<string, unknown>;
export interface Operation {
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: Schema }>;
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  security?: unknown[];
}
export const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
export interface OpenApiDocument {
  paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
  components: { schemas: Record<string, Schema> };
}

/**
 * Checks a real answer against what the served OpenAPI document says about it (status and schema),
 * with a JSON Schema validator: a field the document does not name, or one it requires and the
 * answer lacks, fails.
 */
export function documentedAnswers(document: OpenApiDocument) {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ components: document.components }, 'document');
  const templates = Object.keys(document.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }));
  /** A path as sent, or a template of the document, to the document's template. */
  const templateOf = (path: string) => (document.paths[path] ? path : (templates.find((t) => t.pattern.test(path))?.template ?? path));
  return (method: string, path: string, answer: Answer, status = answer.status): void => {
    expect(answer.status).toBe(status);
    const operation = document.paths[templateOf(path)]?.[method.toLowerCase() as (typeof METHODS)[number]];
    const schema = operation?.responses[String(status)]?.content?.['application/json']?.schema;
    expect({ operation: `${method} ${path} ${status}`, documented: schema !== undefined }).toEqual({
      operation: `${method} ${path} ${status}`,
      documented: true,
    });
    // `#/components/...` points into the document registered above.
    const validate = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"document#/components/')));
    const valid = validate(answer.body);
    expect({ operation: `${method} ${path} ${status}`, errors: valid ? [] : validate.errors }).toEqual({
      operation: `${method} ${path} ${status}`,
      errors: [],
    });
  };
}
