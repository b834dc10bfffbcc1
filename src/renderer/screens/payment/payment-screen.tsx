// The payment form, a full screen opened from a family's régie panel. Keyboard first: the
// amount is selected on arrival, Tab walks through the mode's details, Entrée records, Échap
// abandons. The core's preview is asked as the agent types, so the allocation, the change, the
// credit and every refusal (the 300 € cash rule...) are on screen before anything is recorded.
//
// Each recording carries a commandId drawn once for the content being recorded: a second Entrée,
// a double click or a retry after a lost answer sends the same id, and the core then returns the
// first payment instead of recording a second one.
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import {
  Alert,
  Button,
  Container,
  Grid,
  Group,
  Kbd,
  List,
  Paper,
  Radio,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import {
  receiptLayouts,
  type CounterPaymentMode,
  type FamilyDetail,
  type PaymentPreview,
  type PaymentRecorded,
  type ReceiptLayout,
  type RegiePanel,
  type RuleViolation,
} from '../../../shared/contract';
import { formatEuro } from '../../../shared/money';
import { paymentModeLabels, tillModes } from '../../../shared/payment-modes';
import { overlayOpen } from '../../components/overlay-open';
import { useGuichet } from '../../guichet-context';
import { preferredLayout, rememberLayout } from '../../receipts/layout-preference';
import { receiptMessages } from '../../receipts/messages';
import { AllocationTable } from './allocation-table';
import { ModeFields } from './mode-fields';
import {
  buildDraft,
  centsToInput,
  emptyFields,
  isTitlesMode,
  payableInvoices,
  type AllocationChoice,
  type PaymentFields,
  type TitleLineFields,
} from './payment-draft';
import { PaymentDone } from './payment-done';
import { counterModes, paymentMessages as m } from './messages';
import { draftKey, usePaymentPreview } from './use-payment-preview';
import { useTillStatus } from './use-till-status';

interface Props {
  family: FamilyDetail;
  regieId: number;
  /** The invoice chosen on the family page, if the payment started from its row. */
  invoiceId: number | null;
  onBack(): void;
  /** Opens the till screen, offered when the poste has no usable till session. */
  onOpenTill(): void;
}

export function PaymentScreen({ family, regieId, invoiceId, onBack, onOpenTill }: Props) {
  const panel = family.regies.find((r) => r.regieId === regieId);
  // The counter offers the modes the régie accepts that are taken at a counter (PayFiP is
  // paid online by the family itself).
  const modes = useMemo(
    () => counterModes.filter((mode) => panel?.acceptedModes.includes(mode)),
    [panel],
  );
  const { locked } = useGuichet();

  // Until the form is shown (and while an error is), Échap simply goes back.
  const formShown = panel !== undefined && modes.length > 0;
  useEffect(() => {
    if (formShown) return;
    function onKeyDown(e: KeyboardEvent) {
      if (e.key === 'Escape' && !locked && !e.defaultPrevented) {
        e.preventDefault();
        onBack();
      }
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [formShown, locked, onBack]);

  return (
    <Container size="xl" py="lg">
      {!panel || modes.length === 0 ? (
        <Alert color="red" variant="outline" role="alert">
          {m.noMode}
        </Alert>
      ) : (
        <PaymentForm
          family={family}
          panel={panel}
          modes={modes}
          invoiceId={invoiceId}
          onBack={onBack}
          onOpenTill={onOpenTill}
        />
      )}
    </Container>
  );
}

interface Recorded {
  result: PaymentRecorded;
  mode: CounterPaymentMode;
  layout: ReceiptLayout;
}

/** A refusal is shown for the content it was about: changing the form clears it. */
type Submission =
  | { kind: 'idle' }
  | { kind: 'sending' }
  | { kind: 'refused' | 'failed'; message: string; key: string | null };

interface FormProps {
  family: FamilyDetail;
  panel: RegiePanel;
  modes: CounterPaymentMode[];
  invoiceId: number | null;
  onBack(): void;
  onOpenTill(): void;
}

function PaymentForm({ family, panel, modes, invoiceId, onBack, onOpenTill }: FormProps) {
  const { call, locked } = useGuichet();
  const chosen = panel.invoices.find((i) => i.id === invoiceId && i.remainingCents > 0);
  const [fields, setFields] = useState<PaymentFields>(() =>
    emptyFields(
      modes[0] ?? 'especes',
      chosen
        ? centsToInput(chosen.remainingCents)
        : panel.dueCents > 0
          ? centsToInput(panel.dueCents)
          : '',
      panel.creditorLabel,
    ),
  );
  const [allocation, setAllocation] = useState<AllocationChoice>(() =>
    chosen
      ? { kind: 'invoice', invoiceId: chosen.id, remainingCents: chosen.remainingCents }
      : { kind: 'auto' },
  );
  const [layout, setLayout] = useState<ReceiptLayout>(preferredLayout);
  const [submission, setSubmission] = useState<Submission>({ kind: 'idle' });
  const [recorded, setRecorded] = useState<Recorded | null>(null);
  const till = useTillStatus();
  // Refs, not state: they must be read and written within one event, before React re-renders.
  const sending = useRef(false);
  const command = useRef<{ key: string; id: string } | null>(null);
  const amountInput = useRef<HTMLInputElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const submitError = useRef<HTMLDivElement>(null);

  const built = useMemo(
    () => buildDraft(family.id, panel.regieId, fields, allocation),
    [family.id, panel.regieId, fields, allocation],
  );
  const { draft, errors } = built;
  const preview = usePaymentPreview(draft);
  const shownPreview: PaymentPreview | null =
    preview.answer?.result.ok === true ? preview.answer.result.value : null;
  const previewError =
    preview.answer && !preview.answer.result.ok ? preview.answer.result.error.message : null;
  const stale = draft !== null && !preview.current;
  const ready =
    draft !== null &&
    preview.current &&
    shownPreview !== null &&
    shownPreview.violations.length === 0;

  // The invoices the table lists: what can be paid now, plus any the core chose to settle
  // (an invoice on direct debit, in a régie that lets families pay those at the counter).
  const invoices = useMemo(() => {
    const payable = payableInvoices(panel.invoices);
    const extra = panel.invoices.filter(
      (i) => !payable.includes(i) && shownPreview?.allocations.some((l) => l.invoiceId === i.id),
    );
    return [...payable, ...extra];
  }, [panel.invoices, shownPreview]);

  useEffect(() => {
    amountInput.current?.focus();
    amountInput.current?.select();
  }, []);

  const setField = useCallback(
    (name: Exclude<keyof PaymentFields, 'mode' | 'titles'>, value: string) =>
      setFields((f) => ({ ...f, [name]: value })),
    [],
  );
  const setTitles = useCallback(
    (titles: TitleLineFields[]) => setFields((f) => ({ ...f, titles })),
    [],
  );

  useEffect(() => {
    function onKeyDown(e: KeyboardEvent) {
      if (e.key !== 'Escape' || locked || e.defaultPrevented || sending.current) return;
      if (overlayOpen(e)) return;
      e.preventDefault();
      onBack();
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [locked, onBack]);

  // A refused Entrée shows its reason above the button, which on a small screen can be below the
  // fold: brought into view, or the agent sees nothing happen. The focus stays in the field, so
  // the same Entrée can be pressed again once the cause is fixed (role="alert" reads it out).
  useEffect(() => {
    if (submission.kind === 'refused' || submission.kind === 'failed') {
      submitError.current?.scrollIntoView({ block: 'center', behavior: 'instant' });
    }
  }, [submission]);

  async function submit() {
    if (sending.current) return;
    const key = draftKey(draft);
    if (!draft || key === null) {
      setSubmission({ kind: 'refused', message: m.fixFirst, key });
      return;
    }
    sending.current = true;
    setSubmission({ kind: 'sending' });
    try {
      const checked = await preview.previewNow();
      if (!checked || !checked.ok) {
        setSubmission({ kind: 'failed', message: checked?.error.message ?? m.fixFirst, key });
        return;
      }
      if (checked.value.violations.length > 0) {
        setSubmission({ kind: 'refused', message: m.fixFirst, key });
        return;
      }
      // Same content as the last attempt: same commandId, so the core cannot record it twice.
      if (command.current?.key !== key) command.current = { key, id: crypto.randomUUID() };
      const commandId = command.current.id;
      const r = await call('payments.record', { ...draft, commandId, printLayout: layout });
      if (!r.ok) {
        // Without an answer the payment may have been recorded all the same: the same Entrée,
        // content unchanged, replays it safely and shows its receipt if it exists.
        const message =
          r.error.code === 'INTERNE' ? `${r.error.message} ${m.retrySame}` : r.error.message;
        setSubmission({ kind: 'failed', message, key });
        return;
      }
      setSubmission({ kind: 'idle' });
      setRecorded({ result: r.value, mode: draft.method.mode, layout });
    } finally {
      sending.current = false;
    }
  }

  if (recorded) {
    return (
      <PaymentDone
        recorded={recorded.result}
        mode={recorded.mode}
        layout={recorded.layout}
        onBack={onBack}
      />
    );
  }

  const titles = isTitlesMode(fields.mode);
  // Money handled at the counter needs an open till session on this poste (a transfer does
  // not); cash also answers to the régie's cash ceiling.
  const tillWarnings =
    till && tillModes.includes(fields.mode)
      ? [
          ...(till.message && (!till.session || till.overnight) ? [till.message] : []),
          ...(fields.mode === 'especes'
            ? (till.cash.find((c) => c.regieId === panel.regieId)?.messages ?? [])
            : []),
        ]
      : [];
  const violations = shownPreview?.violations ?? [];
  const toComplete = violations.filter((v) => v.code === 'VALIDATION');
  const refused = violations.filter((v) => v.code === 'REGLE_METIER');
  return (
    <form
      ref={form}
      noValidate
      aria-labelledby="titre-encaissement"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        void submit();
      }}
      onKeyDown={(e) => {
        // Text fields submit on Entrée by themselves; radio buttons do not.
        if (
          e.key === 'Enter' &&
          !e.defaultPrevented &&
          e.target instanceof HTMLInputElement &&
          e.target.type === 'radio'
        ) {
          e.preventDefault();
          form.current?.requestSubmit();
        }
      }}
      data-testid="payment-form"
    >
      <Stack gap="lg">
        <Group justify="space-between" align="flex-end" wrap="wrap">
          <div>
            <Button
              variant="default"
              leftSection={<IconArrowLeft aria-hidden size={18} />}
              rightSection={<Kbd size="xs">{m.cancelKey}</Kbd>}
              onClick={onBack}
              mb="sm"
            >
              {m.cancel}
            </Button>
            <Title order={1} id="titre-encaissement">
              {m.title}
            </Title>
            <Text fw={600} fz="lg">
              {m.subtitle(panel.regieName, family.familyName, family.code)}
            </Text>
          </div>
          <Group gap="xl" align="flex-start">
            <div className="amount">
              <Text fz="sm" c="dark.6" ta="right">
                {m.credit}
              </Text>
              <Text fz="lg" fw={600}>
                {formatEuro(shownPreview?.creditBalanceCents ?? panel.creditCents)}
              </Text>
            </div>
            <div className="amount">
              <Text fz="sm" c="dark.6" ta="right">
                {m.owed}
              </Text>
              <div className="big-amount" data-testid="payment-owed">
                {formatEuro(shownPreview?.owedCents ?? panel.dueCents)}
              </div>
            </div>
          </Group>
        </Group>

        <Grid gap="lg">
          <Grid.Col span={{ base: 12, md: 5 }}>
            <Paper withBorder radius="md" p="lg">
              <Stack gap="md">
                <Radio.Group
                  label={m.modeLabel}
                  description={m.modeHelp}
                  value={fields.mode}
                  onChange={(v) => {
                    const mode = modes.find((x) => x === v);
                    if (mode) setFields((f) => ({ ...f, mode }));
                  }}
                  size="md"
                >
                  <SimpleGrid cols={2} spacing="xs" mt="xs">
                    {modes.map((mode) => (
                      <Radio
                        key={mode}
                        value={mode}
                        label={paymentModeLabels[mode]}
                        className="mode-radio"
                      />
                    ))}
                  </SimpleGrid>
                </Radio.Group>
                <TextInput
                  ref={amountInput}
                  size="xl"
                  label={titles ? m.amountFromTitles : m.amount}
                  description={titles ? undefined : m.amountHelp}
                  value={titles ? centsToInput(built.titlesTotalCents ?? 0) : fields.amount}
                  readOnly={titles}
                  onChange={(e) => setField('amount', e.currentTarget.value)}
                  error={titles ? undefined : errors.amount}
                  inputMode="decimal"
                  autoComplete="off"
                  rightSection={
                    <Text c="dark.6" aria-hidden>
                      €
                    </Text>
                  }
                  classNames={{ input: 'amount-input' }}
                  data-testid="payment-amount"
                />
                <ModeFields
                  fields={fields}
                  errors={errors}
                  amountCents={built.amountCents}
                  titlesTotalCents={built.titlesTotalCents}
                  setField={setField}
                  setTitles={setTitles}
                />
                <div>
                  <Text component="span" fw={500} id="format-recu" display="block" mb={4}>
                    {m.layoutLabel}
                  </Text>
                  <SegmentedControl
                    aria-labelledby="format-recu"
                    value={layout}
                    onChange={(v) => {
                      const l = receiptLayouts.find((x) => x === v);
                      if (l) {
                        setLayout(l);
                        rememberLayout(l);
                      }
                    }}
                    data={receiptLayouts.map((l) => ({
                      value: l,
                      label: receiptMessages.layouts[l],
                    }))}
                  />
                </div>
              </Stack>
            </Paper>
          </Grid.Col>

          <Grid.Col span={{ base: 12, md: 7 }}>
            <Paper
              withBorder
              radius="md"
              p="lg"
              component="section"
              aria-labelledby="titre-repartition"
            >
              <Stack gap="md">
                <Title order={2} id="titre-repartition">
                  {m.allocationTitle}
                </Title>
                <div className={stale ? 'preview-stale' : undefined} aria-busy={stale}>
                  <AllocationTable
                    invoices={invoices}
                    preview={shownPreview}
                    allocation={allocation}
                    unreadable={errors.allocations ?? []}
                    onChange={setAllocation}
                  />
                </div>
                {shownPreview && <PreviewSummary preview={shownPreview} stale={stale} />}
                {tillWarnings.length > 0 && (
                  <Alert
                    color="orange"
                    variant="outline"
                    title={m.tillTitle}
                    data-testid="till-warning"
                  >
                    <List spacing={4} size="sm">
                      {tillWarnings.map((w) => (
                        <List.Item key={w}>{w}</List.Item>
                      ))}
                    </List>
                    {till && (!till.session || till.overnight) && (
                      <Button
                        mt="sm"
                        variant="light"
                        color="orange"
                        onClick={onOpenTill}
                        data-testid="open-till-from-payment"
                      >
                        {m.openTill}
                      </Button>
                    )}
                  </Alert>
                )}
                <div aria-live="polite" data-testid="payment-violations">
                  {stale && draft !== null && (
                    <Text fz="sm" c="dark.6">
                      {m.previewPending}
                    </Text>
                  )}
                  {previewError && (
                    <Alert color="red" variant="outline">
                      {previewError}
                    </Alert>
                  )}
                  <ViolationList violations={refused} tone="refused" />
                  <ViolationList violations={toComplete} tone="incomplete" />
                </div>
                {(submission.kind === 'refused' || submission.kind === 'failed') &&
                  submission.key === draftKey(draft) && (
                    <Alert
                      ref={submitError}
                      color="red"
                      variant="filled"
                      role="alert"
                      data-testid="payment-error"
                    >
                      {submission.message}
                    </Alert>
                  )}
                <Group justify="space-between" align="center" wrap="wrap">
                  <Text fz="sm" c="dark.6" maw={360}>
                    {m.keyboardHelp}
                  </Text>
                  <Button
                    type="submit"
                    size="xl"
                    loading={submission.kind === 'sending'}
                    variant={ready ? 'filled' : 'light'}
                    aria-disabled={!ready}
                    rightSection={<Kbd size="sm">{m.submitKey}</Kbd>}
                    data-testid="payment-submit"
                  >
                    {m.submit}
                  </Button>
                </Group>
              </Stack>
            </Paper>
          </Grid.Col>
        </Grid>
      </Stack>
    </form>
  );
}

function PreviewSummary({ preview, stale }: { preview: PaymentPreview; stale: boolean }) {
  const after = Math.max(preview.owedCents - preview.allocatedCents, 0);
  return (
    <dl className={`preview-summary${stale ? ' preview-stale' : ''}`} data-testid="preview-summary">
      <div>
        <dt>{m.allocated}</dt>
        <dd className="amount">{formatEuro(preview.allocatedCents)}</dd>
      </div>
      <div>
        <dt>{m.toCredit}</dt>
        <dd className="amount">{formatEuro(preview.creditCreatedCents)}</dd>
      </div>
      <div>
        <dt>{m.remainingAfter}</dt>
        <dd className="amount">{formatEuro(after)}</dd>
      </div>
    </dl>
  );
}

function ViolationList({
  violations,
  tone,
}: {
  violations: RuleViolation[];
  tone: 'refused' | 'incomplete';
}) {
  if (violations.length === 0) return null;
  return (
    <Alert
      color={tone === 'refused' ? 'red' : 'orange'}
      variant="outline"
      title={tone === 'refused' ? m.violationsRefused : m.violationsIncomplete}
      mt="xs"
      data-tone={tone}
    >
      <List spacing={4} size="sm">
        {violations.map((v) => (
          <List.Item key={`${v.reason}-${v.invoiceId ?? ''}-${v.message}`}>{v.message}</List.Item>
        ))}
      </List>
    </Alert>
  );
}
