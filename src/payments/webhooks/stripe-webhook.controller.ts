import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/decorators/auth.decorators';
import { RetryOnConflict } from '../../common/interceptors/retry-on-conflict.interceptor';
import { ApiProblems } from '../../http/problems';
import { RawBody } from '../../http/raw-body';
import { StripeEventAnswer } from './stripe-event.dto';
import { StripeWebhookService } from './stripe-webhook.service';

/**
 * Stripe's calls, not a client's: public (the signature is the authentication),
 * no Idempotency-Key (the event id is the key) and no per-route limits; the
 * per-address ceiling still applies, and a 429 is retried by Stripe like any non-2xx.
 */
@ApiTags('payments')
@Public()
@Controller('payments/stripe')
export class StripeWebhookController {
  constructor(private readonly webhooks: StripeWebhookService) {}

  @Post('webhook')
  @HttpCode(200)
  @RawBody()
  // Re-run on a deadlock or lock timeout: the event is recorded with its effect, so a re-run does it once.
  @RetryOnConflict()
  @ApiOperation({
    summary: "Stripe's webhook (PAYMENT_PROVIDER=stripe; 404 otherwise): payment_intent.succeeded, payment_intent.payment_failed, charge.refunded",
    description:
      'Verified on the raw body with `Stripe-Signature`; each event id is recorded once, in the transaction of its effect, ' +
      'so a repeated event answers 200 and changes nothing. The payment or refund an event names is re-read from Stripe before anything changes. ' +
      'A non-2xx answer makes Stripe deliver the event again later.',
  })
  @ApiHeader({ name: 'Stripe-Signature', required: true, description: 'Stripe\'s signature of the raw body: `t=<timestamp>,v1=<HMAC-SHA256>`' })
  @ApiBody({ description: 'A Stripe event, exactly as Stripe sent it', schema: { type: 'object', additionalProperties: true, example: { id: 'evt_1QxYz2AbCdEf', object: 'event', type: 'payment_intent.succeeded', data: { object: { id: 'pi_3QxYz2AbCdEf', object: 'payment_intent' } } } } })
  @ApiOkResponse({ type: StripeEventAnswer, description: 'Received: handled now, or before (duplicate)' })
  @ApiProblems('INVALID_SIGNATURE', 'NOT_FOUND', 'PAYMENT_NOT_READY', 'CONCURRENT_UPDATE', 'PAYMENT_PROVIDER_ERROR', 'PAYMENT_PROVIDER_UNAVAILABLE', 'LOCK_TIMEOUT')
  receive(@Body() body: Buffer | undefined, @Headers('stripe-signature') signature: string | undefined): Promise<StripeEventAnswer> {
    return this.webhooks.receive(body, signature);
  }
}
