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
 * with the caller's `this` (or `thisArg`), has `fn`'s length and Node's name,
 * and its `asyncResource` property still reads (and sets) the resource, with
 * the same deprecation warning, once. Only the accessor's functions are
 * shared (the resource is a symbol-keyed property of the bound function), and
 * anything that is not a function gets Node's own error.
 */
const RESOURCE = Symbol('asyncResource');
/** Process-wide marks (a test runner may load this module more than once into one process). */
const NODE_BIND = Symbol.for('cinema-booking.async-resource-bind.node');
const WARNED = Symbol.for('cinema-booking.async-resource-bind.warned');
const DEPRECATED = 'The asyncResource property on bound functions is deprecated';

type Target = (...args: unknown[]) => unknown;
type Bound = Target & { [RESOURCE]?: unknown };
type NodeBind = typeof AsyncResource.prototype.bind;
const marks = globalThis as unknown as Record<symbol, unknown>;

function warnOnce(): void {
  if (marks[WARNED]) return;
  marks[WARNED] = true;
  process.emitWarning(DEPRECATED, { type: 'DeprecationWarning', code: 'DEP0172' });
}

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

/** A function that runs `fn` in `resource`'s scope with its caller's `this` (named `bound`, as Node's). */
function inScopeOf(resource: AsyncResource, fn: Target): Bound {
  return function bound(this: unknown, ...args: unknown[]) {
    return resource.runInAsyncScope(fn, this, ...args);
  };
}

function bind(this: AsyncResource, fn: Target, thisArg?: unknown): Bound {
  // Node's own refusal, word for word.
  if (typeof fn !== 'function') return (nodesOwnBind() as unknown as (this: AsyncResource, f: unknown, t?: unknown) => Bound).call(this, fn, thisArg);
  const bound: Bound = thisArg === undefined ? inScopeOf(this, fn) : (this.runInAsyncScope.bind(this, fn, thisArg) as Bound);
  Object.defineProperty(bound, 'length', { configurable: true, enumerable: false, writable: false, value: fn.length });
  Object.defineProperty(bound, RESOURCE, { configurable: true, enumerable: false, writable: true, value: this });
  Object.defineProperty(bound, 'asyncResource', ACCESSOR);
  return bound;
}

/** Node's own `AsyncResource#bind`, whether or not a bind of this module is installed. */
export function nodesOwnBind(): NodeBind {
  const current = AsyncResource.prototype.bind as NodeBind & { [NODE_BIND]?: NodeBind };
  return current[NODE_BIND] ?? current;
}

/** The Node majors whose own bind is the costly one (24 made `deprecate()` cheap). */
export const NEEDS_CHEAP_BIND = Number(process.versions.node.split('.')[0]) < 24;

/** Installs the bind above on Node before 24 (once per process); `force` installs it anywhere (for its spec). */
export function installCheapAsyncResourceBind(force = false): boolean {
  if (!NEEDS_CHEAP_BIND && !force) return false;
  const current = AsyncResource.prototype.bind as NodeBind & { [NODE_BIND]?: NodeBind };
  if (current[NODE_BIND]) return true;
  Object.defineProperty(bind, NODE_BIND, { value: current, configurable: true });
  AsyncResource.prototype.bind = bind as unknown as NodeBind;
  return true;
}
