//! Finance officers: record a spending item (checked as they type), upload a CSV from the financial system with a
//! preview of every error by line, and correct or reverse items with a reason.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { RegionActions, SpendingItem } from '../api';
import { problemsOf, spendingData, submit, event, type Submission } from '../events';
import { isPositive, parseUserAmount, parseUserDate } from '../format';
import { useWords, type Words } from '../i18n';
import { IDENTIFIER, LoadState, Message, Money, Select, TextInput, useLoad, type Session } from '../ui';
import { CsvUpload } from './CsvUpload';

export function SpendingPage({ session }: { session: Session }): JSX.Element {
  const { t } = useWords();
  const key = `${session.region}/${String(session.year)}`;
  const actions = useLoad(`actions/${key}`, () =>
    session.api.json<RegionActions>(`/api/v1/regions/${session.region}/actions?year=${String(session.year)}`),
  );
  const items = useLoad(`spending/${key}`, () =>
    session.api.json<{ items: SpendingItem[] }>(
      `/api/v1/regions/${session.region}/spending?year=${String(session.year)}`,
    ),
  );
  const changed = (): void => {
    actions.reload();
    items.reload();
  };
  return (
    <>
      <h1>{t.navSpending}</h1>
      <LoadState loaded={actions} />
      {actions.data !== undefined && (
        <RecordForm
          session={session}
          actions={actions.data}
          usedIds={new Set(items.data?.items.map((i) => i.spendingId) ?? [])}
          onRecorded={changed}
        />
      )}
      <CsvUpload session={session} onAppended={changed} />
      <ItemsTable session={session} items={items.data?.items} onChanged={changed} />
    </>
  );
}

interface Form {
  spendingId: string;
  actionId: string;
  amount: string;
  bookedOn: string;
  payee: string;
  invoiceRef: string;
  description: string;
}

/** What is wrong with the form as it stands, per field; checked on every keystroke. */
function formErrors(
  form: Form,
  actions: RegionActions,
  usedIds: Set<string>,
  t: Words,
): Partial<Record<keyof Form | 'year', string>> {
  const errors: Partial<Record<keyof Form | 'year', string>> = {};
  if (form.spendingId === '') errors.spendingId = t.required;
  else if (!IDENTIFIER.test(form.spendingId)) errors.spendingId = t.badIdentifier;
  else if (usedIds.has(form.spendingId)) errors.spendingId = t.idInUse;
  const action = actions.actions.find((a) => a.actionId === form.actionId);
  if (form.actionId === '') errors.actionId = t.required;
  else if (action === undefined) errors.actionId = t.unknownAction;
  else if (!action.inLeadTime)
    errors.actionId = `${t.outsideLeadTime} (${String(action.startYear)}-${String(action.endYear)}).`;
  else if (!action.hasFundingKey) errors.actionId = t.noFundingKey;
  if (actions.closed) errors.year = t.yearClosed;
  const amount = parseUserAmount(form.amount);
  if (form.amount.trim() === '') errors.amount = t.required;
  else if (amount === null) errors.amount = t.badAmount;
  else if (!isPositive(amount)) errors.amount = t.amountNotPositive;
  if (form.bookedOn === '') errors.bookedOn = t.required;
  else if (parseUserDate(form.bookedOn) === null) errors.bookedOn = t.badDate;
  if (form.payee.trim() === '') errors.payee = t.required;
  return errors;
}

const EMPTY: Form = {
  spendingId: '',
  actionId: '',
  amount: '',
  bookedOn: '',
  payee: '',
  invoiceRef: '',
  description: '',
};

