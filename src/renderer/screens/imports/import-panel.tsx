// The import tab of the office screen (régisseur only): the régisseur picks the families file,
// the invoices file or both, has them checked (import.preview: nothing is written), reads the
// counts and every error with its line and column, and imports only when no error is left.
// Choosing another file discards the check, so what is imported is always what was checked.
import { useState } from 'react';
import { Alert, Button, FileInput, Group, Stack, Table, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconFileImport } from '@tabler/icons-react';
import type {
  ImportFile,
  ImportFileKind,
  ImportFileSummary,
  ImportIssue,
  ImportPreview,
  ImportResult,
} from '../../../shared/contract';
import { useGuichet } from '../../guichet-context';
import { useCommandId } from '../till/use-command-id';
import { importMessages as m } from './messages';

type Stage =
  | { state: 'idle' }
  | { state: 'busy'; what: 'check' | 'apply' }
  | { state: 'checked'; preview: ImportPreview }
  | { state: 'done'; result: ImportResult }
  | { state: 'failed'; message: string; errors: ImportIssue[]; moreErrors: number };

/** Base64 of a file's bytes, in slices: one String.fromCharCode call per megabyte of file
 * would overflow the call stack. */
async function toBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  const slice = 0x8000;
  for (let i = 0; i < bytes.length; i += slice) {
    binary += String.fromCharCode(...bytes.subarray(i, i + slice));
  }
  return btoa(binary);
}

async function toArgument(file: File | null): Promise<ImportFile | undefined> {
  if (!file) return undefined;
  try {
    return { name: file.name, contentBase64: await toBase64(file) };
  } catch {
    throw new Error(m.readFailed(file.name));
  }
}

export function ImportPanel() {
  const { call } = useGuichet();
  const commandId = useCommandId();
  const [families, setFamilies] = useState<File | null>(null);
  const [children, setChildren] = useState<File | null>(null);
  const [invoices, setInvoices] = useState<File | null>(null);
  const [stage, setStage] = useState<Stage>({ state: 'idle' });

  function pick(kind: ImportFileKind, file: File | null) {
    if (kind === 'familles') setFamilies(file);
    else if (kind === 'enfants') setChildren(file);
    else setInvoices(file);
    setStage({ state: 'idle' });
  }

  async function args() {
    return {
      families: await toArgument(families),
      children: await toArgument(children),
      invoices: await toArgument(invoices),
    };
  }

  async function check() {
    setStage({ state: 'busy', what: 'check' });
    try {
      const r = await call('import.preview', await args());
      setStage(
        r.ok
          ? { state: 'checked', preview: r.value }
          : { state: 'failed', message: r.error.message, errors: [], moreErrors: 0 },
      );
    } catch (e) {
      setStage({ state: 'failed', message: (e as Error).message, errors: [], moreErrors: 0 });
    }
  }

  async function apply(checked: ImportPreview) {
    setStage({ state: 'busy', what: 'apply' });
    try {
      const files = await args();
      // The checked files' fingerprints: sending them again after a lost answer replays the
      // first import instead of running a second one.
      const id = commandId({
        families: checked.families && [checked.families.fileName, checked.families.sha256],
        children: checked.children && [checked.children.fileName, checked.children.sha256],
        invoices: checked.invoices && [checked.invoices.fileName, checked.invoices.sha256],
      });
      const r = await call('import.apply', { ...files, commandId: id });
      if (r.ok) {
        setStage({ state: 'done', result: r.value });
      } else {
        const details = r.error.details as
          { errors?: ImportIssue[]; moreErrors?: number } | undefined;
        setStage({
          state: 'failed',
          message: r.error.message,
          errors: details?.errors ?? [],
          moreErrors: details?.moreErrors ?? 0,
        });
      }
    } catch (e) {
      setStage({ state: 'failed', message: (e as Error).message, errors: [], moreErrors: 0 });
    }
  }

  const busy = stage.state === 'busy';
  const preview = stage.state === 'checked' ? stage.preview : null;
  const changes =
    preview !== null &&
    [preview.families, preview.children, preview.invoices].some(
      (s) => s !== null && s.created + s.updated > 0,
    );

  return (
    <Stack gap="lg" data-testid="import-panel" maw={1100}>
      <Text c="dark.7">{m.intro}</Text>
      <Stack gap={4}>
        <Title order={2} fz="lg">
          {m.columnsTitle}
        </Title>
        <Text size="sm" c="dark.6">
          {m.familiesColumns}
        </Text>
        <Text size="sm" c="dark.6">
          {m.childrenColumns}
        </Text>
        <Text size="sm" c="dark.6">
          {m.invoicesColumns}
        </Text>
      </Stack>
      <Group align="flex-start" grow>
        <FileInput
          label={m.familiesFile}
          description={m.fileHelp}
          placeholder={m.filePlaceholder}
          accept=".csv,.txt,text/csv,text/plain"
          clearable
          value={families}
          onChange={(f) => pick('familles', f)}
          disabled={busy}
          data-testid="import-families-file"
        />
        <FileInput
          label={m.childrenFile}
          description={m.fileHelp}
          placeholder={m.filePlaceholder}
          accept=".csv,.txt,text/csv,text/plain"
          clearable
          value={children}
          onChange={(f) => pick('enfants', f)}
          disabled={busy}
          data-testid="import-children-file"
        />
        <FileInput
          label={m.invoicesFile}
          description={m.fileHelp}
          placeholder={m.filePlaceholder}
          accept=".csv,.txt,text/csv,text/plain"
          clearable
          value={invoices}
          onChange={(f) => pick('factures', f)}
          disabled={busy}
          data-testid="import-invoices-file"
        />
      </Group>
      <Group>
        <Button
          onClick={() => void check()}
          disabled={busy || (!families && !children && !invoices)}
          loading={busy && stage.what === 'check'}
          data-testid="import-check"
        >
          {m.check}
        </Button>
        <Button
          color="green"
          leftSection={<IconFileImport aria-hidden size={18} />}
          onClick={() => preview && void apply(preview)}
          disabled={!preview?.ok || !changes}
          loading={busy && stage.what === 'apply'}
          data-testid="import-apply"
        >
          {m.apply}
        </Button>
      </Group>
      {!families && !children && !invoices && stage.state === 'idle' && (
        <Text size="sm" c="dark.6">
          {m.chooseOne}
        </Text>
      )}

      {preview && (
        <Stack gap="md" data-testid="import-preview">
          <SummaryTable title={m.summaryTitle} files={preview} />
          {preview.ok ? (
            <Alert
              color="green"
              variant="outline"
              role="status"
              icon={<IconCheck aria-hidden size={20} />}
            >
              {changes ? m.ready : m.nothingToDo}
            </Alert>
          ) : (
            <ErrorList errors={preview.errors} moreErrors={preview.moreErrors} />
          )}
        </Stack>
      )}

      {stage.state === 'done' && (
        <Alert
          color="green"
          variant="light"
          role="status"
          title={m.done}
          icon={<IconCheck aria-hidden size={20} />}
          data-testid="import-done"
        >
          <Text>{m.doneText(stage.result)}</Text>
          <Text size="sm">{m.doneJournal(stage.result.journalSeq)}</Text>
        </Alert>
      )}

      {stage.state === 'failed' && (
        <Stack gap="md">
          <Alert
            color="red"
            variant="outline"
            role="alert"
            title={m.failed}
            icon={<IconAlertTriangle aria-hidden size={20} />}
            data-testid="import-failed"
          >
            {stage.message}
          </Alert>
          {stage.errors.length > 0 && (
            <ErrorList errors={stage.errors} moreErrors={stage.moreErrors} />
          )}
        </Stack>
      )}
    </Stack>
  );
}

