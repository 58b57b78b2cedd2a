//! Finance officers, controllers and administrators: commit a funder's funding for a year (FundingCommitted), with
//! the same checks as the other forms (funder of the region, year open, amount, reference).
import type { JSX } from 'preact';
import type { AllocationReport, RegionActions } from '../api';
import { event } from '../events';
import { EventFormBody, FormSection, checks, useEventForm, type FormErrors } from '../form';
import { parseUserAmount } from '../format';
import { badAmountText, useWords } from '../i18n';
import {
  AmountInput,
  LoadState,
  Money,
  Select,
  TextInput,
  useChange,
  useLoad,
  useRegionActions,
  type Session,
} from '../ui';

export function FundingPage({ session }: { session: Session }): JSX.Element {
  const { t } = useWords();
  const actions = useRegionActions(session);
  const path = `/api/v1/regions/${session.region}/reports/allocation?year=${String(session.year)}`;
  const report = useLoad(path, () => session.api.json<AllocationReport>(path));
  return (
    <>
      <h1>
        {t.navFunding} {session.region}
      </h1>
      <LoadState loaded={actions} />
      {actions.data !== undefined && (
        <CommitForm
          session={session}
          actions={actions.data}
          onDone={() => {
            actions.reload();
            report.reload();
          }}
        />
      )}
      {report.data !== undefined && (
        <table>
          <caption>
            {t.commitmentsIn} {report.data.year}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t.funder}</th>
              <th scope="col" class="num">
                {t.committed}
              </th>
            </tr>
          </thead>
          <tbody>
            {report.data.funders.map((f) => (
              <tr key={f.funder}>
                <td>{f.funder}</td>
                <td class="num">
                  <Money amount={f.committed} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function CommitForm(props: { session: Session; actions: RegionActions; onDone: () => void }): JSX.Element {
  const { t } = useWords();
  const { actions } = props;
  const form = useEventForm({
    session: props.session,
    idPrefix: 'funding-',
    initial: { funder: '', year: String(props.session.year), amount: '', reference: '' },
    check: (values) => {
      const errors: FormErrors<typeof values> = {};
      if (actions.regionName === null) errors.form = t.regionNotConfigured;
      if (values.funder === '') errors.funder = t.required;
      else if (!actions.funders.some((f) => f.id === values.funder)) errors.funder = t.unknownFunder;
      errors.year =
        checks.year(values.year, t) ??
        (actions.closedYears.includes(Number(values.year)) ? t.yearIsClosed : undefined);
      if (values.amount.trim() === '') errors.amount = t.required;
      else if (parseUserAmount(values.amount, t.amountConvention) === null)
        errors.amount = badAmountText(values.amount, t);
      errors.reference = checks.text(values.reference, true, t);
      return errors;
    },
    events: (values) => [
      event(props.session, 'FundingCommitted', {
        funder: values.funder,
        year: Number(values.year),
        amount: parseUserAmount(values.amount, t.amountConvention),
        reference: values.reference.trim(),
      }),
    ],
    onAppended: props.onDone,
  });
  // The form's year follows the header's when that changes; what else was typed stays (as in the other forms).
  useChange(props.session.year, (year) => {
    form.replace({ ...form.values, year: String(year) });
  });
  return (
    <FormSection id="funding" heading={t.commitFunding}>
      <EventFormBody form={form} submitLabel={t.send}>
        <div class="grid">
          <Select
            label={t.funder}
            {...form.bind('funder')}
            options={[
              { value: '', label: t.chooseFunder },
              ...actions.funders.map((f) => ({ value: f.id, label: `${f.id}: ${f.name}` })),
            ]}
          />
          <TextInput label={t.year} {...form.bind('year')} inputMode="numeric" />
          <AmountInput label={t.amount} {...form.bind('amount')} />
          <TextInput label={t.reference} {...form.bind('reference')} />
        </div>
      </EventFormBody>
    </FormSection>
  );
}
