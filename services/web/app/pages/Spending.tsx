//! Finance officers: record a spending item (checked as they type), upload a CSV from the financial system with a
//! preview of every error by line, and correct or reverse items with a reason.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { RegionActions, SpendingItem, SpendingList } from '../api';
import { event, spendingData } from '../events';
import { EventFormBody, FormSection, useEventForm, type FormErrors } from '../form';
import { isPositive, parseUserAmount, parseUserDate } from '../format';
import { badAmountText, useWords, type Words } from '../i18n';
import {
  AmountInput,
  IDENTIFIER,
  LoadState,
  Message,
  Money,
  Select,
  TextInput,
  useLoad,
  useRegionActions,
  type Session,
} from '../ui';
import { CsvUpload } from './CsvUpload';

export function SpendingPage({ session }: { session: Session }): JSX.Element {
  const { t } = useWords();
  const key = `${session.region}/${String(session.year)}`;
  const actions = useRegionActions(session);
  const items = useLoad(`spending/${key}`, () =>
    session.api.json<SpendingList>(`/api/v1/regions/${session.region}/spending?year=${String(session.year)}`),
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
      <ItemsTable
        session={session}
        items={items.data?.items}
        closed={actions.data?.closed === true}
        onChanged={changed}
      />
    </>
  );
}

interface Form extends Record<string, string> {
  spendingId: string;
  actionId: string;
  amount: string;
  bookedOn: string;
  payee: string;
  invoiceRef: string;
  description: string;
}

/** What is wrong with the form as it stands, per field; checked on every keystroke. */
function formErrors(form: Form, actions: RegionActions, usedIds: Set<string>, t: Words): FormErrors<Form> {
  const errors: FormErrors<Form> = {};
  if (form.spendingId === '') errors.spendingId = t.required;
  else if (!IDENTIFIER.test(form.spendingId)) errors.spendingId = t.badIdentifier;
  else if (usedIds.has(form.spendingId)) errors.spendingId = t.idInUse;
  const action = actions.actions.find((a) => a.actionId === form.actionId);
  if (form.actionId === '') errors.actionId = t.required;
  else if (action === undefined) errors.actionId = t.unknownAction;
  else if (!action.inLeadTime)
    errors.actionId = `${t.outsideLeadTime} (${String(action.startYear)}-${String(action.endYear)}).`;
  else if (!action.hasFundingKey) errors.actionId = t.noFundingKey;
  if (actions.closed) errors.form = t.yearClosed;
  const amount = parseUserAmount(form.amount, t.amountConvention);
  if (form.amount.trim() === '') errors.amount = t.required;
  else if (amount === null) errors.amount = badAmountText(form.amount, t);
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
  const form = useEventForm<Form>({
    session: props.session,
    idPrefix: '',
    initial: EMPTY,
    check: (values) => formErrors(values, props.actions, props.usedIds, t),
    events: (values) => [
      event(
        props.session,
        'SpendingRecorded',
        spendingData({
          ...values,
          year: props.session.year,
          amount: parseUserAmount(values.amount, t.amountConvention) ?? '',
          bookedOn: parseUserDate(values.bookedOn) ?? '',
        }),
      ),
    ],
    onAppended: props.onRecorded,
  });
  return (
    <FormSection id="record" heading={t.recordSpending}>
      <EventFormBody form={form} submitLabel={t.record}>
        <div class="grid">
          <TextInput label={t.spendingId} {...form.bind('spendingId')} required />
          <Select
            label={t.action}
            {...form.bind('actionId')}
            options={[{ value: '', label: t.chooseAction }, ...actionOptions(props.actions)]}
          />
          <AmountInput label={t.amount} {...form.bind('amount')} required />
          <TextInput label={t.bookedOn} type="date" {...form.bind('bookedOn')} required />
          <TextInput label={t.payee} {...form.bind('payee')} required />
          <TextInput label={`${t.invoiceRef} ${t.optional}`} {...form.bind('invoiceRef')} />
          <TextInput label={`${t.description} ${t.optional}`} {...form.bind('description')} />
        </div>
      </EventFormBody>
    </FormSection>
  );
}

