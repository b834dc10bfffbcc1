// The pages before login: connexion, activation in two steps, forgotten password.
import type { FieldErrors } from '../form-errors';
import { PASSWORD_MIN_LENGTH } from '../passwords';
import { familyText } from '../text';
import { BASE, Csrf, Layout, Notice, type PageContext } from './layout';
import { ErrorSummary, Field } from './forms';

export interface FormState {
  errors: FieldErrors;
  general: string | null;
  values: Record<string, string>;
  notice?: string | null;
}

export const emptyForm = (values: Record<string, string> = {}): FormState => ({
  errors: {},
  general: null,
  values,
});

const passwordHint = `${PASSWORD_MIN_LENGTH} caractères au moins. Une phrase de quelques mots, facile à retenir pour vous, convient très bien.`;

export function LoginPage({ ctx, form }: { ctx: PageContext; form: FormState }) {
  return (
    <Layout ctx={ctx} title="Connexion">
      <h1>{familyText.loginTitle}</h1>
      <p className="lead">{familyText.loginIntro}</p>
      <Notice text={form.notice ?? null} />
      <div className="columns">
        <section className="card" aria-labelledby="titre-connexion">
          <h2 id="titre-connexion">J’ai déjà un compte</h2>
          <ErrorSummary
            errors={form.errors}
            general={form.general}
            labels={{ email: 'Adresse e-mail', password: 'Mot de passe' }}
          />
          <form method="post" action={`${BASE}/connexion`} noValidate>
            <Csrf token={ctx.csrfToken} />
            <Field
              name="email"
              label="Adresse e-mail"
              type="email"
              autoComplete="username"
              value={form.values.email ?? ''}
              errors={form.errors}
              spellCheck={false}
              autoCapitalize="none"
            />
            <Field
              name="password"
              label="Mot de passe"
              type="password"
              autoComplete="current-password"
              errors={form.errors}
            />
            <button type="submit" className="button">
              Se connecter
            </button>
          </form>
          <p>
            <a href={`${BASE}/mot-de-passe-oublie`}>Mot de passe oublié ?</a>
          </p>
        </section>
        <section className="card" aria-labelledby="titre-activation">
          <h2 id="titre-activation">{familyText.noAccountTitle}</h2>
          <p>{familyText.noAccountText}</p>
          <p>
            <a className="button button-secondary" href={`${BASE}/activation`}>
              Activer mon compte
            </a>
          </p>
        </section>
      </div>
    </Layout>
  );
}

export function ActivationPage({ ctx, form }: { ctx: PageContext; form: FormState }) {
  return (
    <Layout ctx={ctx} title="Activer mon compte">
      <p className="step">Étape 1 sur 2</p>
      <h1>{familyText.activationTitle}</h1>
      <p className="lead">{familyText.activationIntro}</p>
      <ErrorSummary
        errors={form.errors}
        general={form.general}
        labels={{ familyCode: 'Code famille', activationCode: 'Code d’activation' }}
      />
      <form method="post" action={`${BASE}/activation`} noValidate className="card narrow">
        <Csrf token={ctx.csrfToken} />
        <Field
          name="familyCode"
          label="Code famille"
          hint="Par exemple DUP-00123, en haut du coupon."
          value={form.values.familyCode ?? ''}
          errors={form.errors}
          autoComplete="off"
          spellCheck={false}
          autoCapitalize="characters"
          maxLength={40}
        />
        <Field
          name="activationCode"
          label="Code d’activation"
          hint="Douze caractères en trois groupes, par exemple 7KQ4-MX9C-TRH3. Il ne sert qu’une fois."
          value={form.values.activationCode ?? ''}
          errors={form.errors}
          autoComplete="one-time-code"
          spellCheck={false}
          autoCapitalize="characters"
          maxLength={40}
        />
        <button type="submit" className="button">
          Continuer
        </button>
      </form>
      <p>
        <a href={`${BASE}/connexion`}>J’ai déjà un compte : me connecter</a>
      </p>
    </Layout>
  );
}

