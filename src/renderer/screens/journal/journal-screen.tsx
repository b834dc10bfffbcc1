// The inalterable journals, newest first, a page at a time: the operations journal (payments,
// cancellations, duplicatas, logins...) and the technical events journal. Agents with the audit
// permission recompute both hash chains and the ledger with one button and read the result in
// French: the count and the last hash when all is well, the first broken entry otherwise.
import { useEffect, useRef, useState } from 'react';
import {
  Alert,
  Button,
  Container,
  Group,
  Kbd,
  Pagination,
  Paper,
  SegmentedControl,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { IconArrowLeft, IconShieldCheck } from '@tabler/icons-react';
import {
  journalBooks,
  type JournalBook,
  type JournalPage,
  type VerifyReport,
} from '../../../shared/contract';
import { formatInstant } from '../../../shared/dates';
import { formatEuro } from '../../../shared/money';
import { can } from '../../../shared/roles';
import { useGuichet } from '../../guichet-context';
import { journalMessages as m } from './messages';

export const JOURNAL_PAGE_SIZE = 50;
const HASH_PREFIX = 10;

type Loaded = { key: string } & ({ page: JournalPage } | { error: string });
type Verification =
  | { kind: 'idle' }
  | { kind: 'running' }
  | { kind: 'done'; report: VerifyReport }
  | { kind: 'failed'; message: string };

export function JournalScreen({ onBack }: { onBack(): void }) {
  const { call, locked, session } = useGuichet();
  const [book, setBook] = useState<JournalBook>('operations');
  const [page, setPage] = useState(1);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [verification, setVerification] = useState<Verification>({ kind: 'idle' });
  const heading = useRef<HTMLHeadingElement>(null);
  const key = `${book}/${page}`;

  useEffect(() => heading.current?.focus(), []);

  useEffect(() => {
    let cancelled = false;
    void call('journal.list', { book, page, pageSize: JOURNAL_PAGE_SIZE }).then((r) => {
      if (cancelled) return;
      setLoaded(r.ok ? { key, page: r.value } : { key, error: r.error.message });
    });
    return () => {
      cancelled = true;
    };
  }, [call, book, page, key]);

  useEffect(() => {
    function onKeyDown(e: KeyboardEvent) {
      if (e.key === 'Escape' && !locked && !e.defaultPrevented) {
        e.preventDefault();
        onBack();
      }
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [locked, onBack]);

  async function verify() {
    setVerification({ kind: 'running' });
    const r = await call('journal.verify', {});
    setVerification(
      r.ok ? { kind: 'done', report: r.value } : { kind: 'failed', message: r.error.message },
    );
  }

  const mayAudit = session !== null && can(session.agent.role, 'audit');
  const data = loaded && 'page' in loaded ? loaded.page : null;
  const pages = data ? Math.max(1, Math.ceil(data.total / JOURNAL_PAGE_SIZE)) : 1;
  return (
    <Container size="xl" py="lg">
      <Stack gap="lg">
        <Group>
          <Button
            variant="default"
            leftSection={<IconArrowLeft aria-hidden size={18} />}
            rightSection={<Kbd size="xs">{m.backKey}</Kbd>}
            onClick={onBack}
          >
            {m.back}
          </Button>
        </Group>
        <div>
          <Title order={1} ref={heading} tabIndex={-1}>
            {m.title}
          </Title>
          <Text c="dark.7" mt={4} maw={900}>
            {m.intro}
          </Text>
        </div>

        <Group justify="space-between" align="flex-end" wrap="wrap">
          <Group align="flex-end" gap="lg">
            <div>
              <Text component="span" fw={500} id="journal-choisi" display="block" mb={4}>
                {m.bookLabel}
              </Text>
              <SegmentedControl
                aria-labelledby="journal-choisi"
                value={book}
                onChange={(v) => {
                  const b = journalBooks.find((x) => x === v);
                  if (b) {
                    setBook(b);
                    setPage(1);
                  }
                }}
                data={journalBooks.map((b) => ({ value: b, label: m.books[b] }))}
              />
            </div>
            {data && (
              <Text fw={600} data-testid="journal-count">
                {m.count(data.total)}
              </Text>
            )}
          </Group>
          {mayAudit && (
            <Button
              size="md"
              leftSection={<IconShieldCheck aria-hidden size={20} />}
              loading={verification.kind === 'running'}
              onClick={() => void verify()}
              data-testid="journal-verify"
            >
              {m.verify}
            </Button>
          )}
        </Group>

        <div aria-live="polite">
          {verification.kind === 'done' && <VerifyResult report={verification.report} />}
          {verification.kind === 'failed' && (
            <Alert color="red" variant="outline" role="alert">
              {verification.message}
            </Alert>
          )}
        </div>

        {!loaded ? (
          <Stack aria-busy="true" aria-label={m.loading}>
            <Skeleton height={40} />
            <Skeleton height={320} />
          </Stack>
        ) : 'error' in loaded ? (
          <Alert color="red" variant="outline" role="alert">
            {loaded.error}
          </Alert>
        ) : data && data.entries.length === 0 ? (
          <Text>{m.empty}</Text>
        ) : (
          data && (
            <Paper
              withBorder
              radius="md"
              className={loaded.key === key ? undefined : 'preview-stale'}
            >
              <Table.ScrollContainer minWidth={1000}>
                <Table
                  className="invoice-table journal-table"
                  verticalSpacing="xs"
                  horizontalSpacing="sm"
                  striped
                  aria-label={m.tableLabel(m.books[book])}
                  data-testid="journal-table"
                >
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th className="amount">{m.columns.seq}</Table.Th>
                      <Table.Th>{m.columns.date}</Table.Th>
                      <Table.Th>{m.columns.kind}</Table.Th>
                      <Table.Th>{m.columns.summary}</Table.Th>
                      <Table.Th>{m.columns.agent}</Table.Th>
                      <Table.Th>{m.columns.regie}</Table.Th>
                      <Table.Th className="amount">{m.columns.amount}</Table.Th>
                      <Table.Th>{m.columns.hash}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.entries.map((e) => {
                      const amount = e.payload.amountCents;
                      return (
                        <Table.Tr key={e.seq} data-kind={e.kind}>
                          <Table.Td className="amount code">{e.seq}</Table.Td>
                          <Table.Td style={{ whiteSpace: 'nowrap' }}>
                            {formatInstant(e.instant)}
                          </Table.Td>
                          <Table.Td fw={600}>{kindLabel(e.kind, e.kindLabel)}</Table.Td>
                          <Table.Td fz="sm">{e.summary}</Table.Td>
                          <Table.Td style={{ whiteSpace: 'nowrap' }}>
                            {e.agentName ?? m.none}
                          </Table.Td>
                          <Table.Td className="code">{e.regieCode ?? m.none}</Table.Td>
                          <Table.Td className="amount">
                            {typeof amount === 'number' ? formatEuro(amount) : m.none}
                          </Table.Td>
                          <Table.Td className="code" fz="sm" title={m.hashTitle(e.hash)}>
                            {e.hash.slice(0, HASH_PREFIX)}…
                          </Table.Td>
                        </Table.Tr>
                      );
                    })}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Paper>
          )
        )}

        {data && pages > 1 && (
          <Group justify="space-between" component="nav" aria-label={m.pageLabel}>
            <Text fz="sm" c="dark.6">
              {m.pageInfo(page, pages)}
            </Text>
            <Pagination value={page} onChange={setPage} total={pages} withEdges />
          </Group>
        )}
      </Stack>
    </Container>
  );
}

/**
 * The core names each kind of entry; a kind added to the journal before its French label was
 * written arrives as its identifier ("ouverture_caisse") and is at least shown as words.
 */
function kindLabel(kind: string, label: string): string {
  if (label !== kind) return label;
  const words = kind.replace(/_/g, ' ');
  return words.charAt(0).toLocaleUpperCase('fr-FR') + words.slice(1);
}

function VerifyResult({ report }: { report: VerifyReport }) {
  const chains = [report.operations, report.technique];
  const at = m.verifiedAt(formatInstant(report.verifiedAt), report.durationMs);
  if (report.ok) {
    return (
      <Alert
        color="green"
        variant="outline"
        title={m.verifyOkTitle}
        icon={<IconShieldCheck aria-hidden />}
        role="status"
        data-testid="journal-verify-result"
        data-ok="true"
      >
        <Stack gap={4}>
          {chains.map((c) => (
            <Text key={c.book}>{m.chain(m.books[c.book], c.entries, c.lastSeq)}</Text>
          ))}
          <Text>
            {`${m.lastHash} (${m.books.operations})\u00a0: `}
            <span className="code hash" data-testid="journal-last-hash">
              {report.operations.lastHash}
            </span>
          </Text>
          <Text>{m.ledger(report.ledger.checkedPayments, report.ledger.checkedInvoices)}</Text>
          <Text fz="sm" c="dark.6">
            {at}
          </Text>
        </Stack>
      </Alert>
    );
  }
  return (
    <Alert
      color="red"
      variant="filled"
      title={m.verifyFailTitle}
      role="alert"
      data-testid="journal-verify-result"
      data-ok="false"
    >
      <Stack gap={4}>
        {chains
          .filter((c) => !c.ok && c.firstError)
          .map((c) => (
            <Text key={c.book}>
              {m.chainBroken(m.books[c.book], c.firstError?.seq ?? 0, c.firstError?.message ?? '')}
            </Text>
          ))}
        {!report.ledger.ok && report.ledger.firstError && (
          <Text>{m.ledgerBroken(report.ledger.firstError.message)}</Text>
        )}
        <Text fw={700}>{m.verifyAdvice}</Text>
        <Text fz="sm">{at}</Text>
      </Stack>
    </Alert>
  );
}
