//! Controllers and administrators: define an action or change its definition (ActionDefined): theme, title,
//! intended result, partners and lead time, checked as they type (a lead time that would leave out a year with a
//! budget or spending is refused by the rules, so the form says so first).
import type { JSX } from 'preact';
import type { ActionSummary, RegionActions } from '../api';
import { event } from '../events';
import { EventFormBody, FormSection, checks, lines, useEventForm, type FormErrors } from '../form';
import { useWords, type Words } from '../i18n';
import { LoadState, Select, TextArea, TextInput, useRegionActions, type Session } from '../ui';

const THEMES = ['in-beeld', 'samenwerking', 'opvang-hulpverlening'];

interface Definition extends Record<string, string> {
  actionId: string;
  theme: string;
  title: string;
  intendedResult: string;
  partners: string;
  startYear: string;
  endYear: string;
}

export function ActionsPage({ session }: { session: Session }): JSX.Element {
  const { t } = useWords();
  const actions = useRegionActions(session);
  return (
    <>
      <h1>
        {t.navActions} {session.region}
      </h1>
      <LoadState loaded={actions} />
      {actions.data !== undefined && (
        <DefineForm session={session} actions={actions.data} onDone={actions.reload} />
      )}
    </>
  );
}

function definitionOf(a: ActionSummary): Definition {
  return {
    actionId: a.actionId,
    theme: a.theme,
    title: a.title,
    intendedResult: a.intendedResult,
    partners: a.partners.join('\n'),
    startYear: String(a.startYear),
    endYear: String(a.endYear),
  };
}

function definitionErrors(d: Definition, actions: RegionActions, t: Words): FormErrors<Definition> {
  const errors: FormErrors<Definition> = {
    actionId: checks.identifier(d.actionId, t),
    theme: d.theme === '' ? t.required : undefined,
    title: checks.text(d.title, true, t),
    intendedResult: checks.text(d.intendedResult, false, t),
    partners: checks.lines(d.partners, t),
    startYear: checks.year(d.startYear, t),
    endYear: checks.year(d.endYear, t),
  };
  if (actions.regionName === null) errors.form = t.regionNotConfigured;
  if (errors.startYear !== undefined || errors.endYear !== undefined) return errors;
  const [start, end] = [Number(d.startYear), Number(d.endYear)];
  if (start > end) errors.endYear = t.startAfterEnd;
  const used = actions.actions.find((a) => a.actionId === d.actionId)?.usedYears ?? [];
  const outside = used.filter((y) => y < start || y > end);
  if (outside.length > 0) errors.startYear = `${t.yearsConflict} ${outside.join(', ')}.`;
  return errors;
}

const EMPTY: Definition = {
  actionId: '',
  theme: '',
  title: '',
  intendedResult: '',
  partners: '',
  startYear: '',
  endYear: '',
};

function DefineForm(props: { session: Session; actions: RegionActions; onDone: () => void }): JSX.Element {
  const { t } = useWords();
  const form = useEventForm<Definition>({
    session: props.session,
    idPrefix: 'action-',
    initial: EMPTY,
    check: (values) => definitionErrors(values, props.actions, t),
    events: (values) => [
      event(props.session, 'ActionDefined', {
        actionId: values.actionId,
        theme: values.theme,
        title: values.title.trim(),
        intendedResult: values.intendedResult.trim(),
        partners: lines(values.partners),
        startYear: Number(values.startYear),
        endYear: Number(values.endYear),
      }),
    ],
    onAppended: props.onDone,
  });
  const existing = props.actions.actions.some((a) => a.actionId === form.values.actionId);
  return (
    <>
      <FormSection id="action" heading={t.defineAction}>
        <EventFormBody form={form} submitLabel={t.send}>
          <div class="grid">
            <TextInput
              label={t.actionId}
              {...form.bind('actionId')}
              hint={form.values.actionId === '' ? undefined : existing ? t.existingAction : t.newAction}
            />
            <Select
              label={t.theme}
              {...form.bind('theme')}
              options={[
                { value: '', label: t.chooseTheme },
                ...THEMES.map((theme) => ({ value: theme, label: t.themeNames[theme] ?? theme })),
              ]}
            />
            <TextInput label={t.title} {...form.bind('title')} />
            <TextInput label={t.startYear} {...form.bind('startYear')} inputMode="numeric" />
            <TextInput label={t.endYear} {...form.bind('endYear')} inputMode="numeric" />
          </div>
          <div class="grid">
            <TextArea label={`${t.intendedResult} ${t.optional}`} {...form.bind('intendedResult')} />
            <TextArea label={t.partners} {...form.bind('partners')} hint={t.onePerLine} />
          </div>
        </EventFormBody>
      </FormSection>
      <ActionsTable
        actions={props.actions.actions}
        onEdit={(a) => {
          form.replace(definitionOf(a));
          document.getElementById('action-actionId')?.focus();
        }}
      />
    </>
  );
}

function ActionsTable(props: { actions: ActionSummary[]; onEdit: (a: ActionSummary) => void }): JSX.Element {
  const { t } = useWords();
  if (props.actions.length === 0) return <p>{t.noActions}</p>;
  return (
    <table>
      <caption>{t.actionsTitle}</caption>
      <thead>
        <tr>
          <th scope="col">{t.actionId}</th>
          <th scope="col">{t.theme}</th>
          <th scope="col">{t.title}</th>
          <th scope="col">{t.leadTime}</th>
          <th scope="col">{t.partners}</th>
          <th scope="col">
            <span class="visually-hidden">{t.edit}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {props.actions.map((a) => (
          <tr key={a.actionId}>
            <td>{a.actionId}</td>
            <td>{t.themeNames[a.theme] ?? a.theme}</td>
            <td>{a.title}</td>
            <td>
              {a.startYear}-{a.endYear}
            </td>
            <td>{a.partners.join(', ')}</td>
            <td>
              <button
                type="button"
                aria-label={`${t.edit} ${a.actionId}`}
                onClick={() => {
                  props.onEdit(a);
                }}
              >
                {t.edit}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
