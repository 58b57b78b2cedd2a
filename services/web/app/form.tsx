//! One pattern for every form that sends events: the fields are checked on every keystroke (an error shows once
//! its field has been typed in, and for every field after a submit attempt), then the server's dry run, then (for
//! what cannot be undone) a confirmation, and only then the append.
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { DryRun, ImportCounts } from './api';
import { append, dryRun, problemsOf, type EventRecord } from './events';
import { useWords, type Words } from './i18n';
import { IDENTIFIER, Message, apiErrorText, appendErrorText, useChange, type Session } from './ui';

/** The errors of a form by field; `form` is about the form as a whole (a closed year, no configuration). */
export type FormErrors<F> = { [K in (keyof F & string) | 'form']?: string | undefined };

/** What became of a submit: appended, refused by the dry run, or failed (the server could not be asked). */
export type Result =
  | { counts: ImportCounts }
  | { refused: DryRun }
  | { error: string }
  /** Sent again with nothing changed since it was recorded (a form that keeps its values): not sent. */
  | { unchanged: true }
  /** Sent again after an append whose answer was lost or late: the earlier attempt had been recorded after all. */
  | { alreadyRecorded: true }
  /** As `alreadyRecorded`, but the earlier attempt was recorded as rejected, for these reasons. */
  | { recordedRejected: string[] }
  /** The values were changed after an attempt whose answer never came, and that attempt had arrived: not sent. */
  | { earlierArrived: true }
  /** The page was reloaded after an attempt whose answer never came: its values are back, to be sent again. */
  | { restoredUnanswered: true };

export interface EventFormOptions<F extends Record<string, string>> {
  session: Session;
  /** The inputs' ids are the prefix and the field: field `amount` with prefix `budget-` is `#budget-amount`. */
  idPrefix: string;
  initial: F;
  check: (values: F) => FormErrors<F>;
  /** The events the form stands for; only called when `check` finds nothing. */
  events: (values: F) => EventRecord[];
  /** Ask the user to confirm after a clean dry run and before appending (for what cannot be undone). */
  confirm?: boolean;
  /** Called after an append; the form then starts again from `initial` unless `keepValues`. */
  onAppended?: (events: EventRecord[]) => void;
  keepValues?: boolean;
}

/** What an input needs to be bound to a field: spread it into TextInput, TextArea or Select. */
export interface Binding {
  id: string;
  value: string;
  error: string | undefined;
  onInput: (value: string) => void;
  onChange: (value: string) => void;
}

export interface EventForm<F extends Record<string, string>> {
  idPrefix: string;
  values: F;
  errors: FormErrors<F>;
  valid: boolean;
  /** A submit was tried with errors: every field's error shows. */
  attempted: boolean;
  busy: boolean;
  result: Result | undefined;
  /** Events that passed the dry run and wait for the user's confirmation. */
  pending: EventRecord[] | undefined;
  bind: (field: keyof F & string) => Binding;
  /** Replaces the values (to fill the form from a record, or to add and remove rows). */
  replace: (values: F) => void;
  send: () => Promise<void>;
  confirm: () => Promise<void>;
  cancel: () => void;
}

/** The append itself failed (not the dry run before it): what was sent may have been recorded. */
class AppendFailed extends Error {
  constructor(readonly failure: unknown) {
    super(failure instanceof Error ? failure.message : String(failure));
  }
}

function messageOf(error: unknown, t: Words): string {
  return error instanceof AppendFailed ? appendErrorText(error.failure, t) : apiErrorText(error, t);
}

/** Whether a dry run found every event it was asked about already in the log (an earlier attempt arrived). */
function allInLog(answer: DryRun): boolean {
  return answer.lines.every((l) => l.outcome === 'already-present');
}

/** An append that did not end in counts, as `useEventForm` keeps it: its values' key and the events sent. */
interface Unanswered {
  key: string;
  events: EventRecord[];
}

const UNANSWERED_KEYS = 'budget.unanswered.';

/** Where a form keeps its unanswered attempt for the tab: one per region and form, as the page is. */
function unansweredStorageKey(region: string, idPrefix: string): string {
  return `${UNANSWERED_KEYS}${region}.${idPrefix}`;
}

/** On signing out: the attempts kept carry this user's name as their actor, not to be sent by the next one. */
export function forgetUnanswered(): void {
  const keys: string[] = [];
  for (let i = 0; i < sessionStorage.length; i++) {
    const key = sessionStorage.key(i);
    if (key?.startsWith(UNANSWERED_KEYS) === true) keys.push(key);
  }
  for (const key of keys) sessionStorage.removeItem(key);
}

