import type { components } from '../../openapi/schema';

/** An order as the API answers it (API.md Part 3), typed from the checked-in OpenAPI document. */
export type Order = components['schemas']['Order'];

/** The demo provider's cards (API.md Part 3): `pays` is paid, `declines` is 402 PAYMENT_DECLINED. */
export const DEMO_CARDS = { pays: '4242 4242 4242 4242', declines: '4000 0000 0000 0002' } as const;
