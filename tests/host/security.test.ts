import { describe, expect, it } from 'vitest';
import { generateSecret, hostAllowed, originAllowed, secretMatches } from '../../src/host/security';

describe('host security helpers', () => {
  it('draws a new 32-byte base64url secret each run', () => {
    const a = generateSecret();
    const b = generateSecret();
    expect(a).not.toBe(b);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
  });

  it('matches only the exact secret', () => {
    const s = generateSecret();
    expect(secretMatches(s, s)).toBe(true);
    expect(secretMatches(undefined, s)).toBe(false);
    expect(secretMatches('', s)).toBe(false);
    expect(secretMatches(s.slice(1), s)).toBe(false);
    expect(secretMatches(`${s} `, s)).toBe(false);
    expect(secretMatches(s.toUpperCase(), s)).toBe(s === s.toUpperCase());
  });

  it('allows only the loopback names on our port as Host', () => {
    expect(hostAllowed('127.0.0.1:8787', 8787)).toBe(true);
    expect(hostAllowed('LOCALHOST:8787', 8787)).toBe(true);
    expect(hostAllowed('127.0.0.1:8788', 8787)).toBe(false);
    expect(hostAllowed('127.0.0.1', 8787)).toBe(false);
    expect(hostAllowed('[::1]:8787', 8787)).toBe(false);
    expect(hostAllowed('attacker.example:8787', 8787)).toBe(false);
    expect(hostAllowed(undefined, 8787)).toBe(false);
  });

  it('allows a missing Origin or our own, nothing else', () => {
    expect(originAllowed(undefined, 8787)).toBe(true);
    expect(originAllowed('http://127.0.0.1:8787', 8787)).toBe(true);
    expect(originAllowed('http://localhost:8787', 8787)).toBe(true);
    expect(originAllowed('null', 8787)).toBe(false);
    expect(originAllowed('https://127.0.0.1:8787', 8787)).toBe(false);
    expect(originAllowed('http://127.0.0.1:9999', 8787)).toBe(false);
  });
});
