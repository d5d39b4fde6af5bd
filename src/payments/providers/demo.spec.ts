import { CommonError, ValidationFailedError } from '../../common/errors/app-error';
import { DemoPaymentProvider } from './demo';

describe('DemoPaymentProvider', () => {
  const demo = new DemoPaymentProvider();

  it.each(['4242 4242 4242 4242', '4242424242424242', '4242 42424242 4242'])('takes %p: the payment succeeds', (card) => {
    expect(demo.demoCharge(card)).toEqual({ status: 'succeeded' });
  });

  it.each(['4000 0000 0000 0002', '4000000000000002'])('declines %p: a result, not an error', (card) => {
    expect(demo.demoCharge(card)).toEqual({ status: 'declined', reason: 'card_declined' });
  });

  it.each(['', '4242', '4242-4242-4242-4242', '5555 5555 5555 4444', ' 4242 4242 4242 424', 'abcd'])('refuses %p as a validation error on card_number', (card) => {
    let error: unknown;
    try {
      demo.demoCharge(card);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ValidationFailedError);
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', extras: { errors: [{ field: 'card_number', message: expect.stringContaining('4242') }] } });
  });

  it('refuses a card number that is not a string (a JSON number) as invalid too', () => {
    expect(() => demo.demoCharge(4242424242424242 as unknown as string)).toThrow(ValidationFailedError);
  });

  it('gives one reference per order, whatever the number of calls, and the web path that pays it', async () => {
    const order = { id: 12, amount: 1500, currency: 'EUR', description: 'two seats' };
    const first = await demo.createPayment(order);
    expect(first).toEqual({ reference: 'demo_12', client: { pay_url: '/orders/12/pay' } });
    expect(await demo.createPayment(order)).toEqual(first);
  });

  it('refunds at once, one refund per key; keeps no record of payments', async () => {
    expect(await demo.refund({ reference: 'demo_12', amount: 500, key: 'refund:3' })).toEqual({ reference: 'demo_refund:3', status: 'succeeded' });
    expect(await demo.retrieveRefund('demo_refund:3')).toEqual({ reference: 'demo_refund:3', status: 'succeeded' });
    expect(await demo.retrieve('demo_12')).toEqual({ status: 'requires_payment', amount: null, currency: null });
  });

  it('has no webhooks: parseEvent is 404 NOT_FOUND', async () => {
    const error = await demo.parseEvent(Buffer.from('{}'), 't=1,v1=00').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(CommonError);
    expect(error).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });
});
