//! The double-entry ledger's trial balance of a region and year.
import type { JSX } from 'preact';
import type { TrialBalance } from '../api';
import { useWords } from '../i18n';
import { LoadState, Money, useLoad, type Session } from '../ui';

export function TrialBalancePage({ session }: { session: Session }): JSX.Element {
  const { t } = useWords();
  const path = `/api/v1/regions/${session.region}/reports/trial-balance?year=${String(session.year)}`;
  const loaded = useLoad(path, () => session.api.json<TrialBalance>(path));
  const trial = loaded.data;
  return (
    <>
      <h1>
        {t.trialTitle} {session.region} {session.year}
      </h1>
      <LoadState loaded={loaded} />
      {trial !== undefined && (
        <>
          <p role="status" class={trial.balanced ? 'message ok' : 'message error'}>
            {trial.balanced ? t.balanced : t.notBalanced}
          </p>
          <table>
            <caption class="visually-hidden">{t.trialTitle}</caption>
            <thead>
              <tr>
                <th scope="col">{t.account}</th>
                <th scope="col" class="num">
                  {t.debit}
                </th>
                <th scope="col" class="num">
                  {t.credit}
                </th>
              </tr>
            </thead>
            <tbody>
              {trial.rows.map((r) => (
                <tr key={r.account}>
                  <th scope="row">
                    <code>{r.account}</code>
                  </th>
                  <td class="num">
                    <Money amount={r.debit} />
                  </td>
                  <td class="num">
                    <Money amount={r.credit} />
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t.totals}</th>
                <td class="num">
                  <Money amount={trial.totals.debit} />
                </td>
                <td class="num">
                  <Money amount={trial.totals.credit} />
                </td>
              </tr>
            </tfoot>
          </table>
        </>
      )}
    </>
  );
}
