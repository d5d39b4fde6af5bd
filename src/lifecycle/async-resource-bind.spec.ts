import { AsyncLocalStorage, AsyncResource, executionAsyncId } from 'node:async_hooks';
import { installCheapAsyncResourceBind, nodesOwnBind } from './async-resource-bind';

/** Node's own, even when another spec file's app installed this module's bind in the same worker first. */
const nodeBind = nodesOwnBind();
const installedBefore = AsyncResource.prototype.bind;

/** What a bound function shows when called: the store and async id it runs in, its `this` and arguments. */
function observe(bindWith: typeof nodeBind, thisArg?: unknown) {
  const storage = new AsyncLocalStorage<string>();
  const seen: unknown[] = [];
  function target(this: unknown, a: number, b: number) {
    seen.push({ store: storage.getStore(), id: executionAsyncId(), self: this, args: [a, b] });
    return a + b;
  }
  const { resource, bound } = storage.run('where it was bound', () => {
    const resource = new AsyncResource('observed');
    const withThisArg = bindWith as unknown as (this: AsyncResource, fn: typeof target, thisArg?: unknown) => typeof target;
    return { resource, bound: withThisArg.call(resource, target, thisArg) };
  });
  const caller = { name: 'caller' };
  const result = storage.run('where it is called', () => bound.call(caller, 2, 3));
  return { result, seen: seen[0] as { store: string; id: number; self: unknown; args: number[] }, resource, bound, caller };
}

describe('AsyncResource#bind without its per-call cost', () => {
  beforeEach(() => {
    AsyncResource.prototype.bind = nodeBind;
  });
  afterAll(() => {
    AsyncResource.prototype.bind = installedBefore;
  });

  it.each([
    ['with the caller’s this', undefined],
    ['with a fixed this', { name: 'fixed' }],
  ])('binds as Node does, %s: the resource’s scope and store, the arguments, the result, the length', (_, thisArg) => {
    const theirs = observe(nodeBind, thisArg);
    expect(installCheapAsyncResourceBind(true)).toBe(true);
    const ours = observe(AsyncResource.prototype.bind, thisArg);
    expect(AsyncResource.prototype.bind).not.toBe(nodeBind);

    for (const run of [theirs, ours]) {
      expect(run.result).toBe(5);
      expect(run.seen.store).toBe('where it was bound');
      expect(run.seen.id).toBe(run.resource.asyncId());
      expect(run.seen.self).toBe(thisArg ?? run.caller);
      expect(run.seen.args).toEqual([2, 3]);
      expect(run.bound.length).toBe(2);
    }
    expect(ours.bound.name).toBe(theirs.bound.name);
  });

  it('keeps the deprecated asyncResource property, with Node’s warning, once (DEP0172)', () => {
    installCheapAsyncResourceBind(true);
    // Once per process: forget an earlier warning of this run.
    delete (globalThis as unknown as Record<symbol, unknown>)[Symbol.for('cinema-booking.async-resource-bind.warned')];
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const { resource, bound } = observe(AsyncResource.prototype.bind);
      const property = bound as unknown as { asyncResource: unknown };
      const other = new AsyncResource('other');
      expect(property.asyncResource).toBe(resource);
      property.asyncResource = other;
      expect(property.asyncResource).toBe(other);
      expect(Object.keys(bound)).toEqual(['asyncResource']);
      expect(emitWarning.mock.calls).toEqual([['The asyncResource property on bound functions is deprecated', { type: 'DeprecationWarning', code: 'DEP0172' }]]);
    } finally {
      emitWarning.mockRestore();
    }
  });

  it('serves the static AsyncResource.bind and refuses what is not a function, as Node does', () => {
    installCheapAsyncResourceBind(true);
    const storage = new AsyncLocalStorage<number>();
    const bound = storage.run(7, () => AsyncResource.bind(() => storage.getStore()));
    expect(storage.run(8, bound)).toBe(7);
    const refusal = (bindWith: typeof nodeBind) => {
      try {
        bindWith.call(new AsyncResource('x'), 42 as never);
      } catch (error) {
        return { code: (error as NodeJS.ErrnoException).code, message: (error as Error).message };
      }
      return undefined;
    };
    expect(refusal(AsyncResource.prototype.bind)).toEqual(refusal(nodeBind));
    expect(refusal(nodeBind)).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
  });
});
