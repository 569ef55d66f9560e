/** Sign-in: e-mail and password against POST /api/v1/auth/login; errors translated, details kept. */
import { useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError } from '../../ui/api';
import { LanguageSwitch } from '../../ui/components/LanguageSwitch';
import { ThemeSwitch } from '../../ui/components/ThemeSwitch';
import { ErrorState } from '../../ui/components/states';
import { useSession } from '../session';
import { useT } from '../i18n';

export function SignInPage(props: { reason: 'none' | 'expired' | 'signed-out' }) {
  const { signIn } = useSession();
  const { t } = useT();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const wrongCredentials = error instanceof ApiError && error.status === 401;

  return (
    <main className="sign-in">
      <div className="corner-switch">
        <LanguageSwitch />
        <ThemeSwitch />
      </div>
      <form className="sign-in-card" onSubmit={(e) => void submit(e)} noValidate>
        <div className="brand sign-in-brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">CityOps</span>
        </div>
        <p className="muted">{t('app.tagline')}</p>
        <h1>{t('signIn.title')}</h1>
        <p>{t('signIn.intro')}</p>
        {props.reason === 'expired' && !error && (
          <p className="notice" role="status">
            {t('error.unauthorized')}
          </p>
        )}
        {props.reason === 'signed-out' && !error && (
          <p className="notice" role="status">
            {t('signIn.signedOut')}
          </p>
        )}
        <label>
          {t('signIn.email')}
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          {t('signIn.password')}
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {wrongCredentials && (
          <p className="form-error" role="alert" data-testid="sign-in-error">
            {t('signIn.invalid')}
          </p>
        )}
        {error !== null && !wrongCredentials && (
          <div data-testid="sign-in-error">
            <ErrorState error={error} compact />
          </div>
        )}
        <button type="submit" className="button primary" disabled={busy || !email || !password}>
          {busy ? t('signIn.submitting') : t('signIn.submit')}
        </button>
      </form>
    </main>
  );
}
