// Data migration through the official clients: users are migrated with the
// vendor token (POST /identity/resources/migrations/v1/local) keeping password
// hashes made by other systems — here by Node's own crypto, the reference
// implementation of scrypt, PBKDF2 and the digests, and by Firebase's
// published scrypt vector — and then log in through @frontegg/rest-api.
// Each user logs in twice: the first login replaces the imported hash with
// argon2id (the Go tests read the stored hash to prove it), the second proves
// the replacement verifies.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, pbkdf2Sync, randomBytes, scryptSync } from 'node:crypto';
import { api } from '@frontegg/rest-api';
import { call, createTenant, uniqueEmail, vendorToken } from '../lib/hatch.js';
import { openPage } from '../lib/page.js';

const { context } = openPage();
const MIGRATE = '/identity/resources/migrations/v1/local';

// Firebase's published vector (github.com/firebase/scrypt, README).
const FIREBASE = {
  password: 'user1password',
  hash: 'lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==',
  config: {
    signerKey: 'jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==',
    saltSeparator: 'Bw==', salt: '42xEC+ixf3L2lw==', rounds: 8, memCost: 14,
  },
};

const salt = randomBytes(8).toString('hex');
const password = `migrated ${randomBytes(6).toString('hex')}`;
const formats = [
  { name: 'scrypt', type: 'scrypt', password, config: { N: 1024, r: 8, p: 1, saltSeparator: ':' },
    hash: `${salt}:${scryptSync(password, salt, 32, { N: 1024, r: 8, p: 1 }).toString('hex')}` },
  { name: 'firebase-scrypt', type: 'firebase-scrypt', password: FIREBASE.password, config: FIREBASE.config, hash: FIREBASE.hash },
  ...['sha1', 'sha256', 'sha512'].map((digest) => ({
    name: `pbkdf2-${digest}`, type: 'pbkdf2', password, config: { digest, iterations: 1000, salt },
    hash: pbkdf2Sync(password, salt, 1000, 32, digest).toString('hex'),
  })),
  ...['sha1', 'sha256', 'sha512', 'md5'].map((alg) => ({
    name: `salted ${alg}`, type: alg, password, config: { salt, saltPosition: 'suffix' },
    hash: createHash(alg).update(password + salt).digest('hex'),
  })),
];

describe('users migrated with foreign password hashes log in through @frontegg/rest-api', () => {
  let vendor, tenantId;

  before(async () => {
    vendor = await vendorToken();
    tenantId = await createTenant(vendor, 'Migrated account');
  });

  after(() => {
    context.setAccessToken(null);
    context.setUser(null);
  });

  for (const f of formats) {
    it(f.name, async () => {
      const email = uniqueEmail();
      const res = await call('POST', MIGRATE, {
        token: vendor,
        body: { tenantId, email, name: f.name, verified: true, passwordHash: f.hash, passwordHashType: f.type,
          passwordHashConfig: JSON.stringify(f.config) },
      });
      assert.equal(res.status, 201, `migrate: ${res.text}`);
      for (const round of ['first (upgrades the hash)', 'second (argon2id)']) {
        const user = await api.auth.login({ email, password: f.password });
        assert.equal(user.email, email, `${round} login`);
        assert.equal(user.tenantId, tenantId, `${round} login`);
        await api.auth.logout();
        context.setAccessToken(null);
        context.setUser(null);
      }
      const wrong = await call('POST', '/identity/resources/auth/v1/user', { body: { email, password: `${f.password}x` } });
      assert.equal(wrong.status, 401);
    });
  }
});