function RecordForm(props: {
  session: Session;
  actions: RegionActions;
  usedIds: Set<string>;
  onRecorded: () => void;
}): JSX.Element {
  const { t } = useWords();
  const [form, setForm] = useState<Form>(EMPTY);
  const [touched, setTouched] = useState<Set<keyof Form>>(new Set());
  const [result, setResult] = useState<Submission | { error: string } | undefined>();
  const errors = formErrors(form, props.actions, props.usedIds, t);
  const set = (field: keyof Form) => (value: string) => {
    setForm({ ...form, [field]: value });
    setTouched(new Set([...touched, field]));
    setResult(undefined);
  };
  // Errors show for fields the user has typed in; after a submit attempt, for all.
  const shown = (field: keyof Form): string | undefined => (touched.has(field) ? errors[field] : undefined);
  const amount = parseUserAmount(form.amount);
  const valid = Object.keys(errors).length === 0;
  const send = async (): Promise<void> => {
    setTouched(new Set(Object.keys(EMPTY) as (keyof Form)[]));
    if (!valid || amount === null) return;
    try {
      const data = spendingData({
        ...form,
        year: props.session.year,
        amount,
        bookedOn: parseUserDate(form.bookedOn) ?? '',
      });
      const outcome = await submit(props.session.api, [event(props.session, 'SpendingRecorded', data)]);
      setResult(outcome);
      if (outcome.counts !== undefined) {
        setForm(EMPTY);
        setTouched(new Set());
        props.onRecorded();
      }
    } catch (error) {
      setResult({ error: error instanceof Error ? error.message : String(error) });
    }
  };
  return (
    <section aria-labelledby="record-heading">
      <h2 id="record-heading">{t.recordSpending}</h2>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        {errors.year !== undefined && <Message kind="error">{errors.year}</Message>}
        <div class="grid">
          <TextInput
            id="spendingId"
            label={t.spendingId}
            value={form.spendingId}
            onInput={set('spendingId')}
            error={shown('spendingId')}
            required
          />
          <Select
            id="actionId"
            label={t.action}
            value={form.actionId}
            onChange={set('actionId')}
            error={shown('actionId')}
            options={[
              { value: '', label: t.chooseAction },
              ...props.actions.actions.map((a) => ({
                value: a.actionId,
                label: `${a.actionId}: ${a.title} (${String(a.startYear)}-${String(a.endYear)})`,
              })),
            ]}
          />
          <TextInput
            id="amount"
            label={t.amount}
            value={form.amount}
            onInput={set('amount')}
            error={shown('amount')}
            hint={
              amount !== null && errors.amount === undefined ? `${t.willBeRecorded} ${amount}` : t.amountHint
            }
            inputMode="decimal"
            required
          />
          <TextInput
            id="bookedOn"
            label={t.bookedOn}
            type="date"
            value={form.bookedOn}
            onInput={set('bookedOn')}
            error={shown('bookedOn')}
            required
          />
          <TextInput
            id="payee"
            label={t.payee}
            value={form.payee}
            onInput={set('payee')}
            error={shown('payee')}
            required
          />
          <TextInput
            id="invoiceRef"
            label={`${t.invoiceRef} ${t.optional}`}
            value={form.invoiceRef}
            onInput={set('invoiceRef')}
          />
          <TextInput
            id="description"
            label={`${t.description} ${t.optional}`}
            value={form.description}
            onInput={set('description')}
          />
        </div>
        <button type="submit">{t.record}</button>
        {touched.size === Object.keys(EMPTY).length && !valid && (
          <Message kind="error">{t.fixErrors}</Message>
        )}
      </form>
      <SubmissionMessage result={result} />
    </section>
  );
}

export function SubmissionMessage({
  result,
}: {
  result: Submission | { error: string } | undefined;
}): JSX.Element | null {
  const { t } = useWords();
  if (result === undefined) return null;
  if ('error' in result) return <Message kind="error">{result.error}</Message>;
  if (result.counts === undefined) {
    return <Message kind="error">{problemsOf(result.dryRun).join('; ')}</Message>;
  }
  const c = result.counts;
  return (
    <Message kind="ok">
      {t.recorded}: {c.appended} ({c.accepted} {t.accepted}, {c.rejected} {t.rejected})
    </Message>
  );
}

