// The batch's QR codes come from a worker thread: they must be exactly the symbols the coupon
// would encode itself, in the order asked.
import { describe, expect, it } from 'vitest';
import { qrEncoder } from '../../../src/core/coupons/qr-worker';
import { qrCode } from '../../../src/core/coupons/symbols';

describe('qrEncoder', () => {
  it('encodes on a worker thread exactly what the coupon encodes in its own thread', async () => {
    const enc = qrEncoder();
    try {
      const texts = ['F00001', 'F00002', 'G00123'].map(
        (c) => `https://famille.villetest.fr/activation?famille=${c}`,
      );
      const [a, b] = await Promise.all([enc.encode(texts), enc.encode(texts.slice(1))]);
      expect(enc.onWorker()).toBe(true);
      expect(a).toEqual(texts.map(qrCode));
      expect(b).toEqual(texts.slice(1).map(qrCode));
      expect(a[0]?.dark).not.toEqual(a[1]?.dark);
    } finally {
      enc.close();
    }
    // Closed: it still answers, in this thread.
    expect(enc.onWorker()).toBe(false);
    expect(await enc.encode(['x'])).toEqual([qrCode('x')]);
  });
});