/**
 * The unanswered attempt a form kept before the page was reloaded (or the form shown again), if it is this user's:
 * its events carry their name as actor, so another user's attempt (signed in in the same tab after a token was
 * refused) is dropped, never sent under the next user's token. Its values come back only when they were typed for
 * the region and year the form is for now (all text; a form's fields may vary, as the region form's funder rows
 * do); else the attempt is kept for `send`, which looks it up before it sends anything new. Anything else found
 * there is dropped: it is the app's own, written by `keepUnanswered`.
 */
function keptUnanswered(
  storageKey: string,
  session: Session,
): { attempt: Unanswered; values: Record<string, string> | undefined } | undefined {
  const text = sessionStorage.getItem(storageKey);
  if (text === null) return undefined;
  try {
    const attempt = JSON.parse(text) as Partial<Unanswered>;
    const { key, events } = attempt;
    if (
      typeof key !== 'string' ||
      !Array.isArray(events) ||
      events.length === 0 ||
      !events.every(
        (e) => typeof e.id === 'string' && e.region === session.region && e.actor === session.actor,
      )
    )
      throw new Error('not an attempt of this user in this region');
    const [region, year, values] = JSON.parse(key) as [unknown, unknown, unknown];
    const fits =
      region === session.region &&
      year === session.year &&
      typeof values === 'object' &&
      values !== null &&
      Object.values(values).every((value) => typeof value === 'string');
    return { attempt: { key, events }, values: fits ? (values as Record<string, string>) : undefined };
  } catch {
    sessionStorage.removeItem(storageKey);
    return undefined;
  }
}

function keepUnanswered(storageKey: string, attempt: Unanswered | undefined): void {
  try {
    if (attempt === undefined) sessionStorage.removeItem(storageKey);
    else sessionStorage.setItem(storageKey, JSON.stringify(attempt));
  } catch {
    // Storage full or refused: the attempt is still kept in memory, as before a reload.
  }
}

