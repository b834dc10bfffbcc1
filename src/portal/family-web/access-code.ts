// How the portal recognises the coupon's codes. The activation code is compared through the
// SHA-256 that the register pushed (it never travels itself), computed by the one shared
// function the register uses, so both sides normalise exactly alike.
export { accessCodeSha256, normaliseAccessCode } from '../../shared/access-code';

/** Codes famille are printed in upper case; a family may type them otherwise. */
export function normaliseFamilyCode(code: string): string {
  return code.trim().toUpperCase();
}
