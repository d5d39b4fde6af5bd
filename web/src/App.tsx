import { useSyncExternalStore } from 'react';
import { session } from './api/session';
import { AdminMoviePage } from './pages/AdminMoviePage';
import { AdminPage } from './pages/AdminPage';
import { AdminShowBookingsPage } from './pages/AdminShowBookingsPage';
import { AdminTodayPage } from './pages/AdminTodayPage';
import { CheckInPage } from './pages/CheckInPage';
import { LoginPage, SignupPage } from './pages/AccountPages';
import { MoviePage } from './pages/MoviePage';
import { MoviesPage } from './pages/MoviesPage';
import { MyBookingsPage } from './pages/MyBookingsPage';
import { MyOrdersPage } from './pages/MyOrdersPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { PaymentPage } from './pages/PaymentPage';
import { ForgotPasswordPage, ResetPasswordPage } from './pages/PasswordResetPages';
import { ShowPage } from './pages/ShowPage';
import { TicketPage } from './pages/TicketPage';
import { Link, navigate, returnPath, routeOf, useLocation, type Route } from './router';
import { useAnnouncement } from './ui/announce';

const ACCOUNT_PAGES = new Set<Route['page']>(['login', 'signup', 'forgot-password', 'reset-password']);

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'movies':
      return <MoviesPage />;
    case 'movie':
      return <MoviePage id={route.id} />;
    case 'show':
      return <ShowPage id={route.id} />;
    case 'my-bookings':
      return <MyBookingsPage />;
    case 'my-orders':
      return <MyOrdersPage />;
    case 'pay':
      return <PaymentPage id={route.id} />;
    case 'ticket':
      return <TicketPage id={route.id} />;
    case 'check-in':
      return <CheckInPage />;
    case 'login':
      return <LoginPage />;
    case 'signup':
      return <SignupPage />;
    case 'forgot-password':
      return <ForgotPasswordPage />;
    case 'reset-password':
      return <ResetPasswordPage />;
    case 'admin':
      return <AdminPage />;
    case 'admin-movie':
      return <AdminMoviePage id={route.id} />;
    case 'admin-today':
      return <AdminTodayPage />;
    case 'admin-show-bookings':
      return <AdminShowBookingsPage id={route.id} />;
    default:
      return <NotFoundPage />;
  }
}

export function App() {
  const { pathname, query } = useLocation();
  const route = routeOf(pathname);
  // From the account pages (log in, sign up, a forgotten password), the way back stays where it was.
  const next = encodeURIComponent(ACCOUNT_PAGES.has(route.page) ? returnPath(query) : pathname);
  const state = useSyncExternalStore(session.subscribe, session.snapshot);
  const announcement = useAnnouncement();
  const me = state.status === 'signed-in' ? state.me : null;
  const current = (page: Route['page']) => (route.page === page ? 'page' : undefined);

  const logOut = async () => {
    await session.signOut();
    navigate('/');
  };

  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/" className="brand">
          Box office
        </Link>
        <nav aria-label="Main">
          <ul>
            <li>
              <Link to="/" aria-current={current('movies')}>
                What's on
              </Link>
            </li>
            {state.status === 'signed-in' && (
              <li>
                <Link to="/my-bookings" aria-current={current('my-bookings')}>
                  My bookings
                </Link>
              </li>
            )}
            {state.status === 'signed-in' && (
              <li>
                <Link to="/my-orders" aria-current={current('my-orders')}>
                  My orders
                </Link>
              </li>
            )}
            {(me?.role === 'staff' || me?.role === 'admin') && (
              <li>
                <Link to="/admin/today" aria-current={route.page === 'admin-today' || route.page === 'admin-show-bookings' ? 'page' : undefined}>
                  Today
                </Link>
              </li>
            )}
            {(me?.role === 'staff' || me?.role === 'admin') && (
              <li>
                <Link to="/check-in" aria-current={current('check-in')}>
                  Check-in
                </Link>
              </li>
            )}
            {me?.role === 'admin' && (
              <li>
                <Link to="/admin" aria-current={route.page === 'admin' || route.page === 'admin-movie' ? 'page' : undefined}>
                  Admin
                </Link>
              </li>
            )}
          </ul>
        </nav>
        <div className="account">
          {state.status === 'signed-in' ? (
            <>
              {me && <span className="who">{me.username}</span>}
              <button type="button" className="link-button" onClick={() => void logOut()}>
                Log out
              </button>
            </>
          ) : (
            <>
              <Link to={`/login?next=${next}`}>Log in</Link>
              <Link to={`/signup?next=${next}`} className="button small">
                Sign up
              </Link>
            </>
          )}
        </div>
      </header>
      <main id="main">
        <Page route={route} />
      </main>
      <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
        {announcement}
      </div>
      <footer className="foot">
        <a href="/swagger">API documentation</a>
      </footer>
    </>
  );
}
