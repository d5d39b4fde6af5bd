import { type FormEvent, type ReactNode, useState, useSyncExternalStore } from 'react';
import { ApiProblem } from '../api/client';
import { session } from '../api/session';
import { Link, loginPath } from '../router';
import { announce } from '../ui/announce';
import { toProblem } from '../ui/async';
import { fromMajorInput, minorDigits } from '../ui/format';
import { PageTitle, ProblemText } from '../ui/parts';

/** Staff pages render only for an admin (and, with `staffToo`, for staff: the day's shows and bookings); others are told why. */
export function StaffOnly({ title, children, staffToo = false }: { title: string; children: ReactNode; staffToo?: boolean }) {
  const state = useSyncExternalStore(session.subscribe, session.snapshot);
  if (state.status === 'signed-out') {
    return (
      <section>
        <PageTitle title={title}>{title}</PageTitle>
        <p>
          This page is for staff. <Link to={loginPath()}>Log in</Link> with a staff account.
        </p>
      </section>
    );
  }
  if (!state.me) return <p className="muted">Loading…</p>;
  if (state.me.role !== 'admin' && !(staffToo && state.me.role === 'staff')) {
    return (
      <section>
        <PageTitle title={title}>{title}</PageTitle>
        <p>{staffToo ? 'This page is for staff: your account cannot see it.' : 'This page is for staff: your account cannot change the programme.'}</p>
      </section>
    );
  }
  return <>{children}</>;
}

/**
 * A staff form: submits, then shows the API's refusal on the form itself (a
 * field's message under that field, a conflict such as SCREEN_BUSY above the
 * button), and says what was done.
 */
export function useStaffForm(submit: (form: FormData) => Promise<string>) {
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const element = event.currentTarget;
    setBusy(true);
    setProblem(null);
    try {
      const done = await submit(new FormData(element));
      announce(done);
      element.reset();
    } catch (error) {
      setProblem(toProblem(error));
    } finally {
      setBusy(false);
    }
  };
  const fields = problem?.fieldErrors() ?? {};
  return { onSubmit: (event: FormEvent<HTMLFormElement>) => void onSubmit(event), busy, problem, fields, formProblem: Object.keys(fields).length > 0 ? null : problem };
}

/** A table row turned into its edit form: the fields, the API's refusal, Save and Cancel. */
export function EditRow({ columns, label, form, onCancel, children }: { columns: number; label: string; form: ReturnType<typeof useStaffForm>; onCancel: () => void; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={columns}>
        <form className="inline-form" onSubmit={form.onSubmit} aria-label={label} noValidate>
          {children}
          <ProblemText problem={form.formProblem} />
          <button type="submit" className="button" disabled={form.busy}>
            Save
          </button>
          <button type="button" className="button secondary" onClick={onCancel}>
            Cancel
          </button>
        </form>
      </td>
    </tr>
  );
}

export const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();
/** A whole-number field; anything else is refused here, in the words the API would use. */
export const integer = (form: FormData, name: string, label: string): number => {
  const value = text(form, name);
  if (/^\d{1,9}$/.test(value)) return Number(value);
  throw new ApiProblem(400, {
    type: 'about:blank',
    title: 'Bad Request',
    status: 400,
    code: 'VALIDATION_FAILED',
    detail: `${label} must be a whole number.`,
    errors: [{ field: name, message: `${label} must be a whole number.` }],
  });
};

/** The currencies the show forms offer (the API takes any ISO 4217 code; a show's own is added when it is another). */
export const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'JPY'];
export const DEFAULT_CURRENCY = 'EUR';

/**
 * A show's price and currency from its form: the price typed in major units
 * ("12.50"; empty is free) in the API's minor units (1250), refused here in
 * the API's way when it is not an amount of that currency.
 */
export const priceOf = (form: FormData): { price: number; currency: string } => {
  const currency = text(form, 'currency') || DEFAULT_CURRENCY;
  const typed = text(form, 'price');
  const price = typed === '' ? 0 : fromMajorInput(typed, currency);
  if (price !== null) return { price, currency };
  const digits = minorDigits(currency);
  const message = `Price must be an amount in ${currency}, such as ${digits === 0 ? '1200' : `12.${'5'.padEnd(digits, '0')}`}.`;
  throw new ApiProblem(400, { type: 'about:blank', title: 'Bad Request', status: 400, code: 'VALIDATION_FAILED', detail: message, errors: [{ field: 'price', message }] });
};

/** Sold, held and free seats of a show, as numbers and as one bar. */
export function Occupancy({ booked, held, total }: { booked: number; held: number; total: number }) {
  const free = total - booked - held;
  const part = (n: number) => `${(100 * n) / Math.max(total, 1)}%`;
  return (
    <div className="occupancy">
      <div className="occupancy-bar" aria-hidden="true">
        <span className="sold" style={{ width: part(booked) }} />
        <span className="held" style={{ width: part(held) }} />
      </div>
      <span>
        {booked} sold · {held} held · {free} free
      </span>
    </div>
  );
}
