// "Mon compte" (alert addresses, paper invoices) and "Écrire au service".
import type { FieldErrors } from '../form-errors';
import type { FamilyRegie } from '../invoices';
import { BODY_MAX, MAX_ALERT_EMAILS, SUBJECT_MAX } from '../settings';
import { familyText } from '../text';
import { BASE, Csrf, Layout, Notice, type PageContext } from './layout';
import { ErrorSummary, Field, TextArea } from './forms';
import type { FormState } from './auth';

export function AccountPage({
  ctx,
  email,
  alerts,
  paperOptOutAt,
  form,
}: {
  ctx: PageContext;
  email: string;
  alerts: { id: number; email: string }[];
  paperOptOutAt: Date | null;
  form: FormState;
}) {
  return (
    <Layout ctx={ctx} title={familyText.accountTitle}>
      <h1>{familyText.accountTitle}</h1>
      <Notice text={form.notice ?? null} />
      <p>
        Identifiant de connexion : <strong>{email}</strong>
      </p>
      <section className="card" aria-labelledby="titre-alertes">
        <h2 id="titre-alertes">{familyText.alertsTitle}</h2>
        <p>{familyText.alertsIntro}</p>
        {alerts.length > 0 ? (
          <ul className="alert-list">
            {alerts.map((a) => (
              <li key={a.id}>
                <span>{a.email}</span>
                <form method="post" action={`${BASE}/compte/alertes/retirer`}>
                  <Csrf token={ctx.csrfToken} />
                  <input type="hidden" name="id" value={String(a.id)} />
                  <button type="submit" className="button button-small button-secondary">
                    Retirer<span className="sr-only"> {a.email}</span>
                  </button>
                </form>
              </li>
            ))}
          </ul>
        ) : (
          <p className="empty">Aucune adresse n’est encore inscrite.</p>
        )}
        {alerts.length < MAX_ALERT_EMAILS ? (
          <>
            <ErrorSummary
              errors={form.errors}
              general={form.general}
              labels={{ alertEmail: 'Adresse à prévenir' }}
            />
            <form method="post" action={`${BASE}/compte/alertes`} noValidate>
              <Csrf token={ctx.csrfToken} />
              <Field
                name="alertEmail"
                label="Adresse à prévenir"
                type="email"
                autoComplete="email"
                hint={`${alerts.length} adresse(s) sur ${MAX_ALERT_EMAILS}.`}
                value={form.values.alertEmail ?? ''}
                errors={form.errors}
                spellCheck={false}
                autoCapitalize="none"
              />
              <button type="submit" className="button">
                Ajouter cette adresse
              </button>
            </form>
          </>
        ) : (
          <p>{familyText.alertsFull}</p>
        )}
      </section>
      <section className="card" aria-labelledby="titre-papier">
        <h2 id="titre-papier">{familyText.paperTitle}</h2>
        {paperOptOutAt ? (
          <>
            <p>{familyText.paperOptedOut(paperOptOutAt.toISOString())}</p>
            <form method="post" action={`${BASE}/compte/papier`}>
              <Csrf token={ctx.csrfToken} />
              <input type="hidden" name="paper" value="oui" />
              <button type="submit" className="button button-secondary">
                Recevoir de nouveau les factures papier
              </button>
            </form>
          </>
        ) : (
          <>
            <p>{familyText.paperIntro}</p>
            <form method="post" action={`${BASE}/compte/papier`}>
              <Csrf token={ctx.csrfToken} />
              <input type="hidden" name="paper" value="non" />
              <button type="submit" className="button">
                Ne plus recevoir les factures papier
              </button>
            </form>
          </>
        )}
      </section>
      <p>
        Mot de passe : pour en changer, utilisez{' '}
        <a href={`${BASE}/mot-de-passe-oublie`}>« Mot de passe oublié »</a> ; un lien vous sera
        envoyé.
      </p>
    </Layout>
  );
}

export function ContactPage({
  ctx,
  regies,
  form,
}: {
  ctx: PageContext;
  regies: FamilyRegie[];
  form: FormState;
}) {
  const errors: FieldErrors = form.errors;
  const chosen = form.values.regieCode ?? regies[0]?.code ?? '';
  return (
    <Layout ctx={ctx} title={familyText.contactTitle}>
      <h1>{familyText.contactTitle}</h1>
      <p className="lead">{familyText.contactIntro}</p>
      <Notice text={form.notice ?? null} />
      <ErrorSummary
        errors={errors}
        general={form.general}
        labels={{ regieCode: 'Service', subject: 'Objet', body: 'Message' }}
      />
      <form method="post" action={`${BASE}/contact`} noValidate className="card">
        <Csrf token={ctx.csrfToken} />
        <div className={errors.regieCode ? 'field field-error' : 'field'}>
          <label htmlFor="regieCode">Service</label>
          {errors.regieCode ? (
            <p className="error-text" id="regieCode-error">
              <span className="sr-only">Erreur : </span>
              {errors.regieCode}
            </p>
          ) : null}
          <select
            id="regieCode"
            name="regieCode"
            defaultValue={chosen}
            aria-invalid={errors.regieCode ? true : undefined}
            aria-describedby={errors.regieCode ? 'regieCode-error' : undefined}
          >
            {regies.map((r) => (
              <option key={r.code} value={r.code}>
                {r.name} ({r.serviceName})
              </option>
            ))}
          </select>
        </div>
        <Field
          name="subject"
          label="Objet"
          value={form.values.subject ?? ''}
          errors={errors}
          maxLength={SUBJECT_MAX}
        />
        <TextArea
          name="body"
          label="Message"
          hint={`${BODY_MAX} caractères au plus.`}
          value={form.values.body ?? ''}
          errors={errors}
          maxLength={BODY_MAX}
        />
        <button type="submit" className="button">
          Envoyer le message
        </button>
      </form>
      {regies.length > 0 ? (
        <section aria-labelledby="titre-coordonnees">
          <h2 id="titre-coordonnees">Coordonnées des services</h2>
          <ul className="services">
            {regies.map((r) => (
              <li key={r.code}>
                <strong>{r.serviceName}</strong> ({r.name}) — {r.serviceAddress}
                {r.servicePhone ? ` — téléphone ${r.servicePhone}` : ''}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </Layout>
  );
}
