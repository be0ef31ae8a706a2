import { ApiError } from './api';

/**
 * Which form field a refusal concerns: the input problems name their field; a rule's refusal is put next to the
 * field the rule is about (A5.x the declaration item, A12.2 the acknowledgement, A6.x the wishes).
 */
const RULE_FIELDS: Record<string, string> = {
  'A2.1': 'inPersonDifficulty',
  'A2.3': 'termsVersion',
  A13: 'termsVersion',
  A4: 'designatedApp',
  'A5.1': 'A5.1',
  'A5.2': 'A5.2',
  'A5.3': 'A5.3',
  'A5.4': 'A5.4',
  'A5.5': 'A5.5',
  'A5.6': 'A5.6',
  'A12.2': 'recordingProhibitionAcknowledged',
  'A6.1': 'firstWish',
  'A6.2': 'firstWish',
  SLOT: 'start',
};

export function fieldOf(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const problem = error.problems[0];
  if (problem) return /(A\d+\.\d+)$/.exec(problem.field)?.[1] ?? problem.field.split('.').at(-1);
  // A6.2 says which wish it refuses (details.wish: 1 or 2).
  const details = error.body.details as { wish?: number } | undefined;
  if (details?.wish === 2) return 'secondWish';
  return error.rule ? RULE_FIELDS[error.rule] : undefined;
}

function describe(error: unknown): { rule?: string; message: string } {
  if (error instanceof ApiError) {
    const problem = error.problems[0];
    return { rule: error.rule, message: problem ? `${problem.field}: ${problem.problem}` : error.message };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

/**
 * The refusal as the service words it, with its rule id: next to the field it concerns (`field`), or, for the
 * whole form, when it concerns none of the form's `fields`.
 */
export function Refusal({ error, field, fields = [] }: { error: unknown; field?: string; fields?: string[] }) {
  if (error === undefined) return null;
  const concerned = fieldOf(error);
  if (field !== undefined ? concerned !== field : concerned !== undefined && fields.includes(concerned)) return null;
  const { rule, message } = describe(error);
  return (
    <p class="refusal" role="alert">
      {rule && <strong class="rule">{rule}</strong>} {message}
    </p>
  );
}
