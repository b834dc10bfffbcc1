// The back office of the régie, one screen with three tabs: deposits to the comptable (cheque
// and title slips, cash deposits, card summaries), period closures (with the monthly "état des
// recettes") and the documents for the comptable or an audit. Each tab is its own component;
// this screen only frames them, keeps the chosen tab and returns on Échap.
import { useEffect, useRef, useState } from 'react';
import { Button, Container, Group, Tabs, Title } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import type { SessionView } from '../../../shared/contract';
import { can } from '../../../shared/roles';
import { overlayOpen } from '../../components/overlay-open';
import { useGuichet } from '../../guichet-context';
import { BankPanel } from '../bank/bank-panel';
import { ClosuresPanel } from '../closures/closures-panel';
import { CouponBatchPanel } from '../coupons/batch-panel';
import { DepositsPanel } from '../deposits/deposits-panel';
import { ImportPanel } from '../imports/import-panel';
import { ReportsPanel } from '../reports/reports-panel';
import { officeMessages as m } from './messages';

type Tab = 'remises' | 'clotures' | 'editions' | 'coupons' | 'import' | 'rapprochement';

export function OfficeScreen({ session, onBack }: { session: SessionView; onBack(): void }) {
  const { locked } = useGuichet();
  const [tab, setTab] = useState<Tab>('remises');
  const heading = useRef<HTMLHeadingElement>(null);
  const mayAudit = can(session.agent.role, 'audit');
  // Coupon batches may issue an activation code to every family: régisseur and suppléant only.
  const mayBatchCoupons = can(session.agent.role, 'validate');
  // Importing families and invoices from files is the régisseur's alone (permission 'admin').
  const mayImport = can(session.agent.role, 'admin');

  useEffect(() => heading.current?.focus(), []);

  useEffect(() => {
    function onKeyDown(e: KeyboardEvent) {
      if (e.key === 'Escape' && !locked && !e.defaultPrevented && !overlayOpen(e)) {
        e.preventDefault();
        onBack();
      }
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [locked, onBack]);

  return (
    <Container size="xl" py="lg">
      <Group justify="space-between" mb="md">
        <Title order={1} ref={heading} tabIndex={-1}>
          {m.title}
        </Title>
        <Button
          variant="subtle"
          leftSection={<IconArrowLeft aria-hidden size={18} />}
          onClick={onBack}
        >
          {m.back}
        </Button>
      </Group>
      <Tabs value={tab} onChange={(v) => v && setTab(v as Tab)} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="remises" data-testid="tab-remises">
            {m.tabDeposits}
          </Tabs.Tab>
          <Tabs.Tab value="clotures" data-testid="tab-clotures">
            {m.tabClosures}
          </Tabs.Tab>
          {mayAudit && (
            <Tabs.Tab value="editions" data-testid="tab-editions">
              {m.tabReports}
            </Tabs.Tab>
          )}
          {mayBatchCoupons && (
            <Tabs.Tab value="coupons" data-testid="tab-coupons">
              {m.tabCoupons}
            </Tabs.Tab>
          )}
          {mayImport && (
            <Tabs.Tab value="import" data-testid="tab-import">
              {m.tabImport}
            </Tabs.Tab>
          )}
          <Tabs.Tab value="rapprochement" data-testid="tab-rapprochement">
            {m.tabBank}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="remises">
          <DepositsPanel session={session} />
        </Tabs.Panel>
        <Tabs.Panel value="clotures">
          <ClosuresPanel session={session} />
        </Tabs.Panel>
        {mayAudit && (
          <Tabs.Panel value="editions">
            <ReportsPanel session={session} />
          </Tabs.Panel>
        )}
        {mayBatchCoupons && (
          <Tabs.Panel value="coupons">
            <CouponBatchPanel />
          </Tabs.Panel>
        )}
        {mayImport && (
          <Tabs.Panel value="import">
            <ImportPanel />
          </Tabs.Panel>
        )}
        <Tabs.Panel value="rapprochement">
          <BankPanel session={session} />
        </Tabs.Panel>
      </Tabs>
    </Container>
  );
}
