package factors

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// RelyingParty is Hatch as a WebAuthn relying party.
type RelyingParty struct {
	// BaseURL is Hatch's public URL. Its host is the RP ID (a registrable
	// domain the pages that call WebAuthn must be under; an IP address, which
	// WebAuthn refuses, is replaced by localhost) and its origin an allowed origin.
	BaseURL string
	Name    string // shown by authenticators
	// Origins returns the other origins whose pages may run ceremonies (the
	// configured CORS origins and the core allowedOrigins).
	Origins func() []string
}

// webAuthn returns the library's relying party for the current origins.
func (rp *RelyingParty) webAuthn() (*webauthn.WebAuthn, error) {
	u, err := url.Parse(rp.BaseURL)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("webauthn: base url %q has no host", rp.BaseURL)
	}
	id := u.Hostname()
	if net.ParseIP(id) != nil {
		id = "localhost"
	}
	origins := []string{u.Scheme + "://" + u.Host}
	if rp.Origins != nil {
		origins = append(origins, rp.Origins()...)
	}
	return webauthn.New(&webauthn.Config{RPID: id, RPDisplayName: rp.Name, RPOrigins: origins})
}

// waUser is a user as the WebAuthn library sees it: its id is the user handle.
type waUser struct {
	u     *iam.User
	creds []webauthn.Credential
}

func (w *waUser) WebAuthnID() []byte                         { return []byte(w.u.ID) }
func (w *waUser) WebAuthnName() string                       { return cmpOr(w.u.Email, w.u.Username, w.u.ID) }
func (w *waUser) WebAuthnDisplayName() string                { return cmpOr(w.u.Name, w.u.Email, w.u.Username) }
func (w *waUser) WebAuthnCredentials() []webauthn.Credential { return w.creds }

func cmpOr(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// WebAuthn device types, as Frontegg names them.
const (
	Platform      = "Platform"
	CrossPlatform = "CrossPlatform"
)

// ceremonyData is the Data of a WebAuthn ceremony.
type ceremonyData struct {
	Purpose  string               `json:"purpose"`
	DeviceID string               `json:"deviceId,omitempty"`
	Session  webauthn.SessionData `json:"session"`
}

// Ceremony purposes: a ceremony proves only what it was begun for.
const (
	ceremonyRegister     = "register"      // a new device of kind store.MFAWebAuthn or store.Passkey (in DeviceID's place: the kind)
	ceremonyAssert       = "assert"        // a second factor
	ceremonyPasskeyLogin = "passkey-login" // a passwordless sign-in
)

// ceremonyID is where a ceremony is stored: under its challenge, which the
// browser signs into clientDataJSON, so routes without a token find it too.
func ceremonyID(challenge string) string { return secure.HashToken("webauthn:" + challenge) }

// devicesOf returns the user's WebAuthn devices of kind and their credentials.
func (s *Service) devicesOf(ctx context.Context, u *iam.User, kind string) ([]*store.MFADevice, []webauthn.Credential, error) {
	all, err := s.DB.FindMFADevices(ctx, u.ID)
	if err != nil {
		return nil, nil, err
	}
	var devices []*store.MFADevice
	var creds []webauthn.Credential
	for _, d := range all {
		if d.Kind != kind {
			continue
		}
		var c webauthn.Credential
		if err := json.Unmarshal([]byte(d.Credential), &c); err != nil {
			return nil, nil, fmt.Errorf("device %s: %w", d.ID, err)
		}
		devices, creds = append(devices, d), append(creds, c)
	}
	return devices, creds, nil
}

// saveCeremony stores a ceremony for ten minutes.
func (s *Service) saveCeremony(ctx context.Context, userID, parent string, d ceremonyData) error {
	data, err := json.Marshal(d)
	if err != nil {
		return err
	}
	now := s.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		return tx.CreateChallenge(ctx, &store.Challenge{ID: ceremonyID(d.Session.Challenge), Kind: kindWebAuthn, UserID: userID,
			ParentID: parent, Data: string(data), CreatedAt: now, ExpiresAt: now.Add(enrollmentLifetime)}, false)
	})
}

// ErrCeremony answers every WebAuthn response that does not verify.
var ErrCeremony = iam.Unauthorized("The security key response is invalid or expired")

