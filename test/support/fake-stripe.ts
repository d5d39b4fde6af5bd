import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import Stripe from 'stripe';

/** One request the fake received, as the SDK sent it. */
export interface FakeStripeRequest {
  method: string;
  path: string;
  /** Lower-case names. */
  headers: Record<string, string | string[] | undefined>;
  idempotencyKey: string | undefined;
  /** The form-encoded body, nested as Stripe reads it (`metadata[order_id]=7` → `{ metadata: { order_id: '7' } }`). */
  body: Record<string, unknown>;
}

export interface FakePaymentIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  status: Stripe.PaymentIntent.Status;
  client_secret: string;
  description: string | null;
  metadata: Record<string, string>;
  created: number;
  livemode: false;
  /** The last refused attempt of a browser's confirmation (Stripe's shape), null before any. */
  last_payment_error: StripeCardError | null;
}

/** A refused card, as Stripe describes it in an error and in a PaymentIntent's last_payment_error. */
export interface StripeCardError {
  type: 'card_error';
  code: string;
  decline_code?: string;
  message: string;
}

/**
 * Stripe's test cards that a browser's confirmation (POST /v1/payment_intents/:id/confirm) understands:
 * `pays` succeeds, `declines` is refused with card_declined (Stripe's own message); any other number is
 * refused as incorrect_number.
 */
export const STRIPE_TEST_CARDS = { pays: '4242 4242 4242 4242', declines: '4000 0000 0000 0002' };

export interface FakeRefund {
  id: string;
  object: 'refund';
  amount: number;
  currency: string;
  payment_intent: string;
  status: 'succeeded' | 'pending' | 'failed';
  failure_reason: string | null;
  created: number;
}

/**
 * How POST /v1/refunds answers: `ok` (succeeded), `pending`, `failed` (a refund object whose status is failed,
 * as a card that can no longer take money gives), `refused` (400 invalid_request_error, as Stripe refuses to
 * refund a disputed charge) or `server_error` (500 api_error, which the SDK retries and Stripe does not store).
 */
export type RefundMode = 'ok' | 'pending' | 'failed' | 'refused' | 'server_error';

interface Answer {
  status: number;
  body: unknown;
}

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const now = () => Math.floor(Date.now() / 1000);

/**
 * A local HTTP server that answers the endpoints the Stripe SDK calls, in Stripe's JSON shapes:
 * `POST /v1/payment_intents`, `GET /v1/payment_intents/:id`, `POST /v1/refunds`, `GET /v1/refunds/:id`;
 * and the two Stripe.js calls from a browser, authenticated as Stripe.js is, by a publishable key (`key`)
 * and the PaymentIntent's client secret (`client_secret`) in the query or the form body, answered with CORS
 * headers: `GET /v1/payment_intents/:id` and `POST /v1/payment_intents/:id/confirm` (see STRIPE_TEST_CARDS).
 * Idempotency as Stripe keeps it: a key seen before replays its first answer (`Idempotent-Replayed: true`),
 * a key reused with other parameters is a 400 idempotency_error, and a 5xx is not stored. Every request is
 * recorded. Point the provider at it with `STRIPE_API_URL=fake.url`.
 */
export class FakeStripe {
  readonly requests: FakeStripeRequest[] = [];
  readonly paymentIntents = new Map<string, FakePaymentIntent>();
  readonly refunds = new Map<string, FakeRefund>();
  refundMode: RefundMode = 'ok';
  private failures: { status: number; remaining: number; path: RegExp } | undefined;
  private readonly idempotent = new Map<string, { params: string; answer: Answer }>();
  private server?: Server;
  port = 0;

  /**
   * `secretKey`: the only key accepted (others are 401); any `sk_`/`rk_` key when unset.
   * `publishableKey`: the only key a browser's call may carry; any `pk_` key when unset.
   */
  constructor(
    private readonly secretKey?: string,
    private readonly publishableKey?: string,
  ) {}

