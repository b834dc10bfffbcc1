// What the shell asks the core outside any agent's session: this machine's printer and update
// settings (Core.machineSettings()), and whether a till is open (Core.hasOpenTill(): updates
// wait for it to be closed). Written as the narrow interface the shell needs, so that printing
// and the update policy are tested with plain objects; the core satisfies it as it is.
import type { PrinterSettings } from './printing';

export interface ShellMachineSettings extends PrinterSettings {
  /** '' when updates are not looked for. */
  updateFeedUrl: string;
}

export interface ShellCore {
  machineSettings(): ShellMachineSettings;
  hasOpenTill(): boolean;
}
