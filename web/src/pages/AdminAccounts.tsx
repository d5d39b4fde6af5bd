import { type FormEvent, useId, useState } from 'react';
import { api, type ApiProblem, call, newIdempotencyKey, type Schemas, totalOf } from '../api/client';
import { announce } from '../ui/announce';
import { toProblem } from '../ui/async';
import { plural } from '../ui/format';
import '../tickets/tickets.css';
import { Field, ProblemText } from '../ui/parts';

type Account = Schemas['Account'];
type Role = Account['role'];
const ROLES: Role[] = ['customer', 'staff', 'admin'];
const LISTED = 20;

/** Admin: find accounts (GET /users/?search=) and give one a role (PATCH /users/{id}/): staff check tickets in at the door. */
export function StaffAccounts() {
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<{ accounts: Account[]; total: number; search: string } | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);

  const find = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const asked = search.trim();
    setBusy(true);
    setProblem(null);
    try {
      const { data, response } = await call(api.GET('/users', { params: { query: { search: asked || undefined, limit: LISTED } } }));
      setFound({ accounts: data, total: totalOf(response), search: asked });
      announce(`${plural(totalOf(response), 'account')} found.`);
    } catch (error) {
      setProblem(toProblem(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="staff-accounts">
      <h2 id="staff-accounts">Staff</h2>
      <p className="muted">Give an account a role: staff check tickets in at the door. A change signs that account out, so it logs in again with its new role.</p>
      <form className="inline-form" role="search" aria-labelledby="staff-accounts" onSubmit={(event) => void find(event)}>
        <Field label="Username or e-mail" name="search" type="search" value={search} onChange={(event) => setSearch(event.target.value)} autoComplete="off" />
        <ProblemText problem={problem} />
        <button type="submit" className="button" disabled={busy}>
          Find accounts
        </button>
      </form>
      {found &&
        (found.accounts.length === 0 ? (
          <p>No account matches{found.search ? ` “${found.search}”` : ''}.</p>
        ) : (
          <>
            {found.total > found.accounts.length && (
              <p className="muted">
                The first {found.accounts.length} of {plural(found.total, 'account')}: search for more of a name to narrow it down.
              </p>
            )}
            <table className="admin-table">
              <thead>
                <tr>
                  <th scope="col">Username</th>
                  <th scope="col">E-mail</th>
                  <th scope="col">Role</th>
                </tr>
              </thead>
              <tbody>
                {found.accounts.map((account) => (
                  <AccountRow key={account.id} account={account} />
                ))}
              </tbody>
            </table>
          </>
        ))}
    </section>
  );
}

function AccountRow({ account }: { account: Account }) {
  const [saved, setSaved] = useState<Role>(account.role);
  const [role, setRole] = useState<Role>(account.role);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  const save = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const { data } = await call(
        api.PATCH('/users/{id}', { params: { path: { id: account.id }, header: { 'Idempotency-Key': newIdempotencyKey() } }, body: { role } }),
      );
      setSaved(data.role);
      announce(`${account.username} is now ${data.role}.`);
    } catch (error) {
      setProblem(toProblem(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <tr>
      <th scope="row">{account.username}</th>
      <td>{account.email}</td>
      <td className="row-actions">
        <div>
          <label className="visually-hidden" htmlFor={id}>
            Role of {account.username}
          </label>
          <select id={id} className="role-select" value={role} onChange={(event) => setRole(event.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
          <button type="button" className="button small" disabled={busy || role === saved} onClick={() => void save()} aria-label={`Set the role of ${account.username}`}>
            Set role
          </button>
        </div>
        <ProblemText problem={problem} />
      </td>
    </tr>
  );
}