  static async start(secretKey?: string, publishableKey?: string): Promise<FakeStripe> {
    const fake = new FakeStripe(secretKey, publishableKey);
    await fake.listen();
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The next `times` requests whose path matches answer `status` with Stripe's api_error body. */
  failWith(status: number, { times = Infinity, path = /./ }: { times?: number; path?: RegExp } = {}): void {
    this.failures = { status, remaining: times, path };
  }

  /** The customer paid: the PaymentIntent is succeeded (or any other status given). */
  succeed(paymentIntentId: string, status: Stripe.PaymentIntent.Status = 'succeeded'): FakePaymentIntent {
    const intent = this.paymentIntents.get(paymentIntentId);
    if (!intent) throw new Error(`no PaymentIntent ${paymentIntentId}`);
    intent.status = status;
    if (status === 'succeeded') intent.amount_received = intent.amount;
    return intent;
  }

  /** The requests to this method and path (a string is an exact path, a RegExp matches). */
  requestsTo(method: string, path: string | RegExp): FakeStripeRequest[] {
    return this.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const method = req.method ?? 'GET';
    const [path, search = ''] = (req.url ?? '/').split('?');
    const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
    const body = parseForm(raw);
    this.requests.push({ method, path, headers: { ...req.headers }, idempotencyKey, body });
    const fromBrowser = !req.headers.authorization;

    const send = ({ status, body: answer }: Answer, replayed = false) => {
      res.writeHead(status, {
        'content-type': 'application/json',
        'request-id': id('req'),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
        ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
        // Stripe.js calls the API from the shop's pages: Stripe answers them with CORS headers.
        ...(fromBrowser ? { 'access-control-allow-origin': '*' } : {}),
      });
      res.end(JSON.stringify(answer));
    };

    if (fromBrowser) return send(this.routeBrowser(method, path, { ...parseForm(search), ...body }));
    const auth = req.headers.authorization ?? '';
    const key = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (this.secretKey ? key !== this.secretKey : !/^(sk|rk)_/.test(key)) {
      return send(error(401, 'authentication_error', undefined, `Invalid API Key provided: ${key.slice(0, 8)}***`));
    }
    if (this.failures && this.failures.remaining > 0 && this.failures.path.test(path)) {
      this.failures.remaining--;
      return send(error(this.failures.status, 'api_error', undefined, 'Something went wrong on our end (fake).'));
    }
    if (method === 'POST' && idempotencyKey) {
      const scope = `${path} ${idempotencyKey}`;
      const seen = this.idempotent.get(scope);
      if (seen && seen.params !== raw) {
        return send(error(400, 'idempotency_error', undefined, `Keys for idempotent requests can only be used with the same parameters they were first used with.`));
      }
      if (seen) return send(seen.answer, true);
      const answer = this.route(method, path, body);
      if (answer.status < 500) this.idempotent.set(scope, { params: raw, answer });
      return send(answer);
    }
    return send(this.route(method, path, body));
  }

  private route(method: string, path: string, body: Record<string, unknown>): Answer {
    if (method === 'POST' && path === '/v1/payment_intents') return this.createPaymentIntent(body);
    if (method === 'POST' && path === '/v1/refunds') return this.createRefund(body);
    const intent = /^\/v1\/payment_intents\/([^/]+)$/.exec(path);
    if (method === 'GET' && intent) {
      const found = this.paymentIntents.get(decodeURIComponent(intent[1]));
      return found ? { status: 200, body: found } : error(404, 'invalid_request_error', 'resource_missing', `No such payment_intent: '${intent[1]}'`, 'intent');
    }
    const refund = /^\/v1\/refunds\/([^/]+)$/.exec(path);
    if (method === 'GET' && refund) {
      const found = this.refunds.get(decodeURIComponent(refund[1]));
      return found ? { status: 200, body: found } : error(404, 'invalid_request_error', 'resource_missing', `No such refund: '${refund[1]}'`, 'id');
    }
    return error(404, 'invalid_request_error', undefined, `Unrecognized request URL (${method}: ${path}).`);
  }

  /** A call of Stripe.js: a publishable key and the PaymentIntent's client secret, never a secret key. */
  private routeBrowser(method: string, path: string, params: Record<string, unknown>): Answer {
    const key = typeof params.key === 'string' ? params.key : '';
    if (this.publishableKey ? key !== this.publishableKey : !/^pk_/.test(key)) {
      return error(401, 'invalid_request_error', undefined, `Invalid API Key provided: ${key.slice(0, 8)}***`);
    }
    const match = /^\/v1\/payment_intents\/([^/]+)(\/confirm)?$/.exec(path);
    if (!match || (method === 'GET') === Boolean(match[2]) || !['GET', 'POST'].includes(method)) {
      return error(404, 'invalid_request_error', undefined, `Unrecognized request URL (${method}: ${path}).`);
    }
    const intent = this.paymentIntents.get(decodeURIComponent(match[1]));
    if (!intent) return error(404, 'invalid_request_error', 'resource_missing', `No such payment_intent: '${match[1]}'`, 'intent');
    if (params.client_secret !== intent.client_secret) {
      return error(400, 'invalid_request_error', undefined, 'The client_secret provided does not match the client_secret associated with the PaymentIntent.', 'client_secret');
    }
    return method === 'GET' ? { status: 200, body: intent } : this.confirm(intent, params);
  }

  /** A browser confirms a PaymentIntent with a card: a test card pays or is refused (see STRIPE_TEST_CARDS). */
  private confirm(intent: FakePaymentIntent, params: Record<string, unknown>): Answer {
    if (intent.status !== 'requires_payment_method' && intent.status !== 'requires_confirmation') {
      return {
        status: 400,
        body: {
          error: {
            type: 'invalid_request_error',
            code: 'payment_intent_unexpected_state',
            message: `You cannot confirm this PaymentIntent because it has a status of ${intent.status}.`,
            payment_intent: intent,
          },
        },
      };
    }
    const card = (params.payment_method_data as { card?: { number?: string } } | undefined)?.card?.number?.replace(/\D/g, '') ?? '';
    if (card === STRIPE_TEST_CARDS.pays.replace(/\D/g, '')) {
      this.succeed(intent.id);
      return { status: 200, body: intent };
    }
    const refusal: StripeCardError =
      card === STRIPE_TEST_CARDS.declines.replace(/\D/g, '')
        ? { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' }
        : { type: 'card_error', code: 'incorrect_number', message: 'Your card number is incorrect.' };
    intent.status = 'requires_payment_method';
    intent.last_payment_error = refusal;
    return { status: 402, body: { error: { ...refusal, payment_intent: intent } } };
  }

  private createPaymentIntent(body: Record<string, unknown>): Answer {
    const amount = Number(body.amount);
    if (!Number.isInteger(amount) || amount < 1) return error(400, 'invalid_request_error', 'parameter_invalid_integer', 'Invalid integer: amount', 'amount');
    if (typeof body.currency !== 'string') return error(400, 'invalid_request_error', 'parameter_missing', 'Missing required param: currency.', 'currency');
    const piId = id('pi');
    const intent: FakePaymentIntent = {
      id: piId,
      object: 'payment_intent',
      amount,
      amount_received: 0,
      currency: body.currency,
      status: 'requires_payment_method',
      client_secret: `${piId}_secret_${randomBytes(12).toString('hex')}`,
      description: typeof body.description === 'string' ? body.description : null,
      metadata: (body.metadata as Record<string, string> | undefined) ?? {},
      created: now(),
      livemode: false,
      last_payment_error: null,
    };
    this.paymentIntents.set(piId, intent);
    return { status: 200, body: intent };
  }

  private createRefund(body: Record<string, unknown>): Answer {
    if (this.refundMode === 'server_error') return error(500, 'api_error', undefined, 'Something went wrong on our end (fake).');
    const intent = this.paymentIntents.get(String(body.payment_intent));
    if (!intent) return error(404, 'invalid_request_error', 'resource_missing', `No such payment_intent: '${String(body.payment_intent)}'`, 'payment_intent');
    if (intent.status !== 'succeeded') {
      return error(400, 'invalid_request_error', 'charge_not_refundable', `This PaymentIntent (${intent.id}) does not have a successful charge to refund.`);
    }
    const refunded = [...this.refunds.values()].filter((r) => r.payment_intent === intent.id && r.status !== 'failed').reduce((sum, r) => sum + r.amount, 0);
    const amount = body.amount === undefined ? intent.amount - refunded : Number(body.amount);
    if (refunded >= intent.amount) return error(400, 'invalid_request_error', 'charge_already_refunded', `Charge for ${intent.id} has already been refunded.`);
    if (this.refundMode === 'refused') return error(400, 'invalid_request_error', 'charge_disputed', `The charge of ${intent.id} has been disputed and cannot be refunded.`);
    if (amount > intent.amount - refunded) {
      return error(400, 'invalid_request_error', 'amount_too_large', `Refund amount (${amount}) is greater than unrefunded amount on charge (${intent.amount - refunded})`, 'amount');
    }
    const refund: FakeRefund = {
      id: id('re'),
      object: 'refund',
      amount,
      currency: intent.currency,
      payment_intent: intent.id,
      status: this.refundMode === 'ok' ? 'succeeded' : this.refundMode,
      failure_reason: this.refundMode === 'failed' ? 'expired_or_canceled_card' : null,
      created: now(),
    };
    this.refunds.set(refund.id, refund);
    return { status: 200, body: refund };
  }
}

function error(status: number, type: string, code: string | undefined, message: string, param?: string): Answer {
  return { status, body: { error: { type, message, ...(code ? { code, doc_url: `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}` } : {}), ...(param ? { param } : {}) } } };
}

/** Stripe's form encoding: `a[b][c]=1` nests, `a[0]=x` lists are kept as objects keyed by index. */
function parseForm(raw: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    const keys = name.split(/\[|\]\[|\]/).filter(Boolean);
    let target = result;
    for (const key of keys.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
    target[keys[keys.length - 1]] = value;
  }
  return result;
}

/**
 * A webhook event of Stripe's shape, signed as Stripe signs it (the SDK's own generateTestHeaderString):
 * post `body` with `Stripe-Signature: signature`. `timestamp` (seconds) to sign an old event.
 */
export function signedEvent(
  type: string,
  object: object,
  secret: string,
  { id: eventId = id('evt'), timestamp }: { id?: string; timestamp?: number } = {},
): { id: string; body: string; signature: string } {
  const body = JSON.stringify({
    id: eventId,
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: timestamp ?? now(),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  });
  return { id: eventId, body, signature: Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp }) };
}
