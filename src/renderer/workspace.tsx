// The signed-in agent's screens under one header: the search (the counter's home), a family's
// page, the payment form and the journal. Routing is plain state: the search's query, results
// and selection must survive a visit to a family, and the payment form is opened with the family
// the agent is looking at.
import { useCallback, useEffect, useState } from 'react';
import { useIdle } from '@mantine/hooks';
import type { FamilyDetail, SessionView } from '../shared/contract';
import { can } from '../shared/roles';
import { AppHeader } from './components/app-header';
import { useGuichet } from './guichet-context';
import { FamilyScreen } from './screens/family/family-screen';
import { JournalScreen } from './screens/journal/journal-screen';
import { ScanNotice } from './scanner/scan-notice';
import { useInvoiceOpener } from './scanner/use-invoice-opener';
import { useBarcodeScanner } from './scanner/use-scanner';
import { OfficeScreen } from './screens/office/office-screen';
import { PaymentScreen } from './screens/payment/payment-screen';
import { SearchScreen } from './screens/search/search-screen';
import { SettingsScreen } from './screens/settings/settings-screen';
import { TillScreen } from './screens/till/till-screen';
import { useFamilySearch } from './screens/search/use-family-search';

type MainRoute =
  | { screen: 'search' }
  | { screen: 'family'; familyId: number }
  | { screen: 'payment'; family: FamilyDetail; regieId: number; invoiceId: number | null };
type Route = MainRoute | { screen: 'journal' | 'till' | 'office' | 'settings'; back: MainRoute };

/** Where a side screen (journal, till, office, settings) returns to: never another side screen. */
function mainOf(r: Route): MainRoute {
  return 'back' in r ? r.back : r;
}

export const JOURNAL_KEY = 'F8';
export const TILL_KEY = 'F6';
export const OFFICE_KEY = 'F7';
export const SETTINGS_KEY = 'F9';

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  );
}

/**
 * The core locks an idle session on its next call; locking the screen at the same moment keeps
 * a family's details from staying on an unattended counter.
 */
function IdleLock({ seconds, onIdle }: { seconds: number; onIdle(): void }) {
  const idle = useIdle(seconds * 1000, {
    events: ['keydown', 'mousedown', 'touchstart', 'wheel'],
    initialState: false,
  });
  useEffect(() => {
    if (idle) onIdle();
  }, [idle, onIdle]);
  return null;
}

