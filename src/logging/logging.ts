import type { LoggerService } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { DestinationStream, Logger as Pino } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import type { AppConfig } from '../config/app-config';

/** What the request line reads off the raw request, noted by the first hook and the JWT guard. */
export interface LoggedRequest extends IncomingMessage {
  route?: string;
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

/**
 * The service's one logger: JSON lines (ISO UTC time, level names) in
 * production and whenever output is not a terminal; readable lines
 * (pino-pretty) in development on a terminal. `stream` is for tests.
 */
export function rootLogger(config: Pick<AppConfig, 'nodeEnv' | 'logLevel'>, stream?: DestinationStream): Pino {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACT, censor: '[redacted]' },
    base: undefined,
  };
  if (stream) return pino(options, stream);
  const pretty = config.nodeEnv !== 'production' && process.stdout.isTTY ? prettyTransport() : undefined;
  return pretty ? pino({ ...options, transport: pretty }) : pino(options);
}

/**
 * pino-http for nestjs-pino: one line per request when it ends, with its id,
 * method, route pattern, status, duration and user; and the request id bound
 * to every line logged while it is served (nestjs-pino's AsyncLocalStorage).
 */
export function requestLogging(logger: Pino): PinoHttpOptions<LoggedRequest, ServerResponse> {
  return {
    logger,
    // The first hook copies Fastify's request id onto the raw request; this is only for requests that skip it.
    genReqId: () => randomUUID(),
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'request_id', responseTime: 'duration_ms' },
    // Middleware sees the path below its mount point in url; originalUrl is the whole of it.
    autoLogging: { ignore: (req) => QUIET.test((req as LoggedRequest & { originalUrl?: string }).originalUrl ?? req.url ?? '') },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request failed',
    customSuccessObject: (req, res, value: { duration_ms: number }) => ({
      method: req.method,
      route: req.route ?? null,
      status: res.statusCode,
      duration_ms: value.duration_ms,
      user_id: req.user_id ?? null,
    }),
    customErrorObject: (req, res, _error, value: { duration_ms: number }) => ({
      method: req.method,
      route: req.route ?? null,
      status: res.statusCode,
      duration_ms: value.duration_ms,
      user_id: req.user_id ?? null,
    }),
  };
}

const levelOf = { log: 'info', error: 'error', warn: 'warn', debug: 'debug', verbose: 'trace', fatal: 'fatal' } as const;

/** Nest's LoggerService over the root logger, for what is logged before the app exists (the embedded PostgreSQL). */
export function nestLogger(logger: Pino): LoggerService {
  const write =
    (level: keyof typeof levelOf) =>
    (message: unknown, ...rest: unknown[]) => {
      const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
      logger[levelOf[level]]({ context }, String(message));
    };
  return { log: write('log'), error: write('error'), warn: write('warn'), debug: write('debug'), verbose: write('verbose'), fatal: write('fatal') };
}
