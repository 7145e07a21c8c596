// Package sso is single sign-on per account: an account admin (or the vendor
// with frontegg-tenant-id) connects the account to a SAML or OIDC identity
// provider, claims email domains and proves them with a DNS TXT record, and
// maps the IdP's groups to roles. A user whose email domain an account holds
// is sent to that account's IdP at prelogin; the IdP's answer — a signed SAML
// response at the ACS, or an OIDC authorization code — is verified here, the
// user is created or updated just in time in the account, and the login
// finishes through login.Service like any other first factor (amr "sso").
//
// Routes live under /team/resources/sso (management) and
// /identity/resources/auth/v1|v2/user/{saml,sso,oidc} (login); routes.go
// lists them. Logins started on Hatch's hosted login page come back through
// the ACS or Hatch's own OIDC callback to the page's authorization request
// (page.go). Hatch's decisions where Frontegg's documents are silent are in
// the catalog's §16 and in the comments of the files here.
package sso
