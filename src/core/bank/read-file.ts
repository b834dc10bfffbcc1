// Which format a statement file is, and its text. Banks deliver CFONB 120 in ASCII or
// ISO-8859-1 and camt.053 in UTF-8: bytes that are not valid UTF-8 are read as ISO-8859-1, so
// an accented label never makes a file unreadable.
import { parseCamt053 } from './camt053';
import { parseCfonb120 } from './cfonb120';
import { fileError, type StatementFile } from './statement-model';

export function decodeStatementBytes(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}

export function parseStatementFile(bytes: Uint8Array): StatementFile {
  if (bytes.length === 0) {
    throw fileError('Le fichier est vide. Vérifiez le fichier exporté par la banque.');
  }
  const text = decodeStatementBytes(bytes);
  const start = text.replace(/^\ufeff/, '').trimStart();
  return start.startsWith('<') ? parseCamt053(text) : parseCfonb120(text);
}
