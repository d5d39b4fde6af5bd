import { ApiProperty, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'StripeEventReceived', description: 'Stripe reads only the status; the body says what became of the event.' })
export class StripeEventAnswer {
  @ApiProperty({ example: 'evt_1QxYz2AbCdEf' }) event_id: string;
  @ApiProperty({ example: 'payment_intent.succeeded' }) type: string;
  @ApiProperty({ description: 'true when this event was received before: nothing changed this time', example: false }) duplicate: boolean;
}
