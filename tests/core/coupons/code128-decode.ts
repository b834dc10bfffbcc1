// An independent Code 128 reader for the tests: the standard symbol table (ISO/IEC 15417, as
// printed in every reference) and the decoding rules, written without bwip-js, so a barcode
// drawn on a coupon is checked against the symbology itself and not against the library that
// encoded it.
const PATTERNS = [
  '212222',
  '222122',
  '222221',
  '121223',
  '121322',
  '131222',
  '122213',
  '122312',
  '132212',
  '221213',
  '221312',
  '231212',
  '112232',
  '122132',
  '122231',
  '113222',
  '123122',
  '123221',
  '223211',
  '221132',
  '221231',
  '213212',
  '223112',
  '312131',
  '311222',
  '321122',
  '321221',
  '312212',
  '322112',
  '322211',
  '212123',
  '212321',
  '232121',
  '111323',
  '131123',
  '131321',
  '112313',
  '132113',
  '132311',
  '211313',
  '231113',
  '231311',
  '112133',
  '112331',
  '132131',
  '113123',
  '113321',
  '133121',
  '313121',
  '211331',
  '231131',
  '213113',
  '213311',
  '213131',
  '311123',
  '311321',
  '331121',
  '312113',
  '312311',
  '332111',
  '314111',
  '221411',
  '431111',
  '111224',
  '111422',
  '121124',
  '121421',
  '141122',
  '141221',
  '112214',
  '112412',
  '122114',
  '122411',
  '142112',
  '142211',
  '241211',
  '221114',
  '413111',
  '241112',
  '134111',
  '111242',
  '121142',
  '121241',
  '114212',
  '124112',
  '124211',
  '411212',
  '421112',
  '421211',
  '212141',
  '214121',
  '412121',
  '111143',
  '111341',
  '131141',
  '114113',
  '114311',
  '411113',
  '411311',
  '113141',
  '114131',
  '311141',
  '411131',
  '211412',
  '211214',
  '211232',
];
const STOP = '2331112';

/** Decodes bar/space widths in modules (bar first); throws on anything malformed. */
export function decodeCode128(widths: readonly number[]): string {
  const s = widths.join('');
  if (!s.endsWith(STOP)) throw new Error('pas de caractère d’arrêt');
  const body = s.slice(0, -STOP.length);
  if (body.length % 6 !== 0) throw new Error('longueur incohérente');
  const values: number[] = [];
  for (let i = 0; i < body.length; i += 6) {
    const v = PATTERNS.indexOf(body.slice(i, i + 6));
    if (v < 0) throw new Error(`symbole inconnu ${body.slice(i, i + 6)}`);
    values.push(v);
  }
  const [start, ...rest] = values;
  const check = rest.pop();
  if (start === undefined || check === undefined) throw new Error('symbole trop court');
  const sum = rest.reduce((acc, v, i) => acc + v * (i + 1), start);
  if (sum % 103 !== check) throw new Error('clé de contrôle fausse');
  let set = start === 103 ? 'A' : start === 104 ? 'B' : start === 105 ? 'C' : null;
  if (!set) throw new Error('caractère de départ inconnu');
  let out = '';
  for (const v of rest) {
    if (set === 'C') {
      if (v < 100) out += String(v).padStart(2, '0');
      else if (v === 100) set = 'B';
      else if (v === 101) set = 'A';
      else throw new Error(`valeur ${v} inattendue en C`);
    } else {
      if (v === 99) set = 'C';
      else if (v === 100 && set === 'A') set = 'B';
      else if (v === 101 && set === 'B') set = 'A';
      else if (v < 64) out += String.fromCharCode(v + 32);
      else if (v < 96)
        out += set === 'B' ? String.fromCharCode(v + 32) : String.fromCharCode(v - 64);
      else throw new Error(`valeur ${v} non gérée`);
    }
  }
  return out;
}