export function useEventForm<F extends Record<string, string>>(options: EventFormOptions<F>): EventForm<F> {
  const storageKey = unansweredStorageKey(options.session.region, options.idPrefix);
  // Read once, before the first render: a reload after an unanswered append brings its values back.
  const [kept] = useState(() => keptUnanswered(storageKey, options.session));
  // The values the attempt was sent with, as the form had them (this form wrote them).
  const [values, setValues] = useState<F>((kept?.values as F | undefined) ?? options.initial);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [attempted, setAttempted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | undefined>(
    kept?.values !== undefined ? { restoredUnanswered: true } : undefined,
  );
  const [pending, setPending] = useState<EventRecord[] | undefined>();
  // A form that keeps its values after an append would record the same again on a second click: not until a field
  // has been changed (even back to what it was).
  const [unchangedSinceAppend, setUnchangedSinceAppend] = useState(false);
  // The events of the last append that did not end in counts (an error, a lost or late answer): sent again as they
  // are, the same ids, while the values stay the same, so an attempt that did arrive after all counts once. Kept
  // for the tab (sessionStorage), so a reload does not turn the same values into new ids.
  const unansweredRef = useRef<Unanswered | undefined>(kept?.attempt);
  const unanswered = {
    get current(): Unanswered | undefined {
      return unansweredRef.current;
    },
    set current(attempt: Unanswered | undefined) {
      unansweredRef.current = attempt;
      keepUnanswered(storageKey, attempt);
    },
  };
  const { t } = useWords();
  const attemptKey = JSON.stringify([options.session.region, options.session.year, values]);
  const errors = options.check(values);
  const valid = Object.values(errors).every((e) => e === undefined);
  // What was recorded (or refused) was for the year it was sent in: another year clears it, not what is typed.
  useChange(options.session.year, () => {
    setResult(undefined);
    setPending(undefined);
    setUnchangedSinceAppend(false);
  });

  // The values as of the last render: an answer can come after the user has typed on (an append may wait long).
  const currentKey = useRef(attemptKey);
  currentKey.current = attemptKey;
  /** After events sent with the values of `sentKey` were recorded. What was typed since then is kept. */
  const afterAppend = (events: EventRecord[], rejected: number, sentKey: string): void => {
    unanswered.current = undefined;
    if (rejected === 0 && currentKey.current === sentKey) {
      if (options.keepValues !== true) {
        setValues(options.initial);
        setTouched(new Set());
      } else setUnchangedSinceAppend(true);
    }
    setAttempted(false);
    options.onAppended?.(events);
  };
  const appendNow = async (events: EventRecord[]): Promise<void> => {
    const sentKey = attemptKey;
    unanswered.current = { key: sentKey, events };
    let counts: ImportCounts;
    try {
      counts = await append(options.session.api, events);
    } catch (failure) {
      throw new AppendFailed(failure);
    }
    setResult({ counts });
    // Rejected after a clean dry run: something changed meanwhile. The values stay, so they can be changed.
    afterAppend(events, counts.rejected, sentKey);
  };
  /**
   * Whether the dry run of an attempt sent earlier with the values of `key` finds it in the log. If so, that is
   * said (recorded after all, or recorded as rejected and why) and the attempt counts as answered.
   */
  const arrivedEarlier = (events: EventRecord[], key: string, answer: DryRun): boolean => {
    if (!allInLog(answer)) return false;
    const reasons = answer.lines.flatMap((l) => l.issues.map((i) => i.reason));
    if (reasons.length === 0) {
      setResult({ alreadyRecorded: true });
      afterAppend(events, 0, key);
    } else {
      // The values stay, to be changed.
      unanswered.current = undefined;
      setResult({ recordedRejected: reasons });
    }
    return true;
  };
  // After a reload that brought an unanswered attempt back: find out at once whether it arrived, rather than leave
  // the form to call its own spending id "already used". Not known (the check failed): the message says to send
  // the values again, which is safe.
  useEffect(() => {
    if (kept?.values === undefined) return;
    const { events, key } = kept.attempt;
    let current = true;
    dryRun(options.session.api, events).then(
      (answer) => {
        if (current && unanswered.current?.key === key) arrivedEarlier(events, key, answer);
      },
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, []);
  const guarded = async (work: () => Promise<void>): Promise<void> => {
    setBusy(true);
    try {
      await work();
    } catch (error) {
      setResult({ error: messageOf(error, t) });
    } finally {
      setBusy(false);
    }
  };
  const changed = (next: F, fields: string[]): void => {
    setValues(next);
    setTouched(new Set([...touched, ...fields]));
    setResult(undefined);
    setPending(undefined);
    setUnchangedSinceAppend(false);
  };

  return {
    idPrefix: options.idPrefix,
    values,
    errors,
    valid,
    attempted,
    busy,
    result,
    pending,
    bind: (field) => {
      const onInput = (value: string): void => {
        changed({ ...values, [field]: value }, [field]);
      };
      return {
        id: `${options.idPrefix}${field}`,
        value: values[field] ?? '',
        error: attempted || touched.has(field) ? errors[field] : undefined,
        onInput,
        onChange: onInput,
      };
    },
    replace: (next) => {
      changed(
        next,
        Object.keys(next).filter((k) => next[k] !== ''),
      );
    },
    send: async () => {
      if (!valid) {
        setAttempted(true);
        return;
      }
      if (unchangedSinceAppend) {
        setResult({ unchanged: true });
        return;
      }
      const previous = unanswered.current;
      if (previous !== undefined && previous.key !== attemptKey) {
        // The values were changed after an attempt whose answer never came: first find out whether it arrived,
        // before anything new is sent (a changed reference would otherwise record the same commitment twice).
        const earlier = { checked: false, arrived: false };
        await guarded(async () => {
          const answer = await dryRun(options.session.api, previous.events);
          earlier.arrived = allInLog(answer);
          earlier.checked = true;
        });
        // Not known yet (the check failed, its error is on screen): nothing new is sent until it is.
        if (!earlier.checked) return;
        unanswered.current = undefined;
        if (earlier.arrived) {
          setResult({ earlierArrived: true });
          options.onAppended?.(previous.events);
          return;
        }
      }
      const again = unanswered.current?.key === attemptKey ? unanswered.current.events : undefined;
      const events = again ?? options.events(values);
      await guarded(async () => {
        const answer = await dryRun(options.session.api, events);
        // The earlier attempt arrived: accepted (done), or rejected (said, and the values stay to be changed).
        if (again !== undefined && arrivedEarlier(events, attemptKey, answer)) return;
        if (!answer.ok) setResult({ refused: answer });
        else if (options.confirm === true) setPending(events);
        else await appendNow(events);
      });
    },
    confirm: async () => {
      if (pending === undefined) return;
      setPending(undefined);
      await guarded(() => appendNow(pending));
    },
    cancel: () => {
      setPending(undefined);
    },
  };
}

export function SubmissionMessage({ result }: { result: Result | undefined }): JSX.Element | null {
  const { t } = useWords();
  if (result === undefined) return null;
  if ('error' in result) return <Message kind="error">{result.error}</Message>;
  if ('unchanged' in result) return <Message kind="error">{t.unchangedSinceAppend}</Message>;
  if ('alreadyRecorded' in result) return <Message kind="ok">{t.alreadyRecordedEarlier}</Message>;
  if ('earlierArrived' in result) return <Message kind="error">{t.earlierAttemptArrived}</Message>;
  if ('restoredUnanswered' in result) return <Message kind="error">{t.unansweredRestored}</Message>;
  if ('recordedRejected' in result)
    return (
      <Message kind="error">
        {t.recordedRejectedEarlier} {result.recordedRejected.map((r) => t.rejectionHelp[r] ?? r).join(' ')}
      </Message>
    );
  if ('refused' in result) return <Message kind="error">{problemsOf(result.refused, t).join('; ')}</Message>;
  const c = result.counts;
  const counts = `${t.recorded}: ${String(c.appended)} (${String(c.accepted)} ${t.accepted}, ${String(c.rejected)} ${t.rejected})`;
  return c.rejected > 0 ? (
    <Message kind="error">
      {counts}. {t.appendedRejected}
    </Message>
  ) : (
    <Message kind="ok">{counts}</Message>
  );
}

/** The question before an append that cannot be undone; it takes the focus when it appears. */
function Confirmation({
  id,
  question,
  confirmLabel,
  onConfirm,
  onCancel,
}: {
  id: string;
  question: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}): JSX.Element {
  const { t } = useWords();
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    box.current?.focus();
  }, []);
  return (
    <div
      ref={box}
      id={id}
      class="confirm"
      role="alertdialog"
      aria-modal="false"
      aria-labelledby={`${id}-question`}
      tabIndex={-1}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <p id={`${id}-question`}>{question}</p>
      <button type="button" class="danger" onClick={onConfirm}>
        {confirmLabel}
      </button>{' '}
      <button type="button" onClick={onCancel}>
        {t.cancel}
      </button>
    </div>
  );
}

/**
 * The `<form>` of an event form: its fields (children), the form-wide error, the submit button, the confirmation
 * when one is asked for, and what the dry run or the append said.
 */
export function EventFormBody<F extends Record<string, string>>(props: {
  form: EventForm<F>;
  submitLabel: string;
  class?: string;
  /** With `confirm`: the question, and the label of the button that appends. */
  question?: string;
  confirmLabel?: string;
  /** Buttons after the submit button (a cancel button of an inline form). */
  extra?: ComponentChildren;
  children: ComponentChildren;
}): JSX.Element {
  const { t } = useWords();
  const { form } = props;
  // The confirmation takes the focus when it appears; when it goes (answered, cancelled, or the year changed), the
  // focus comes back to the submit button once that can take it again, rather than being lost with the dialog.
  const submit = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  useEffect(() => {
    if (form.pending !== undefined) asked.current = true;
    else if (asked.current && !form.busy) {
      asked.current = false;
      // Only a focus lost with the dialog: one the user has put in a field (which closed it) stays there.
      const active = document.activeElement;
      if (active === null || active === document.body) submit.current?.focus();
    }
  }, [form.pending, form.busy]);
  return (
    <>
      <form
        class={props.class}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void form.send();
        }}
      >
        {form.errors.form !== undefined && <Message kind="error">{form.errors.form}</Message>}
        {props.children}
        <button ref={submit} type="submit" disabled={form.busy || form.pending !== undefined}>
          {props.submitLabel}
        </button>
        {props.extra}
        {form.attempted && !form.valid && <Message kind="error">{t.fixErrors}</Message>}
      </form>
      {form.pending !== undefined && (
        <Confirmation
          id={`${form.idPrefix}confirm`}
          question={props.question ?? ''}
          confirmLabel={props.confirmLabel ?? props.submitLabel}
          onConfirm={() => void form.confirm()}
          onCancel={form.cancel}
        />
      )}
      <SubmissionMessage result={form.result} />
    </>
  );
}

