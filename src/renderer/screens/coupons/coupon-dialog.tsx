// The dialog of one family's coupon: the confirmation before a live code is replaced, the new
// activation code shown once (large, monospace, grouped by four) above the coupon that carries
// it, or a coupon printed without a new code. The coupon is an A4 letter: it goes to the A4
// printer through the same viewer as the other documents.
import { Alert, Button, Group, Loader, Modal, Stack, Text } from '@mantine/core';
import type { IssuedCoupon } from '../../../shared/contract';
import { formatInstant } from '../../../shared/dates';
import { ReceiptViewer } from '../../receipts/receipt-viewer';
import { codeDialogMessages as m } from './messages';

export type DialogState =
  | { kind: 'confirm'; regieId: number; regieName: string; text: string }
  | { kind: 'issuing'; regieId: number; regieName: string }
  | { kind: 'issueFailed'; regieId: number; regieName: string; message: string }
  | { kind: 'issued'; regieId: number; regieName: string; coupon: IssuedCoupon }
  | {
      kind: 'coupon';
      regieId: number;
      regieName: string;
      coupon: IssuedCoupon | null;
      error: string | null;
    };

interface Props {
  state: DialogState | null;
  familyName: string;
  familyCode: string;
  onConfirm(regieId: number): void;
  onClose(): void;
}

export function CouponDialog({ state, familyName, familyCode, onConfirm, onClose }: Props) {
  const title =
    state === null
      ? ''
      : state.kind === 'confirm'
        ? m.confirmTitle
        : state.kind === 'coupon'
          ? m.couponTitle(state.regieName)
          : m.codeTitle(familyName);
  const wide = state?.kind === 'issued' || state?.kind === 'coupon';
  return (
    <Modal
      opened={state !== null}
      onClose={onClose}
      title={title}
      size={wide ? 920 : 'lg'}
      // A click beside the dialog must not lose a code that is shown only once.
      closeOnClickOutside={state?.kind !== 'issued'}
      styles={{ title: { fontWeight: 700, fontSize: '1.25rem' } }}
    >
      {state?.kind === 'confirm' && (
        <Stack gap="md" data-testid="access-confirm">
          <Text>{state.text}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {m.keep}
            </Button>
            <Button
              color="orange"
              data-autofocus
              onClick={() => onConfirm(state.regieId)}
              data-testid="access-confirm-issue"
            >
              {m.confirm}
            </Button>
          </Group>
        </Stack>
      )}
      {state?.kind === 'issuing' && (
        <Group gap="sm" role="status">
          <Loader size="sm" aria-hidden />
          <Text>{m.issuing}</Text>
        </Group>
      )}
      {state?.kind === 'issueFailed' && (
        <Stack gap="md">
          <Alert color="red" variant="outline" role="alert" data-testid="access-issue-error">
            {state.message}
          </Alert>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {m.close}
            </Button>
            <Button data-autofocus onClick={() => onConfirm(state.regieId)}>
              {m.retry}
            </Button>
          </Group>
        </Stack>
      )}
      {state?.kind === 'issued' && (
        <Stack gap="md">
          <IssuedCode coupon={state.coupon} familyCode={familyCode} />
          <ReceiptViewer
            file={state.coupon.file}
            busy={false}
            printKind="a4"
            downloadLabel={m.download}
          />
          <Group justify="flex-end">
            <Button onClick={onClose} data-testid="access-code-close">
              {m.closeCode}
            </Button>
          </Group>
        </Stack>
      )}
      {state?.kind === 'coupon' && (
        <Stack gap="md">
          {state.coupon && <Text fz="sm">{m.couponNoCode}</Text>}
          <ReceiptViewer
            file={state.coupon?.file ?? null}
            busy={state.coupon === null && state.error === null}
            error={state.error}
            printKind="a4"
            downloadLabel={m.download}
          />
          <Group justify="flex-end">
            <Button variant="default" data-autofocus onClick={onClose}>
              {m.close}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

function IssuedCode({ coupon, familyCode }: { coupon: IssuedCoupon; familyCode: string }) {
  const code = coupon.code ?? '';
  const expires = coupon.accessCode?.expiresAt ?? null;
  return (
    <Stack gap="xs" className="access-code-box" data-testid="access-code-box">
      <Alert color="orange" variant="light" role="status">
        {m.codeOnce}
      </Alert>
      <Text fz="sm" fw={600} c="dark.6" id="code-activation-label">
        {m.codeLabel}
      </Text>
      <Text
        component="output"
        aria-labelledby="code-activation-label"
        // The focus starts on the code itself: read out by a screen reader, and an Entrée
        // pressed out of habit closes nothing (the code would be lost).
        data-autofocus
        tabIndex={-1}
        data-testid="access-code"
        ff="monospace"
        fw={800}
        ta="center"
        py="md"
        style={{
          fontSize: 'clamp(2rem, 5vw, 3.25rem)',
          letterSpacing: '0.12em',
          border: '2px solid var(--guichet-ink)',
          borderRadius: 8,
          background: '#fff',
          userSelect: 'all',
        }}
      >
        {code}
      </Text>
      <Text>
        {m.codeFor(familyCode)}
        {expires ? ` ${m.validUntil(formatInstant(expires))}` : ''}
      </Text>
    </Stack>
  );
}
