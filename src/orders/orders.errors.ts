import { errorsOf } from '../common/errors/app-error';

const ORDER_ERRORS = {
  PAYMENT_REQUIRED: { status: 402, detail: 'This show has a price: check out your hold and pay (POST /holds/{id}/checkout/).' },
  ORDER_NOT_FOUND: { status: 404, detail: 'No order has this id.' },
  NOT_ORDER_OWNER: { status: 403, detail: 'This order belongs to another customer.' },
  CHECKOUT_NOT_NEEDED: { status: 409, detail: 'This show is free: confirm the hold instead (POST /holds/{id}/confirm/).' },
  ORDER_ALREADY_PAID: { status: 409, detail: 'This order is paid already; nothing was charged.' },
  ORDER_REFUNDED: { status: 409, detail: 'This order was refunded; nothing was charged.' },
};

export type OrderErrorCode = keyof typeof ORDER_ERRORS;

export class OrderError extends errorsOf(ORDER_ERRORS) {}
