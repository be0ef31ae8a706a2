import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { Refusal } from './errors';

/** A labelled input whose refusal (rule id and message) shows right under it; `name` is the API's field name. */
export function Field(props: {
  name: string;
  /** When one page has two fields of the same name. */
  id?: string;
  label: string;
  error: unknown;
  children: (id: string, describedBy: string) => ComponentChildren;
}) {
  const id = props.id ?? `field-${props.name}`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.children(id, `${id}-error`)}
      <div id={`${id}-error`}>
        <Refusal error={props.error} field={props.name} />
      </div>
    </div>
  );
}

/** A checkbox with its refusal beside it. */
export function Check(props: { name: string; label: string; checked: boolean; set: (value: boolean) => void; error?: unknown }) {
  const id = `field-${props.name}`;
  return (
    <div class="check">
      <input id={id} type="checkbox" checked={props.checked} onChange={(e) => props.set(e.currentTarget.checked)} />
      <label for={id}>{props.label}</label>
      {props.error !== undefined && <Refusal error={props.error} field={props.name} />}
    </div>
  );
}

/** Runs a command from a form: busy while it runs, the refusal kept for the fields, `done` on success. */
export function useCommand<T>(run: () => Promise<T>, done: (answer: T) => void) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = (event?: Event) => {
    event?.preventDefault();
    setBusy(true);
    setError(undefined);
    run()
      .then(done, setError)
      .finally(() => setBusy(false));
  };
  return { error, busy, submit };
}
