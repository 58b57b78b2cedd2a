//! The province-wide view: every region the token may see, summed for the year.
import type { JSX } from 'preact';
import type { ProvinceReport } from '../api';
import { useWords } from '../i18n';
import { LoadState, Money, useLoad, type Session } from '../ui';

const COLUMNS = ['committed', 'budget', 'allocated', 'unfunded', 'spent', 'remaining'] as const;

export function ProvincePage({ session }: { session: Session }): JSX.Element {
  const { t } = useWords();
  const path = `/api/v1/province/allocation?year=${String(session.year)}`;
  const loaded = useLoad(path, () => session.api.json<ProvinceReport>(path));
  const p = loaded.data;
  return (
    <>
      <h1>
        {t.provinceTitle} {session.year}
      </h1>
      <LoadState loaded={loaded} />
      {p !== undefined && (
        <>
          <table>
            <caption>{t.regions}</caption>
            <thead>
              <tr>
                <th scope="col">{t.region}</th>
                {COLUMNS.map((c) => (
                  <th scope="col" class="num" key={c}>
                    {t[c]}
                  </th>
                ))}
                <th scope="col">{t.overspentActions}</th>
              </tr>
            </thead>
            <tbody>
              {p.regions.map((r) => (
                <tr key={r.region}>
                  <th scope="row">
                    {r.region}
                    {r.closed ? ` (${t.closed})` : ''}
                  </th>
                  {COLUMNS.map((c) => (
                    <td class="num" key={c}>
                      <Money amount={r.totals[c]} />
                    </td>
                  ))}
                  <td>{r.overspentActions.length === 0 ? t.none : r.overspentActions.join(', ')}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t.totals}</th>
                {COLUMNS.map((c) => (
                  <td class="num" key={c}>
                    <Money amount={p.totals[c]} />
                  </td>
                ))}
                <td />
              </tr>
            </tfoot>
          </table>
          <table>
            <caption>{t.theme}</caption>
            <thead>
              <tr>
                <th scope="col">{t.theme}</th>
                {(['budget', 'allocated', 'unfunded', 'spent', 'remaining'] as const).map((c) => (
                  <th scope="col" class="num" key={c}>
                    {t[c]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {p.themes.map((th) => (
                <tr key={th.theme}>
                  <th scope="row">{t.themeNames[th.theme] ?? th.theme}</th>
                  <td class="num">
                    <Money amount={th.budget} />
                  </td>
                  <td class="num">
                    <Money amount={th.allocated} />
                  </td>
                  <td class="num">
                    <Money amount={th.unfunded} />
                  </td>
                  <td class="num">
                    <Money amount={th.spentTotal} />
                  </td>
                  <td class="num">
                    <Money amount={th.remaining} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <table>
            <caption>{t.funders}</caption>
            <thead>
              <tr>
                <th scope="col">{t.region}</th>
                <th scope="col">{t.funder}</th>
                {(['committed', 'allocated', 'spent', 'shortfall', 'remaining'] as const).map((c) => (
                  <th scope="col" class="num" key={c}>
                    {t[c]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {p.funders.map((f) => (
                <tr key={`${f.region}/${f.funder}`} class={f.shortfall === '0.00' ? undefined : 'flag'}>
                  <td>{f.region}</td>
                  <th scope="row">
                    {f.funder} {f.shortfall !== '0.00' && <span class="badge">{t.shortfall}</span>}
                  </th>
                  {(['committed', 'allocated', 'spent', 'shortfall', 'remaining'] as const).map((c) => (
                    <td class="num" key={c}>
                      <Money amount={f[c]} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
