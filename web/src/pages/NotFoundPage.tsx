import { Link } from '../router';
import { PageTitle } from '../ui/parts';

export function NotFoundPage() {
  return (
    <section>
      <PageTitle title="Not found">Page not found</PageTitle>
      <p>
        There is nothing at this address. <Link to="/">See the movies</Link>
      </p>
    </section>
  );
}
