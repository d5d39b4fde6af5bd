import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { setCinemaTimeZone } from './ui/format';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
const render = () =>
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  );

// Every time is the cinema's: read its zone before the first time is drawn (the browser's if the API cannot say).
fetch('/cinemas/', { headers: { accept: 'application/json' } })
  .then((res) => (res.ok ? (res.json() as Promise<{ time_zone?: string }[]>) : []))
  .then((cinemas) => {
    if (cinemas[0]?.time_zone) setCinemaTimeZone(cinemas[0].time_zone);
  })
  .catch(() => undefined)
  .finally(render);
