package migration

import (
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Each source type checks a password with the system's documented API. Wrong
// credentials come back as errRejected; anything else is an outage.

// passwordLogin is Auth0's resource-owner password grant, then /userinfo.
func (c *auth0Client) passwordLogin(ctx context.Context, username, password string) (*profile, error) {
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	body := map[string]string{"grant_type": "password", "username": username, "password": password,
		"client_id": c.clientID, "client_secret": c.secret, "scope": "openid profile email"}
	if err := postJSON(ctx, c.http, c.base+"/oauth/token", nil, body, &tok); err != nil {
		return nil, rejectedOn(err, http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests)
	}
	var claims map[string]any
	if err := getJSON(ctx, c.http, c.base+"/userinfo", tok.AccessToken, &claims); err != nil {
		return nil, err
	}
	return profileFromClaims(claims), nil
}

// profileFromClaims reads the OpenID Connect standard claims.
func profileFromClaims(claims map[string]any) *profile {
	p := &profile{Email: stringField(claims, "email"), Name: stringField(claims, "name"), Picture: stringField(claims, "picture"),
		Phone: stringField(claims, "phone_number"), ExternalID: stringField(claims, "sub"), Claims: claims}
	p.Verified, _ = claims["email_verified"].(bool)
	if m, ok := claims["user_metadata"].(map[string]any); ok {
		b, _ := json.Marshal(m)
		p.Metadata = string(b)
	}
	return p
}

// cognitoLogin is Amazon Cognito's InitiateAuth with USER_PASSWORD_AUTH, then
// GetUser with the access token: both are unsigned public calls of the user
// pools API (the app client must allow USER_PASSWORD_AUTH).
func cognitoLogin(ctx context.Context, c *http.Client, cfg *sourceConfig, sec *sourceSecrets, username, password string) (*profile, error) {
	endpoint := cfg.Endpoint
	if endpoint == "" {
		endpoint = "https://cognito-idp." + cfg.Region + ".amazonaws.com/"
	}
	call := func(action string, body, out any) error {
		return postJSON(ctx, c, endpoint, map[string]string{"Content-Type": "application/x-amz-json-1.1",
			"X-Amz-Target": "AWSCognitoIdentityProviderService." + action}, body, out)
	}
	params := map[string]string{"USERNAME": username, "PASSWORD": password}
	if sec.ClientSecret != "" {
		m := hmac.New(sha256.New, []byte(sec.ClientSecret))
		m.Write([]byte(username + cfg.ClientID))
		params["SECRET_HASH"] = base64.StdEncoding.EncodeToString(m.Sum(nil))
	}
	var auth struct {
		ChallengeName        string
		AuthenticationResult *struct{ AccessToken string }
	}
	err := call("InitiateAuth", map[string]any{"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": cfg.ClientID, "AuthParameters": params}, &auth)
	if err != nil {
		return nil, rejectedOn(err, http.StatusBadRequest) // NotAuthorizedException, UserNotFoundException
	}
	if auth.AuthenticationResult == nil || auth.AuthenticationResult.AccessToken == "" {
		return nil, fmt.Errorf("%w: cognito asks for challenge %q", errRejected, auth.ChallengeName)
	}
	var user struct {
		Username       string
		UserAttributes []struct{ Name, Value string }
	}
	if err := call("GetUser", map[string]string{"AccessToken": auth.AuthenticationResult.AccessToken}, &user); err != nil {
		return nil, err
	}
	claims := map[string]any{}
	for _, a := range user.UserAttributes {
		claims[a.Name] = a.Value
		claims[strings.TrimPrefix(a.Name, "custom:")] = a.Value
	}
	p := profileFromClaims(claims)
	p.Verified = claims["email_verified"] == "true"
	if p.ExternalID == "" {
		p.ExternalID = user.Username
	}
	return p, nil
}

// firebaseLogin is Firebase Authentication's accounts:signInWithPassword,
// then accounts:lookup for the verified flag and profile (Identity Toolkit
// REST API, with the project's Web API key).
func firebaseLogin(ctx context.Context, c *http.Client, cfg *sourceConfig, sec *sourceSecrets, email, password string) (*profile, error) {
	endpoint := strings.TrimRight(cfg.Endpoint, "/")
	if endpoint == "" {
		endpoint = "https://identitytoolkit.googleapis.com"
	}
	key := "?key=" + url.QueryEscape(sec.APIKey)
	var signIn struct {
		IDToken string `json:"idToken"`
		LocalID string `json:"localId"`
	}
	err := postJSON(ctx, c, endpoint+"/v1/accounts:signInWithPassword"+key, nil,
		map[string]any{"email": email, "password": password, "returnSecureToken": true}, &signIn)
	if err != nil {
		return nil, rejectedOn(err, http.StatusBadRequest) // INVALID_PASSWORD, EMAIL_NOT_FOUND, USER_DISABLED
	}
	var lookup struct {
		Users []struct {
			LocalID       string `json:"localId"`
			Email         string `json:"email"`
			EmailVerified bool   `json:"emailVerified"`
			DisplayName   string `json:"displayName"`
			PhotoURL      string `json:"photoUrl"`
			PhoneNumber   string `json:"phoneNumber"`
		} `json:"users"`
	}
	if err := postJSON(ctx, c, endpoint+"/v1/accounts:lookup"+key, nil, map[string]string{"idToken": signIn.IDToken}, &lookup); err != nil {
		return nil, err
	}
	if len(lookup.Users) == 0 {
		return nil, errors.New("firebase lookup answered no user")
	}
	u := lookup.Users[0]
	return &profile{Email: u.Email, Name: u.DisplayName, Picture: u.PhotoURL, Phone: u.PhoneNumber, ExternalID: u.LocalID,
		Verified: u.EmailVerified, Claims: map[string]any{}}, nil
}

// httpSourceProfile is what Hatch's generic HTTP source answers (at the top
// level or under "user"): Hatch posts {"identifier", "email", "password"} to
// the configured URL, with "Authorization: Bearer <secret>" when the source
// has a secret; 2xx with a profile accepts the credentials, 401, 403 and 404
// reject them.
type httpSourceProfile struct {
	Email             string   `json:"email"`
	Name              string   `json:"name"`
	Verified          bool     `json:"verified"`
	TenantID          string   `json:"tenantId"`
	ProfilePictureURL string   `json:"profilePictureUrl"`
	PhoneNumber       string   `json:"phoneNumber"`
	ExternalID        string   `json:"externalId"`
	Metadata          jsonText `json:"metadata"`
}

func httpSourceLogin(ctx context.Context, c *http.Client, cfg *sourceConfig, sec *sourceSecrets, identifier, password string) (*profile, error) {
	headers := map[string]string{}
	if sec.Secret != "" {
		headers["Authorization"] = "Bearer " + sec.Secret
	}
	body := map[string]string{"identifier": identifier, "password": password}
	if strings.Contains(identifier, "@") {
		body["email"] = identifier
	}
	var res struct {
		httpSourceProfile
		User *httpSourceProfile `json:"user"`
	}
	if err := postJSON(ctx, c, cfg.CodePayload, headers, body, &res); err != nil {
		return nil, rejectedOn(err, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound)
	}
	u := res.httpSourceProfile
	if res.User != nil {
		u = *res.User
	}
	return &profile{Email: u.Email, Name: u.Name, Verified: u.Verified, TenantID: u.TenantID, Picture: u.ProfilePictureURL,
		Phone: u.PhoneNumber, ExternalID: u.ExternalID, Metadata: string(u.Metadata), Claims: map[string]any{"tenantId": u.TenantID}}, nil
}

// federationLogin checks credentials with another Frontegg-compatible
// environment. With "password" among oauth2Config.grantTypes it uses the
// OAuth resource-owner password grant at tokenUrl and reads userInfoUrl.
// Otherwise it uses the environment's Frontegg login route
// (POST {base}/identity/resources/auth/v1/user) and reads the claims of the
// access token, whose RS256 signature is checked against the environment's
// JWKS ({base}/.well-known/jwks.json) and whose audience must be clientId.
// {base} is the origin of tokenUrl, else of wellknownUrl.
func federationLogin(ctx context.Context, c *http.Client, cfg *sourceConfig, sec *sourceSecrets, email, password string, now time.Time) (*profile, error) {
	if o := cfg.OAuth2Config; o != nil && slices.Contains(o.GrantTypes, "password") {
		form := url.Values{"grant_type": {"password"}, "username": {email}, "password": {password},
			"client_id": {cfg.ClientID}, "client_secret": {sec.Secret}, "scope": {strings.Join(o.Scopes, " ")}}
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if err := postJSON(ctx, c, o.TokenURL, nil, form, &tok); err != nil {
			return nil, rejectedOn(err, http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden)
		}
		var claims map[string]any
		if err := getJSON(ctx, c, o.UserInfoURL, tok.AccessToken, &claims); err != nil {
			return nil, err
		}
		return profileFromClaims(claims), nil
	}
	base := cfg.WellknownURL
	if cfg.OAuth2Config != nil {
		base = cfg.OAuth2Config.TokenURL
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	origin := u.Scheme + "://" + u.Host
	var login struct {
		AccessToken string `json:"accessToken"`
		MFARequired bool   `json:"mfaRequired"`
	}
	if err := postJSON(ctx, c, origin+"/identity/resources/auth/v1/user", nil, map[string]string{"email": email, "password": password}, &login); err != nil {
		return nil, rejectedOn(err, http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden)
	}
	if login.AccessToken == "" {
		return nil, fmt.Errorf("%w: the environment asks for a second factor", errRejected)
	}
	claims, err := verifyRS256(ctx, c, origin+"/.well-known/jwks.json", login.AccessToken, cfg.ClientID, now)
	if err != nil {
		return nil, err
	}
	p := profileFromClaims(claims)
	if m, ok := claims["metadata"].(string); ok && jsonObject(m) {
		p.Metadata = m
	}
	return p, nil
}

// verifyRS256 checks a JWT's RS256 signature against the JWKS at jwksURL, its
// expiry, and (when audience is set) its audience, and returns its claims.
func verifyRS256(ctx context.Context, c *http.Client, jwksURL, token, audience string, now time.Time) (map[string]any, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errors.New("federation: access token is not a JWT")
	}
	var header struct{ Alg, Kid string }
	if err := decodeSegment(parts[0], &header); err != nil || header.Alg != "RS256" {
		return nil, errors.New("federation: access token is not RS256")
	}
	var jwks struct {
		Keys []struct{ Kty, Kid, N, E string }
	}
	if err := getJSON(ctx, c, jwksURL, "", &jwks); err != nil {
		return nil, err
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, errors.New("federation: bad signature encoding")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	verified := false
	for _, k := range jwks.Keys {
		if k.Kty != "RSA" || (header.Kid != "" && k.Kid != header.Kid) {
			continue
		}
		n, err1 := base64.RawURLEncoding.DecodeString(k.N)
		e, err2 := base64.RawURLEncoding.DecodeString(k.E)
		if err1 != nil || err2 != nil {
			continue
		}
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		if rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig) == nil {
			verified = true
			break
		}
	}
	if !verified {
		return nil, errors.New("federation: access token signature does not verify against the environment's keys")
	}
	var claims map[string]any
	if err := decodeSegment(parts[1], &claims); err != nil {
		return nil, errors.New("federation: bad claims")
	}
	if exp, ok := claims["exp"].(float64); !ok || int64(exp) < now.Unix() {
		return nil, errors.New("federation: access token expired")
	}
	if audience != "" {
		switch aud := claims["aud"].(type) {
		case string:
			verified = aud == audience
		case []any:
			verified = slices.Contains(aud, any(audience))
		default:
			verified = false
		}
		if !verified {
			return nil, errors.New("federation: access token is for another client")
		}
	}
	return claims, nil
}

func decodeSegment(seg string, v any) error {
	raw, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}
