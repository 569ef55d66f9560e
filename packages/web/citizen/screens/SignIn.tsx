/**
 * Sign-in by phone number and a one-time code sent by SMS; sign-out. The
 * token is kept in localStorage; the reports this device sent anonymously
 * (their follow tokens) are then claimed into the account.
 */
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { ErrorState } from '../../ui/components/states';
import { navigate } from '../../ui/router';
import { citizenApi } from '../api';
import { useT } from '../i18n';
import { identity, useIdentity } from '../state/identity';
import { refreshMyReports } from '../state/my-reports';
import { claimAnonymous } from '../state/claim';
import { ApiError } from '../../ui/api/errors';
import { Link } from '../../ui/router';

function useCountdown(until: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until <= now) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [until, now]);
  return Math.max(0, Math.ceil((until - now) / 1000));
}

export default function SignIn() {
  const { t } = useT();
  const me = useIdentity();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [step, setStep] = useState<'phone' | 'code'>('phone');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [resendAt, setResendAt] = useState(0);
  const [claimError, setClaimError] = useState<string | null>(null);
  const wait = useCountdown(resendAt);

  const ask = async (e?: FormEvent) => {
    e?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const sent = await citizenApi.requestCode(phone.trim());
      setResendAt(Date.now() + sent.retryAfter * 1000);
      setStep('code');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const verify = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const s = await citizenApi.verifyCode(phone.trim(), code.trim());
      identity.signIn({
        token: s.token,
        number: s.citizen.phone ?? phone.trim(),
        expiresAt: s.expiresAt,
      });
      let claimed = 0;
      try {
        claimed = await claimAnonymous(s.token);
      } catch (err) {
        setClaimError(err instanceof ApiError ? err.message : String(err));
        setBusy(false);
        void refreshMyReports();
        return;
      }
      void refreshMyReports();
      navigate(claimed > 0 ? `/citizen/mine?claimed=${claimed}` : '/citizen/mine');
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  if (me.phone) {
    const token = me.phone.token;
    return (
      <>
        <h1>{t('signIn.title')}</h1>
        <p role="status" data-testid="signed-in">
          {t('signIn.done', { phone: me.phone.number })}
        </p>
        {claimError !== null && (
          <p className="form-error" data-testid="claim-error">
            {t('signIn.claimFailed', { reason: claimError })}{' '}
            <Link href="/citizen/mine">{t('mine.title')}</Link>
          </p>
        )}
        <button
          type="button"
          className="button big"
          onClick={() => {
            identity.signOut();
            void citizenApi.signOut(token).catch(() => undefined);
            void refreshMyReports();
          }}
        >
          {t('signIn.signOut')}
        </button>
      </>
    );
  }

  return (
    <>
      <h1>{t('signIn.title')}</h1>
      <p className="muted">{t('signIn.intro')}</p>
      {step === 'phone' ? (
        <form onSubmit={(e) => void ask(e)} className="stack">
          <label className="field">
            {t('signIn.phone')}
            <input
              type="tel"
              inputMode="tel"
              autoComplete="tel"
              placeholder="0912 345 678"
              value={phone}
              required
              data-testid="phone"
              onChange={(e) => setPhone(e.target.value)}
            />
          </label>
          <button type="submit" className="button primary big" disabled={busy || !phone.trim()}>
            {busy ? t('signIn.sending') : t('signIn.send')}
          </button>
        </form>
      ) : (
        <form onSubmit={(e) => void verify(e)} className="stack">
          <p role="status">{t('signIn.codeSent', { phone: phone.trim() })}</p>
          <label className="field">
            {t('signIn.code')}
            <input
              type="text"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="\d{6}"
              maxLength={6}
              value={code}
              required
              data-testid="otp"
              onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
            />
          </label>
          <button type="submit" className="button primary big" disabled={busy || code.length !== 6}>
            {busy ? t('signIn.verifying') : t('signIn.verify')}
          </button>
          <div className="row">
            <button
              type="button"
              className="button"
              disabled={busy || wait > 0}
              onClick={() => void ask()}
            >
              {wait > 0 ? t('signIn.againIn', { s: wait }) : t('signIn.again')}
            </button>
            <button
              type="button"
              className="button"
              onClick={() => {
                setStep('phone');
                setCode('');
                setError(null);
              }}
            >
              {t('signIn.otherPhone')}
            </button>
          </div>
        </form>
      )}
      {error !== null && <ErrorState error={error} compact />}
    </>
  );
}