function ItemsTable(props: {
  session: Session;
  items: SpendingItem[] | undefined;
  /** The year is closed: its items can no longer be corrected or reversed, so that is not offered. */
  closed: boolean;
  onChanged: () => void;
}): JSX.Element {
  const { t } = useWords();
  const [editing, setEditing] = useState<{ id: string; kind: 'correct' | 'reverse' } | undefined>();
  // Where the focus goes back to when a correct or reverse form closes (its button, or the table's heading when the
  // item was reversed and has no buttons left), and what was just recorded, said to screen readers too.
  const [returnFocus, setReturnFocus] = useState<
    { id: string; until: SpendingItem[] | undefined } | undefined
  >();
  const [changedItem, setChangedItem] = useState<string | undefined>();
  useEffect(() => {
    // After a change, wait for the reloaded items: a reversed item's buttons go then.
    if (returnFocus === undefined || props.items === returnFocus.until) return;
    (document.getElementById(returnFocus.id) ?? document.getElementById('items-heading'))?.focus();
    setReturnFocus(undefined);
  }, [returnFocus, props.items]);
  return (
    <section aria-labelledby="items-heading">
      <h2 id="items-heading" tabIndex={-1}>
        {t.items} {props.session.year}
      </h2>
      {changedItem !== undefined && <Message kind="ok">{changedItem}</Message>}
      {props.closed && props.items !== undefined && props.items.length > 0 && <p>{t.yearClosed}</p>}
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
                  {item.active && !props.closed && editing?.id !== item.spendingId && (
                    <>
                      <button
                        type="button"
                        id={`correct-button-${item.spendingId}`}
                        onClick={() => {
                          setEditing({ id: item.spendingId, kind: 'correct' });
                          setChangedItem(undefined);
                        }}
                        aria-label={`${t.correct} ${item.spendingId}`}
                      >
                        {t.correct}
                      </button>{' '}
                      <button
                        type="button"
                        id={`reverse-button-${item.spendingId}`}
                        onClick={() => {
                          setEditing({ id: item.spendingId, kind: 'reverse' });
                          setChangedItem(undefined);
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
                        setReturnFocus({
                          id: `${editing.kind}-button-${item.spendingId}`,
                          until: changed ? props.items : undefined,
                        });
                        setChangedItem(
                          changed ? `${t.recorded}: ${t[editing.kind]} ${item.spendingId}` : undefined,
                        );
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
  const { spendingId } = props.item;
  const form = useEventForm({
    session: props.session,
    idPrefix: `${props.kind}-${spendingId}-`,
    initial: { amount: props.item.amount, reason: '' },
    check: (values) => {
      const errors: FormErrors<typeof values> = {};
      const parsed = parseUserAmount(values.amount, t.amountConvention);
      if (props.kind === 'correct') {
        if (values.amount.trim() === '') errors.amount = t.required;
        else if (parsed === null) errors.amount = badAmountText(values.amount, t);
        else if (!isPositive(parsed)) errors.amount = t.amountNotPositive;
      }
      if (values.reason.trim() === '') errors.reason = t.required;
      return errors;
    },
    events: (values) => [
      props.kind === 'correct'
        ? event(props.session, 'SpendingCorrected', {
            spendingId,
            amount: parseUserAmount(values.amount, t.amountConvention),
            reason: values.reason,
          })
        : event(props.session, 'SpendingReversed', { spendingId, reason: values.reason }),
    ],
    onAppended: () => {
      props.onDone(true);
    },
  });
  return (
    <EventFormBody
      form={form}
      class="inline-form"
      submitLabel={props.kind === 'correct' ? t.correct : t.reverse}
      extra={
        <button
          type="button"
          onClick={() => {
            props.onDone(false);
          }}
        >
          {t.cancel}
        </button>
      }
    >
      {props.kind === 'correct' && <AmountInput label={t.newAmount} {...form.bind('amount')} />}
      <TextInput label={t.reason} {...form.bind('reason')} />
    </EventFormBody>
  );
}

/** The region's actions as options of a select: id, title and lead time. */
export function actionOptions(actions: RegionActions): { value: string; label: string }[] {
  return actions.actions.map((a) => ({
    value: a.actionId,
    label: `${a.actionId}: ${a.title} (${String(a.startYear)}-${String(a.endYear)})`,
  }));
}
