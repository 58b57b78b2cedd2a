//! CSV upload: read the file, map its columns to spending fields, check every line (here and by the server's dry
//! run) and show every error by line; only a clean file can be appended.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, type DryRun, type ImportCounts, type SpendingList } from '../api';
import { parseCsv } from '../csv';
import {
  conventionOf,
  fieldLabel,
  FIELDS,
  guessMapping,
  lineErrors,
  markRecorded,
  markRepeats,
  readText,
  REQUIRED,
  rowEvent,
  shown,
  type PreviewLine,
  type ReadFile,
  type SpendingField,
  applyDryRun,
} from '../csv-rows';
import { useWords } from '../i18n';
import { Message, Select, apiErrorText, appendErrorText, type Session } from '../ui';

export function CsvUpload({
  session,
  onAppended,
}: {
  session: Session;
  onAppended: () => void;
}): JSX.Element {
  const { t } = useWords();
  const [csv, setCsv] = useState<ReadFile | undefined>();
  const [mapping, setMapping] = useState<Record<SpendingField, string> | undefined>();
  const [preview, setPreview] = useState<PreviewLine[] | undefined>();
  const [appended, setAppended] = useState<ImportCounts | undefined>();
  const [error, setError] = useState<string | undefined>();
  const header = csv?.rows[0]?.cells ?? [];

  const readFile = async (file: File | undefined): Promise<void> => {
    setPreview(undefined);
    setAppended(undefined);
    setError(undefined);
    if (file === undefined) return;
    const { text, notUtf8 } = await readText(file);
    const parsed = parseCsv(text);
    setCsv({ ...parsed, notUtf8 });
    setMapping(guessMapping(parsed.rows[0]?.cells ?? []));
  };

  /** Checks the file's rows; says whether the check could be made (its error is on screen otherwise). */
  const check = async (): Promise<boolean> => {
    if (csv === undefined || mapping === undefined) return false;
    setAppended(undefined);
    setError(undefined);
    const convention = conventionOf(csv.delimiter, t);
    const lines = await Promise.all(
      csv.rows.slice(1).map((row) => rowEvent(session, row, header.length, mapping, convention, t)),
    );
    for (const problem of csv.problems) {
      const line = lines.find((l) => l.line === problem.line);
      line?.problems.push(
        problem.kind === 'unterminated-quote' ? t.csvUnterminatedQuote : t.csvMalformedQuotes,
      );
    }
    markRepeats(lines, t);
    try {
      await markRecorded(
        async (year) =>
          (
            await session.api.json<SpendingList>(
              `/api/v1/regions/${session.region}/spending?year=${String(year)}`,
            )
          ).items,
        lines,
        t,
      );
      const toCheck = lines.filter((l) => !l.recorded);
      const dryRun =
        toCheck.length === 0
          ? { lines: [] }
          : await session.api.post<DryRun>(
              '/api/v1/events/validate',
              toCheck.map((l) => l.event),
            );
      applyDryRun(toCheck, dryRun, t);
      setPreview(lines);
      return true;
    } catch (e) {
      setError(apiErrorText(e, t));
      return false;
    }
  };

  const append = async (): Promise<void> => {
    if (preview === undefined) return;
    const toAppend = preview.filter((l) => !l.recorded);
    // The page is remounted when the region changes; should a preview still outlive that, it is not appended.
    if (toAppend.some((l) => l.event.region !== session.region)) {
      setPreview(undefined);
      return;
    }
    try {
      setAppended(
        await session.api.post<ImportCounts>(
          '/api/v1/events',
          toAppend.map((l) => l.event),
        ),
      );
      setPreview(undefined);
      onAppended();
    } catch (e) {
      // Something changed since the check (another upload, say): the server's errors, by the file's lines.
      if (e instanceof ApiError && e.status === 409) {
        // Another client appended events with these rows' ids meanwhile (the same file, say); the file's other rows
        // were appended. Check again, which shows the rows recorded by then as already recorded; then say why.
        onAppended();
        if (await check()) setError(t.csvRaceLost);
        return;
      }
      if (e instanceof ApiError && e.status === 202) {
        setError(t.notYetProcessedFile);
        return;
      }
      const errors = e instanceof ApiError ? lineErrors(e.body) : [];
      if (errors.length === 0) {
        setError(appendErrorText(e, t));
        return;
      }
      setPreview(
        preview.map((l) => {
          const index = toAppend.indexOf(l);
          const found = errors.filter((x) => x.line === index + 1).map((x) => x.reason);
          return found.length === 0 ? l : { ...l, problems: [...l.problems, ...found] };
        }),
      );
      setError(t.appendFailed);
    }
  };

  const bad = preview?.filter((l) => l.problems.length > 0).length ?? 0;
  const toAppend = preview?.filter((l) => !l.recorded).length ?? 0;
  const columnOptions = [
    { value: '', label: t.notMapped },
    ...header.map((h, i) => ({ value: String(i), label: h === '' ? `#${String(i + 1)}` : h })),
  ];
  return (
    <section aria-labelledby="csv-heading">
      <h2 id="csv-heading">{t.uploadCsv}</h2>
      <p>{t.csvIntro}</p>
      <div class="field">
        <label for="csv-file">{t.csvFile}</label>
        <input
          id="csv-file"
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => void readFile(e.currentTarget.files?.[0])}
        />
      </div>
      {csv?.notUtf8 === true && <Message kind="error">{t.csvNotUtf8}</Message>}
      {mapping !== undefined && (
        <fieldset>
          <legend>{t.mapColumns}</legend>
          <div class="grid">
            {FIELDS.map((field) => (
              <Select
                key={field}
                id={`map-${field}`}
                label={`${fieldLabel(field, t)}${REQUIRED.has(field) ? '' : ` ${t.optional}`}`}
                value={mapping[field]}
                onChange={(value) => {
                  setMapping({ ...mapping, [field]: value });
                  setPreview(undefined);
                }}
                options={
                  field === 'year'
                    ? [{ value: '', label: t.yearFromDate }, ...columnOptions.slice(1)]
                    : columnOptions
                }
              />
            ))}
          </div>
          <button type="button" onClick={() => void check()}>
            {t.check}
          </button>
        </fieldset>
      )}
      {error !== undefined && <Message kind="error">{error}</Message>}
      {preview !== undefined && (
        <>
          {bad > 0 ? (
            <Message kind="error">
              {bad} {t.previewErrors}
            </Message>
          ) : preview.length === 0 ? (
            <Message kind="error">{t.csvNoRows}</Message>
          ) : (
            <Message kind="ok">{t.previewOk}</Message>
          )}
          <table class="preview">
            <caption>
              {t.preview} ({session.region})
            </caption>
            <thead>
              <tr>
                <th scope="col">{t.line}</th>
                <th scope="col">{t.spendingId}</th>
                <th scope="col">{t.action}</th>
                <th scope="col">{t.year}</th>
                <th scope="col" class="num">
                  {t.amount}
                </th>
                <th scope="col">{t.bookedOn}</th>
                <th scope="col">{t.payee}</th>
                <th scope="col">{t.description}</th>
                <th scope="col">{t.status}</th>
                <th scope="col">{t.problems}</th>
              </tr>
            </thead>
            <tbody>
              {preview.map((l) => (
                <tr key={l.line} class={l.problems.length > 0 ? 'bad' : undefined}>
                  <td>{l.line}</td>
                  <td>{shown(l.event.data.spendingId)}</td>
                  <td>{shown(l.event.data.actionId)}</td>
                  <td>{shown(l.event.data.year)}</td>
                  <td class="num">{shown(l.event.data.amount)}</td>
                  <td>{shown(l.event.data.bookedOn)}</td>
                  <td>{shown(l.event.data.payee)}</td>
                  <td>{shown(l.event.data.description)}</td>
                  <td>
                    {l.problems.length > 0
                      ? t.error
                      : l.recorded
                        ? t.alreadyRecorded
                        : l.outcome === 'already-present'
                          ? t.alreadyPresent
                          : t.ok}
                  </td>
                  <td>
                    {l.problems.length > 0 ? (
                      <ul>
                        {l.problems.map((p) => (
                          <li key={p}>{p}</li>
                        ))}
                      </ul>
                    ) : l.recorded ? (
                      t.alreadyRecordedNote
                    ) : (
                      (l.notes ?? []).join(' ')
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" disabled={bad > 0 || toAppend === 0} onClick={() => void append()}>
            {t.appendAll} ({toAppend})
          </button>
        </>
      )}
      {appended !== undefined && (
        <Message kind="ok">
          {t.appended}: {appended.appended} ({appended.accepted} {t.accepted}, {appended.rejected}{' '}
          {t.rejected}, {appended.alreadyPresent} {t.alreadyPresent})
        </Message>
      )}
    </section>
  );
}
