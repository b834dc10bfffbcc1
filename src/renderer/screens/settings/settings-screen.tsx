// Paramètres (F9): this machine's settings, its printers, the commune's identity, the régies, the
// backups and the incident report, one tab each. Every agent may read; the régisseur and the
// suppléant change the machine's settings and make backups; the régisseur alone configures the
// régies and restores. The core enforces the same rules; the screen only shows who may do what.
import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Container, Group, Kbd, Skeleton, Stack, Tabs, Title } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import type { SessionView, SettingsView } from '../../../shared/contract';
import { can } from '../../../shared/roles';
import { overlayOpen } from '../../components/overlay-open';
import { useGuichet } from '../../guichet-context';
import { BackupsSection } from './backups-section';
import { CommuneSection } from './commune-section';
import { IncidentSection } from './incident-section';
import { MachineSection } from './machine-section';
import { settingsMessages as m } from './messages';
import { PortalSection } from './portal-section';
import { PrinterSection } from './printer-section';
import { RegiesSection } from './regies-section';

type Tab = keyof typeof m.tabs;
const tabs = Object.keys(m.tabs) as Tab[];

type Loaded = { view: SettingsView } | { error: string };

/** The value <PrinterSection> edits (its props are shared with the desktop shell's version). */
interface PrinterSettingsValue {
  printerReceipt: string;
  printerA4: string;
  printSilent: boolean;
}

export function SettingsScreen({ session, onBack }: { session: SessionView; onBack(): void }) {
  const { call, locked } = useGuichet();
  const [tab, setTab] = useState<Tab>('poste');
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const role = session.agent.role;
  const mayEditMachine = can(role, 'validate');
  const mayAdmin = can(role, 'admin');

  useEffect(() => heading.current?.focus(), []);

  useEffect(() => {
    let cancelled = false;
    void call('settings.get', {}).then((r) => {
      if (!cancelled) setLoaded(r.ok ? { view: r.value } : { error: r.error.message });
    });
    return () => {
      cancelled = true;
    };
  }, [call]);

  // Échap goes back when no field has the focus and no dialog is open.
  useEffect(() => {
    function onKeyDown(e: KeyboardEvent) {
      if (e.key !== 'Escape' || locked || e.defaultPrevented || overlayOpen(e)) return;
      const t = e.target;
      if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement) return;
      e.preventDefault();
      onBack();
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [locked, onBack]);

  // Each section keeps its draft (now equal to what was saved); the others read the new view.
  const saved = (view: SettingsView) => setLoaded({ view });
  const view = loaded && 'view' in loaded ? loaded.view : null;

  return (
    <Container size="xl" py="lg">
      <Stack gap="lg">
        <Group justify="space-between">
          <Title order={1} ref={heading} tabIndex={-1}>
            {m.title}
          </Title>
          <Button
            variant="subtle"
            leftSection={<IconArrowLeft aria-hidden size={18} />}
            rightSection={<Kbd size="xs">{m.backKey}</Kbd>}
            onClick={onBack}
          >
            {m.back}
          </Button>
        </Group>
        {!loaded && (
          <Stack aria-busy="true" aria-label={m.loading}>
            <Skeleton height={40} />
            <Skeleton height={240} />
          </Stack>
        )}
        {loaded && 'error' in loaded && (
          <Alert color="red" variant="outline" role="alert">
            {m.loadFailed(loaded.error)}
          </Alert>
        )}
        {view && (
          <Tabs
            value={tab}
            onChange={(v) => {
              const t = tabs.find((x) => x === v);
              if (t) setTab(t);
            }}
            keepMounted={false}
          >
            <Tabs.List mb="md">
              {tabs.map((t) => (
                <Tabs.Tab key={t} value={t} data-testid={`settings-tab-${t}`}>
                  {m.tabs[t]}
                </Tabs.Tab>
              ))}
            </Tabs.List>
            <Tabs.Panel value="poste">
              <MachineSection settings={view.machine} editable={mayEditMachine} onSaved={saved} />
            </Tabs.Panel>
            <Tabs.Panel value="imprimantes">
              <PrintersTab view={view} editable={mayEditMachine} onSaved={saved} />
            </Tabs.Panel>
            <Tabs.Panel value="commune">
              <CommuneSection commune={view.commune} editable={mayAdmin} onSaved={saved} />
            </Tabs.Panel>
            <Tabs.Panel value="regies">
              <RegiesSection regies={view.regies} editable={mayAdmin} onSaved={saved} />
            </Tabs.Panel>
            <Tabs.Panel value="sauvegardes">
              <BackupsSection mayBackup={mayEditMachine} mayRestore={mayAdmin} />
            </Tabs.Panel>
            <Tabs.Panel value="portail">
              <PortalSection mayEnrol={mayAdmin} />
            </Tabs.Panel>
            <Tabs.Panel value="incident">
              <IncidentSection />
            </Tabs.Panel>
          </Tabs>
        )}
      </Stack>
    </Container>
  );
}

/** The printer section edits a draft; saving sends the three printer settings that changed. */
function PrintersTab({
  view,
  editable,
  onSaved,
}: {
  view: SettingsView;
  editable: boolean;
  onSaved(view: SettingsView): void;
}) {
  const { call } = useGuichet();
  const initial: PrinterSettingsValue = {
    printerReceipt: view.machine.printerReceipt,
    printerA4: view.machine.printerA4,
    printSilent: view.machine.printSilent,
  };
  const [value, setValue] = useState<PrinterSettingsValue>(initial);
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function save() {
    const update = Object.fromEntries(
      (Object.keys(value) as (keyof PrinterSettingsValue)[])
        .filter((k) => value[k] !== initial[k])
        .map((k) => [k, value[k]]),
    );
    if (Object.keys(update).length === 0) {
      setMessage({ ok: true, text: m.nothingChanged });
      return;
    }
    setSaving(true);
    const r = await call('settings.update', update);
    setSaving(false);
    if (r.ok) {
      setMessage({ ok: true, text: m.saved });
      onSaved(r.value);
    } else {
      setMessage({ ok: false, text: r.error.message });
    }
  }

  return (
    <Stack gap="md">
      <Alert color="gray" variant="outline" role="note" maw={900}>
        {editable ? m.printers.intro : m.readOnlyMachine}
      </Alert>
      <PrinterSection
        value={value}
        onChange={(v) => {
          setValue(v);
          setMessage(null);
        }}
        disabled={!editable}
      />
      {message && (
        <Alert
          color={message.ok ? 'green' : 'red'}
          variant="outline"
          role={message.ok ? 'status' : 'alert'}
          maw={900}
        >
          {message.text}
        </Alert>
      )}
      {editable && (
        <Group>
          <Button
            size="md"
            loading={saving}
            onClick={() => void save()}
            data-testid="printers-save"
          >
            {m.save}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
