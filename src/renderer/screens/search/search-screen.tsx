// The counter's home: one box, focused on arrival, results as the agent types. The list is a
// listbox driven from the box (aria-activedescendant), so the focus never leaves the box while
// the arrows move the selection.
import { useEffect, useRef, type KeyboardEvent } from 'react';
import {
  Alert,
  Badge,
  Container,
  Group,
  Kbd,
  Loader,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { formatEuro } from '../../../shared/money';
import { looksLikeInvoiceReference } from '../../scanner/burst-detector';
import type { OpenOptions } from '../../scanner/use-invoice-opener';
import { TillSummary } from '../till/till-summary';
import type { FamilySearch } from './use-family-search';
import { searchMessages as m } from './messages';

interface Props {
  search: FamilySearch;
  /** Changes when the agent asks for the search box ("/" or F2). */
  focusRequest: number;
  onOpen(familyId: number): void;
  /** Opens the till screen, from the till line under the title. */
  onOpenTill(): void;
  /**
   * Entrée on what looks like an invoice reference (typed from a coupon) opens that invoice's
   * payment form; when no invoice has it, `otherwise` opens the selected family as usual.
   */
  onReference?(reference: string, options: OpenOptions): void;
}

const optionId = (familyId: number) => `famille-${familyId}`;

export function SearchScreen({ search, focusRequest, onOpen, onOpenTill, onReference }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const hits = search.answer?.hits ?? [];
  const current = hits[search.selected];

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, [focusRequest]);

  useEffect(() => {
    if (current)
      document.getElementById(optionId(current.familyId))?.scrollIntoView({ block: 'nearest' });
  }, [current]);

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown' && hits.length > 0) {
      e.preventDefault();
      search.setSelected(Math.min(hits.length - 1, search.selected + 1));
    } else if (e.key === 'ArrowUp' && hits.length > 0) {
      e.preventDefault();
      search.setSelected(Math.max(0, search.selected - 1));
    } else if (e.key === 'Enter' && onReference && looksLikeInvoiceReference(search.query)) {
      e.preventDefault();
      const hit = current;
      onReference(search.query, { otherwise: hit ? () => onOpen(hit.familyId) : undefined });
    } else if (e.key === 'Enter' && current) {
      e.preventDefault();
      onOpen(current.familyId);
    } else if (e.key === 'Escape' && search.query !== '') {
      e.preventDefault();
      search.setQuery('');
    }
  }

  const showList = !search.tooShort && hits.length > 0;
  return (
    <Container size="lg" py="lg">
      <Stack gap="md">
        <Group justify="space-between" align="baseline">
          <Title order={1}>{m.title}</Title>
          <TillSummary onOpen={onOpenTill} />
        </Group>
        <TextInput
          ref={input}
          size="xl"
          label={m.label}
          placeholder={m.placeholder}
          value={search.query}
          onChange={(e) => search.setQuery(e.currentTarget.value)}
          onKeyDown={onKeyDown}
          leftSection={<IconSearch aria-hidden size={24} />}
          rightSection={
            search.pending ? <Loader size="sm" aria-label={m.searching} /> : <Kbd>/</Kbd>
          }
          rightSectionWidth={56}
          autoComplete="off"
          spellCheck={false}
          role="combobox"
          aria-expanded={showList}
          aria-controls="resultats-recherche"
          aria-autocomplete="list"
          aria-activedescendant={showList && current ? optionId(current.familyId) : undefined}
          aria-describedby="aide-recherche"
        />
        <Text id="aide-recherche" fz="sm" c="dark.6">
          {m.keyboardHelp}
        </Text>

        <div aria-live="polite" data-testid="search-status">
          {search.tooShort ? (
            <Text c="dark.6">{m.tooShort}</Text>
          ) : search.answer?.error ? (
            <Alert color="red" variant="outline" role="alert">
              {search.answer.error}
            </Alert>
          ) : search.answer && hits.length === 0 && !search.pending ? (
            <Text fw={600}>{m.noResult(search.answer.query)}</Text>
          ) : search.answer && !search.pending ? (
            <Text fw={600}>{m.resultCount(hits.length)}</Text>
          ) : null}
        </div>

        {showList && (
          <ul
            id="resultats-recherche"
            role="listbox"
            aria-label={m.resultsLabel}
            className="search-results"
          >
            {hits.map((hit, i) => (
              <li
                key={hit.familyId}
                id={optionId(hit.familyId)}
                role="option"
                aria-selected={i === search.selected}
                className="search-hit"
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => onOpen(hit.familyId)}
              >
                <Badge variant="outline" color="dark" size="lg" radius="sm" className="code">
                  {hit.code}
                </Badge>
                <div className="search-hit-main">
                  <div className="search-hit-title">{hit.title}</div>
                  <Text fz="sm" c="dark.6" truncate>
                    {m.hitDetail(hit.matched, hit.city)}
                  </Text>
                </div>
                <div className="amount">
                  <Text fz="xs" c="dark.6" ta="right">
                    {m.due}
                  </Text>
                  {hit.dueCents > 0 ? (
                    <div className="search-hit-due">{formatEuro(hit.dueCents)}</div>
                  ) : (
                    <div className="search-hit-nothing-due">{m.nothingDue}</div>
                  )}
                </div>
              </li>
            ))}
          </ul>
        )}
      </Stack>
    </Container>
  );
}
