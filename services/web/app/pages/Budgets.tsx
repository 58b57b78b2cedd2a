//! Controllers: set an action's budget for the year and a funding key, with the same checks as spending.
import type { JSX } from 'preact';
import type { RegionActions } from '../api';
import { event } from '../events';
import { EventFormBody, FormSection, useEventForm, type FormErrors } from '../form';
import { parseUserAmount, parseUserShare, shareNanos } from '../format';
import { badAmountText, useWords, type Words } from '../i18n';
import { AmountInput, LoadState, Message, Select, TextInput, useRegionActions, type Session } from '../ui';
import { actionOptions } from './Spending';

export function BudgetsPage({ session }: { session: Session }): JSX.Element {
  const { t } = useWords();
  const actions = useRegionActions(session);
  return (
    <>
      <h1>
        {t.navBudgets} {session.region} {session.year}
      </h1>
      <LoadState loaded={actions} />
      {actions.data !== undefined && (
        <>
          {actions.data.closed && <Message kind="error">{t.yearClosed}</Message>}
          <BudgetForm session={session} actions={actions.data} onDone={actions.reload} />
          <KeyForm session={session} actions={actions.data} onDone={actions.reload} />
        </>
      )}
    </>
  );
}

interface Props {
  session: Session;
  actions: RegionActions;
  onDone: () => void;
}

/** The action of a budget or key: known, and its lead time includes the year. */
function actionError(actions: RegionActions, actionId: string, t: Words): string | undefined {
  const action = actions.actions.find((a) => a.actionId === actionId);
  if (action === undefined) return t.unknownAction;
  return action.inLeadTime
    ? undefined
    : `${t.outsideLeadTime} (${String(action.startYear)}-${String(action.endYear)}).`;
}

function BudgetForm({ session, actions, onDone }: Props): JSX.Element {
  const { t } = useWords();
  const form = useEventForm({
    session,
    idPrefix: 'budget-',
    initial: { action: '', amount: '' },
    check: (values) => {
      const errors: FormErrors<typeof values> = {};
      if (actions.closed) errors.form = t.yearClosed;
      errors.action = values.action === '' ? t.required : actionError(actions, values.action, t);
      if (values.amount.trim() === '') errors.amount = t.required;
      else if (parseUserAmount(values.amount, t.amountConvention) === null)
        errors.amount = badAmountText(values.amount, t);
      return errors;
    },
    events: (values) => [
      event(session, 'BudgetSet', {
        actionId: values.action,
        year: session.year,
        amount: parseUserAmount(values.amount, t.amountConvention),
      }),
    ],
    onAppended: onDone,
    keepValues: true,
  });
  return (
    <FormSection id="budget" heading={t.setBudget}>
      <EventFormBody form={form} submitLabel={t.send}>
        <div class="grid">
          <Select
            label={t.action}
            {...form.bind('action')}
            options={[{ value: '', label: t.chooseAction }, ...actionOptions(actions)]}
          />
          <AmountInput label={t.amount} {...form.bind('amount')} />
        </div>
      </EventFormBody>
    </FormSection>
  );
}

function KeyForm({ session, actions, onDone }: Props): JSX.Element {
  const { t } = useWords();
  const shareField = (funder: string): string => `share-${funder}`;
  const sharesOf = (values: Record<string, string>): Record<string, string | null> =>
    Object.fromEntries(actions.funders.map((f) => [f.id, parseUserShare(values[shareField(f.id)] ?? '')]));
  const form = useEventForm<Record<string, string>>({
    session,
    idPrefix: 'key-',
    initial: { action: '', ...Object.fromEntries(actions.funders.map((f) => [shareField(f.id), ''])) },
    check: (values) => {
      const errors: FormErrors<Record<string, string>> = {};
      if (actions.closed) errors.form = t.yearClosed;
      else if (actions.funders.length === 0) errors.form = t.regionNotConfigured;
      if (values.action !== '' && values.action !== undefined)
        errors.action = actionError(actions, values.action, t);
      const parsed = sharesOf(values);
      for (const f of actions.funders) {
        const typed = values[shareField(f.id)] ?? '';
        if (typed.trim() === '') errors[shareField(f.id)] = t.required;
        else if (parsed[f.id] === null) errors[shareField(f.id)] = t.badShare;
      }
      if (Object.values(parsed).every((p) => p !== null) && shareSum(parsed) !== 1_000_000_000n)
        errors.shares = t.sharesMustBeOne;
      return errors;
    },
    events: (values) => {
      const data: Record<string, unknown> = { year: session.year, shares: sharesOf(values) };
      if (values.action !== '') data.actionId = values.action;
      return [event(session, 'FundingKeySet', data)];
    },
    onAppended: onDone,
    keepValues: true,
  });
  const sum = shareSum(sharesOf(form.values));
  const sumText = `${String(sum / 1_000_000_000n)}.${(sum % 1_000_000_000n).toString().padStart(9, '0')}`
    .replace(/0+$/, '')
    .replace(/\.$/, '')
    // In Dutch "1.146" reads as a thousand and more: the decimal comma, as the shares are typed.
    .replace('.', t.amountConvention === 'nl' ? ',' : '.');
  return (
    <FormSection id="key" heading={t.setKey}>
      <EventFormBody form={form} submitLabel={t.send}>
        <div class="grid">
          <Select
            label={t.keyAction}
            {...form.bind('action')}
            options={[
              { value: '', label: t.allActions },
              ...actions.actions
                .filter((a) => a.inLeadTime)
                .map((a) => ({ value: a.actionId, label: `${a.actionId}: ${a.title}` })),
            ]}
          />
          {actions.funders.map((f) => (
            <TextInput
              key={f.id}
              label={`${t.share} ${f.name}`}
              {...form.bind(shareField(f.id))}
              inputMode="decimal"
            />
          ))}
        </div>
        <p id="key-share-sum" class={form.errors.shares === undefined ? undefined : 'field-error'}>
          {t.sharesSum}: {sumText} {form.errors.shares}
        </p>
      </EventFormBody>
    </FormSection>
  );
}

/** The sum of the shares given, in billionths. */
function shareSum(shares: Record<string, string | null>): bigint {
  return Object.values(shares).reduce((n, s) => n + (s === null ? 0n : (shareNanos(s) ?? 0n)), 0n);
}
