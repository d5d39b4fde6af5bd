import { useState } from 'react';
import { api, type ApiProblem, call, type Movie } from '../api/client';
import { Link } from '../router';
import { announce } from '../ui/announce';
import { toProblem, useLoad } from '../ui/async';
import { Field, PageTitle, ProblemText, Ready } from '../ui/parts';
import { StaffAccounts } from './AdminAccounts';
import { EditRow, integer, StaffOnly, text, useStaffForm } from './admin';

async function allMovies(): Promise<Movie[]> {
  const { data } = await call(api.GET('/movies', { params: { query: { limit: 200 } } }));
  return data;
}

/** Staff: the programme's movies; add, rename, re-time or delete one, and go to its shows. Who is staff. */
export function AdminPage() {
  return (
    <StaffOnly title="Admin">
      <Movies />
      <StaffAccounts />
    </StaffOnly>
  );
}

function Movies() {
  const loaded = useLoad(allMovies, 'movies');
  const create = useStaffForm(async (form) => {
    const { data } = await call(api.POST('/movies', { body: { title: text(form, 'title'), duration_minutes: integer(form, 'duration_minutes', 'Duration') } }));
    await loaded.reload();
    return `Added ${data.title}.`;
  });
  return (
    <section>
      <PageTitle title="Admin: movies">Movies</PageTitle>
      <form className="inline-form" onSubmit={create.onSubmit} aria-labelledby="new-movie" noValidate>
        <h2 id="new-movie">Add a movie</h2>
        <Field label="Title" name="title" required error={create.fields.title} />
        <Field label="Duration (minutes)" name="duration_minutes" inputMode="numeric" required error={create.fields.duration_minutes} />
        <ProblemText problem={create.formProblem} />
        <button type="submit" className="button" disabled={create.busy}>
          Add movie
        </button>
      </form>
      <h2>Programme</h2>
      <Ready loaded={loaded} what="movies">
        {(movies) => (
          <table className="admin-table">
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Duration</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {movies.map((movie) => (
                <MovieRow key={movie.id} movie={movie} onChanged={loaded.reload} />
              ))}
            </tbody>
          </table>
        )}
      </Ready>
    </section>
  );
}

function MovieRow({ movie, onChanged }: { movie: Movie; onChanged: () => Promise<void> }) {
  const [editing, setEditing] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const edit = useStaffForm(async (form) => {
    await call(
      api.PATCH('/movies/{id}', { params: { path: { id: movie.id } }, body: { title: text(form, 'title'), duration_minutes: integer(form, 'duration_minutes', 'Duration') } }),
    );
    setEditing(false);
    await onChanged();
    return `Saved ${movie.title}.`;
  });
  const remove = async () => {
    setProblem(null);
    try {
      await call(api.DELETE('/movies/{id}', { params: { path: { id: movie.id } } }));
      announce(`Deleted ${movie.title}.`);
      await onChanged();
    } catch (error) {
      setProblem(toProblem(error));
    }
  };

  if (editing) {
    return (
      <EditRow columns={3} label={`Edit ${movie.title}`} form={edit} onCancel={() => setEditing(false)}>
        <Field label="Title" name="title" defaultValue={movie.title} required error={edit.fields.title} />
        <Field label="Duration (minutes)" name="duration_minutes" inputMode="numeric" defaultValue={movie.duration_minutes} error={edit.fields.duration_minutes} />
      </EditRow>
    );
  }
  return (
    <tr>
      <th scope="row">
        <Link to={`/admin/movies/${movie.id}`}>{movie.title}</Link>
      </th>
      <td>{movie.duration_minutes} min</td>
      <td className="row-actions">
        <div>
          <Link to={`/admin/movies/${movie.id}`} className="button small secondary" aria-label={`Shows of ${movie.title}`}>
            Shows
          </Link>
          <button type="button" className="button small secondary" onClick={() => setEditing(true)} aria-label={`Edit ${movie.title}`}>
            Edit
          </button>
          <button type="button" className="button small danger" onClick={() => void remove()} aria-label={`Delete ${movie.title}`}>
            Delete
          </button>
        </div>
        <ProblemText problem={problem} />
      </td>
    </tr>
  );
}