// spendCeremony finds and spends the live ceremony the credential answers
// (token, when given, must be its challenge), checking its user, parent and
// purpose. A ceremony is spent even when its response then fails, so each
// challenge is signed at most once.
func (s *Service) spendCeremony(ctx context.Context, userID, parent, purpose, token string, credential *credentialJSON) (*ceremonyData, error) {
	challenge, err := credential.challenge()
	if err != nil || (token != "" && token != challenge) {
		return nil, ErrCeremony
	}
	now := s.Now()
	c, err := s.DB.FindChallenge(ctx, ceremonyID(challenge), kindWebAuthn, now)
	if errors.Is(err, iam.ErrNotFound) {
		return nil, ErrCeremony
	}
	if err != nil {
		return nil, err
	}
	var d ceremonyData
	if err := json.Unmarshal([]byte(c.Data), &d); err != nil {
		return nil, err
	}
	if c.UserID != userID || c.ParentID != parent || d.Purpose != purpose {
		return nil, ErrCeremony
	}
	if err := s.DB.SpendChallenge(ctx, c.ID, now); errors.Is(err, iam.ErrNotFound) {
		return nil, ErrCeremony
	} else if err != nil {
		return nil, err
	}
	return &d, nil
}

// credentialJSON is a PublicKeyCredential as the browser client sends it.
// Frontegg's clients send id and response only; rawId and type are filled in
// for the library, which needs them.
type credentialJSON struct {
	raw map[string]json.RawMessage
}

func parseCredential(raw []byte) (*credentialJSON, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, iam.Invalid("options must be a WebAuthn credential object")
	}
	var id string
	if err := json.Unmarshal(m["id"], &id); err != nil || id == "" {
		return nil, iam.Invalid("options.id is required")
	}
	if _, ok := m["response"]; !ok {
		return nil, iam.Invalid("options.response is required")
	}
	if _, ok := m["rawId"]; !ok {
		m["rawId"] = m["id"]
	}
	if _, ok := m["type"]; !ok {
		m["type"] = json.RawMessage(`"public-key"`)
	}
	return &credentialJSON{raw: m}, nil
}

func (c *credentialJSON) bytes() []byte {
	b, _ := json.Marshal(c.raw)
	return b
}

// challenge returns the challenge signed into the response's clientDataJSON.
func (c *credentialJSON) challenge() (string, error) {
	var resp struct {
		ClientDataJSON protocol.URLEncodedBase64 `json:"clientDataJSON"`
	}
	if err := json.Unmarshal(c.raw["response"], &resp); err != nil {
		return "", err
	}
	var cd struct {
		Challenge string `json:"challenge"`
	}
	if err := json.Unmarshal(resp.ClientDataJSON, &cd); err != nil || cd.Challenge == "" {
		return "", errors.New("clientDataJSON has no challenge")
	}
	return cd.Challenge, nil
}

// BeginRegistration starts registering a WebAuthn credential for u as a
// second factor (kind store.MFAWebAuthn) or a passkey (store.Passkey, a
// discoverable credential with user verification). parent is the MFA token of
// a login that enrolls, or "". It returns the creation options for
// navigator.credentials.create; their challenge is the ceremony's token.
func (s *Service) BeginRegistration(ctx context.Context, u *iam.User, kind, parent string) (*protocol.PublicKeyCredentialCreationOptions, error) {
	if kind == store.MFAWebAuthn {
		cfg, err := s.Config(ctx)
		if err != nil {
			return nil, err
		}
		if !cfg.WebAuthnPlatform && !cfg.WebAuthnCrossPlatform {
			return nil, requireStrategy(cfg, WebAuthnCrossPlatform)
		}
	}
	wa, err := s.RP.webAuthn()
	if err != nil {
		return nil, err
	}
	_, creds, err := s.devicesOf(ctx, u, kind)
	if err != nil {
		return nil, err
	}
	sel := protocol.AuthenticatorSelection{UserVerification: protocol.VerificationPreferred}
	if kind == store.Passkey {
		sel = protocol.AuthenticatorSelection{ResidentKey: protocol.ResidentKeyRequirementRequired,
			RequireResidentKey: protocol.ResidentKeyRequired(), UserVerification: protocol.VerificationRequired}
	}
	creation, session, err := wa.BeginRegistration(&waUser{u: u, creds: creds},
		webauthn.WithAuthenticatorSelection(sel), webauthn.WithExclusions(webauthn.Credentials(creds).CredentialDescriptors()),
		webauthn.WithConveyancePreference(protocol.PreferNoAttestation))
	if err != nil {
		return nil, err
	}
	if err := s.saveCeremony(ctx, u.ID, parent, ceremonyData{Purpose: ceremonyRegister, DeviceID: kind, Session: *session}); err != nil {
		return nil, err
	}
	return &creation.Response, nil
}

