/**
 * Mail templates: one text file per message and format (templates/<message>.ja.txt and .ja.html). The text
 * file's first line is `Subject: …`. `{{key}}` is replaced by a value; in HTML every value is escaped.
 * The files are read by infrastructure (mail/templates.ts) and handed in, so composing stays pure.
 */
export type MessageName = 'invitation' | 'terms-notice';
export const MESSAGE_NAMES: readonly MessageName[] = ['invitation', 'terms-notice'];

export interface MessageTemplate {
  text: string;
  html: string;
}

export type MessageTemplates = Record<MessageName, MessageTemplate>;

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
}

export function render(template: MessageTemplate, values: Readonly<Record<string, string>>): RenderedMessage {
  const [subjectLine, blank, ...body] = fill(template.text, values, (v) => v).split('\n');
  if (!subjectLine.startsWith('Subject: ') || blank !== '') throw new Error('A text template starts with "Subject: …" and a blank line');
  return { subject: subjectLine.slice('Subject: '.length), text: body.join('\n'), html: fill(template.html, values, escapeHtml) };
}

function fill(template: string, values: Readonly<Record<string, string>>, encode: (value: string) => string): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`The template needs a value for {{${key}}}`);
    return encode(value);
  });
}

/** Every personal value lands in HTML through this: a name like `<script>` is shown, never run. Line breaks stay visible. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/\r?\n/g, '<br>\n');
}

/** Nest token of the loaded MessageTemplates. */
export const MESSAGE_TEMPLATES = Symbol('MessageTemplates');
