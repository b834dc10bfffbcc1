/**
 * True while a dialog or a menu is open. Screens listen for Échap on the window to go back;
 * Mantine closes its dialogs and menus on the same key, and the agent who presses Échap in one
 * means to close it, not to leave the screen behind it. Checked on the document rather than on
 * the event's target because the focus is not always inside the overlay (after a download link
 * was clicked, for instance).
 */
export function overlayOpen(): boolean {
  return document.querySelector('[role="dialog"][aria-modal="true"], [role="menu"]') !== null;
}
