import { z } from 'zod';
import { handler } from './define';
import { commandIdSchema } from './payments';

// Import of families and invoices from CSV files, for a commune whose billing software only
// exports files (no portal). The files travel as base64 of their raw bytes: the encoding
// (UTF-8 or Windows-1252) is detected by the core from the bytes, which a string would already
// have lost. import.preview changes nothing; import.apply validates again and writes everything
// in one transaction, or nothing when any line is wrong. The columns are documented in
// docs/import-csv.md.

/** Largest file accepted, in bytes (after base64 decoding). */
export const IMPORT_MAX_FILE_BYTES = 20 * 1024 * 1024;

/** At most this many errors are listed; the rest are counted. */
export const IMPORT_MAX_LISTED_ERRORS = 200;

/**
 * A hard cap on the base64 text itself, a little above what IMPORT_MAX_FILE_BYTES encodes to:
 * the handler gives the precise French message, this only keeps a huge argument from being
 * parsed at all.
 */
const MAX_BASE64_CHARS = Math.ceil((IMPORT_MAX_FILE_BYTES * 4) / 3) + 4096;

/**
 * The largest request a transport must let through for import.preview and import.apply: the
 * three files at their cap plus room for the names and a slightly oversized file, so that the
 * handler, not the transport, refuses it with its French message.
 */
export const IMPORT_MAX_REQUEST_BYTES = 3 * (MAX_BASE64_CHARS + 1024) + 1024 * 1024;

export const importFileSchema = z.object({
  /** The file's name as the régisseur picked it, for the messages and the journal. */
  name: z.string().trim().min(1).max(255),
  contentBase64: z.string().max(MAX_BASE64_CHARS, {
    error: 'Fichier trop volumineux : la limite est de 20 Mo par fichier.',
  }),
});
export type ImportFile = z.input<typeof importFileSchema>;

export const importInputSchema = z.object({
  /** familles.csv; absent when only invoices are imported. */
  families: importFileSchema.optional(),
  /** factures.csv; absent when only families are imported. */
  invoices: importFileSchema.optional(),
  /** enfants.csv: the families' children, optional. */
  children: importFileSchema.optional(),
});

export const importApplySchema = importInputSchema.extend({
  commandId: commandIdSchema,
});

export type ImportFileKind = 'familles' | 'enfants' | 'factures';

export const importFileKindLabels: Record<ImportFileKind, string> = {
  familles: 'Familles',
  enfants: 'Enfants',
  factures: 'Factures',
};

/** One problem found in a file. */
export interface ImportIssue {
  file: ImportFileKind;
  /** Line as a spreadsheet shows it (the header is line 1); null for the whole file. */
  line: number | null;
  /** The column's name as written in the file's header, when the problem is in one cell. */
  column: string | null;
  /** The full French message, line and column included, ready to show as is. */
  message: string;
}

export interface ImportFileSummary {
  fileName: string;
  /** SHA-256 of the file's bytes, hex: the journal records it. */
  sha256: string;
  encoding: 'utf-8' | 'windows-1252';
  separator: ';' | ',' | 'tab';
  /** Data lines read (header and empty lines excluded). */
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
}

export interface ImportPreview {
  families: ImportFileSummary | null;
  children: ImportFileSummary | null;
  invoices: ImportFileSummary | null;
  /** The first IMPORT_MAX_LISTED_ERRORS problems, files in order, lines in order. */
  errors: ImportIssue[];
  /** Problems found beyond the listed ones. */
  moreErrors: number;
  /** True when the import can be applied (no error at all). */
  ok: boolean;
}

export interface ImportResult {
  families: ImportFileSummary | null;
  children: ImportFileSummary | null;
  invoices: ImportFileSummary | null;
  /** The "import_csv" journal entry; null when the files changed nothing (nothing written). */
  journalSeq: number | null;
}

export const importsContract = {
  /** Reads and checks the files; returns what an import would do. Writes nothing. */
  'import.preview': handler(importInputSchema, 'admin').returns<ImportPreview>(),
  /**
   * Imports the files in one transaction, or refuses the whole import (VALIDATION, reason
   * IMPORT_INVALIDE, the problems in details.errors) when any line is wrong.
   */
  'import.apply': handler(importApplySchema, 'admin').returns<ImportResult>(),
};
