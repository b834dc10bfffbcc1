// What a submitted form can answer besides success: field errors (shown next to each field and
// summarised at the top, linked with aria-describedby) or one message for the whole form. Both
// are thrown before anything is written, so a refused form changes nothing.
export type FieldErrors = Record<string, string>;

export class FormRefused extends Error {
  constructor(
    readonly fields: FieldErrors,
    /** A message about the whole form (wrong codes, lockout), shown above it. */
    readonly general: string | null = null,
    readonly status = 400,
  ) {
    super(general ?? Object.values(fields).join(' '));
    this.name = 'FormRefused';
  }
}

export const refuse = (general: string, status = 400): FormRefused =>
  new FormRefused({}, general, status);
