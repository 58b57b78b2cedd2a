//! Small shared pieces: labelled fields with their errors, async loading, amounts, status messages.
import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type Api, type RegionActions } from './api';
import { formatEuro, parseUserAmount } from './format';
import { useWords, type Words } from './i18n';

export interface Session {
  api: Api;
  region: string;
  year: number;
  readsHistory: boolean;
  writes: string[];
  actor: string;
  /** Reads the list of regions again (after a region was configured). */
  reloadRegions: () => void;
}

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * What a failed request says in the app's words, for the refusals a reader can meet (a position past the end of the
 * log, a region or history the token may not read, a busy store); any other keeps the server's own message.
 */
export function apiErrorText(error: unknown, t: Words): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  const body =
    typeof error.body === 'object' && error.body !== null ? (error.body as { error?: unknown }) : {};
  if (body.error === 'position-out-of-range') {
    const last = /positions 0 to (\d+)/.exec(error.message)?.[1];
    return last === undefined ? t.errPositionOutOfRange : `${t.errPositionOutOfRange} (0–${last})`;
  }
  if (error.status === 403) return t.errForbidden;
  if (body.error === 'unknown-region') return t.errUnknownRegion;
  if (body.error === 'store-busy') return t.errStoreBusy;
  return error.message;
}

/**
 * What a failed append says: received but not processed yet (202, the engines mode: not to be sent again under new
 * ids); a race lost to another client's event of the same id (409); a refusal by role or region, which is about
 * recording, not reading; a network failure or a server error, which leaves the outcome unknown, and sending the
 * same again is the safe way to find out.
 */
export function appendErrorText(error: unknown, t: Words): string {
  if (error instanceof ApiError && error.status === 202) return t.notYetProcessed;
  if (error instanceof ApiError && error.status === 409) return t.raceLost;
  if (error instanceof ApiError && error.status === 403) return t.errForbiddenWrite;
  const unanswered =
    !(error instanceof ApiError) || (error.status >= 500 && error.status !== 503 && error.status !== 501);
  return unanswered ? t.outcomeUnknown : apiErrorText(error, t);
}

/**
 * Runs `changed` when `value` changes after the first render. Not on the first: the state it would set starts from
 * the value, and an effect run then (after a frame) could overwrite what the user typed meanwhile.
 */
export function useChange<T>(value: T, changed: (value: T) => void): void {
  const seen = useRef(value);
  useEffect(() => {
    if (Object.is(seen.current, value)) return;
    seen.current = value;
    changed(value);
  }, [value]);
}

/** Runs `load` when `key` changes (and on reload), keeping the latest answer. */
export function useLoad<T>(key: string, load: () => Promise<T>): Loaded<T> {
  const { t } = useWords();
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
        if (current) setState({ error: apiErrorText(error, t), loading: false });
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

/** The region's actions, funders and closed years as of the session's year (reloaded after a change). */
export function useRegionActions(session: Session): Loaded<RegionActions> {
  const path = `/api/v1/regions/${session.region}/actions?year=${String(session.year)}`;
  return useLoad(path, () => session.api.json<RegionActions>(path));
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

interface ControlProps {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  error?: string | undefined;
  hint?: string | undefined;
  required?: boolean;
}

/** What every text control carries: its name, value, validity, the texts that describe it, and its input. */
function control(props: ControlProps, describedBy: string | undefined, invalid: boolean) {
  return {
    id: props.id,
    name: props.id,
    value: props.value,
    required: props.required,
    'aria-invalid': invalid,
    'aria-describedby': describedBy,
    onInput: (e: { currentTarget: { value: string } }) => {
      props.onInput(e.currentTarget.value);
    },
  };
}

export function TextInput(
  props: ControlProps & { type?: 'text' | 'date'; inputMode?: 'decimal' | 'numeric' | 'text' },
): JSX.Element {
  return (
    <Field id={props.id} label={props.label} error={props.error} hint={props.hint}>
      {(describedBy, invalid) =>
        // Preact types <input> by its type, so each type is its own element.
        props.type === 'date' ? (
          <input type="date" {...control(props, describedBy, invalid)} />
        ) : (
          <input type="text" inputMode={props.inputMode} {...control(props, describedBy, invalid)} />
        )
      }
    </Field>
  );
}

/** An amount as people type it, with the amount it will be recorded as (or an example) as its hint. */
export function AmountInput(props: ControlProps): JSX.Element {
  const { t, lang } = useWords();
  const parsed = parseUserAmount(props.value, t.amountConvention);
  // Shown as the app shows money (`€ 70.000,00`), so a misread separator stands out.
  const hint =
    parsed !== null && props.error === undefined
      ? `${t.willBeRecorded} ${formatEuro(parsed, lang)}`
      : t.amountHint;
  return <TextInput {...props} hint={hint} inputMode="decimal" />;
}

/** Several lines of text (a list, one item a line). */
export function TextArea(props: ControlProps & { rows?: number }): JSX.Element {
  return (
    <Field id={props.id} label={props.label} error={props.error} hint={props.hint}>
      {(describedBy, invalid) => (
        <textarea rows={props.rows ?? 3} {...control(props, describedBy, invalid)} />
      )}
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

export { IDENTIFIER } from './events';

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
