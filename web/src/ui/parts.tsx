import { type InputHTMLAttributes, type ReactNode, type Ref, type SelectHTMLAttributes, useEffect, useId, useRef } from 'react';
import type { ApiProblem } from '../api/client';
import type { Loaded } from './async';

/** The page's heading: focused after each navigation, so a screen reader starts at the new page. */
export function PageTitle({ children, title }: { children: ReactNode; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Box office`;
    ref.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

/** A problem in plain words, where it happened; read out at once. */
export function ProblemText({ problem, id }: { problem: ApiProblem | null; id?: string }) {
  if (!problem) return null;
  return (
    <p className="problem" role="alert" id={id}>
      {problem.message}
    </p>
  );
}

/** Renders `children` once loaded; a loading line or the problem before that. */
export function Ready<T>({ loaded, children, what }: { loaded: Loaded<T>; children: (value: T) => ReactNode; what: string }) {
  if (loaded.status === 'loading') return <p className="muted" aria-busy="true">Loading {what}…</p>;
  if (loaded.status === 'failed') return <ProblemText problem={loaded.problem} />;
  return <>{children(loaded.value)}</>;
}

/** A labelled input with its error under it, tied to it for assistive technology. */
export function Field({
  label,
  name,
  error,
  hint,
  ...input
}: { label: string; name: string; error?: string; hint?: string; ref?: Ref<HTMLInputElement> } & InputHTMLAttributes<HTMLInputElement>) {
  const id = `${name}-${useId()}`;
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={described} {...input} />
      {hint && (
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {error && (
        <span className="field-error" id={`${id}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}

/** A labelled select with its error under it, like Field. */
export function SelectField({
  label,
  name,
  options,
  error,
  hint,
  ...select
}: { label: string; name: string; options: string[]; error?: string; hint?: string } & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = `${name}-${useId()}`;
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={described} {...select}>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
      {hint && (
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {error && (
        <span className="field-error" id={`${id}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}
