import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api, type ApiProblem, call } from '../api/client';
import { session } from '../api/session';
import { Link, navigate, returnPath, useLocation } from '../router';
import { announce } from '../ui/announce';
import { toProblem } from '../ui/async';
import { Field, PageTitle, ProblemText } from '../ui/parts';

/** What the API accepts as a new password (PasswordResetConfirm: 8 to 128 characters). */
const MIN_PASSWORD = 8;
const MAX_PASSWORD = 128;

export const PASSWORD_CHANGED = 'Your password is changed; log in with the new one. All other sessions of your account were signed out.';

/**
 * Set when a password reset has just succeeded, for the login page (the next
 * page) to say so; cleared once that page has shown it.
 */
export const passwordChange = { done: false };

const SENT = 'If an account uses that address, we have sent it a link to choose a new password. It works for 30 minutes.';

/** Asks for a password-reset link: the same answer whatever the address, so the page never tells whether an account has it. */
export function ForgotPasswordPage() {
  const next = returnPath(useLocation().query);
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const sentRef = useRef<HTMLParagraphElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const asked = useRef(false);
  // The outcome takes the form's place, so the keyboard goes to it; asking again goes back to the field.
  useEffect(() => {
    if (sent) sentRef.current?.focus();
    else if (asked.current) formRef.current?.querySelector('input')?.focus();
    asked.current = sent || asked.current;
  }, [sent]);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get('email') ?? '').trim();
    setBusy(true);
    setProblem(null);
    try {
      await call(api.POST('/password-reset', { body: { email } }));
      setSent(true);
      announce(SENT);
    } catch (error) {
      setProblem(toProblem(error));
    } finally {
      setBusy(false);
    }
  };
  const fields = problem?.fieldErrors() ?? {};

  return (
    <section className="narrow">
      <PageTitle title="Forgot your password">Forgot your password?</PageTitle>
      {sent ? (
        <>
          <p className="success" ref={sentRef} tabIndex={-1}>
            {SENT}
          </p>
          <p>
            No message after a few minutes? Look in your spam folder, or{' '}
            <button type="button" className="link-button" onClick={() => setSent(false)}>
              try another address
            </button>
            .
          </p>
        </>
      ) : (
        <form ref={formRef} onSubmit={(event) => void onSubmit(event)} noValidate>
          <p>Enter the e-mail address of your account, and we will send it a link to choose a new password.</p>
          <Field label="Email" name="email" type="email" autoComplete="email" required error={fields.email} />
          <ProblemText problem={problem && Object.keys(fields).length === 0 ? problem : null} />
          <button type="submit" className="button" disabled={busy}>
            Send the link
          </button>
        </form>
      )}
      <p>
        Remembered it? <Link to={`/login?next=${encodeURIComponent(next)}`}>Log in</Link>
      </p>
    </section>
  );
}

/** The sentence for a code the API refused; the page then offers a new one. */
const TOKEN_PROBLEMS: Record<string, string> = {
  RESET_TOKEN_INVALID: 'This password-reset link is not valid: it may be incomplete, or from another message.',
  RESET_TOKEN_USED: 'This password-reset link has been used already: each link changes the password once.',
  RESET_TOKEN_EXPIRED: 'This password-reset link has expired: each link works for 30 minutes.',
};

/** The code of `#token=…`, or null. */
function tokenOf(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return token ? token : null;
}

/** Sets a new password with the code from the e-mailed link (in the fragment, so never sent to a server or kept in history). */
export function ResetPasswordPage() {
  const [token] = useState(() => tokenOf(location.hash));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [tokenProblem, setTokenProblem] = useState<string | null>(null);
  const [mismatch, setMismatch] = useState<string | undefined>();
  const [badLength, setTooShort] = useState<string | undefined>();
  const formRef = useRef<HTMLFormElement>(null);
  const tokenProblemRef = useRef<HTMLParagraphElement>(null);

  // The code leaves the address bar at once: not in history, not in a bookmark or a shared screen.
  useEffect(() => {
    if (location.hash) history.replaceState(history.state, '', location.pathname + location.search);
  }, []);
  useEffect(() => {
    if (tokenProblem) tokenProblemRef.current?.focus();
  }, [tokenProblem]);

  const focusField = (name: string) => {
    requestAnimationFrame(() => formRef.current?.querySelector<HTMLInputElement>(`[name="${name}"]`)?.focus());
  };

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!token) return;
    const form = new FormData(event.currentTarget);
    const password = String(form.get('password') ?? '');
    const again = String(form.get('password-again') ?? '');
    setProblem(null);
    const length = password.length < MIN_PASSWORD || password.length > MAX_PASSWORD ? `Use ${MIN_PASSWORD} to ${MAX_PASSWORD} characters.` : undefined;
    const differs = !length && password !== again ? 'The two passwords are not the same. Type the new password again.' : undefined;
    setTooShort(length);
    setMismatch(differs);
    if (length || differs) {
      focusField(length ? 'password' : 'password-again');
      return;
    }

    setBusy(true);
    try {
      await call(api.POST('/password-reset/confirm', { body: { token, password } }));
      // Every session of the account has ended: this device's too, if it had one.
      if (session.snapshot().status === 'signed-in') await session.signOut();
      passwordChange.done = true;
      announce(PASSWORD_CHANGED);
      navigate('/login', { replace: true });
    } catch (error) {
      const refused = toProblem(error);
      const fields = refused.fieldErrors();
      if (Object.hasOwn(TOKEN_PROBLEMS, refused.code)) setTokenProblem(TOKEN_PROBLEMS[refused.code]);
      else if (fields.token) setTokenProblem(TOKEN_PROBLEMS.RESET_TOKEN_INVALID);
      else {
        setProblem(refused);
        if (fields.password) focusField('password');
      }
    } finally {
      setBusy(false);
    }
  };
  const fields = problem?.fieldErrors() ?? {};

  return (
    <section className="narrow">
      <PageTitle title="Choose a new password">Choose a new password</PageTitle>
      {!token ? (
        <p>
          This page needs the link from the password-reset e-mail, and this address has no code in it. Open the link in the message again, or{' '}
          <Link to="/forgot-password">ask for a new link</Link>.
        </p>
      ) : tokenProblem ? (
        <p className="problem" role="alert" ref={tokenProblemRef} tabIndex={-1}>
          {tokenProblem} <Link to="/forgot-password">Ask for a new link</Link>
        </p>
      ) : (
        <form ref={formRef} onSubmit={(event) => void onSubmit(event)} noValidate>
          <Field
            label="New password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            hint={`${MIN_PASSWORD} to ${MAX_PASSWORD} characters.`}
            error={badLength ?? fields.password}
          />
          <Field label="Confirm new password" name="password-again" type="password" autoComplete="new-password" required error={mismatch} />
          <ProblemText problem={problem && Object.keys(fields).length === 0 ? problem : null} />
          <button type="submit" className="button" disabled={busy}>
            Change password
          </button>
        </form>
      )}
    </section>
  );
}
