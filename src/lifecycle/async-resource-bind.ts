import { AsyncResource } from 'node:async_hooks';

/**
 * `AsyncResource#bind` as Node defines it, without its per-call cost on Node
 * before 24. Fastify binds each request body's parser callback and Nest each
 * interceptor's handler with it: a booking makes several. Node 20 defines the
 * bound function's deprecated `asyncResource` accessor (DEP0172) through two
 * fresh `deprecate()` wrappers each time, which made a bind and its call
 * about 12-16 µs on Node 20 against 4-5 µs on Node 24 (a micro-benchmark),
 * and 3-4 % of the service's CPU in the bench's booking and sell-out loads.
 *
 * The bound function is the same: it runs `fn` in the resource's async scope
 * with the caller's `this` (or `thisArg`), has `fn`'s length, and its
 * `asyncResource` property still reads (and sets) the resource, with the
 * same deprecation warning, once. Only the accessor's functions are shared.
 */
const RESOURCE = Symbol('asyncResource');
const DEPRECATED = 'The asyncResource property on bound functions is deprecated';
let warned = false;

function warnOnce(): void {
  if (warned) return;
  warned = true;
  process.emitWarning(DEPRECATED, { type: 'DeprecationWarning', code: 'DEP0172' });
}

type Bound = ((...args: unknown[]) => unknown) & { [RESOURCE]?: unknown };

const ACCESSOR: PropertyDescriptor = {
  configurable: true,
  enumerable: true,
  get(this: Bound) {
    warnOnce();
    return this[RESOURCE];
  },
  set(this: Bound, value: unknown) {
    warnOnce();
    this[RESOURCE] = value;
  },
};

type Target = (...args: unknown[]) => unknown;

/** A function that runs `fn` in `resource`'s scope with its caller's `this`. */
function inScopeOf(resource: AsyncResource, fn: Target): Bound {
  return function (this: unknown, ...args: unknown[]) {
    return resource.runInAsyncScope(fn, this, ...args);
  };
}

function bind(this: AsyncResource, fn: Target, thisArg?: unknown): Bound {
  if (typeof fn !== 'function') {
    const error = new TypeError(`The "fn" argument must be of type function. Received ${fn === null ? 'null' : typeof fn}`);
    (error as NodeJS.ErrnoException).code = 'ERR_INVALID_ARG_TYPE';
    throw error;
  }
  const bound: Bound = thisArg === undefined ? inScopeOf(this, fn) : (this.runInAsyncScope.bind(this, fn, thisArg) as Bound);
  Object.defineProperty(bound, 'length', { configurable: true, enumerable: false, writable: false, value: fn.length });
  Object.defineProperty(bound, RESOURCE, { configurable: true, enumerable: false, writable: true, value: this });
  Object.defineProperty(bound, 'asyncResource', ACCESSOR);
  return bound;
}

/** The Node majors whose own bind is the costly one (24 made `deprecate()` cheap). */
export const NEEDS_CHEAP_BIND = Number(process.versions.node.split('.')[0]) < 24;

/** Installs the bind above on Node before 24 (idempotent); `force` installs it anywhere (for its spec). */
export function installCheapAsyncResourceBind(force = false): boolean {
  if (!NEEDS_CHEAP_BIND && !force) return false;
  if (AsyncResource.prototype.bind === (bind as unknown)) return true;
  AsyncResource.prototype.bind = bind as unknown as typeof AsyncResource.prototype.bind;
  return true;
}
