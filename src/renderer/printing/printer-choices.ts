// The choices offered for a printer setting: Windows' default printer, then every printer this
// computer knows, by the name the system gives it (what printing needs) with its display name.
// A configured printer that has disappeared stays in the list, marked as missing, so that the
// setting is never changed behind the person's back by opening the screen.
import type { PrinterSummary } from '../desktop/shell-bridge';
import { printingMessages } from './messages';

/** Mantine's Select cannot hold '' as a value: the system's default printer gets a stand-in. */
export const SYSTEM_DEFAULT_CHOICE = '__imprimante_par_defaut__';

export interface PrinterChoice {
  value: string;
  label: string;
}

export function printerChoices(printers: PrinterSummary[], current: string): PrinterChoice[] {
  const m = printingMessages.settings;
  const choices = [
    { value: SYSTEM_DEFAULT_CHOICE, label: m.systemDefault },
    ...printers.map((p) => ({
      value: p.name,
      label: p.displayName === p.name ? p.name : `${p.displayName} (${p.name})`,
    })),
  ];
  if (isMissing(printers, current)) choices.push({ value: current, label: m.missing(current) });
  return choices;
}

export function isMissing(printers: PrinterSummary[], current: string): boolean {
  return current !== '' && !printers.some((p) => p.name === current);
}

/** The setting's value for a choice ('' is Windows' default printer). */
export function settingOf(choice: string | null): string {
  return choice === null || choice === SYSTEM_DEFAULT_CHOICE ? '' : choice;
}

export function choiceOf(setting: string): string {
  return setting === '' ? SYSTEM_DEFAULT_CHOICE : setting;
}
