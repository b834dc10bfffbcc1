// The sandbox's payment pages, in French, plain HTML (no script): the page a payer sees after
// the portal's redirect, with one button per outcome PayFiP can give, and the page after the
// choice with the return link to the portal (urlredirect).
import { formatEuro } from '../../../shared/money';
import { FAULT_CODES } from '../faults';
import { escapeXml as esc } from '../xml';
import type { SandboxOperation } from './sandbox';

const style = `body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1e1e1e}
header{border-bottom:3px solid #000091;margin-bottom:1.5rem}header p{color:#000091;font-weight:700}
.banner{background:#fff4d6;border:1px solid #c9a227;padding:.5rem 1rem;margin:1rem 0}
dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem}dt{font-weight:600}
form.choices{display:grid;gap:.6rem;margin-top:1.5rem}
button{font-size:1rem;padding:.7rem 1rem;border-radius:4px;border:1px solid #000091;background:#fff;cursor:pointer;text-align:left}
button.ok{background:#000091;color:#fff}.error{border-left:4px solid #ce0500;padding-left:1rem}
a.back{display:inline-block;margin-top:1.5rem;padding:.7rem 1rem;background:#000091;color:#fff;text-decoration:none;border-radius:4px}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)} – PayFiP (bac à sable)</title><style>${style}</style></head><body><header><p>PayFiP – paiement sécurisé (bac à sable de Guichet)</p></header>${body}</body></html>`;
}

const banner =
  '<p class="banner">Simulation : aucune carte n’est demandée et aucun argent ne circule. Choisissez le résultat à renvoyer au portail.</p>';

function facts(op: SandboxOperation): string {
  return `<dl><dt>Montant</dt><dd>${esc(formatEuro(Number(op.montant)))}</dd><dt>Référence</dt><dd>${esc(op.refdet)}</dd><dt>Objet</dt><dd>${esc(op.objet || '—')}</dd><dt>Exercice</dt><dd>${esc(op.exer)}</dd><dt>Collectivité (numcli)</dt><dd>${esc(op.numcli)}</dd><dt>Courriel</dt><dd>${esc(op.mel)}</dd><dt>Mode</dt><dd>${op.saisie === 'T' ? 'test' : op.saisie === 'X' ? 'activation' : 'production'}</dd></dl>`;
}

export function paymentPage(op: SandboxOperation): string {
  const button = (r: string, label: string, cls = '') =>
    `<button type="submit" name="resultrans" value="${r}"${cls ? ` class="${cls}"` : ''}>${esc(label)}</button>`;
  return page(
    'Paiement',
    `<h1>Payer ${esc(formatEuro(Number(op.montant)))}</h1>${banner}${facts(op)}
<form class="choices" method="post" action="/tpa/paiementws.web">
<input type="hidden" name="idop" value="${esc(op.idOp)}"><input type="hidden" name="jeton" value="${esc(op.pageToken ?? '')}">
${button('P', 'P – Payer par carte (paiement accepté)', 'ok')}
${button('V', 'V – Payer par prélèvement (prélèvement accepté)')}
${button('R', 'R – Carte refusée')}
${button('Z', 'Z – Prélèvement refusé')}
${button('A', 'A – Abandonner le paiement')}
</form>`,
  );
}

const outcomes: Record<string, string> = {
  P: 'Votre paiement par carte a été accepté.',
  V: 'Votre prélèvement a été accepté.',
  R: 'Votre carte a été refusée : aucun montant n’a été débité.',
  Z: 'Votre prélèvement a été refusé : aucun montant ne sera prélevé.',
  A: 'Vous avez abandonné le paiement : aucun montant n’a été débité.',
};

export function resultPage(op: SandboxOperation): string {
  const r = op.result;
  const back = new URL(op.urlredirect);
  back.searchParams.set('idop', op.idOp);
  return page(
    'Résultat',
    `<h1>${esc(outcomes[r?.resultrans ?? 'A'] ?? '')}</h1>${facts(op)}${
      r?.numauto ? `<p>Numéro d’autorisation : <strong>${esc(r.numauto)}</strong></p>` : ''
    }<a class="back" href="${esc(back.toString())}">Retourner sur le site de la collectivité</a>`,
  );
}

export function faultPage(code: string): string {
  const known = FAULT_CODES[code];
  return page(
    'Erreur',
    `<div class="error"><h1>Paiement impossible</h1><p>${esc(known?.libelle ?? code)} (code ${esc(code)})</p><p>${esc(known?.message ?? '')}</p></div>`,
  );
}
