import { hash } from '@node-rs/argon2';
import { ARGON2_OPTIONS, hashPassword, needsRehash, PasswordHasher } from './password-hasher';

/** 'password123' as the previous binding (the `argon2` npm package) stored it: same parameters, other field order. */
const LEGACY_HASH = '$argon2id$v=19$m=19456,p=1,t=2$hTSUnnv48YMasT4D9BuRpw$w34ts5W27GQTY/P2InLAZjsnzYdCEC17leTxj7+EIxo';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();

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
});
