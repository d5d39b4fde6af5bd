import type { LoggerService } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';
import pino, { DestinationStream, Logger as Pino } from 'pino';
import type { AppConfig } from '../config/app-config';

/** What the request line reads off the raw request: the user, noted by the JWT guard. */
export interface LoggedRequest extends IncomingMessage {
  user_id?: number;
}

/** Never in a log line, wherever they appear (a header, a body someone logs, an error's context). */
const REDACT = [
  'authorization',
  'password',
  'access',
  'refresh',
  'token',
  '*.authorization',
  '*.password',
  '*.access',
  '*.refresh',
  '*.token',
  'req.headers.authorization',
  'req.headers.cookie',
];

/** Probes and scrapes come every few seconds: a line each would drown the requests that matter. */
const QUIET = /^\/(health|metrics)(\/|$|\?)/;

function prettyTransport(): pino.TransportSingleOptions | undefined {
  try {
    require.resolve('pino-pretty');
    return { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true } };
  } catch {
    return undefined;
  }
}

/** The request being served, for every line logged while serving it (see requestLogging). */
const requestContext = new AsyncLocalStorage<{ id: string }>();

/**
 * The service's one logger: JSON lines (ISO UTC time, level names) in
 * production and whenever output is not a terminal; readable lines
 * (pino-pretty) in development on a terminal. Every line logged while a
 * request is served carries its request_id. Lines are written asynchronously
 * (a write in flight gathers the lines that follow it into the next), and
 * flushed when the process exits. `stream` is for tests.
 */
export function rootLogger(config: Pick<AppConfig, 'nodeEnv' | 'logLevel'>, stream?: DestinationStream): Pino {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACT, censor: '[redacted]' },
    base: undefined,
    mixin: () => {
      const served = requestContext.getStore();
      return served ? { request_id: served.id } : {};
    },
  };
  if (stream) return pino(options, stream);
  const pretty = config.nodeEnv !== 'production' && process.stdout.isTTY ? prettyTransport() : undefined;
  if (pretty) return pino({ ...options, transport: pretty });
  const destination = pino.destination({ dest: 1, sync: false });
  process.once('exit', () => destination.flushSync());
  return pino(options, destination);
}

/**
 * The request log, as two Fastify hooks (no per-request child logger, no
 * middleware): the first runs the rest of the request inside its context, so
 * whatever is logged meanwhile names it; the last writes one line when the
 * answer has gone, with its id, method, route pattern, status, duration and
 * user. Probes and scrapes are left out.
 */
export function requestLogging(fastify: FastifyInstance, root: Pino): void {
  // The request line holds nothing but the fields below (never a header or a body): redacting it would find
  // nothing, at a tenth of the line's cost, so it is written by a child without redaction.
  const logger = root.child({}, { redact: [] });
  fastify.addHook('onRequest', (request, _reply, done) => requestContext.run({ id: String(request.id) }, done));
  fastify.addHook('onResponse', (request, reply, done) => {
    if (!QUIET.test(request.url)) {
      const status = reply.statusCode;
      const line = {
        request_id: String(request.id),
        method: request.method,
        route: request.routeOptions.url ?? null,
        status,
        duration_ms: Math.round(reply.elapsedTime),
        user_id: (request.raw as LoggedRequest).user_id ?? null,
      };
      if (status >= 500) logger.error(line, 'request failed');
      else logger.info(line, 'request');
    }
    done();
  });
}

const levelOf = { log: 'info', error: 'error', warn: 'warn', debug: 'debug', verbose: 'trace', fatal: 'fatal' } as const;

const STACK = /\n\s+at /;

/**
 * Nest's LoggerService over the root logger (the app's logger, and what is
 * logged before the app exists). Nest passes `(message, ...params, context)`,
 * and for errors `(message, stack?, context?)`.
 */
export function nestLogger(logger: Pino): LoggerService {
  const write =
    (level: keyof typeof levelOf) =>
    (message: unknown, ...params: unknown[]) => {
      const rest = [...params];
      const last = rest[rest.length - 1];
      const context = typeof last === 'string' && !STACK.test(last) && (level !== 'error' || rest.length > 1 || !last.includes(' ')) ? (rest.pop() as string) : undefined;
      const stack = rest.find((p): p is string => typeof p === 'string' && STACK.test(p));
      if (message instanceof Error) logger[levelOf[level]]({ context, err: message }, message.message);
      else logger[levelOf[level]]({ context, ...(stack ? { stack } : {}) }, typeof message === 'string' ? message : JSON.stringify(message));
    };
  return { log: write('log'), error: write('error'), warn: write('warn'), debug: write('debug'), verbose: write('verbose'), fatal: write('fatal') };
}
