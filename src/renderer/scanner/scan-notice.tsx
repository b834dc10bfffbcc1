// The answer to a scan, in a corner of the screen whatever screen is shown: the scan may come
// from anywhere, so its message cannot belong to one screen. Errors are announced at once
// (role="alert"); the others politely. It never takes the focus: the agent keeps typing.
import { Alert, Loader } from '@mantine/core';
import { IconBarcode, IconCheck, IconInfoCircle } from '@tabler/icons-react';
import { scannerMessages as m } from './messages';
import type { ScanNoticeState } from './use-invoice-opener';

const colors: Record<ScanNoticeState['tone'], string> = {
  pending: 'blue',
  done: 'green',
  info: 'blue',
  error: 'red',
};

export function ScanNotice({
  notice,
  onClose,
}: {
  notice: ScanNoticeState | null;
  onClose(): void;
}) {
  return (
    <div
      style={{
        position: 'fixed',
        right: 24,
        bottom: 24,
        zIndex: 1000,
        width: 'min(480px, calc(100vw - 48px))',
      }}
    >
      {notice && (
        <Alert
          key={notice.id}
          color={colors[notice.tone]}
          variant="filled"
          radius="md"
          title={m.noticeTitle}
          role={notice.tone === 'error' ? 'alert' : 'status'}
          icon={
            notice.tone === 'pending' ? (
              <Loader size={18} color="white" aria-hidden />
            ) : notice.tone === 'done' ? (
              <IconCheck aria-hidden size={20} />
            ) : notice.tone === 'error' ? (
              <IconBarcode aria-hidden size={20} />
            ) : (
              <IconInfoCircle aria-hidden size={20} />
            )
          }
          withCloseButton
          closeButtonLabel={m.close}
          onClose={onClose}
          data-testid="scan-notice"
          data-tone={notice.tone}
          style={{ boxShadow: '0 6px 24px rgba(0, 0, 0, 0.25)' }}
        >
          {notice.text}
        </Alert>
      )}
    </div>
  );
}
