// Package secure holds Hatch's cryptographic primitives: password hashing
// (argon2id, plus verification of hashes imported from other systems), the
// AES-GCM sealer for secrets at rest, hashing of high-entropy tokens, random
// codes and constant-time comparison. Nothing here touches storage or HTTP.
package secure
