// The coupon's two symbols, read back by readers independent of the encoders: Code 128 widths
// (bwip-js) by the test's own decoder, QR codes (lean-qr) by jsQR, on the texts a coupon prints
// and on random ones.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activationUrl } from '../../../src/core/coupons/coupon-data';
import { code128, qrCode } from '../../../src/core/coupons/symbols';
import { decodeCode128 } from './code128-decode';
import { decodeQr } from './qr-decode';

describe('symboles du coupon', () => {
  it('encode en Code 128 les références de facture, relues par un décodeur indépendant', () => {
    for (const ref of ['FAC-SCO-0001', '2026-SCO-000965', 'R2026-SPO-12', '000123456789']) {
      const symbol = code128(ref);
      expect(decodeCode128(symbol.widths)).toBe(ref);
      expect(symbol.modules).toBe(symbol.widths.reduce((a, b) => a + b, 0));
    }
    fc.assert(
      fc.property(fc.stringMatching(/^[ -~]{1,30}$/), (text) => {
        expect(decodeCode128(code128(text).widths)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('encode en QR l’adresse d’activation, relue par jsQR, en correction M', () => {
    for (const portal of ['https://famille.ville-de-test.fr', 'http://127.0.0.1:8790/famille']) {
      const url = activationUrl(portal, 'DUP-00001');
      const symbol = qrCode(url);
      expect(symbol.dark).toHaveLength(symbol.size * symbol.size);
      expect(decodeQr(symbol)).toBe(url);
    }
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true }), (url) => {
        expect(decodeQr(qrCode(url))).toBe(url);
      }),
      { numRuns: 60 },
    );
  });

  it('refuse un texte trop long pour un QR code, avec une erreur', () => {
    expect(() => qrCode('x'.repeat(5000))).toThrow();
  });
});