function SummaryTable({ title, files }: { title: string; files: ImportPreview }) {
  const rows: [ImportFileKind, ImportFileSummary][] = [];
  if (files.families) rows.push(['familles', files.families]);
  if (files.children) rows.push(['enfants', files.children]);
  if (files.invoices) rows.push(['factures', files.invoices]);
  return (
    <Table withTableBorder striped data-testid="import-summary">
      <Table.Caption>{title}</Table.Caption>
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">{m.colFile}</Table.Th>
          <Table.Th scope="col">{m.colFormat}</Table.Th>
          <Table.Th scope="col" ta="right">
            {m.colRows}
          </Table.Th>
          <Table.Th scope="col" ta="right">
            {m.colCreated}
          </Table.Th>
          <Table.Th scope="col" ta="right">
            {m.colUpdated}
          </Table.Th>
          <Table.Th scope="col" ta="right">
            {m.colUnchanged}
          </Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map(([kind, s]) => (
          <Table.Tr key={kind} data-file={kind}>
            <Table.Th scope="row">
              {m.fileKind(kind)} ({s.fileName})
            </Table.Th>
            <Table.Td>{m.format(s)}</Table.Td>
            <Table.Td ta="right">{s.rows}</Table.Td>
            <Table.Td ta="right" data-count="created">
              {s.created}
            </Table.Td>
            <Table.Td ta="right" data-count="updated">
              {s.updated}
            </Table.Td>
            <Table.Td ta="right" data-count="unchanged">
              {s.unchanged}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function ErrorList({ errors, moreErrors }: { errors: ImportIssue[]; moreErrors: number }) {
  const total = errors.length + moreErrors;
  return (
    <Stack gap="sm" data-testid="import-errors">
      <Alert
        color="red"
        variant="outline"
        role="alert"
        title={m.errorsTitle(total)}
        icon={<IconAlertTriangle aria-hidden size={20} />}
      >
        {m.errorsHelp}
      </Alert>
      {/* The table scrolls inside a focusable region, so a keyboard user can read it all. */}
      <div
        tabIndex={0}
        role="region"
        aria-label={m.errorsTable}
        style={{ maxHeight: 420, overflowY: 'auto' }}
      >
        <Table withTableBorder striped stickyHeader>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{m.colFile}</Table.Th>
              <Table.Th scope="col" ta="right">
                {m.colLine}
              </Table.Th>
              <Table.Th scope="col">{m.colColumn}</Table.Th>
              <Table.Th scope="col">{m.colMessage}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {errors.map((e, i) => (
              <Table.Tr key={i}>
                <Table.Td>{m.fileKind(e.file)}</Table.Td>
                <Table.Td ta="right">{e.line ?? '–'}</Table.Td>
                <Table.Td>{e.column ?? '–'}</Table.Td>
                <Table.Td>{e.message}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </div>
      {moreErrors > 0 && <Text size="sm">{m.moreErrors(moreErrors)}</Text>}
    </Stack>
  );
}
