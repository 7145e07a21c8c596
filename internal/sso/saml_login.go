package sso

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/crewjam/saml"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

type samlPostLoginRequest struct {
	SAMLResponse string `json:"SAMLResponse"`
	RelayState   string `json:"RelayState"`
}

// errBadResponse answers every SAML response that does not verify; the
// cause is logged, not shown.
func errBadResponse(cause error) error {
	var invalid *saml.InvalidResponseError
	if errors.As(cause, &invalid) && invalid.PrivateErr != nil {
		cause = invalid.PrivateErr
	}
	return &iam.Error{Kind: iam.KindUnauthorized, Message: "The SAML response is not valid", Err: cause}
}

// samlPostLogin is the ACS. It takes {SAMLResponse, RelayState} as JSON
// (api.auth.postLogin) or as the HTML form an IdP posts (HTTP-POST binding).
//
// The response must verify with the configuration's IdP certificate (the
// Response or the Assertion signed), be addressed to Hatch's ACS (Destination
// and the bearer SubjectConfirmation's Recipient), name the configuration's
// SP entity id as audience, be inside its time window (crewjam's small clock
// skew allowed) and not have been accepted before (assertion ids are kept in
// the database until they expire, so every node refuses a replay). A
// RelayState Hatch issued at prelogin ties it to that AuthnRequest; without
// one it is IdP-initiated, accepted only when the configuration allows it
// (configMetadata.idpInitiated), and its configuration is the one whose SP
// entity id is the assertion's audience.
//
// A JSON call is answered with the login response; a form post sets the
// refresh cookie and redirects the browser back to the application.
func (h *Handler) samlPostLogin(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	formPost := strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "application/x-www-form-urlencoded")
	var req samlPostLoginRequest
	if formPost {
		if err := r.ParseForm(); err != nil {
			return iam.Invalid("Could not read the form")
		}
		req.SAMLResponse, req.RelayState = r.PostForm.Get("SAMLResponse"), r.PostForm.Get("RelayState")
	} else if err := api.Decode(r, &req); err != nil {
		return err
	}
	if req.SAMLResponse == "" {
		return iam.Invalid("SAMLResponse is required")
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(req.SAMLResponse))
	if err != nil {
		return iam.Invalid("SAMLResponse must be base64")
	}
	var candidates []*store.SSOConfiguration
	var requestIDs []string
	returnTo := ""
	if req.RelayState != "" {
		st, err := h.DB.UseSSOLoginState(ctx, secure.HashToken(req.RelayState), h.Now())
		switch {
		case err == nil:
			c, err := h.DB.FindSSOConfiguration(ctx, "", st.ConfigurationID)
			if err != nil {
				return errBadResponse(err)
			}
			candidates, requestIDs, returnTo = []*store.SSOConfiguration{c}, []string{st.RequestID}, st.ReturnTo
		case !errors.Is(err, iam.ErrNotFound):
			return err
		}
	}
	peeked := peekResponse(raw)
	if candidates == nil {
		if candidates, err = h.unsolicitedCandidates(ctx, peeked); err != nil {
			return err
		}
	}
	var c *store.SSOConfiguration
	var assertion *saml.Assertion
	err = errors.New("no configuration for the response")
	for _, cand := range candidates {
		if assertion, err = h.verifyResponse(ctx, cand, raw, requestIDs, peeked); err == nil {
			c = cand
			break
		}
	}
	if c == nil {
		return errBadResponse(err)
	}
	if returnTo == "" {
		returnTo = h.BaseURL + "/"
		if t, err := h.DB.FindTenant(ctx, c.TenantID); err == nil && t.ApplicationURL != "" {
			returnTo = t.ApplicationURL
		}
	}
	res, err := h.signIn(r, c, assertionIdentity(assertion, optionsOf(c)))
	if err != nil {
		return err
	}
	if formPost && login.HostedReturnTo(h.BaseURL, returnTo) {
		return h.returnToPage(w, r, res, returnTo) // a login started on the hosted login page
	}
	if !formPost {
		returnTo = ""
	}
	return h.writeLogin(w, r, res, returnTo)
}

