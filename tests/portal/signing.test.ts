// The request signature: the canonical string and the test vectors printed in PROTOCOL.md, so
// that another implementation checked against the document agrees with this one.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  canonicalString,
  sha256Hex,
  signParts,
  signRequest,
  signaturesMatch,
} from '../../src/shared/sync/signing';

const doc = readFileSync(path.resolve(import.meta.dirname, '../../src/portal/PROTOCOL.md'), 'utf8');
const secret = Buffer.alloc(32, 7).toString('base64url');
const base = {
  timestamp: '1773133200',
  nonce: 'bm9uY2UtZXhlbXBsZS0x',
  counterId: '5b1f4a8e-2c3d-4e5f-8a9b-0c1d2e3f4a5b',
};

describe('signature des requêtes', () => {
  it('suit la chaîne canonique et les vecteurs de test du protocole', () => {
    const post = {
      ...base,
      method: 'post',
      target: '/sync/v1/push',
      bodySha256: sha256Hex('{"ops":[]}'),
    };
    expect(canonicalString(post)).toBe(
      'GUICHET-HMAC-SHA256-V1\nPOST\n/sync/v1/push\n1773133200\nbm9uY2UtZXhlbXBsZS0x\n5b1f4a8e-2c3d-4e5f-8a9b-0c1d2e3f4a5b\nb2f0effc1a37cecc88986e93381ca24c017e5b7a288ea14a9462ae9b4c466f0c',
    );
    const get = {
      ...base,
      method: 'GET',
      target: '/sync/v1/changes?cursor=1042&limit=500',
      bodySha256: sha256Hex(''),
    };
    const vectors = [
      [signParts(secret, post), 'b82195441881eec1f49ef7e9b193ccfbfb3d7c30237f7f66844a8446174d800c'],
      [signParts(secret, get), 'cef0b36598b3be33ab52105ac2c3d51cba7f5128eb48139eccbe268b312fc686'],
    ] as const;
    for (const [computed, expected] of vectors) {
      expect(computed).toBe(expected);
      expect(doc).toContain(expected);
    }
    expect(doc).toContain(secret);
  });

  it('change de signature dès qu’un élément signé change', () => {
    const parts = { ...base, method: 'GET', target: '/sync/v1/counter', bodySha256: sha256Hex('') };
    const reference = signParts(secret, parts);
    for (const altered of [
      { ...parts, target: '/sync/v1/counter?x=1' },
      { ...parts, timestamp: '1773133201' },
      { ...parts, nonce: 'bm9uY2UtZXhlbXBsZS0y' },
      { ...parts, bodySha256: sha256Hex(' ') },
      { ...parts, method: 'POST' },
    ]) {
      expect(signaturesMatch(reference, signParts(secret, altered))).toBe(false);
    }
    expect(signaturesMatch(reference, reference)).toBe(true);
    expect(signaturesMatch(reference, 'pas-une-signature')).toBe(false);
    const headers = signRequest(
      { counterId: base.counterId, secret },
      'GET',
      '/sync/v1/counter',
      undefined,
      {
        now: new Date(1773133200_000),
        nonce: base.nonce,
      },
    );
    expect(headers['x-guichet-signature']).toBe(reference);
    expect(() => signParts('court', parts)).toThrow(/Secret de poste invalide/);
  });
});
