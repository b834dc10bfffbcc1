// "Mes factures": one entry per régie the family has an account with, and for the chosen one
// three tabs (links, so that they work without JavaScript): à payer, réglées, en trésorerie.
import { formatDate, formatInstant } from '../../../shared/dates';
import { formatEuro } from '../../../shared/money';
import type { FamilyInvoice, FamilyRegie, InvoiceTab } from '../invoices';
import { familyText } from '../text';
import { BASE, Csrf, Layout, Notice, type PageContext } from './layout';

export const tabSlugs: Record<InvoiceTab, string> = {
  a_payer: 'a-payer',
  reglees: 'reglees',
  tresorerie: 'tresorerie',
};
const tabLabels: Record<InvoiceTab, string> = {
  a_payer: familyText.tabToPay,
  reglees: familyText.tabPaid,
  tresorerie: familyText.tabTreasury,
};

const href = (regie: string, tab: InvoiceTab) =>
  `${BASE}/factures?regie=${encodeURIComponent(regie)}&onglet=${tabSlugs[tab]}`;

function Badge({ kind, children }: { kind: string; children: string }) {
  return <span className={`badge badge-${kind}`}>{children}</span>;
}

function HowToPay({ regie }: { regie: FamilyRegie }) {
  const m = new Set(regie.acceptedModes);
  return (
    <details className="how-to-pay">
      <summary>{familyText.howToPayTitle}</summary>
      <ul>
        {m.has('especes') ? (
          <li>
            En espèces au guichet ({regie.serviceName}, {regie.serviceAddress}), jusqu’à{' '}
            {formatEuro(regie.cashCeilingCents)}.
          </li>
        ) : null}
        {m.has('cheque') ? (
          <li>
            Par chèque à l’ordre de « {regie.creditorLabel} », avec le coupon joint à la facture.
          </li>
        ) : null}
        {m.has('carte') ? <li>Par carte bancaire au guichet.</li> : null}
        {m.has('cesu') ? <li>Par CESU, au guichet.</li> : null}
        {m.has('cheque_vacances') ? <li>Par chèques-vacances, au guichet.</li> : null}
        {regie.payfip ? (
          <li>
            En ligne par carte bancaire ou prélèvement (PayFiP) : cochez la facture puis « Payer en
            ligne ». Les factures de services différents se paient séparément.
          </li>
        ) : null}
      </ul>
    </details>
  );
}

/** Whether the family may tick the invoice for an online payment (the portal checks again). */
function payableOnline(inv: FamilyInvoice, regie: FamilyRegie): boolean {
  return (
    regie.payfip &&
    inv.tab === 'a_payer' &&
    inv.state !== 'prelevement' &&
    inv.remainingCents > 0 &&
    !inv.paymentInProgressUntil &&
    !inv.suspendedReason
  );
}

