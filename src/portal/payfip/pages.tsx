// The family's pages of an online payment: the result after PayFiP (paid, refused, abandoned,
// still pending) and the refusal before it (nothing was started). They use the family pages'
// frame, so the family stays in its space.
import { formatInstant } from '../../shared/dates';
import { formatEuro } from '../../shared/money';
import { BASE, Layout, Notice, type PageContext } from '../family-web/pages/layout';
import type { AttemptView } from './attempts';

const headline: Record<AttemptView['status'], string> = {
  paye: 'Paiement accepté',
  refuse: 'Paiement refusé',
  abandonne: 'Paiement abandonné',
  en_cours: 'Paiement en cours de traitement',
  expire: 'Paiement non abouti',
  erreur: 'Paiement non créé',
};

function explain(v: AttemptView): string {
  switch (v.status) {
    case 'paye':
      return 'Merci : PayFiP a accepté votre paiement. Les factures ci-dessous sont réglées ; un courriel de confirmation vous est envoyé.';
    case 'refuse':
      return v.resultrans === 'Z'
        ? 'Votre prélèvement a été refusé : rien ne sera prélevé. Les factures restent à payer ; vous pouvez réessayer ou régler au guichet.'
        : 'Votre carte a été refusée : rien n’a été débité. Les factures restent à payer ; vous pouvez réessayer avec une autre carte ou régler au guichet.';
    case 'abandonne':
      return 'Vous avez abandonné le paiement : rien n’a été débité. Les factures restent à payer.';
    case 'en_cours':
      return `PayFiP n’a pas encore donné le résultat de ce paiement. Si vous avez validé votre carte et qu’aucun refus ne vous a été indiqué, ne payez pas une seconde fois : le résultat arrive d’ordinaire en quelques minutes. Les factures restent réservées jusqu’au ${formatInstant(v.lockExpiresAt)}.`;
    case 'expire':
      return 'PayFiP n’a jamais confirmé ce paiement : rien n’a été enregistré. Les factures restent à payer ; si vous avez été débité, contactez le service avec la date du paiement.';
    case 'erreur':
      return `PayFiP n’a pas pu créer le paiement : ${v.faultMessage ?? 'réessayez plus tard.'}`;
  }
}

export function PaymentResultPage({ ctx, v }: { ctx: PageContext; v: AttemptView }) {
  const back = `${BASE}/factures?regie=${encodeURIComponent(v.regieCode)}&onglet=${v.status === 'paye' ? 'reglees' : 'a-payer'}`;
  return (
    <Layout ctx={ctx} title={headline[v.status]}>
      <h1>{headline[v.status]}</h1>
      <Notice
        text={explain(v)}
        kind={v.status === 'paye' || v.status === 'en_cours' ? 'info' : 'error'}
      />
      <dl className="facts payment-facts">
        <div>
          <dt>Service</dt>
          <dd>{v.regieName}</dd>
        </div>
        <div>
          <dt>Montant</dt>
          <dd>{formatEuro(v.amountCents)}</dd>
        </div>
        <div>
          <dt>Référence</dt>
          <dd>{v.refdet}</dd>
        </div>
        {v.numauto ? (
          <div>
            <dt>Numéro d’autorisation</dt>
            <dd className="numauto">{v.numauto}</dd>
          </div>
        ) : null}
        <div>
          <dt>Date</dt>
          <dd>{formatInstant(v.paidAt ?? v.createdAt)}</dd>
        </div>
        {v.idop ? (
          <div>
            <dt>Opération PayFiP</dt>
            <dd>{v.idop}</dd>
          </div>
        ) : null}
      </dl>
      <table className="payments">
        <caption>
          {v.invoices.length > 1 ? 'Factures de ce paiement' : 'Facture de ce paiement'}
        </caption>
        <thead>
          <tr>
            <th scope="col">Facture</th>
            <th scope="col" className="num">
              Montant
            </th>
          </tr>
        </thead>
        <tbody>
          {v.invoices.map((i) => (
            <tr key={i.number}>
              <td data-label="Facture">
                {i.label} (n° {i.number})
              </td>
              <td data-label="Montant" className="num">
                {formatEuro(i.amountCents)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {v.status === 'en_cours' ? (
          <a href={`${BASE}/paiement/${encodeURIComponent(v.idop ?? '')}`}>
            Actualiser le résultat
          </a>
        ) : null}{' '}
        <a href={back}>Retour à mes factures</a>
      </p>
    </Layout>
  );
}

export function PaymentRefusedPage({
  ctx,
  message,
  regieCode,
}: {
  ctx: PageContext;
  message: string;
  regieCode: string | null;
}) {
  return (
    <Layout ctx={ctx} title="Paiement en ligne impossible">
      <h1>Paiement en ligne impossible</h1>
      <Notice text={message} kind="error" />
      <p>Rien n’a été payé.</p>
      <p>
        <a href={`${BASE}/factures${regieCode ? `?regie=${encodeURIComponent(regieCode)}` : ''}`}>
          Retour à mes factures
        </a>
      </p>
    </Layout>
  );
}
