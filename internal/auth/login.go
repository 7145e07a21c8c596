package auth

import (
	"errors"
	"net/http"
	"strings"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/audit"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/token"
)

type vendorRequest struct {
	ClientID string `json:"clientId"`
	Secret   string `json:"secret"`
}

type vendorResponse struct {
	Token     string `json:"token"`
	ExpiresIn int    `json:"expiresIn"`
}

// vendorToken exchanges the environment's client ID and API key for a vendor token.
func (h *Handler) vendorToken(w http.ResponseWriter, r *http.Request) error {
	var req vendorRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if req.ClientID == "" || req.Secret == "" {
		return iam.Invalid("clientId and secret are required")
	}
	idOK := secure.Equal(req.ClientID, h.ClientID)
	keyOK := secure.Equal(secure.HashToken(req.Secret), h.APIKeyHash)
	if !idOK || !keyOK {
		err := h.Audit.Record(r.Context(), audit.Event{Action: audit.ActionLoginFailed, Resource: "Environment credentials",
			Severity: audit.High, Outcome: audit.Failure, UserAgent: r.UserAgent(), Data: map[string]any{"clientId": req.ClientID[:min(len(req.ClientID), 100)]}})
		if err != nil {
			return err
		}
		return iam.Unauthorized("Invalid client id or secret")
	}
	tok, _, err := h.Issuer.SignVendor(h.ClientID, h.APIKeyHash)
	if err != nil {
		return err
	}
	return api.OK(w, vendorResponse{Token: tok, ExpiresIn: int(token.VendorTokenTTL.Seconds())})
}

type loginRequest struct {
	Email           string `json:"email"`
	Username        string `json:"username"`
	Password        string `json:"password"`
	RecaptchaToken  string `json:"recaptchaToken"`
	InvitationToken string `json:"invitationToken"`
}

// login checks an email (or username) and password. Unknown users, wrong
// passwords and users without a password all cost one hash and get the same answer.
func (h *Handler) login(w http.ResponseWriter, r *http.Request) error {
	var req loginRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	res, err := h.passwordLogin(r, &req)
	if err != nil {
		return err
	}
	return h.writeLogin(w, r, res, http.StatusOK)
}

// passwordLogin is the login route's work once the body is read: it is also
// how the hosted login page signs users in (PasswordLogin). The caller
// writes the result.
func (h *Handler) passwordLogin(r *http.Request, req *loginRequest) (*login.Result, error) {
	req.Email = strings.TrimSpace(req.Email)
	switch {
	case req.Email == "" && strings.TrimSpace(req.Username) == "":
		return nil, iam.Invalid("email or username is required")
	case req.Password == "":
		return nil, iam.Invalid("password is required")
	}
	ctx := r.Context()
	if err := h.Captcha.Verify(ctx, req.RecaptchaToken, req.Email, api.ClientIP(ctx)); err != nil {
		return nil, err
	}
	// An invitation link is checked before the password, so its answer
	// says nothing about the password (see invite_links.go).
	var link *store.InviteLink
	if req.InvitationToken != "" {
		var err error
		if link, err = h.inviteLink(ctx, req.InvitationToken); err != nil {
			return nil, err
		}
	}
	var u *iam.User
	var err error
	identifier := req.Email
	if req.Email != "" {
		u, err = h.DB.FindUserByEmail(ctx, req.Email)
	} else {
		identifier = req.Username
		u, err = h.DB.FindUserByUsername(ctx, req.Username)
	}
	sourced := false // the password was checked by a user source
	if h.Sources != nil && (errors.Is(err, iam.ErrNotFound) || (err == nil && u.PasswordHash == "")) {
		// Lazy migration (user pools): an identifier Hatch does not know, or a
		// user a source brought without a password, is checked by the
		// configured sources. A source that accepts the password makes or
		// completes the user here (the password hashed by Hatch), so the next
		// login is answered here alone. No source accepting falls through to
		// the usual failure below: same answer, same dummy hash.
		found, serr := h.Sources.Authenticate(ctx, identifier, req.Password)
		if serr != nil {
			return nil, serr
		}
		if found != nil {
			u, err, sourced = found, nil, true
		}
	}
	if errors.Is(err, iam.ErrNotFound) {
		h.Hasher.VerifyDummy(req.Password)
		return nil, h.Login.Fail(ctx, nil, api.ClientIP(ctx))
	}
	if err != nil {
		return nil, err
	}
	ok, rehash := sourced, false
	if !sourced {
		ok, rehash, err = h.Hasher.Verify(req.Password, u.PasswordHash)
	}
	if err != nil && !errors.Is(err, secure.ErrUnsupportedHash) {
		return nil, err
	}
	if !ok {
		return nil, h.Login.Fail(ctx, u, api.ClientIP(ctx))
	}
	if rehash {
		if err := h.DB.UpgradePasswordHash(ctx, u.ID, u.PasswordHash, h.Hasher.Hash(req.Password)); err != nil {
			return nil, err
		}
	}
	tenantID := r.Header.Get("frontegg-tenant-id")
	if link != nil {
		if err := h.DB.InTx(ctx, func(tx *store.Tx) error { return h.joinByLink(ctx, tx, u, link) }); err != nil {
			return nil, err
		}
		tenantID = link.TenantID
	}
	return h.Login.Complete(ctx, &login.Attempt{
		User:      u,
		Methods:   []string{"pwd"},
		TenantID:  tenantID,
		IP:        api.ClientIP(ctx),
		UserAgent: r.UserAgent(),
		Device:    h.Cookies.ReadDevice(r),
	})
}

// writeLogin sends a login result, setting the refresh cookie when a session was opened.
func (h *Handler) writeLogin(w http.ResponseWriter, r *http.Request, res *login.Result, status int) error {
	if err := h.setRefreshCookie(w, r, res); err != nil {
		return err
	}
	return api.JSON(w, status, res.Response)
}

// setRefreshCookie sets the refresh cookie when res opened a session (not
// when it is a second-factor challenge).
func (h *Handler) setRefreshCookie(w http.ResponseWriter, r *http.Request, res *login.Result) error {
	if res.RefreshToken == "" {
		return nil
	}
	core, err := h.Settings.Core(r.Context())
	if err != nil {
		return err
	}
	h.Cookies.Set(w, res.RefreshToken, res.RefreshExpires, core.CookieSameSite)
	return nil
}

type refreshRequest struct {
	TenantID     string `json:"tenantId"`
	RefreshToken string `json:"refreshToken"`
}

// refresh rotates the refresh token from the body or the cookie and issues new tokens.
func (h *Handler) refresh(w http.ResponseWriter, r *http.Request) error {
	var req refreshRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	refresh := req.RefreshToken // an explicit token wins over the cookie
	if refresh == "" {
		refresh = h.Cookies.Read(r)
	}
	res, err := h.Login.Refresh(r.Context(), refresh, req.TenantID)
	if err != nil {
		if errors.Is(err, login.ErrSessionInvalid) {
			h.Cookies.Clear(w)
		}
		return err
	}
	return h.writeLogin(w, r, res, http.StatusCreated)
}

// logout ends the session of the body's or the cookie's refresh token and clears the cookie.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) error {
	var req refreshRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	refresh := req.RefreshToken // an explicit token wins over the cookie
	if refresh == "" {
		refresh = h.Cookies.Read(r)
	}
	if err := h.Login.Logout(r.Context(), refresh); err != nil {
		return err
	}
	h.Cookies.Clear(w)
	return api.JSON(w, http.StatusCreated, nil)
}
