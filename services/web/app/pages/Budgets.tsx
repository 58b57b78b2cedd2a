//! Controllers: set an action's budget for the year and a funding key, with the same checks as spending.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { RegionActions } from '../api';
import { event, submit, type Submission } from '../events';
import { parseUserAmount, parseUserShare, shareNanos } from '../format';
import { useWords } from '../i18n';
import { LoadState, Message, Select, TextInput, useLoad, type Session } from '../ui';
import { SubmissionMessage } from './Spending';

export function BudgetsPage({ session }: { session: Session }): JSX.Element {
  const { t } = useWords();
  const path = `/api/v1/regions/${session.region}/actions?year=${String(session.year)}`;
  const actions = useLoad(path, () => session.api.json<RegionActions>(path));
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

function BudgetForm({
  session,
  actions,
  onDone,
}: {
  session: Session;
  actions: RegionActions;
  onDone: () => void;
}): JSX.Element {
  const { t } = useWords();
  const [actionId, setActionId] = useState('');
  const [amount, setAmount] = useState('');
  const [result, setResult] = useState<Submission | { error: string } | undefined>();
  const action = actions.actions.find((a) => a.actionId === actionId);
  const parsed = parseUserAmount(amount);
  const actionError =
    actionId === ''
      ? undefined
      : action === undefined
        ? t.unknownAction
        : !action.inLeadTime
          ? `${t.outsideLeadTime} (${String(action.startYear)}-${String(action.endYear)}).`
          : undefined;
  const amountError = amount === '' ? undefined : parsed === null ? t.badAmount : undefined;
  const ready = action !== undefined && actionError === undefined && parsed !== null && !actions.closed;
  const send = async (): Promise<void> => {
    if (!ready) return;
    try {
      const outcome = await submit(session.api, [
        event(session, 'BudgetSet', { actionId, year: session.year, amount: parsed }),
      ]);
      setResult(outcome);
      if (outcome.counts !== undefined) onDone();
    } catch (error) {
      setResult({ error: error instanceof Error ? error.message : String(error) });
    }
  };
  return (
    <section aria-labelledby="budget-heading">
      <h2 id="budget-heading">{t.setBudget}</h2>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <div class="grid">
          <Select
            id="budget-action"
            label={t.action}
            value={actionId}
            onChange={(v) => {
              setActionId(v);
              setResult(undefined);
            }}
            error={actionError}
            options={[
              { value: '', label: t.chooseAction },
              ...actions.actions.map((a) => ({
                value: a.actionId,
                label: `${a.actionId}: ${a.title} (${String(a.startYear)}-${String(a.endYear)})`,
              })),
            ]}
          />
          <TextInput
            id="budget-amount"
            label={t.amount}
            value={amount}
            onInput={(v) => {
              setAmount(v);
              setResult(undefined);
            }}
            error={amountError}
            hint={parsed === null ? t.amountHint : `${t.willBeRecorded} ${parsed}`}
            inputMode="decimal"
          />
        </div>
        <button type="submit" disabled={!ready}>
          {t.send}
        </button>
      </form>
      <SubmissionMessage result={result} />
    </section>
  );
}

function KeyForm({
  session,
  actions,
  onDone,
}: {
  session: Session;
  actions: RegionActions;
  onDone: () => void;
}): JSX.Element {
  const { t } = useWords();
  const [actionId, setActionId] = useState('');
  const [shares, setShares] = useState<Record<string, string>>({});
  const [result, setResult] = useState<Submission | { error: string } | undefined>();
  const parsed = Object.fromEntries(actions.funders.map((f) => [f.id, parseUserShare(shares[f.id] ?? '')]));
  const complete = Object.values(parsed).every((s) => s !== null);
  const sum = Object.values(parsed).reduce((n, s) => n + (s === null ? 0n : (shareNanos(s) ?? 0n)), 0n);
  const sumText = `${String(sum / 1_000_000_000n)}.${(sum % 1_000_000_000n).toString().padStart(9, '0')}`
    .replace(/0+$/, '')
    .replace(/\.$/, '');
  const sumError = complete && sum !== 1_000_000_000n ? t.sharesMustBeOne : undefined;
  const ready = complete && sumError === undefined && !actions.closed && actions.funders.length > 0;
  const send = async (): Promise<void> => {
    if (!ready) return;
    const data: Record<string, unknown> = { year: session.year, shares: parsed };
    if (actionId !== '') data.actionId = actionId;
    try {
      const outcome = await submit(session.api, [event(session, 'FundingKeySet', data)]);
      setResult(outcome);
      if (outcome.counts !== undefined) onDone();
    } catch (error) {
      setResult({ error: error instanceof Error ? error.message : String(error) });
    }
  };
  return (
    <section aria-labelledby="key-heading">
      <h2 id="key-heading">{t.setKey}</h2>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <div class="grid">
          <Select
            id="key-action"
            label={t.keyAction}
            value={actionId}
            onChange={setActionId}
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
              id={`share-${f.id}`}
              label={`${t.share} ${f.name}`}
              value={shares[f.id] ?? ''}
              onInput={(v) => {
                setShares({ ...shares, [f.id]: v });
                setResult(undefined);
              }}
              error={(shares[f.id] ?? '') !== '' && parsed[f.id] === null ? t.badShare : undefined}
              inputMode="decimal"
            />
          ))}
        </div>
        <p id="share-sum" class={sumError === undefined ? undefined : 'field-error'}>
          {t.sharesSum}: {sumText} {sumError}
        </p>
        <button type="submit" disabled={!ready}>
          {t.send}
        </button>
      </form>
      <SubmissionMessage result={result} />
    </section>
  );
}