function InvoiceCard({
  inv,
  regie,
  selectable,
}: {
  inv: FamilyInvoice;
  regie: FamilyRegie;
  selectable: boolean;
}) {
  const titleId = `facture-${inv.number}`;
  return (
    <article className="invoice card" aria-labelledby={titleId}>
      <h3 id={titleId}>
        {inv.label} <span className="invoice-number">n° {inv.number}</span>
      </h3>
      {selectable ? (
        <p className="pay-choice">
          <label>
            <input type="checkbox" name="facture" value={inv.number} form="paiement-en-ligne" />{' '}
            Payer en ligne cette facture ({formatEuro(inv.remainingCents)})
          </label>
        </p>
      ) : null}
      <div className="badges">
        {inv.paymentInProgressUntil ? (
          <Badge kind="progress">{familyText.paymentInProgress}</Badge>
        ) : null}
        {inv.tab === 'a_payer' && inv.state !== 'prelevement' && inv.suspendedReason ? (
          <Badge kind="suspended">{familyText.paymentSuspended}</Badge>
        ) : null}
        {inv.state === 'prelevement' ? <Badge kind="info">{familyText.directDebit}</Badge> : null}
        {inv.state === 'partielle' ? <Badge kind="info">{familyText.partial}</Badge> : null}
        {inv.tab === 'reglees' ? <Badge kind="ok">Réglée</Badge> : null}
        {inv.tab === 'tresorerie' ? (
          <Badge kind="treasury">Transmise au Trésor public</Badge>
        ) : null}
      </div>
      <dl className="facts">
        <div>
          <dt>Émise le</dt>
          <dd>{formatDate(inv.issueDate)}</dd>
        </div>
        <div>
          <dt>À régler avant le</dt>
          <dd>{formatDate(inv.dueDate)}</dd>
        </div>
        <div>
          <dt>Montant total</dt>
          <dd>{formatEuro(inv.amountCents)}</dd>
        </div>
        <div>
          <dt>Reste à payer</dt>
          <dd className={inv.remainingCents > 0 ? 'due' : undefined}>
            {formatEuro(inv.remainingCents)}
          </dd>
        </div>
      </dl>
      {inv.paymentInProgressUntil ? (
        <p className="state-text">{familyText.paymentInProgressText(inv.paymentInProgressUntil)}</p>
      ) : null}
      {inv.tab === 'a_payer' && inv.state !== 'prelevement' && inv.suspendedReason ? (
        <p className="state-text">{familyText.paymentSuspendedText(inv.suspendedReason)}</p>
      ) : null}
      {inv.state === 'prelevement' ? (
        <p className="state-text">{familyText.directDebitText}</p>
      ) : null}
      {inv.payments.length > 0 ? (
        <table className="payments">
          <caption>Règlements reçus</caption>
          <thead>
            <tr>
              <th scope="col">Mode</th>
              <th scope="col">Date</th>
              <th scope="col">Référence</th>
              <th scope="col" className="num">
                Montant
              </th>
            </tr>
          </thead>
          <tbody>
            {inv.payments.map((p, i) => (
              <tr key={i}>
                <td data-label="Mode">{p.how}</td>
                <td data-label="Date">{p.at ? formatInstant(p.at) : '—'}</td>
                <td data-label="Référence">
                  {p.authorisation
                    ? `Autorisation n° ${p.authorisation}`
                    : p.receiptNumber
                      ? `Quittance ${p.receiptNumber}`
                      : '—'}
                </td>
                <td data-label="Montant" className="num">
                  {formatEuro(p.amountCents)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {inv.tab === 'a_payer' && inv.state !== 'prelevement' ? <HowToPay regie={regie} /> : null}
      <p>
        <a
          className="pdf-link"
          href={`${BASE}/factures/${encodeURIComponent(inv.number)}.pdf`}
          download={`facture-${inv.number}.pdf`}
        >
          Télécharger la facture n° {inv.number} (PDF)
        </a>
      </p>
    </article>
  );
}

export function InvoicesPage({
  ctx,
  regies,
  regie,
  tab,
  invoices,
  notice,
  onlinePayment = false,
}: {
  ctx: PageContext;
  regies: FamilyRegie[];
  regie: FamilyRegie | null;
  tab: InvoiceTab;
  invoices: FamilyInvoice[];
  notice: string | null;
  /** The portal takes online payments (PayFiP configured). */
  onlinePayment?: boolean;
}) {
  const selectable = new Set(
    onlinePayment && regie
      ? invoices.filter((i) => payableOnline(i, regie)).map((i) => i.number)
      : [],
  );
  return (
    <Layout ctx={ctx} title={familyText.invoicesTitle}>
      <h1>{familyText.invoicesTitle}</h1>
      <Notice text={notice} />
      {regies.length === 0 || !regie ? (
        <p>Aucun service ne vous a encore facturé.</p>
      ) : (
        <>
          {regies.length > 1 ? (
            <nav aria-label="Services" className="regies">
              <ul>
                {regies.map((r) => (
                  <li key={r.code}>
                    <a
                      href={href(r.code, 'a_payer')}
                      aria-current={r.code === regie.code ? 'page' : undefined}
                    >
                      {r.name}
                      {r.counts.a_payer > 0 ? (
                        <span className="count"> ({r.counts.a_payer} à payer)</span>
                      ) : null}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
          <h2>{regie.name}</h2>
          <nav aria-label={`Factures de ${regie.name}`} className="tabs">
            <ul>
              {(['a_payer', 'reglees', 'tresorerie'] as const).map((t) => (
                <li key={t}>
                  <a href={href(regie.code, t)} aria-current={t === tab ? 'page' : undefined}>
                    {tabLabels[t]} <span className="count">({regie.counts[t]})</span>
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <section aria-labelledby="titre-onglet" className="tab-panel">
            <h2 id="titre-onglet" className="sr-only">
              {tabLabels[tab]}
            </h2>
            {tab === 'tresorerie' ? (
              <div className="explain">
                <p>{familyText.treasuryExplain}</p>
              </div>
            ) : null}
            {invoices.length === 0 ? (
              <p className="empty">{familyText.noInvoices[tab]}</p>
            ) : (
              invoices.map((inv) => (
                <InvoiceCard
                  key={inv.number}
                  inv={inv}
                  regie={regie}
                  selectable={selectable.has(inv.number)}
                />
              ))
            )}
            {selectable.size > 0 ? (
              // The checkboxes above belong to this form through their form attribute, so each
              // card keeps its own layout; one payment covers the ticked invoices of this régie.
              <form
                id="paiement-en-ligne"
                method="post"
                action={`${BASE}/paiement`}
                className="pay-form"
              >
                <Csrf token={ctx.csrfToken} />
                <input type="hidden" name="regie" value={regie.code} />
                <p>
                  Cochez les factures de {regie.name} à régler, puis payez-les en une seule fois sur
                  PayFiP, le service de paiement en ligne de la DGFiP (carte bancaire ou
                  prélèvement).
                </p>
                <button type="submit" className="button">
                  Payer en ligne
                </button>
              </form>
            ) : null}
          </section>
        </>
      )}
    </Layout>
  );
}