// FinishRegistration verifies the browser's attestation (credential: the
// PublicKeyCredential JSON) against u's registration ceremony of kind under
// parent, and stores the device. token, when not "", must be the ceremony's
// challenge. deviceType is Platform or CrossPlatform ("" to take it from the
// authenticator's attachment); the matching strategy must be on for MFA
// devices. It returns the device and, for a second factor, a new recovery code.
func (s *Service) FinishRegistration(ctx context.Context, u *iam.User, kind, parent, token string, credential []byte, deviceType string) (*store.MFADevice, string, error) {
	cred, err := parseCredential(credential)
	if err != nil {
		return nil, "", err
	}
	if deviceType != "" && deviceType != Platform && deviceType != CrossPlatform {
		return nil, "", iam.Invalid("deviceType must be one of Platform, CrossPlatform")
	}
	d, err := s.spendCeremony(ctx, u.ID, parent, ceremonyRegister, token, cred)
	if err != nil {
		return nil, "", err
	}
	if d.DeviceID != kind {
		return nil, "", ErrCeremony
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(cred.bytes())
	if err != nil {
		return nil, "", ErrCeremony
	}
	wa, err := s.RP.webAuthn()
	if err != nil {
		return nil, "", err
	}
	_, creds, err := s.devicesOf(ctx, u, kind)
	if err != nil {
		return nil, "", err
	}
	c, err := wa.CreateCredential(&waUser{u: u, creds: creds}, d.Session, parsed)
	if err != nil {
		return nil, "", ErrCeremony
	}
	if deviceType == "" {
		deviceType = CrossPlatform
		if c.Authenticator.Attachment == protocol.Platform {
			deviceType = Platform
		}
	}
	if kind == store.MFAWebAuthn {
		cfg, err := s.Config(ctx)
		if err != nil {
			return nil, "", err
		}
		if err := requireStrategy(cfg, "WebAuthn"+deviceType); err != nil {
			return nil, "", err
		}
	}
	raw, err := json.Marshal(c)
	if err != nil {
		return nil, "", err
	}
	dev := &store.MFADevice{ID: uuid.NewString(), UserID: u.ID, Kind: kind, Name: deviceName(deviceType),
		CredentialID: base64.RawURLEncoding.EncodeToString(c.ID), Credential: string(raw), DeviceType: deviceType, CreatedAt: s.Now()}
	if kind == store.Passkey {
		err = s.DB.InTx(ctx, func(tx *store.Tx) error { return tx.CreateMFADevice(ctx, dev) })
		if errors.Is(err, iam.ErrConflict) {
			return nil, "", iam.Conflict("This passkey is registered already")
		}
		return dev, "", err
	}
	recovery, err := s.addDevice(ctx, u, dev)
	if errors.Is(err, iam.ErrConflict) {
		return nil, "", iam.Conflict("This security key is registered already")
	}
	return dev, recovery, err
}

func deviceName(deviceType string) string {
	if deviceType == Platform {
		return "Platform authenticator"
	}
	return "Security key"
}

// BeginAssertion starts proving u's WebAuthn second factor deviceID ("" for
// any of them) under parent (the MFA token, or "" for a signed-in user). It
// returns the request options for navigator.credentials.get; their challenge
// is the ceremony's token. It returns a 404 for a device u does not have.
func (s *Service) BeginAssertion(ctx context.Context, u *iam.User, deviceID, parent string) (*protocol.PublicKeyCredentialRequestOptions, error) {
	devices, creds, err := s.devicesOf(ctx, u, store.MFAWebAuthn)
	if err != nil {
		return nil, err
	}
	var allowed []webauthn.Credential
	for i, d := range devices {
		if deviceID == "" || d.ID == deviceID {
			allowed = append(allowed, creds[i])
		}
	}
	if len(allowed) == 0 {
		return nil, iam.NotFound("Device %s not found", deviceID)
	}
	wa, err := s.RP.webAuthn()
	if err != nil {
		return nil, err
	}
	assertion, session, err := wa.BeginLogin(&waUser{u: u, creds: creds},
		webauthn.WithAllowedCredentials(webauthn.Credentials(allowed).CredentialDescriptors()),
		webauthn.WithUserVerification(protocol.VerificationPreferred))
	if err != nil {
		return nil, err
	}
	if err := s.saveCeremony(ctx, u.ID, parent, ceremonyData{Purpose: ceremonyAssert, DeviceID: deviceID, Session: *session}); err != nil {
		return nil, err
	}
	return &assertion.Response, nil
}

// FinishAssertion verifies the browser's assertion against u's ceremony under
// parent and returns the device that signed it. token, when not "", must be
// the ceremony's challenge; deviceID, when not "", must be the device the
// ceremony was begun for. The device's sign counter is stored; a counter that
// went backwards (a cloned key) is refused.
func (s *Service) FinishAssertion(ctx context.Context, u *iam.User, parent, token, deviceID string, credential []byte) (*store.MFADevice, error) {
	cred, err := parseCredential(credential)
	if err != nil {
		return nil, err
	}
	d, err := s.spendCeremony(ctx, u.ID, parent, ceremonyAssert, token, cred)
	if err != nil {
		return nil, err
	}
	if deviceID != "" && d.DeviceID != deviceID {
		return nil, ErrCeremony
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(cred.bytes())
	if err != nil {
		return nil, ErrCeremony
	}
	devices, creds, err := s.devicesOf(ctx, u, store.MFAWebAuthn)
	if err != nil {
		return nil, err
	}
	wa, err := s.RP.webAuthn()
	if err != nil {
		return nil, err
	}
	c, err := wa.ValidateLogin(&waUser{u: u, creds: creds}, d.Session, parsed)
	if err != nil {
		return nil, ErrCeremony
	}
	return s.updateCredential(ctx, devices, c)
}

// updateCredential stores the credential's new sign counter on its device,
// refusing a cloned authenticator.
func (s *Service) updateCredential(ctx context.Context, devices []*store.MFADevice, c *webauthn.Credential) (*store.MFADevice, error) {
	if c.Authenticator.CloneWarning {
		return nil, ErrCeremony
	}
	i := slices.IndexFunc(devices, func(d *store.MFADevice) bool {
		return d.CredentialID == base64.RawURLEncoding.EncodeToString(c.ID)
	})
	if i < 0 {
		return nil, ErrCeremony
	}
	raw, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	if err := s.DB.SaveWebAuthnCredential(ctx, devices[i].ID, string(raw), s.Now()); err != nil {
		return nil, err
	}
	return devices[i], nil
}

// BeginPasskeyLogin starts a passwordless sign-in with a passkey. The options
// name no credentials (the browser offers the passkeys it holds for this
// site), so they are the same whoever asks: they reveal no account.
func (s *Service) BeginPasskeyLogin(ctx context.Context) (*protocol.PublicKeyCredentialRequestOptions, error) {
	wa, err := s.RP.webAuthn()
	if err != nil {
		return nil, err
	}
	assertion, session, err := wa.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationRequired))
	if err != nil {
		return nil, err
	}
	if err := s.saveCeremony(ctx, "", "", ceremonyData{Purpose: ceremonyPasskeyLogin, Session: *session}); err != nil {
		return nil, err
	}
	return &assertion.Response, nil
}