export function ActivationAccountPage({
  ctx,
  form,
  ticket,
}: {
  ctx: PageContext;
  form: FormState;
  ticket: string;
}) {
  return (
    <Layout ctx={ctx} title="Activer mon compte">
      <p className="step">Étape 2 sur 2</p>
      <h1>{familyText.activationStep2Title}</h1>
      <p className="lead">{familyText.activationStep2Intro}</p>
      <ErrorSummary
        errors={form.errors}
        general={form.general}
        labels={{
          email: 'Adresse e-mail',
          password: 'Mot de passe',
          passwordConfirm: 'Confirmation du mot de passe',
        }}
      />
      <form method="post" action={`${BASE}/activation/compte`} noValidate className="card narrow">
        <Csrf token={ctx.csrfToken} />
        <input type="hidden" name="ticket" value={ticket} />
        <Field
          name="email"
          label="Adresse e-mail"
          type="email"
          hint="Elle sera votre identifiant de connexion."
          autoComplete="email"
          value={form.values.email ?? ''}
          errors={form.errors}
          spellCheck={false}
          autoCapitalize="none"
        />
        <Field
          name="password"
          label="Mot de passe"
          type="password"
          hint={passwordHint}
          autoComplete="new-password"
          errors={form.errors}
        />
        <Field
          name="passwordConfirm"
          label="Confirmation du mot de passe"
          type="password"
          autoComplete="new-password"
          errors={form.errors}
        />
        <button type="submit" className="button">
          Activer mon compte
        </button>
      </form>
    </Layout>
  );
}

export function ForgotPage({ ctx, form }: { ctx: PageContext; form: FormState }) {
  return (
    <Layout ctx={ctx} title="Mot de passe oublié">
      <h1>{familyText.forgotTitle}</h1>
      <p className="lead">{familyText.forgotIntro}</p>
      <Notice text={form.notice ?? null} />
      <ErrorSummary
        errors={form.errors}
        general={form.general}
        labels={{ email: 'Adresse e-mail' }}
      />
      <form method="post" action={`${BASE}/mot-de-passe-oublie`} noValidate className="card narrow">
        <Csrf token={ctx.csrfToken} />
        <Field
          name="email"
          label="Adresse e-mail"
          type="email"
          autoComplete="email"
          value={form.values.email ?? ''}
          errors={form.errors}
          spellCheck={false}
          autoCapitalize="none"
        />
        <button type="submit" className="button">
          Recevoir un lien
        </button>
      </form>
      <p>
        <a href={`${BASE}/connexion`}>Retour à la connexion</a>
      </p>
    </Layout>
  );
}

export function ResetPage({
  ctx,
  form,
  token,
}: {
  ctx: PageContext;
  form: FormState;
  token: string | null;
}) {
  return (
    <Layout ctx={ctx} title="Nouveau mot de passe">
      <h1>{familyText.resetTitle}</h1>
      <ErrorSummary
        errors={form.errors}
        general={form.general}
        labels={{ password: 'Nouveau mot de passe', passwordConfirm: 'Confirmation' }}
      />
      {token ? (
        <form
          method="post"
          action={`${BASE}/nouveau-mot-de-passe`}
          noValidate
          className="card narrow"
        >
          <Csrf token={ctx.csrfToken} />
          <input type="hidden" name="token" value={token} />
          <Field
            name="password"
            label="Nouveau mot de passe"
            type="password"
            hint={passwordHint}
            autoComplete="new-password"
            errors={form.errors}
          />
          <Field
            name="passwordConfirm"
            label="Confirmation"
            type="password"
            autoComplete="new-password"
            errors={form.errors}
          />
          <button type="submit" className="button">
            Enregistrer
          </button>
        </form>
      ) : (
        <p>
          <a href={`${BASE}/mot-de-passe-oublie`}>Demander un nouveau lien</a>
        </p>
      )}
    </Layout>
  );
}

export function MessagePage({
  ctx,
  title,
  message,
  status,
}: {
  ctx: PageContext;
  title: string;
  message: string;
  status: number;
}) {
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <Notice text={message} kind={status >= 400 ? 'error' : 'info'} />
      <p>
        <a href={`${BASE}/`}>Retour à l’accueil de l’espace familles</a>
      </p>
    </Layout>
  );
}