// unsolicitedCandidates returns the configurations an unsolicited response
// may be for: the one whose SP entity id is its (not yet verified) audience,
// or, when the assertion is encrypted, those of its issuer. Verification
// then decides.
func (h *Handler) unsolicitedCandidates(ctx context.Context, p *peekedResponse) ([]*store.SSOConfiguration, error) {
	prefix := h.BaseURL + spMetadataPath + "?"
	for _, a := range p.Assertion.Audiences {
		q, err := url.ParseQuery(strings.TrimPrefix(a, prefix))
		if !strings.HasPrefix(a, prefix) || err != nil {
			continue
		}
		c, err := h.DB.FindSSOConfiguration(ctx, "", q.Get("configurationId"))
		if err == nil {
			return []*store.SSOConfiguration{c}, nil
		}
		if !errors.Is(err, iam.ErrNotFound) {
			return nil, err
		}
	}
	if issuer := strings.TrimSpace(p.Issuer); issuer != "" {
		return h.DB.FindSSOConfigurationsByIssuer(ctx, issuer)
	}
	return nil, nil
}

// verifyResponse checks a response against configuration c and returns its assertion.
func (h *Handler) verifyResponse(ctx context.Context, c *store.SSOConfiguration, raw []byte, requestIDs []string, p *peekedResponse) (*saml.Assertion, error) {
	if !c.Enabled || c.Type != typeSAML {
		return nil, errors.New("configuration disabled or not SAML")
	}
	sp, err := h.serviceProvider(ctx, c)
	if err != nil {
		return nil, err
	}
	if c.IdPEntityID == "" {
		// Entered by hand without the IdP's entity id: the certificate is
		// the trust anchor, and any issuer it signed for is accepted.
		sp.IDPMetadata.EntityID = p.issuer()
	}
	return sp.ParseXMLResponse(raw, requestIDs, sp.AcsURL)
}

// peekedResponse is what Hatch reads of a response before verifying it, to
// know which configuration verifies it.
type peekedResponse struct {
	Issuer    string `xml:"Issuer"`
	Assertion struct {
		Issuer    string   `xml:"Issuer"`
		Audiences []string `xml:"Conditions>AudienceRestriction>Audience"`
	} `xml:"Assertion"`
}

func peekResponse(raw []byte) *peekedResponse {
	var p peekedResponse
	dec := xml.NewDecoder(bytes.NewReader(raw))
	dec.Strict = true
	if err := dec.Decode(&p); err != nil {
		return &peekedResponse{}
	}
	return &p
}

func (p *peekedResponse) issuer() string {
	if p.Assertion.Issuer != "" {
		return strings.TrimSpace(p.Assertion.Issuer)
	}
	return strings.TrimSpace(p.Issuer)
}

// Attribute names tried, in order, when the configuration names none.
var (
	emailAttributes = []string{"email", "mail", "emailaddress", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
		"urn:oid:0.9.2342.19200300.100.1.3", "user.email"}
	nameAttributes = []string{"name", "displayname", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
		"cn", "urn:oid:2.5.4.3"}
	groupAttributes = []string{"groups", "group", "memberof", "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
		"eduPersonAffiliation", "urn:oid:1.3.6.1.4.1.5923.1.1.1.1"}
)

// assertionIdentity reads the email (an attribute, else an email-shaped
// NameID), the name and the groups from a verified assertion.
func assertionIdentity(a *saml.Assertion, o options) identity {
	values := func(names []string) []string {
		for _, n := range names {
			for _, st := range a.AttributeStatements {
				for _, attr := range st.Attributes {
					if strings.EqualFold(attr.Name, n) || strings.EqualFold(attr.FriendlyName, n) {
						var out []string
						for _, v := range attr.Values {
							if s := strings.TrimSpace(v.Value); s != "" {
								out = append(out, s)
							}
						}
						if len(out) > 0 {
							return out
						}
					}
				}
			}
		}
		return nil
	}
	pick := func(configured string, defaults []string) []string {
		if configured != "" {
			return values([]string{configured})
		}
		return values(defaults)
	}
	id := identity{Provider: typeSAML, Groups: pick(o.GroupsAttribute, groupAttributes)}
	if v := pick(o.EmailAttribute, emailAttributes); len(v) > 0 {
		id.Email = v[0]
	} else if a.Subject != nil && a.Subject.NameID != nil && strings.Contains(a.Subject.NameID.Value, "@") {
		id.Email = strings.TrimSpace(a.Subject.NameID.Value)
	}
	if v := pick(o.NameAttribute, nameAttributes); len(v) > 0 {
		id.Name = v[0]
	} else {
		given, sn := values([]string{"givenName", "urn:oid:2.5.4.42"}), values([]string{"sn", "surname", "urn:oid:2.5.4.4"})
		id.Name = strings.TrimSpace(strings.Join(append(given, sn...), " "))
	}
	return id
}