export function Workspace({ session }: { session: SessionView }) {
  const { locked, lock } = useGuichet();
  const [route, setRoute] = useState<Route>({ screen: 'search' });
  // Bumped to ask the search box for focus (on "/" or F2) even when already on the search.
  const [focusRequest, setFocusRequest] = useState(0);
  const search = useFamilySearch();
  const mayReadJournal = can(session.agent.role, 'audit') || can(session.agent.role, 'read');

  const { refresh: refreshSearch } = search;
  const goToSearch = useCallback(() => {
    setRoute({ screen: 'search' });
    setFocusRequest((n) => n + 1);
    // What a family owes may have changed on the screens left behind (a payment, a cancellation).
    refreshSearch();
  }, [refreshSearch]);

  const openJournal = useCallback(() => {
    setRoute((r) => (r.screen === 'journal' ? r : { screen: 'journal', back: mainOf(r) }));
  }, []);

  const openTill = useCallback(() => {
    setRoute((r) => (r.screen === 'till' ? r : { screen: 'till', back: mainOf(r) }));
  }, []);

  const openOffice = useCallback(() => {
    setRoute((r) => (r.screen === 'office' ? r : { screen: 'office', back: mainOf(r) }));
  }, []);

  const openSettings = useCallback(() => {
    setRoute((r) => (r.screen === 'settings' ? r : { screen: 'settings', back: mainOf(r) }));
  }, []);

  const openFamily = useCallback((familyId: number) => {
    setRoute({ screen: 'family', familyId });
  }, []);

  const openPayment = useCallback(
    (family: FamilyDetail, regieId: number, invoiceId: number | null) => {
      setRoute({ screen: 'payment', family, regieId, invoiceId });
    },
    [],
  );

  // A coupon's barcode read from any screen (or its reference typed in the search box) opens the
  // payment form on that invoice; see scanner/use-scanner.ts for what happens inside a dialog.
  const mayCollect = can(session.agent.role, 'collect');
  const invoiceOpener = useInvoiceOpener({ mayCollect, openPayment, openFamily });
  useBarcodeScanner(!locked, {
    onScan: (reference) => invoiceOpener.openReference(reference),
    onScanIgnored: invoiceOpener.scanIgnored,
  });

  useEffect(() => {
    function onKeyDown(e: KeyboardEvent) {
      if (locked || e.defaultPrevented) return;
      if (e.key === 'F2' || (e.key === '/' && !isEditable(e.target))) {
        e.preventDefault();
        goToSearch();
      } else if (e.key === JOURNAL_KEY && mayReadJournal) {
        e.preventDefault();
        openJournal();
      } else if (e.key === TILL_KEY) {
        e.preventDefault();
        openTill();
      } else if (e.key === OFFICE_KEY) {
        e.preventDefault();
        openOffice();
      } else if (e.key === SETTINGS_KEY) {
        e.preventDefault();
        openSettings();
      }
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [locked, goToSearch, openJournal, openTill, openOffice, openSettings, mayReadJournal]);

  return (
    <>
      {/* Mounted afresh at each unlock, so the idle time starts again from the unlock (an unlock
          slower than the idle time must not lock the screen again at once). */}
      {!locked && <IdleLock seconds={session.idleLockSeconds} onIdle={lock} />}
      <AppHeader
        session={session}
        current={route.screen}
        onSearch={goToSearch}
        onJournal={mayReadJournal ? openJournal : null}
        journalKey={JOURNAL_KEY}
        onTill={openTill}
        tillKey={TILL_KEY}
        onOffice={openOffice}
        officeKey={OFFICE_KEY}
        onSettings={openSettings}
        settingsKey={SETTINGS_KEY}
      />
      <main>
        {route.screen === 'search' && (
          <SearchScreen
            search={search}
            focusRequest={focusRequest}
            onOpen={openFamily}
            onOpenTill={openTill}
            onReference={invoiceOpener.openReference}
          />
        )}
        {route.screen === 'family' && (
          <FamilyScreen familyId={route.familyId} onBack={goToSearch} onPay={openPayment} />
        )}
        {route.screen === 'payment' && (
          <PaymentScreen
            // A new form for each payment started, even on the same régie.
            key={`${route.family.id}/${route.regieId}/${route.invoiceId ?? ''}`}
            family={route.family}
            regieId={route.regieId}
            invoiceId={route.invoiceId}
            onBack={() => openFamily(route.family.id)}
            onOpenTill={openTill}
          />
        )}
        {route.screen === 'till' && (
          <TillScreen
            session={session}
            onBack={() => {
              const back = route.back;
              if (back.screen === 'search') goToSearch();
              else setRoute(back);
            }}
          />
        )}
        {route.screen === 'office' && (
          <OfficeScreen
            session={session}
            onBack={() => {
              const back = route.back;
              if (back.screen === 'search') goToSearch();
              else setRoute(back);
            }}
          />
        )}
        {route.screen === 'settings' && (
          <SettingsScreen
            session={session}
            onBack={() => {
              const back = route.back;
              if (back.screen === 'search') goToSearch();
              else setRoute(back);
            }}
          />
        )}
        {route.screen === 'journal' && (
          <JournalScreen
            onBack={() => {
              const back = route.back;
              if (back.screen === 'search') goToSearch();
              else setRoute(back);
            }}
          />
        )}
      </main>
      <ScanNotice notice={invoiceOpener.notice} onClose={invoiceOpener.dismiss} />
    </>
  );
}
