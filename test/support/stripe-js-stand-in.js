/* global window, document */
/**
 * A stand-in for Stripe.js (https://js.stripe.com/<release>/stripe.js) in browser specs, which cannot
 * reach Stripe: a spec serves this file with page.route in place of the real script (see
 * test/web/stripe-payment.e2e-spec.ts). It implements only what the web app uses, in Stripe.js's shapes:
 *
 *   Stripe(publishableKey)                  → stripe (window.Stripe, as the real script defines it)
 *   stripe.elements({ clientSecret })       → elements
 *   elements.create('payment')              → the Payment Element
 *   element.mount(domElement | selector)    draws a labelled card-number input (Stripe draws an iframe)
 *   element.focus() / destroy() / on(event, handler)   ('ready' after mounting, 'change' as the card is typed)
 *   stripe.confirmPayment({ elements, redirect, confirmParams: { return_url } })
 *       → POST https://api.stripe.com/v1/payment_intents/:id/confirm with the card, the publishable key
 *         and the client secret, as Stripe.js does (the spec routes api.stripe.com to its FakeStripe)
 *       → { paymentIntent } or { error } (Stripe's own error object: type, code, message, payment_intent)
 *   stripe.retrievePaymentIntent(clientSecret) → GET https://api.stripe.com/v1/payment_intents/:id
 *
 * Misuse throws an IntegrationError, as Stripe.js does. What the page asked is recorded in
 * window.__stripeStandIn (keys, elements, mounts, confirmations) for the spec to read.
 */
