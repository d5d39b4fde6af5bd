import { type FormEvent, useEffect, useState } from 'react';
import { api, type ApiProblem, call } from '../api/client';
import { session } from '../api/session';
import { Link, navigate, returnPath, useLocation } from '../router';
import { announce } from '../ui/announce';
import { toProblem } from '../ui/async';
import { Field, PageTitle, ProblemText } from '../ui/parts';
import { PASSWORD_CHANGED, passwordChange } from './PasswordResetPages';

function useAccountForm(submit: (form: FormData) => Promise<void>) {
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await submit(new FormData(event.currentTarget));
    } catch (error) {
      setProblem(toProblem(error));
    } finally {
      setBusy(false);
    }
  };
  return { problem, busy, onSubmit, fields: problem?.fieldErrors() ?? {} };
}

const text = (form: FormData, name: string) => String(form.get(name) ?? '');

export function LoginPage() {
  const { query } = useLocation();
  const next = returnPath(query);
  const ended = session.endedByItself;
  // Just after a password reset: said once, on this visit of the page.
  const [changed] = useState(() => passwordChange.done);
  useEffect(() => {
    passwordChange.done = false;
  }, []);
  const { problem, busy, onSubmit, fields } = useAccountForm(async (form) => {
    await session.signIn(text(form, 'username'), text(form, 'password'));
    announce('You are logged in.');
    navigate(next, { replace: true });
  });
  return (
    <section className="narrow">
      <PageTitle title="Log in">Log in</PageTitle>
      {changed ? <p className="success">{PASSWORD_CHANGED}</p> : ended && <p className="notice">Your session has ended. Log in again to continue.</p>}
      <form onSubmit={(event) => void onSubmit(event)} noValidate>
        <Field label="Username" name="username" autoComplete="username" required error={fields.username} />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required error={fields.password} />
        <ProblemText problem={problem && Object.keys(fields).length === 0 ? problem : null} />
        <button type="submit" className="button" disabled={busy}>
          Log in
        </button>
      </form>
      <p>
        <Link to={`/forgot-password?next=${encodeURIComponent(next)}`}>Forgot your password?</Link>
      </p>
      <p>
        New here? <Link to={`/signup?next=${encodeURIComponent(next)}`}>Create an account</Link>
      </p>
    </section>
  );
}

export function SignupPage() {
  const { query } = useLocation();
  const next = returnPath(query);
  const { problem, busy, onSubmit, fields } = useAccountForm(async (form) => {
    const username = text(form, 'username');
    const password = text(form, 'password');
    await call(api.POST('/signup', { body: { username, email: text(form, 'email'), password } }));
    await session.signIn(username, password);
    announce('Your account is ready and you are logged in.');
    navigate(next, { replace: true });
  });
  return (
    <section className="narrow">
      <PageTitle title="Sign up">Create an account</PageTitle>
      <form onSubmit={(event) => void onSubmit(event)} noValidate>
        <Field label="Username" name="username" autoComplete="username" required error={fields.username} />
        <Field label="Email" name="email" type="email" autoComplete="email" required error={fields.email} />
        <Field label="Password" name="password" type="password" autoComplete="new-password" required hint="At least 8 characters." error={fields.password} />
        <ProblemText problem={problem && Object.keys(fields).length === 0 ? problem : null} />
        <button type="submit" className="button" disabled={busy}>
          Sign up
        </button>
      </form>
      <p>
        Have an account? <Link to={`/login?next=${encodeURIComponent(next)}`}>Log in</Link>
      </p>
    </section>
  );
}
