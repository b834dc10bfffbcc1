// The two questions the shell asks the core outside any session, answered by a real core on a
// real database: the printers, silent printing and update feed of this machine, and whether a
// till is open (an update then waits for a later quit).
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import type { Core } from '../../src/core/core';
import { setSetting } from '../../src/core/settings';
import type { ShellCore } from '../../src/main/shell-core';
import { openTestCore, openTill, type TestCore } from '../core/fixtures';

let t: TestCore | null = null;
afterEach(() => {
  t?.close();
  t = null;
});

describe('the core as the shell sees it', () => {
  it('is a ShellCore as it is', () => {
    expectTypeOf<Core>().toExtend<ShellCore>();
  });

  it('reads the printers, silent printing and the update feed, with empty defaults', async () => {
    t = await openTestCore({ till: false });
    const shell: ShellCore = t.core;
    expect(shell.machineSettings()).toMatchObject({
      printerReceipt: '',
      printerA4: '',
      printSilent: false,
      updateFeedUrl: '',
    });
    setSetting(t.sqlite, 'printer_receipt', 'EPSON_TM_T20');
    setSetting(t.sqlite, 'printer_a4', 'HP_A4');
    setSetting(t.sqlite, 'print_silent', '1');
    setSetting(t.sqlite, 'update_feed_url', 'https://portail.mairie.fr/maj/');
    expect(shell.machineSettings()).toMatchObject({
      printerReceipt: 'EPSON_TM_T20',
      printerA4: 'HP_A4',
      printSilent: true,
      updateFeedUrl: 'https://portail.mairie.fr/maj/',
    });
  });

  it('knows whether a till is open', async () => {
    t = await openTestCore({ till: false });
    const shell: ShellCore = t.core;
    expect(shell.hasOpenTill()).toBe(false);
    openTill(t.sqlite);
    expect(shell.hasOpenTill()).toBe(true);
  });
});
