package ssotest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// User is who the provider logs in.
type User struct {
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
	Groups        []string
}

// Provider is an OIDC provider on loopback. Its fields change what it
// issues, for tests of the refusals.
type Provider struct {
	*httptest.Server
	ClientID, ClientSecret string

	mu   sync.Mutex
	user User
	key  *rsa.PrivateKey
	// codes issued by the authorize endpoint, not yet exchanged
	codes map[string]grant
	// Tamper, when set, changes the claims of the next ID tokens.
	Tamper func(claims map[string]any)
	// Sign, when set, signs ID tokens instead of the provider's key.
	Sign *rsa.PrivateKey
	// Exchanged counts successful code exchanges.
	Exchanged int
}

type grant struct {
	nonce, challenge, method, redirectURI, scope string
	user                                         User
}

// Start runs a provider until the test ends.
func Start(t testing.TB) *Provider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &Provider{ClientID: "client-" + randomString(6), ClientSecret: "secret-" + randomString(18), key: key, codes: map[string]grant{}}
	mux := http.NewServeMux()
	p.Server = httptest.NewServer(mux)
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /jwks", p.jwks)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	mux.HandleFunc("GET /userinfo", p.userinfo)
	// The paths of Google's and GitHub's endpoints, for HATCH_SOCIAL_BASE_URLS.
	mux.HandleFunc("GET /o/oauth2/v2/auth", p.authorize)
	mux.HandleFunc("GET /v1/userinfo", p.userinfo)
	mux.HandleFunc("POST /login/oauth/access_token", p.token)
	mux.HandleFunc("GET /user", p.userinfo)
	mux.HandleFunc("GET /user/emails", p.githubEmails)
	t.Cleanup(p.Close)
	return p
}

// SetUser chooses who the authorize endpoint logs in.
func (p *Provider) SetUser(u User) {
	p.mu.Lock()
	p.user = u
	p.mu.Unlock()
}

func (p *Provider) discovery(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, 200, map[string]any{
		"issuer":                                p.URL,
		"authorization_endpoint":                p.URL + "/authorize",
		"token_endpoint":                        p.URL + "/token",
		"jwks_uri":                              p.URL + "/jwks",
		"userinfo_endpoint":                     p.URL + "/userinfo",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported":      []string{"S256"},
	})
}

func (p *Provider) jwks(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, 200, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
}

// authorize logs the chosen user in at once and redirects back with a code.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != p.ClientID || q.Get("response_type") != "code" || q.Get("redirect_uri") == "" {
		http.Error(w, "bad authorization request", http.StatusBadRequest)
		return
	}
	code := randomString(24)
	p.mu.Lock()
	p.codes[code] = grant{nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), method: q.Get("code_challenge_method"),
		redirectURI: q.Get("redirect_uri"), scope: q.Get("scope"), user: p.user}
	p.mu.Unlock()
	back, _ := url.Parse(q.Get("redirect_uri"))
	bq := back.Query()
	bq.Set("code", code)
	if s := q.Get("state"); s != "" {
		bq.Set("state", s)
	}
	back.RawQuery = bq.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// Code issues a code directly, as the authorize endpoint would for a
// request with nonce, PKCE challenge (S256) and redirectURI.
func (p *Provider) Code(nonce, challenge, redirectURI string) string {
	code := randomString(24)
	p.mu.Lock()
	p.codes[code] = grant{nonce: nonce, challenge: challenge, method: "S256", redirectURI: redirectURI, user: p.user}
	p.mu.Unlock()
	return code
}

// token exchanges a code: the client must authenticate, the redirect URI
// must match, and when the code was issued with a PKCE challenge the
// verifier must hash to it.
func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, "invalid_request")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != p.ClientID || secret != p.ClientSecret {
		writeJSON(w, 401, map[string]string{"error": "invalid_client"})
		return
	}
	p.mu.Lock()
	g, found := p.codes[r.PostForm.Get("code")]
	delete(p.codes, r.PostForm.Get("code"))
	p.mu.Unlock()
	switch {
	case r.PostForm.Get("grant_type") != "authorization_code", !found:
		oauthError(w, "invalid_grant")
		return
	case r.PostForm.Get("redirect_uri") != g.redirectURI:
		oauthError(w, "invalid_grant")
		return
	case g.challenge != "":
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		if g.method != "S256" || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
			oauthError(w, "invalid_grant")
			return
		}
	}
	now := time.Now()
	claims := map[string]any{"iss": p.URL, "sub": g.user.Subject, "aud": p.ClientID, "iat": now.Unix(),
		"exp": now.Add(5 * time.Minute).Unix(), "email": g.user.Email, "email_verified": g.user.EmailVerified,
		"name": g.user.Name}
	if g.nonce != "" {
		claims["nonce"] = g.nonce
	}
	if g.user.Groups != nil {
		claims["groups"] = g.user.Groups
	}
	p.mu.Lock()
	tamper, signKey := p.Tamper, p.key
	if p.Sign != nil {
		signKey = p.Sign
	}
	p.Exchanged++
	p.mu.Unlock()
	if tamper != nil {
		tamper(claims)
	}
	idToken, err := sign(signKey, claims)
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	writeJSON(w, 200, map[string]any{"access_token": "at-" + base64.RawURLEncoding.EncodeToString([]byte(g.user.Subject)),
		"token_type": "Bearer", "expires_in": 300, "id_token": idToken, "scope": g.scope})
}

// userinfo answers the profile of the user an access token was issued for.
func (p *Provider) userinfo(w http.ResponseWriter, r *http.Request) {
	const prefix = "Bearer at-"
	auth := r.Header.Get("Authorization")
	if len(auth) <= len(prefix) || auth[:len(prefix)] != prefix {
		writeJSON(w, 401, map[string]string{"error": "invalid_token"})
		return
	}
	sub, _ := base64.RawURLEncoding.DecodeString(auth[len(prefix):])
	p.mu.Lock()
	u := p.user
	p.mu.Unlock()
	if string(sub) != u.Subject {
		writeJSON(w, 401, map[string]string{"error": "invalid_token"})
		return
	}
	writeJSON(w, 200, map[string]any{"sub": u.Subject, "id": 4242, "email": u.Email, "email_verified": u.EmailVerified,
		"name": u.Name, "login": strings.ToLower(strings.ReplaceAll(u.Name, " ", "")), "picture": "https://img.example.test/" + u.Subject})
}

// githubEmails answers GitHub's list of the user's addresses.
func (p *Provider) githubEmails(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	u := p.user
	p.mu.Unlock()
	writeJSON(w, 200, []map[string]any{
		{"email": "noreply-" + u.Subject + "@users.noreply.github.com", "primary": false, "verified": true},
		{"email": u.Email, "primary": true, "verified": u.EmailVerified},
	})
}

func sign(key *rsa.PrivateKey, claims map[string]any) (string, error) {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: "k1"}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return obj.CompactSerialize()
}

// NewKey returns a fresh RSA key (for Sign: tokens the provider did not sign).
func NewKey(t testing.TB) *rsa.PrivateKey {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func oauthError(w http.ResponseWriter, code string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": code})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func randomString(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
