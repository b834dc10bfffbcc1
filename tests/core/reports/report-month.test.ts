// The panel's quick choices "mois en cours" and "mois précédent" (src/renderer/screens/reports):
// a pure function, tested here beside the reports it feeds.
import { describe, expect, it } from 'vitest';
import { monthOf } from '../../../src/renderer/screens/reports/report-month';

describe('monthOf', () => {
  it('gives the whole month, across year ends and leap years', () => {
    expect(monthOf('2026-11-23')).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(monthOf('2026-11-23', -1)).toEqual({ from: '2026-10-01', to: '2026-10-31' });
    expect(monthOf('2027-01-15', -1)).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(monthOf('2026-12-31')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(monthOf('2028-03-01', -1)).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(monthOf('2026-03-31', -1)).toEqual({ from: '2026-02-01', to: '2026-02-28' });
  });
});