(() => {
  'use strict';
  const API = 'https://api.stripe.com';
  const log = (window.__stripeStandIn = { keys: [], elements: [], mounts: [], confirmations: [], retrievals: [] });
  /** Each Elements group this page made, by the object handed out. */
  const groups = new WeakMap();
  let count = 0;

  const integrationError = (message) => Object.assign(new Error(message), { name: 'IntegrationError' });

  /** The PaymentIntent a client secret belongs to (`pi_123_secret_456` → `pi_123`). */
  const intentIdOf = (clientSecret) => {
    const match = /^(pi_[A-Za-z0-9]+)_secret_[A-Za-z0-9]+$/.exec(String(clientSecret));
    if (!match) throw integrationError(`Invalid value for clientSecret: ${JSON.stringify(clientSecret)} is not a PaymentIntent's client secret.`);
    return match[1];
  };

  /** Stripe's form encoding: nested objects as `a[b][c]=value`. */
  const encode = (params, prefix = '', into = new URLSearchParams()) => {
    for (const [name, value] of Object.entries(params)) {
      if (value === undefined || value === null) continue;
      const key = prefix ? `${prefix}[${name}]` : name;
      if (typeof value === 'object') encode(value, key, into);
      else into.append(key, String(value));
    }
    return into;
  };

  /** One call of Stripe's API from the page, answered as Stripe.js answers: the object, or { error }. */
  const request = async (method, path, params) => {
    const body = encode(params);
    try {
      const response =
        method === 'GET'
          ? await fetch(`${API}${path}?${body}`)
          : await fetch(`${API}${path}`, { method, body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      const answer = await response.json();
      return response.ok ? { ok: answer } : { error: answer.error };
    } catch {
      return { error: { type: 'api_connection_error', message: 'We could not connect to Stripe. Check your internet connection and try again.' } };
    }
  };

  function Stripe(publishableKey, options) {
    if (typeof publishableKey !== 'string' || !/^pk_(test|live)_/.test(publishableKey)) {
      throw integrationError(`Invalid API Key provided: ${String(publishableKey)}. A publishable key starts with pk_.`);
    }
    if (!(this instanceof Stripe)) return new Stripe(publishableKey, options);
    log.keys.push(publishableKey);
    const made = new Set();

    this.elements = (elementsOptions = {}) => {
      const { clientSecret } = elementsOptions;
      intentIdOf(clientSecret);
      log.elements.push({ clientSecret });
      const group = { clientSecret, payment: null };
      made.add(group);
      const elements = {
        create: (type) => {
          if (type !== 'payment') throw integrationError(`This stand-in only draws the Payment Element, not '${type}'.`);
          if (group.payment && !group.payment.destroyed) throw integrationError('Can only create one Element of type payment.');
          group.payment = paymentElement(group);
          return group.payment.api;
        },
        getElement: (type) => (type === 'payment' && group.payment && !group.payment.destroyed ? group.payment.api : null),
      };
      groups.set(elements, group);
      return elements;
    };

    this.confirmPayment = async ({ elements, redirect, confirmParams = {} } = {}) => {
      const group = groups.get(elements);
      if (!group || !made.has(group)) throw integrationError('Invalid value for confirmPayment: elements should be an Elements group made by this Stripe instance.');
      const element = group.payment;
      if (!element || !element.input || element.destroyed) throw integrationError('The Payment Element must be mounted before confirmPayment is called.');
      if (redirect !== 'if_required' && !confirmParams.return_url) throw integrationError('confirmPayment needs confirmParams.return_url.');
      const card = element.input.value.replace(/\D/g, '');
      log.confirmations.push({ clientSecret: group.clientSecret, returnUrl: confirmParams.return_url, redirect, card });
      if (card === '') return { error: { type: 'validation_error', code: 'incomplete_number', message: 'Your card number is incomplete.' } };
      const answer = await request('POST', `/v1/payment_intents/${intentIdOf(group.clientSecret)}/confirm`, {
        payment_method_data: { type: 'card', card: { number: card } },
        return_url: confirmParams.return_url,
        client_secret: group.clientSecret,
        key: publishableKey,
      });
      return answer.error ? { error: answer.error } : { paymentIntent: answer.ok };
    };

    this.retrievePaymentIntent = async (clientSecret) => {
      log.retrievals.push({ clientSecret });
      const answer = await request('GET', `/v1/payment_intents/${intentIdOf(clientSecret)}`, { client_secret: clientSecret, key: publishableKey });
      return answer.error ? { error: answer.error } : { paymentIntent: answer.ok };
    };

    // @stripe/stripe-js tells Stripe.js which wrapper loaded it.
    this._registerWrapper = () => undefined;
  }

  /** The Payment Element: a card-number input, drawn in the page rather than in Stripe's iframe. */
  function paymentElement(group) {
    const handlers = {};
    const emit = (event, payload) => (handlers[event] || []).forEach((handler) => handler(payload));
    const element = { input: null, box: null, destroyed: false };
    element.api = {
      mount(target) {
        const container = typeof target === 'string' ? document.querySelector(target) : target;
        if (!container || container.nodeType !== 1) throw integrationError('The selector or DOM element given to mount() matches no element.');
        if (element.box) throw integrationError('This Element is already mounted.');
        const id = `stripe-stand-in-card-${++count}`;
        const box = document.createElement('div');
        box.className = 'StripeElement stripe-stand-in';
        const label = document.createElement('label');
        label.htmlFor = id;
        label.textContent = 'Card number';
        const input = document.createElement('input');
        Object.assign(input, { id, name: 'cardnumber', inputMode: 'numeric', autocomplete: 'cc-number', placeholder: '1234 1234 1234 1234' });
        input.addEventListener('input', () => emit('change', { elementType: 'payment', empty: input.value === '', complete: input.value.replace(/\D/g, '').length >= 15 }));
        box.append(label, input);
        container.append(box);
        Object.assign(element, { box, input });
        log.mounts.push({ clientSecret: group.clientSecret });
        setTimeout(() => emit('ready', { elementType: 'payment' }));
        return element.api;
      },
      focus() {
        element.input?.focus();
        return element.api;
      },
      on(event, handler) {
        (handlers[event] ||= []).push(handler);
        return element.api;
      },
      unmount() {
        element.box?.remove();
        Object.assign(element, { box: null, input: null });
        return element.api;
      },
      destroy() {
        element.api.unmount();
        element.destroyed = true;
        return element.api;
      },
    };
    return element;
  }

  // The release this file was asked for (`/endive/stripe.js`), which @stripe/stripe-js compares with its own.
  const release = /^https:\/\/js\.stripe\.com\/([a-z0-9]+)\//.exec(document.currentScript?.src ?? '')?.[1];
  Stripe.version = release === 'v3' ? 3 : release;
  window.Stripe = Stripe;
})();