/** A form under its own heading. */
export function FormSection(props: {
  id: string;
  heading: string;
  children: ComponentChildren;
}): JSX.Element {
  return (
    <section aria-labelledby={`${props.id}-heading`}>
      <h2 id={`${props.id}-heading`}>{props.heading}</h2>
      {props.children}
    </section>
  );
}

/** Lines of a text area as a list: trimmed, empty lines left out. */
export function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** Checks shared by the forms; each gives the error to show, or undefined. */
export const checks = {
  identifier(value: string, t: Words): string | undefined {
    if (value === '') return t.required;
    return IDENTIFIER.test(value) ? undefined : t.badIdentifier;
  },
  /** Free text of at most 2000 characters (CONTRACT section 2 leaves the bound to us; validation uses 2000). */
  text(value: string, required: boolean, t: Words): string | undefined {
    if (required && value.trim() === '') return t.required;
    return value.length > 2000 ? t.tooLong : undefined;
  },
  /** A list typed one item a line: at most 200 items of at most 2000 characters. */
  lines(value: string, t: Words): string | undefined {
    const items = lines(value);
    if (items.length > 200) return t.tooManyLines;
    return items.some((l) => l.length > 2000) ? t.tooLong : undefined;
  },
  year(value: string, t: Words): string | undefined {
    if (value.trim() === '') return t.required;
    return /^\d{4}$/.test(value.trim()) && Number(value) >= 2000 && Number(value) <= 2100
      ? undefined
      : t.badYear;
  },
};
