import { hash } from '@node-rs/argon2';
import { ARGON2_OPTIONS, hashPassword, needsRehash, PasswordHasher } from './password-hasher';

/** 'password123' as the previous binding (the `argon2` npm package) stored it: same parameters, other field order. */
const LEGACY_HASH = '$argon2id$v=19$m=19456,p=1,t=2$hTSUnnv48YMasT4D9BuRpw$w34ts5W27GQTY/P2InLAZjsnzYdCEC17leTxj7+EIxo';

const limits = (passwordHashConcurrency: number, passwordHashQueue: number, passwordHashesPerIp = 100) =>
  ({ limits: { passwordHashConcurrency, passwordHashQueue, passwordHashesPerIp } }) as ConstructorParameters<typeof PasswordHasher>[0];

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher(limits(2, 16));

  it('hashes with argon2id at the configured parameters', async () => {
    const stored = await hashPassword('password123');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await expect(hasher.verify(stored, 'password123')).resolves.toEqual({ matches: true, rehash: false });
    await expect(hasher.verify(stored, 'password124')).resolves.toEqual({ matches: false, rehash: false });
  });

  it('verifies hashes stored by the previous argon2 binding, without asking for a rehash', async () => {
    await expect(hasher.verify(LEGACY_HASH, 'password123')).resolves.toEqual({ matches: true, rehash: false });
    await expect(hasher.verify(LEGACY_HASH, 'wrong-password')).resolves.toEqual({ matches: false, rehash: false });
  });

  it('asks for a rehash when a matching hash was made with other parameters', async () => {
    const old = await hash('password123', { ...ARGON2_OPTIONS, memoryCost: 65_536, timeCost: 3, parallelism: 4 });
    expect(needsRehash(old)).toBe(true);
    await expect(hasher.verify(old, 'password123')).resolves.toEqual({ matches: true, rehash: true });
    await expect(hasher.verify(old, 'nope-nope')).resolves.toEqual({ matches: false, rehash: false });
  });

  it('treats what is not an argon2 hash as a mismatch, never an error', async () => {
    expect(needsRehash('placeholder-not-a-hash')).toBe(true);
    await expect(hasher.verify('placeholder-not-a-hash', 'password123')).resolves.toEqual({ matches: false, rehash: false });
  });

  it('runs at most `concurrency` hashes at once, queues `queue` more, and refuses the rest at once with 503', async () => {
    const small = new PasswordHasher(limits(1, 2));
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => small.hash('password123')));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected']);
    const refusal = (outcomes[3] as PromiseRejectedResult).reason;
    expect({ status: refusal.status, code: refusal.code, headers: refusal.headers }).toEqual({ status: 503, code: 'SERVICE_UNAVAILABLE', headers: { 'retry-after': '1' } });
    // Once the line is gone, hashing works again.
    await expect(small.hash('password123')).resolves.toMatch(/^\$argon2id\$/);
  });

  it('gives one client address at most PASSWORD_HASHES_PER_IP places, so a flood from it leaves room for everyone else', async () => {
    const shared = new PasswordHasher(limits(1, 8, 2));
    const flood = Array.from({ length: 6 }, () => shared.hash('password123', '203.0.113.9'));
    const customer = shared.verify(LEGACY_HASH, 'password123', '198.51.100.7');
    const outcomes = await Promise.allSettled(flood);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'rejected', 'rejected']);
    expect((outcomes[2] as PromiseRejectedResult).reason.status).toBe(503);
    await expect(customer).resolves.toEqual({ matches: true, rehash: false });
    // The places are given back: the address may hash again.
    await expect(shared.hash('password123', '203.0.113.9')).resolves.toMatch(/^\$argon2id\$/);
  });
});