// FinishPasskeyLogin verifies a passkey assertion (user verification
// required) and returns the user whose passkey signed it.
func (s *Service) FinishPasskeyLogin(ctx context.Context, credential []byte) (*iam.User, error) {
	cred, err := parseCredential(credential)
	if err != nil {
		return nil, err
	}
	d, err := s.spendCeremony(ctx, "", "", ceremonyPasskeyLogin, "", cred)
	if err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(cred.bytes())
	if err != nil {
		return nil, ErrCeremony
	}
	wa, err := s.RP.webAuthn()
	if err != nil {
		return nil, err
	}
	var user *waUser
	var devices []*store.MFADevice
	handler := func(rawID, userHandle []byte) (webauthn.User, error) {
		dev, err := s.DB.FindMFADeviceByCredential(ctx, store.Passkey, base64.RawURLEncoding.EncodeToString(rawID))
		if err != nil {
			return nil, err
		}
		if !bytes.Equal([]byte(dev.UserID), userHandle) {
			return nil, errors.New("user handle does not match the passkey's user")
		}
		u, err := s.DB.FindUser(ctx, dev.UserID)
		if err != nil {
			return nil, err
		}
		var creds []webauthn.Credential
		if devices, creds, err = s.devicesOf(ctx, u, store.Passkey); err != nil {
			return nil, err
		}
		user = &waUser{u: u, creds: creds}
		return user, nil
	}
	c, err := wa.ValidateDiscoverableLogin(handler, d.Session, parsed)
	if err != nil {
		return nil, ErrCeremony
	}
	if _, err := s.updateCredential(ctx, devices, c); err != nil {
		return nil, err
	}
	return user.u, nil
}

// Passkeys returns u's passkeys.
func (s *Service) Passkeys(ctx context.Context, u *iam.User) ([]*store.MFADevice, error) {
	devices, _, err := s.devicesOf(ctx, u, store.Passkey)
	return devices, err
}
