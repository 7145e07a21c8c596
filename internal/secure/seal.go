package secure

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
)

// Sealer encrypts secrets at rest with AES-256-GCM under the master key.
// Sealed values are "v1:" + base64(nonce ‖ ciphertext ‖ tag); the version
// prefix leaves room for key rotation.
type Sealer struct {
	aead cipher.AEAD
}

// NewSealer returns a Sealer for a 32-byte key.
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("master key: want 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// Seal encrypts plaintext. aad binds the ciphertext to its place (for example
// "smtp-password"), so a value copied to another column does not decrypt.
func (s *Sealer) Seal(plaintext []byte, aad string) string {
	nonce := make([]byte, s.aead.NonceSize())
	rand.Read(nonce)
	out := s.aead.Seal(nonce, nonce, plaintext, []byte(aad))
	return "v1:" + base64.StdEncoding.EncodeToString(out)
}

// ErrSealed is returned when a sealed value is malformed or fails authentication.
var ErrSealed = errors.New("sealed value cannot be opened")

// Open decrypts a value made by Seal with the same aad.
func (s *Sealer) Open(sealed, aad string) ([]byte, error) {
	if len(sealed) < 3 || sealed[:3] != "v1:" {
		return nil, ErrSealed
	}
	raw, err := base64.StdEncoding.DecodeString(sealed[3:])
	if err != nil || len(raw) < s.aead.NonceSize() {
		return nil, ErrSealed
	}
	n := s.aead.NonceSize()
	pt, err := s.aead.Open(nil, raw[:n], raw[n:], []byte(aad))
	if err != nil {
		return nil, ErrSealed
	}
	return pt, nil
}
