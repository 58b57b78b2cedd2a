//! Controllers and administrators: configure a region and its funders (RegionConfigured), and close a year
//! (YearClosed, asked to confirm after the dry run, because it cannot be undone). Each form shows only to roles
//! that may send its type.
import type { JSX } from 'preact';
import type { RegionActions } from '../api';
import { event } from '../events';
import { EventFormBody, FormSection, checks, lines, useEventForm, type FormErrors } from '../form';
import { useWords, type Words } from '../i18n';
import { LoadState, TextArea, TextInput, useLoad, type Session } from '../ui';

/** What the page knows of a region not yet configured (or of no region at all). */
function unconfigured(session: Session): RegionActions {
  return {
    region: session.region,
    year: session.year,
    closed: false,
    closedYears: [],
    regionName: null,
    funders: [],
    actions: [],
  };
}

export function SettingsPage({ session }: { session: Session }): JSX.Element {
  const { t } = useWords();
  const path = `/api/v1/regions/${session.region}/actions?year=${String(session.year)}`;
  const actions = useLoad(path, () =>
    session.region === '' ? Promise.resolve(unconfigured(session)) : session.api.json<RegionActions>(path),
  );
  const done = (): void => {
    actions.reload();
    session.reloadRegions();
  };
  return (
    <>
      <h1>{t.navSettings}</h1>
      <LoadState loaded={actions} />
      {actions.data !== undefined && (
        <>
          {/* Not keyed by region: the page itself is remounted when the region changes (App), except when the
              first region appears, which this form has just configured and whose result must stay on screen. */}
          {session.writes.includes('RegionConfigured') && (
            <RegionForm session={session} actions={actions.data} onDone={done} />
          )}
          {session.writes.includes('YearClosed') && session.region !== '' && (
            <CloseYearForm session={session} actions={actions.data} onDone={done} />
          )}
        </>
      )}
    </>
  );
}

type Values = Record<string, string>;

