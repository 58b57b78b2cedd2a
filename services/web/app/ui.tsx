//! Small shared pieces: labelled fields with their errors, async loading, amounts, status messages.
import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Api } from './api';
import { formatEuro } from './format';
import { useWords } from './i18n';

export interface Session {
  api: Api;
  region: string;
  year: number;
  readsHistory: boolean;
  writes: string[];
  actor: string;
}

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when `key` changes (and on reload), keeping the latest answer. */
export function useLoad<T>(key: string, load: () => Promise<T>): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => {
        if (current) setState({ data, loading: false });
      },
      (error: unknown) => {
        if (current)
          setState({ error: error instanceof Error ? error.message : String(error), loading: false });
      },
    );
    return () => {
      current = false;
    };
    // `load` is a new closure on every render; `key` says when what it loads changes.
  }, [key, round]);
  const reload = useCallback(() => {
    setRound((r) => r + 1);
  }, []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function Money({ amount }: { amount: string }): JSX.Element {
  const { lang } = useWords();
  return <span class={amount.startsWith('-') ? 'money negative' : 'money'}>{formatEuro(amount, lang)}</span>;
}

export function LoadState<T>({ loaded }: { loaded: Loaded<T> }): JSX.Element | null {
  const { t } = useWords();
  if (loaded.error !== undefined)
    return (
      <p class="error" role="alert">
        {t.error}: {loaded.error}
      </p>
    );
  if (loaded.loading && loaded.data === undefined) return <p role="status">{t.loading}</p>;
  return null;
}

interface FieldProps {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  children: (describedBy: string | undefined, invalid: boolean) => ComponentChildren;
}

/** A label, the control, a hint and the error that belongs to it (announced through aria-describedby). */
export function Field({ id, label, error, hint, children }: FieldProps): JSX.Element {
  const ids = [hint === undefined ? '' : `${id}-hint`, error === undefined ? '' : `${id}-error`]
    .filter((x) => x !== '')
    .join(' ');
  return (
    <div class={error === undefined ? 'field' : 'field invalid'}>
      <label for={id}>{label}</label>
      {children(ids === '' ? undefined : ids, error !== undefined)}
      {hint !== undefined && (
        <span id={`${id}-hint`} class="hint">
          {hint}
        </span>
      )}
      {error !== undefined && (
        <span id={`${id}-error`} class="field-error">
          {error}
        </span>
      )}
    </div>
  );
}

export function TextInput(props: {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  error?: string | undefined;
  hint?: string | undefined;
  type?: 'text' | 'date';
  inputMode?: 'decimal' | 'numeric' | 'text';
  required?: boolean;
}): JSX.Element {
  return (
    <Field id={props.id} label={props.label} error={props.error} hint={props.hint}>
      {(describedBy, invalid) => {
        const common = {
          id: props.id,
          name: props.id,
          value: props.value,
          required: props.required,
          'aria-invalid': invalid,
          'aria-describedby': describedBy,
          onInput: (e: { currentTarget: HTMLInputElement }) => {
            props.onInput(e.currentTarget.value);
          },
        };
        // Preact types <input> by its type, so each type is its own element.
        return props.type === 'date' ? (
          <input type="date" {...common} />
        ) : (
          <input type="text" inputMode={props.inputMode} {...common} />
        );
      }}
    </Field>
  );
}

export function Select(props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
  error?: string | undefined;
}): JSX.Element {
  return (
    <Field id={props.id} label={props.label} error={props.error}>
      {(describedBy, invalid) => (
        <select
          id={props.id}
          name={props.id}
          value={props.value}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          onChange={(e) => {
            props.onChange(e.currentTarget.value);
          }}
        >
          {props.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export const IDENTIFIER = /^[A-Za-z0-9._:-]{1,64}$/;

export function Message({
  kind,
  children,
}: {
  kind: 'ok' | 'error';
  children: ComponentChildren;
}): JSX.Element {
  return (
    <p class={kind === 'ok' ? 'message ok' : 'message error'} role={kind === 'ok' ? 'status' : 'alert'}>
      {children}
    </p>
  );
}
