package token

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// IDToken returns the OpenID Connect ID token that goes with a user access
// token this issuer signed: the same claims (sub, email, email_verified,
// name, amr, auth_time, iss, iat, exp, and Frontegg's own), with aud the
// OAuth client's id and nonce when the authorization request carried one.
//
// The ID token carries every claim of the access token because Frontegg's
// browser client, in hosted mode, uses the ID token as its access token
// (@frontegg/rest-api's generateLoginResponseFromOAuthResponse). For the
// environment's own client the audience is the environment's client id, so
// Hatch accepts it as the access token; for any other client the audience
// keeps it from being accepted as one.
func (is *Issuer) IDToken(access, audience, nonce string) (string, error) {
	payload, err := is.Keys.verify(access)
	if err != nil {
		return "", fmt.Errorf("id token: %w", err)
	}
	claims := map[string]any{}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	if err := dec.Decode(&claims); err != nil {
		return "", fmt.Errorf("id token: %w", err)
	}
	claims["aud"] = audience
	delete(claims, "nonce")
	if nonce != "" {
		claims["nonce"] = nonce
	}
	out, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("id token: %w", err)
	}
	return is.Keys.sign(out)
}

// ParseIDTokenHint returns the claims of a token this issuer signed — an ID
// token an application sends back as id_token_hint at logout — checking the
// signature and the issuer but not the expiry or the audience (OpenID
// Connect RP-Initiated Logout: an expired hint still names the session).
func (is *Issuer) ParseIDTokenHint(raw string) (*Claims, error) {
	payload, err := is.Keys.verify(raw)
	if err != nil {
		return nil, err
	}
	var c Claims
	if err := json.Unmarshal(payload, &c); err != nil || c.Issuer != is.Issuer || c.Subject == "" {
		return nil, errBadToken
	}
	return &c, nil
}
