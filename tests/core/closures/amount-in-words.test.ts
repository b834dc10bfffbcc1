// The amount in words of the "arrêté" at the foot of the état des recettes: French agreement
// rules an accountant would check, one case each.
import { describe, expect, it } from 'vitest';
import { amountInWords, numberInWords } from '../../../src/core/closures/amount-in-words';

describe('numberInWords', () => {
  it.each([
    [0, 'zéro'],
    [1, 'un'],
    [16, 'seize'],
    [17, 'dix-sept'],
    [21, 'vingt et un'],
    [22, 'vingt-deux'],
    [61, 'soixante et un'],
    [70, 'soixante-dix'],
    [71, 'soixante et onze'],
    [77, 'soixante-dix-sept'],
    [80, 'quatre-vingts'],
    [81, 'quatre-vingt-un'],
    [90, 'quatre-vingt-dix'],
    [91, 'quatre-vingt-onze'],
    [99, 'quatre-vingt-dix-neuf'],
    [100, 'cent'],
    [101, 'cent un'],
    [180, 'cent quatre-vingts'],
    [200, 'deux cents'],
    [201, 'deux cent un'],
    [280, 'deux cent quatre-vingts'],
    [1000, 'mille'],
    [1001, 'mille un'],
    [1234, 'mille deux cent trente-quatre'],
    [2000, 'deux mille'],
    [21000, 'vingt et un mille'],
    [80000, 'quatre-vingt mille'],
    [80080, 'quatre-vingt mille quatre-vingts'],
    [100000, 'cent mille'],
    [200000, 'deux cent mille'],
    [1_000_000, 'un million'],
    [2_000_000, 'deux millions'],
    [80_000_000, 'quatre-vingts millions'],
    [200_000_000, 'deux cents millions'],
    [1_500_000, 'un million cinq cent mille'],
    [2_000_000_000, 'deux milliards'],
  ])('%i → %s', (n, words) => {
    expect(numberInWords(n)).toBe(words);
  });

  it('refuses what it cannot write', () => {
    expect(() => numberInWords(-1)).toThrow(RangeError);
    expect(() => numberInWords(1.5)).toThrow(RangeError);
    expect(() => numberInWords(1e12)).toThrow(RangeError);
  });
});

describe('amountInWords', () => {
  it.each([
    [123456, 'mille deux cent trente-quatre euros et cinquante-six centimes'],
    [100, 'un euro'],
    [101, 'un euro et un centime'],
    [8000, 'quatre-vingts euros'],
    [8100, 'quatre-vingt-un euros'],
    [20000, 'deux cents euros'],
    [20100, 'deux cent un euros'],
    [80, 'quatre-vingts centimes'],
    [0, 'zéro euro'],
    [2100, 'vingt et un euros'],
    [100000, 'mille euros'],
    [100_000_000, 'un million d’euros'],
    [300_000_000, 'trois millions d’euros'],
    [100_000_100, 'un million un euros'],
    [20_000_000_00, 'vingt millions d’euros'],
    [-1250, 'moins douze euros et cinquante centimes'],
  ])('%i centimes → %s', (cents, words) => {
    expect(amountInWords(cents)).toBe(words);
  });
});
