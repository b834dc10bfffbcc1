/**
 * Keydown events that started while a dialog or a menu was open. Mantine closes a dialog on
 * Échap from its own capture listener on the window, and React removes a dialog rendered only
 * while open (`{x && <Modal opened …/>}`) in the microtask that follows that listener: by the
 * time a screen's listener sees the same event, the dialog is gone from the document and the
 * screen would take the key for its own. Noting the state in a capture listener installed when
 * this module loads (before any dialog can mount, so it runs before Mantine's) keeps the answer
 * true for the whole event.
 */
const startedInOverlay = new WeakSet<Event>();

function overlayInDocument(): boolean {
  return document.querySelector('[role="dialog"][aria-modal="true"], [role="menu"]') !== null;
}

if (typeof window !== 'undefined') {
  window.addEventListener(
    'keydown',
    (e) => {
      if (overlayInDocument()) startedInOverlay.add(e);
    },
    { capture: true },
  );
}

/**
 * True while a dialog or a menu is open, or when `event` started while one was. Screens listen
 * for Échap on the window to go back; Mantine closes its dialogs and menus on the same key, and
 * the agent who presses Échap in one means to close it, not to leave the screen behind it.
 * Checked on the document rather than on the event's target because the focus is not always
 * inside the overlay (after a download link was clicked, for instance).
 */
export function overlayOpen(event?: Event): boolean {
  return (event !== undefined && startedInOverlay.has(event)) || overlayInDocument();
}
