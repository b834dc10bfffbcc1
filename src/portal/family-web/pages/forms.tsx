// Form pieces with the accessibility rules of the pages: every field has a visible label, its
// hint and its error are tied to it by aria-describedby, an invalid field says so
// (aria-invalid), and a summary at the top of a refused form links to each faulty field.
import type { FieldErrors } from '../form-errors';
import { familyText } from '../text';

export interface FieldProps {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password';
  value?: string;
  hint?: string;
  errors: FieldErrors;
  autoComplete?: string;
  required?: boolean;
  maxLength?: number;
  spellCheck?: boolean;
  autoCapitalize?: string;
}

export function Field(p: FieldProps) {
  const error = p.errors[p.name];
  const hintId = p.hint ? `${p.name}-hint` : null;
  const errorId = error ? `${p.name}-error` : null;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={error ? 'field field-error' : 'field'}>
      <label htmlFor={p.name}>
        {p.label}
        {p.required === false ? <span className="optional"> (facultatif)</span> : null}
      </label>
      {p.hint ? (
        <p className="hint" id={hintId ?? undefined}>
          {p.hint}
        </p>
      ) : null}
      {error ? (
        <p className="error-text" id={errorId ?? undefined}>
          <span className="sr-only">Erreur : </span>
          {error}
        </p>
      ) : null}
      <input
        id={p.name}
        name={p.name}
        type={p.type ?? 'text'}
        defaultValue={p.type === 'password' ? undefined : p.value}
        autoComplete={p.autoComplete}
        required={p.required !== false}
        maxLength={p.maxLength}
        spellCheck={p.spellCheck}
        autoCapitalize={p.autoCapitalize}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
      />
    </div>
  );
}

export function TextArea(p: {
  name: string;
  label: string;
  value?: string;
  hint?: string;
  errors: FieldErrors;
  maxLength: number;
}) {
  const error = p.errors[p.name];
  const ids = [p.hint ? `${p.name}-hint` : null, error ? `${p.name}-error` : null].filter(Boolean);
  return (
    <div className={error ? 'field field-error' : 'field'}>
      <label htmlFor={p.name}>{p.label}</label>
      {p.hint ? (
        <p className="hint" id={`${p.name}-hint`}>
          {p.hint}
        </p>
      ) : null}
      {error ? (
        <p className="error-text" id={`${p.name}-error`}>
          <span className="sr-only">Erreur : </span>
          {error}
        </p>
      ) : null}
      <textarea
        id={p.name}
        name={p.name}
        rows={8}
        required
        maxLength={p.maxLength}
        defaultValue={p.value}
        aria-invalid={error ? true : undefined}
        aria-describedby={ids.join(' ') || undefined}
      />
    </div>
  );
}

/** The summary above a refused form; `general` is a message about the form as a whole. */
export function ErrorSummary({
  errors,
  general,
  labels,
}: {
  errors: FieldErrors;
  general: string | null;
  labels: Record<string, string>;
}) {
  const entries = Object.entries(errors);
  if (entries.length === 0 && !general) return null;
  return (
    <div className="error-summary" role="alert" tabIndex={-1} id="erreurs">
      <h2>
        {general && entries.length === 0
          ? 'Impossible de continuer'
          : familyText.formHasErrors(entries.length || 1)}
      </h2>
      {general ? <p>{general}</p> : null}
      {entries.length > 0 ? (
        <ul>
          {entries.map(([name, message]) => (
            <li key={name}>
              <a href={`#${name}`}>
                {labels[name] ?? name} : {message}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
