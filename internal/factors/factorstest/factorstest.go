// Package factorstest gives tests what a user holds: an authenticator app
// (RFC 6238, written here independently of the server's code) and a software
// WebAuthn authenticator that makes real attestations and assertions with an
// ECDSA P-256 key, "none" attestation, and real authenticator data, client
// data and signatures.
package factorstest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// TOTP returns the RFC 6238 code (HMAC-SHA-1, 30-second steps) of secret at t
// with digits digits.
func TOTP(secret []byte, t time.Time, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(t.Unix()/30))
	m := hmac.New(sha1.New, secret)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := int(sum[19] & 0x0f)
	bin := (uint32(sum[off])&0x7f)<<24 | uint32(sum[off+1])<<16 | uint32(sum[off+2])<<8 | uint32(sum[off+3])
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// Code returns the six-digit code an authenticator app shows at t for a
// base32 seed, as the QR code's otpauth URI carries it.
func Code(t testing.TB, secretBase32 string, at time.Time) string {
	t.Helper()
	seed, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(secretBase32))
	if err != nil {
		t.Fatalf("seed %q is not base32: %v", secretBase32, err)
	}
	return TOTP(seed, at, 6)
}

// Authenticator is a software WebAuthn authenticator for one origin.
type Authenticator struct {
	Origin string
	// Attachment is what the authenticator reports ("platform" or "cross-platform").
	Attachment string
	creds      map[string]*credential // by base64url id
}

type credential struct {
	id         []byte
	key        *ecdsa.PrivateKey
	rpID       string
	userHandle []byte
	signCount  uint32
}

// NewAuthenticator returns an authenticator whose pages run at origin.
func NewAuthenticator(origin string) *Authenticator {
	return &Authenticator{Origin: origin, Attachment: "cross-platform", creds: map[string]*credential{}}
}

var b64 = base64.RawURLEncoding

// Authenticator data flags.
const (
	flagUP = 0x01 // user present
	flagUV = 0x04 // user verified
	flagAT = 0x40 // attested credential data included
)

// Register answers navigator.credentials.create for the creation options
// (the JSON the server sent: rp, user, challenge…) with a new credential, as
// Frontegg's browser clients send it: {id, response: {clientDataJSON,
// attestationObject}}.
func (a *Authenticator) Register(t testing.TB, options json.RawMessage) json.RawMessage {
	t.Helper()
	var opts struct {
		Challenge string `json:"challenge"`
		RP        struct {
			ID string `json:"id"`
		} `json:"rp"`
		User struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	if err := json.Unmarshal(options, &opts); err != nil || opts.Challenge == "" || opts.RP.ID == "" {
		t.Fatalf("creation options %s: %v", options, err)
	}
	userHandle, err := b64.DecodeString(strings.TrimRight(opts.User.ID, "="))
	if err != nil {
		t.Fatalf("user.id %q: %v", opts.User.ID, err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	c := &credential{id: make([]byte, 16), key: key, rpID: opts.RP.ID, userHandle: userHandle}
	rand.Read(c.id)
	a.creds[b64.EncodeToString(c.id)] = c

	clientData := a.clientData(t, "webauthn.create", opts.Challenge)
	pub := key.PublicKey
	var x, y [32]byte
	pub.X.FillBytes(x[:])
	pub.Y.FillBytes(y[:])
	cose, err := cbor.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: x[:], -3: y[:]})
	if err != nil {
		t.Fatal(err)
	}
	authData := a.authData(c, flagUP|flagUV|flagAT)
	authData = append(authData, make([]byte, 16)...) // AAGUID: none
	authData = binary.BigEndian.AppendUint16(authData, uint16(len(c.id)))
	authData = append(authData, c.id...)
	authData = append(authData, cose...)
	att, err := cbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": authData})
	if err != nil {
		t.Fatal(err)
	}
	return marshal(t, map[string]any{
		"id": b64.EncodeToString(c.id),
		"response": map[string]any{
			"clientDataJSON":    b64.EncodeToString(clientData),
			"attestationObject": b64.EncodeToString(att),
		},
		"authenticatorAttachment": a.Attachment,
	})
}

// Assert answers navigator.credentials.get for the request options with the
// first credential of this authenticator that they allow (any of its
// credentials for the RP when they name none, as for a passkey), as
// Frontegg's clients send it: {id, response: {clientDataJSON,
// authenticatorData, signature, userHandle}}.
func (a *Authenticator) Assert(t testing.TB, options json.RawMessage) json.RawMessage {
	t.Helper()
	var opts struct {
		Challenge        string `json:"challenge"`
		RPID             string `json:"rpId"`
		AllowCredentials []struct {
			ID string `json:"id"`
		} `json:"allowCredentials"`
	}
	if err := json.Unmarshal(options, &opts); err != nil || opts.Challenge == "" {
		t.Fatalf("request options %s: %v", options, err)
	}
	var c *credential
	for _, ac := range opts.AllowCredentials {
		if c = a.creds[strings.TrimRight(ac.ID, "=")]; c != nil {
			break
		}
	}
	if len(opts.AllowCredentials) == 0 {
		for _, cand := range a.creds {
			if cand.rpID == opts.RPID {
				c = cand
			}
		}
	}
	if c == nil {
		t.Fatalf("authenticator holds no credential the options allow: %s", options)
	}
	c.signCount++
	clientData := a.clientData(t, "webauthn.get", opts.Challenge)
	authData := a.authData(c, flagUP|flagUV)
	hash := sha256.Sum256(clientData)
	digest := sha256.Sum256(append(authData, hash[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, c.key, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	return marshal(t, map[string]any{
		"id": b64.EncodeToString(c.id),
		"response": map[string]any{
			"clientDataJSON":    b64.EncodeToString(clientData),
			"authenticatorData": b64.EncodeToString(authData),
			"signature":         b64.EncodeToString(sig),
			"userHandle":        b64.EncodeToString(c.userHandle),
		},
	})
}

// RewindCounter sets every credential's sign counter back, as a cloned key would.
func (a *Authenticator) RewindCounter() {
	for _, c := range a.creds {
		c.signCount = 0
	}
}

func (a *Authenticator) clientData(t testing.TB, typ, challenge string) []byte {
	return marshal(t, map[string]any{"type": typ, "challenge": challenge, "origin": a.Origin, "crossOrigin": false})
}

// authData returns rpIdHash ‖ flags ‖ signCount.
func (a *Authenticator) authData(c *credential, flags byte) []byte {
	rp := sha256.Sum256([]byte(c.rpID))
	out := append(rp[:], flags)
	return binary.BigEndian.AppendUint32(out, c.signCount)
}

func marshal(t testing.TB, v any) []byte {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
