// A PayFiP portal (PGlite in memory, listening on loopback, PayFiP sandbox beside it) for the
// counter's re-check: payfip-fixture's, with two things the re-check needs. The clock can
// start at the real time, so that a register signing with its own clock is within the
// portal's window; and the portal's PayFiP link can be made to answer SOAP faults, the one
// true process boundary a test cannot otherwise reach (the sandbox only faults on bad input).
import { faultXml } from '../../../src/portal/payfip/faults';
import { openPayfipPortal, type PayfipPortal } from './payfip-fixture';

export interface RecheckPortal extends PayfipPortal {
  /** How many of the next recupererDetailPaiementSecurise calls answer a SOAP fault. */
  faults: { next: number; xml: string };
}

export const TECHNICAL_FAULT = faultXml('I1', {
  type: 'TechIndisponibiliteErreur',
  libelle: 'Service momentanément indisponible',
});

export async function openRecheckPortal(o: { start?: Date } = {}): Promise<RecheckPortal> {
  const faults = { next: 0, xml: TECHNICAL_FAULT };
  const payfipFetch: typeof fetch = async (input, init) => {
    if (
      faults.next > 0 &&
      typeof init?.body === 'string' &&
      init.body.includes('recupererDetailPaiementSecurise')
    ) {
      faults.next--;
      return new Response(faults.xml, {
        status: 500,
        headers: { 'content-type': 'text/xml; charset=utf-8' },
      });
    }
    return fetch(input, init);
  };
  const portal = await openPayfipPortal({
    notification: { mode: 'never' },
    fetch: payfipFetch,
    ...(o.start ? { start: o.start } : {}),
  });
  return { ...portal, faults };
}
