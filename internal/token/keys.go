package token

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

const keyAAD = "signing-key"

// key is a parsed signing key with its pre-encoded JWT header.
type key struct {
	id     string
	priv   *rsa.PrivateKey // nil for keys this node only verifies with
	pub    *rsa.PublicKey
	pem    string
	header string // base64url of {"alg":"RS256","kid":…,"typ":"JWT"}
}

// KeyRing holds the parsed signing keys. Signing uses the newest key; every
// published key verifies. No request parses a key or reads one from storage.
type KeyRing struct {
	DB     *store.DB
	Sealer *secure.Sealer
	Now    func() time.Time
	Bits   int // RSA modulus size for new keys; 2048 when zero

	mu       sync.RWMutex
	signing  *key
	byHeader map[string]*key
	jwks     []byte
	gen      atomic.Uint64 // bumped by every install: what was verified before may no longer be
}

// generation changes each time the ring's keys are replaced.
func (kr *KeyRing) generation() uint64 { return kr.gen.Load() }

// Load reads the published keys, generating the first one when there is none.
// Nodes that start together agree on one key: generation happens in a
// transaction that only the first to arrive completes.
func (kr *KeyRing) Load(ctx context.Context) error {
	keys, err := kr.DB.FindSigningKeys(ctx, kr.Now())
	if err != nil {
		return fmt.Errorf("load signing keys: %w", err)
	}
	if len(keys) == 0 {
		k, err := kr.generate()
		if err != nil {
			return err
		}
		if err := kr.DB.CreateFirstSigningKey(ctx, k); err != nil {
			return fmt.Errorf("store signing key: %w", err)
		}
		if keys, err = kr.DB.FindSigningKeys(ctx, kr.Now()); err != nil {
			return err
		}
	}
	return kr.install(keys)
}

// Rotate makes a new key the signing key; the old one keeps verifying (and
// stays published) for publishFor, which should cover the longest token lifetime.
func (kr *KeyRing) Rotate(ctx context.Context, publishFor time.Duration) error {
	k, err := kr.generate()
	if err != nil {
		return err
	}
	if err := kr.DB.RotateSigningKey(ctx, k, k.CreatedAt.Add(publishFor)); err != nil {
		return err
	}
	return kr.Load(ctx)
}

func (kr *KeyRing) generate() (*store.SigningKey, error) {
	bits := kr.Bits
	if bits == 0 {
		bits = 2048
	}
	priv, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		return nil, fmt.Errorf("generate signing key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		return nil, err
	}
	return &store.SigningKey{
		ID:         uuid.NewString(),
		PrivateKey: kr.Sealer.Seal(der, keyAAD),
		PublicKey:  string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})),
		CreatedAt:  kr.Now(),
	}, nil
}

func (kr *KeyRing) install(stored []*store.SigningKey) error {
	byHeader := map[string]*key{}
	var signing *key
	var jwks []map[string]string
	for _, s := range stored {
		block, _ := pem.Decode([]byte(s.PublicKey))
		if block == nil {
			return fmt.Errorf("signing key %s: bad public key", s.ID)
		}
		pubAny, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return fmt.Errorf("signing key %s: %w", s.ID, err)
		}
		pub, ok := pubAny.(*rsa.PublicKey)
		if !ok {
			return fmt.Errorf("signing key %s: not RSA", s.ID)
		}
		hdr, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": s.ID, "typ": "JWT"})
		k := &key{id: s.ID, pub: pub, pem: s.PublicKey, header: base64.RawURLEncoding.EncodeToString(hdr)}
		if s.RetiredAt == nil && signing == nil {
			der, err := kr.Sealer.Open(s.PrivateKey, keyAAD)
			if err != nil {
				return fmt.Errorf("signing key %s: cannot open with the master key: %w", s.ID, err)
			}
			privAny, err := x509.ParsePKCS8PrivateKey(der)
			if err != nil {
				return fmt.Errorf("signing key %s: %w", s.ID, err)
			}
			if k.priv, ok = privAny.(*rsa.PrivateKey); !ok {
				return fmt.Errorf("signing key %s: not RSA", s.ID)
			}
			k.priv.Precompute()
			signing = k
		}
		byHeader[k.header] = k
		jwks = append(jwks, map[string]string{
			"kty": "RSA", "use": "sig", "alg": "RS256", "kid": s.ID,
			"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
			"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		})
	}
	if signing == nil {
		return errors.New("no active signing key")
	}
	doc, err := json.Marshal(map[string]any{"keys": jwks})
	if err != nil {
		return err
	}
	kr.mu.Lock()
	kr.signing, kr.byHeader, kr.jwks = signing, byHeader, doc
	kr.gen.Add(1)
	kr.mu.Unlock()
	return nil
}

// PublicKeyPEM returns the signing key's public half, as the configurations route serves it.
func (kr *KeyRing) PublicKeyPEM() string {
	kr.mu.RLock()
	defer kr.mu.RUnlock()
	return kr.signing.pem
}

// JWKS returns the JSON Web Key Set of every published key.
func (kr *KeyRing) JWKS() []byte {
	kr.mu.RLock()
	defer kr.mu.RUnlock()
	return kr.jwks
}

// sign returns a compact JWS of payload (a JSON object) with the signing key.
func (kr *KeyRing) sign(payload []byte) (string, error) {
	kr.mu.RLock()
	k := kr.signing
	kr.mu.RUnlock()
	body := k.header + "." + base64.RawURLEncoding.EncodeToString(payload)
	sum := sha256.Sum256([]byte(body))
	sig, err := rsa.SignPKCS1v15(nil, k.priv, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("sign: %w", err)
	}
	return body + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// errBadToken is every verification failure; callers answer 401 without saying which check failed.
var errBadToken = errors.New("invalid token")

// verify checks the signature of a compact JWS made by one of our keys and
// returns its payload. Only headers we produced are accepted, so the
// algorithm cannot be chosen by the token (no "none", no HS256 confusion).
func (kr *KeyRing) verify(token string) ([]byte, error) {
	h, rest, ok := cut(token)
	if !ok {
		return nil, errBadToken
	}
	p, s, ok := cut(rest)
	if !ok {
		return nil, errBadToken
	}
	kr.mu.RLock()
	k := kr.byHeader[h]
	kr.mu.RUnlock()
	if k == nil {
		return nil, errBadToken
	}
	sig, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, errBadToken
	}
	sum := sha256.Sum256([]byte(token[:len(h)+1+len(p)]))
	if rsa.VerifyPKCS1v15(k.pub, crypto.SHA256, sum[:], sig) != nil {
		return nil, errBadToken
	}
	payload, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return nil, errBadToken
	}
	return payload, nil
}

func cut(s string) (before, after string, ok bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}
