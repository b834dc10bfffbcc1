// Listens to every key of the workspace for a barcode scanner's burst (see burst-detector.ts).
//
// The listener is on the window, in the capture phase, so a scan is seen wherever the focus is:
// in the search box, in a field of the payment form, on a button or nowhere. A scanner cannot be
// told apart from a person before its Entrée, so its characters land in the focused field like
// any typing; once the Entrée confirms a scan, the field gets back what it held before the first
// character (and the Entrée itself goes no further: it must not submit a form or open a search
// hit). Nothing of a person's typing is ever swallowed.
//
// Decided for dialogs: while a dialog or a menu is open (cancelling a payment, issuing an
// access code...), a scan is not acted on. The dialog asks something else, and leaving it behind
// a payment form would hide the question. The field is restored all the same, and the agent is
// told to close the dialog and scan again. While the session is locked nothing is listened to.
import { useEffect, useRef } from 'react';
import { overlayOpen } from '../components/overlay-open';
import { createBurstDetector, defaultBurstOptions, type BurstOptions } from './burst-detector';

interface FieldSnapshot {
  element: HTMLInputElement | HTMLTextAreaElement;
  value: string;
  selectionStart: number | null;
  selectionEnd: number | null;
}

export interface ScannerHandlers {
  /** A scan while nothing else was asked: `text` is the reference read. */
  onScan(text: string): void;
  /** A scan while a dialog or a menu was open: ignored, but the agent is told. */
  onScanIgnored(text: string): void;
}

function snapshotOf(target: Element | null): FieldSnapshot | null {
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) {
    let selectionStart: number | null = null;
    let selectionEnd: number | null = null;
    try {
      selectionStart = target.selectionStart;
      selectionEnd = target.selectionEnd;
    } catch {
      // Inputs of some types (number, date) have no selection: only the value is put back.
    }
    return { element: target, value: target.value, selectionStart, selectionEnd };
  }
  return null;
}

/**
 * Puts a field back as it was. The value is set through the prototype's setter and announced
 * with an input event, because React keeps its own copy of a controlled field's value and only
 * an input event makes it read the field again.
 */
function restore(snapshot: FieldSnapshot): void {
  const { element } = snapshot;
  if (!element.isConnected) return;
  // Set even when the values look equal: a number field holding the scanned letters reports
  // an empty value while it still shows them.
  const proto =
    element instanceof HTMLInputElement
      ? HTMLInputElement.prototype
      : HTMLTextAreaElement.prototype;
  Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(element, snapshot.value);
  element.dispatchEvent(new Event('input', { bubbles: true }));
  if (snapshot.selectionStart !== null && snapshot.selectionEnd !== null) {
    try {
      element.setSelectionRange(snapshot.selectionStart, snapshot.selectionEnd);
    } catch {
      // See snapshotOf: no selection on this type of input.
    }
  }
}

export function useBarcodeScanner(
  enabled: boolean,
  handlers: ScannerHandlers,
  options: BurstOptions = defaultBurstOptions,
): void {
  // The latest handlers, read at the scan: the listener itself is installed once.
  const latest = useRef(handlers);
  useEffect(() => {
    latest.current = handlers;
  });

  useEffect(() => {
    if (!enabled) return;
    const detector = createBurstDetector(options);
    let snapshot: FieldSnapshot | null = null;
    function onKeyDown(e: KeyboardEvent) {
      if (e.isComposing) return;
      const verdict = detector.push({
        key: e.key,
        time: e.timeStamp,
        ctrlKey: e.ctrlKey,
        altKey: e.altKey,
        metaKey: e.metaKey,
      });
      if (verdict.kind === 'character') {
        if (verdict.first) snapshot = snapshotOf(document.activeElement);
        return;
      }
      if (verdict.kind !== 'scan') return;
      e.preventDefault();
      e.stopPropagation();
      if (snapshot) restore(snapshot);
      snapshot = null;
      if (overlayOpen(e)) latest.current.onScanIgnored(verdict.text);
      else latest.current.onScan(verdict.text);
    }
    window.addEventListener('keydown', onKeyDown, { capture: true });
    return () => window.removeEventListener('keydown', onKeyDown, { capture: true });
  }, [enabled, options]);
}