function ItemsTable(props: {
  session: Session;
  items: SpendingItem[] | undefined;
  onChanged: () => void;
}): JSX.Element {
  const { t } = useWords();
  const [editing, setEditing] = useState<{ id: string; kind: 'correct' | 'reverse' } | undefined>();
  return (
    <section aria-labelledby="items-heading">
      <h2 id="items-heading">
        {t.items} {props.session.year}
      </h2>
      {props.items === undefined ? null : props.items.length === 0 ? (
        <p>{t.noItems}</p>
      ) : (
        <table>
          <caption class="visually-hidden">{t.items}</caption>
          <thead>
            <tr>
              <th scope="col">{t.spendingId}</th>
              <th scope="col">{t.action}</th>
              <th scope="col" class="num">
                {t.amount}
              </th>
              <th scope="col">{t.bookedOn}</th>
              <th scope="col">{t.payee}</th>
              <th scope="col">{t.status}</th>
              <th scope="col">
                <span class="visually-hidden">{t.correct}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.items.map((item) => (
              <tr key={item.spendingId}>
                <td>{item.spendingId}</td>
                <td>{item.actionId}</td>
                <td class="num">
                  <Money amount={item.amount} />
                </td>
                <td>{item.bookedOn}</td>
                <td>{item.payee}</td>
                <td>{item.active ? t.active : t.reversed}</td>
                <td>
                  {item.active && editing?.id !== item.spendingId && (
                    <>
                      <button
                        type="button"
                        onClick={() => {
                          setEditing({ id: item.spendingId, kind: 'correct' });
                        }}
                        aria-label={`${t.correct} ${item.spendingId}`}
                      >
                        {t.correct}
                      </button>{' '}
                      <button
                        type="button"
                        onClick={() => {
                          setEditing({ id: item.spendingId, kind: 'reverse' });
                        }}
                        aria-label={`${t.reverse} ${item.spendingId}`}
                      >
                        {t.reverse}
                      </button>
                    </>
                  )}
                  {editing?.id === item.spendingId && (
                    <ChangeForm
                      session={props.session}
                      item={item}
                      kind={editing.kind}
                      onDone={(changed) => {
                        setEditing(undefined);
                        if (changed) props.onChanged();
                      }}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ChangeForm(props: {
  session: Session;
  item: SpendingItem;
  kind: 'correct' | 'reverse';
  onDone: (changed: boolean) => void;
}): JSX.Element {
  const { t } = useWords();
  const [amount, setAmount] = useState(props.item.amount);
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<Submission | { error: string } | undefined>();
  const parsed = parseUserAmount(amount);
  const amountError =
    props.kind === 'reverse'
      ? undefined
      : parsed === null
        ? t.badAmount
        : !isPositive(parsed)
          ? t.amountNotPositive
          : undefined;
  const reasonError = reason.trim() === '' ? t.required : undefined;
  const prefix = `${props.kind}-${props.item.spendingId}`;
  const send = async (): Promise<void> => {
    if (amountError !== undefined || reasonError !== undefined) return;
    const data =
      props.kind === 'correct'
        ? { spendingId: props.item.spendingId, amount: parsed, reason }
        : { spendingId: props.item.spendingId, reason };
    try {
      const outcome = await submit(props.session.api, [
        event(props.session, props.kind === 'correct' ? 'SpendingCorrected' : 'SpendingReversed', data),
      ]);
      setResult(outcome);
      if (outcome.counts !== undefined) props.onDone(true);
    } catch (error) {
      setResult({ error: error instanceof Error ? error.message : String(error) });
    }
  };
  return (
    <form
      class="inline-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      {props.kind === 'correct' && (
        <TextInput
          id={`${prefix}-amount`}
          label={t.newAmount}
          value={amount}
          onInput={setAmount}
          error={amountError}
          inputMode="decimal"
        />
      )}
      <TextInput
        id={`${prefix}-reason`}
        label={t.reason}
        value={reason}
        onInput={setReason}
        error={reason === '' ? undefined : reasonError}
      />
      <button type="submit" disabled={amountError !== undefined || reasonError !== undefined}>
        {props.kind === 'correct' ? t.correct : t.reverse}
      </button>{' '}
      <button
        type="button"
        onClick={() => {
          props.onDone(false);
        }}
      >
        {t.cancel}
      </button>
      <SubmissionMessage result={result} />
    </form>
  );
}