/** The funder rows of the form, by the numbers in their field names (`f0-id`, `f1-id`, ...). */
function rowsOf(values: Values): number[] {
  return Object.keys(values)
    .map((k) => /^f(\d+)-id$/.exec(k)?.[1])
    .filter((n) => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

function initialConfiguration(session: Session, actions: RegionActions): Values {
  const values: Values = { region: session.region, name: actions.regionName ?? '' };
  const funders =
    actions.funders.length > 0 ? actions.funders : [{ id: '', name: '', municipalities: [] as string[] }];
  funders.forEach((f, i) => {
    values[`f${String(i)}-id`] = f.id;
    values[`f${String(i)}-name`] = f.name;
    values[`f${String(i)}-municipalities`] = f.municipalities.join('\n');
  });
  return values;
}

function configurationErrors(
  values: Values,
  session: Session,
  actions: RegionActions,
  t: Words,
): FormErrors<Values> {
  const errors: FormErrors<Values> = {
    region: checks.identifier(values.region ?? '', t),
    name: checks.text(values.name ?? '', true, t),
  };
  const rows = rowsOf(values);
  if (rows.length === 0) errors.form = t.needFunder;
  const seen = new Set<string>();
  for (const n of rows) {
    const id = values[`f${String(n)}-id`] ?? '';
    errors[`f${String(n)}-id`] = checks.identifier(id, t) ?? (seen.has(id) ? t.duplicateFunder : undefined);
    seen.add(id);
    errors[`f${String(n)}-name`] = checks.text(values[`f${String(n)}-name`] ?? '', true, t);
    errors[`f${String(n)}-municipalities`] = checks.lines(values[`f${String(n)}-municipalities`] ?? '', t);
  }
  // A configured region keeps its funder ids (section 3: funders-changed).
  const configured = actions.funders.map((f) => f.id).sort();
  const given = [...seen].sort();
  if (
    values.region === session.region &&
    configured.length > 0 &&
    (given.length !== configured.length || given.some((id, i) => id !== configured[i]))
  )
    errors.form = `${t.fundersChanged} ${configured.join(', ')}.`;
  return errors;
}

function RegionForm(props: { session: Session; actions: RegionActions; onDone: () => void }): JSX.Element {
  const { t } = useWords();
  const form = useEventForm<Values>({
    session: props.session,
    idPrefix: 'region-',
    initial: initialConfiguration(props.session, props.actions),
    check: (values) => configurationErrors(values, props.session, props.actions, t),
    events: (values) => [
      {
        ...event(props.session, 'RegionConfigured', {
          name: (values.name ?? '').trim(),
          funders: rowsOf(values).map((n) => ({
            id: values[`f${String(n)}-id`],
            name: (values[`f${String(n)}-name`] ?? '').trim(),
            municipalities: lines(values[`f${String(n)}-municipalities`] ?? ''),
          })),
        }),
        region: values.region ?? '',
      },
    ],
    onAppended: props.onDone,
    keepValues: true,
  });
  const rows = rowsOf(form.values);
  const addRow = (): void => {
    const n = String((rows[rows.length - 1] ?? -1) + 1);
    form.replace({ ...form.values, [`f${n}-id`]: '', [`f${n}-name`]: '', [`f${n}-municipalities`]: '' });
  };
  const removeRow = (n: number): void => {
    form.replace(
      Object.fromEntries(Object.entries(form.values).filter(([k]) => !k.startsWith(`f${String(n)}-`))),
    );
  };
  return (
    <FormSection id="region" heading={t.configureRegion}>
      <EventFormBody form={form} submitLabel={t.send}>
        <div class="grid">
          <TextInput label={t.regionId} {...form.bind('region')} />
          <TextInput label={t.regionName} {...form.bind('name')} />
        </div>
        {rows.map((n, i) => (
          <fieldset key={n} class="funder-row">
            <legend>
              {t.funder} {i + 1}
            </legend>
            <div class="grid">
              <TextInput label={t.funderId} {...form.bind(`f${String(n)}-id`)} />
              <TextInput label={t.funderName} {...form.bind(`f${String(n)}-name`)} />
              <TextArea
                label={t.municipalities}
                {...form.bind(`f${String(n)}-municipalities`)}
                hint={t.onePerLine}
              />
            </div>
            <button
              type="button"
              onClick={() => {
                removeRow(n);
              }}
            >
              {t.removeFunder} {i + 1}
            </button>
          </fieldset>
        ))}
        <p>
          <button type="button" onClick={addRow}>
            {t.addFunder}
          </button>
        </p>
      </EventFormBody>
    </FormSection>
  );
}

function CloseYearForm(props: { session: Session; actions: RegionActions; onDone: () => void }): JSX.Element {
  const { t } = useWords();
  const { actions, session } = props;
  const form = useEventForm({
    session,
    idPrefix: 'close-',
    initial: { year: String(session.year) },
    check: (values) => {
      const errors: FormErrors<typeof values> = {};
      if (actions.regionName === null) errors.form = t.regionNotConfigured;
      errors.year =
        checks.year(values.year, t) ??
        (actions.closedYears.includes(Number(values.year)) ? t.alreadyClosed : undefined);
      return errors;
    },
    events: (values) => [event(session, 'YearClosed', { year: Number(values.year) })],
    confirm: true,
    onAppended: props.onDone,
  });
  return (
    <FormSection id="close" heading={t.closeYear}>
      <p id="close-intro">{t.closeYearIntro}</p>
      <p>
        {t.closedYears}: {actions.closedYears.length === 0 ? t.none : actions.closedYears.join(', ')}
      </p>
      <EventFormBody
        form={form}
        submitLabel={t.closeYear}
        question={`${t.confirmClose} ${form.values.year} ${t.confirmCloseOf} ${session.region} ${t.cannotUndo}`}
        confirmLabel={t.confirmCloseButton}
      >
        <div class="grid">
          <TextInput label={t.year} {...form.bind('year')} inputMode="numeric" />
        </div>
      </EventFormBody>
    </FormSection>
  );
}
