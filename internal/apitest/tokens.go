package apitest

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"
	"time"
)

// VerifyUserToken checks an access token the way @frontegg/client 5.3.2
// does before it lets a request through: it reads publicKey (PEM) from GET
// /identity/resources/configurations/v1 with the vendor token in
// x-access-token, verifies the RS256 signature and the expiry, and requires
// type userToken. It returns the token's claims.
func (s *Server) VerifyUserToken(t testing.TB, token string) map[string]any {
	t.Helper()
	var cfg struct {
		PublicKey string `json:"publicKey"`
	}
	s.Vendor(t) // obtains the vendor token once
	s.Anon().With("x-access-token", s.vendorToken).Do(t, "GET", "/identity/resources/configurations/v1", nil).Want(t, 200).JSON(t, &cfg)
	block, _ := pem.Decode([]byte(cfg.PublicKey))
	if block == nil {
		t.Fatalf("publicKey is not PEM: %q", cfg.PublicKey)
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, ok := pub.(*rsa.PublicKey)
	if !ok {
		t.Fatalf("publicKey is a %T, not RSA", pub)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("access token is not a JWS: %q", token)
	}
	var header struct{ Alg string }
	raw, _ := base64.RawURLEncoding.DecodeString(parts[0])
	if err := json.Unmarshal(raw, &header); err != nil || header.Alg != "RS256" {
		t.Fatalf("token header %s: want alg RS256", raw)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(rsaKey, crypto.SHA256, sum[:], sig); err != nil {
		t.Fatalf("token signature does not verify with the published key: %v", err)
	}
	var claims map[string]any
	raw, _ = base64.RawURLEncoding.DecodeString(parts[1])
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatal(err)
	}
	if claims["type"] != "userToken" {
		t.Fatalf("token type %v, want userToken", claims["type"])
	}
	if exp, _ := claims["exp"].(float64); int64(exp) <= s.Clock.Now().Unix() || int64(exp) <= time.Now().Unix()-int64(time.Hour.Seconds()) {
		t.Fatalf("token expired: exp %v", claims["exp"])
	}
	return claims
}
