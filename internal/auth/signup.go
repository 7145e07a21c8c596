package auth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/store"
)

type signUpRequest struct {
	Provider          string         `json:"provider"`
	Metadata          string         `json:"metadata"` // stringified JSON object
	Email             string         `json:"email"`
	Username          string         `json:"username"`
	Name              string         `json:"name"`
	ProfilePictureURL string         `json:"profilePictureUrl"`
	Password          string         `json:"password"`
	SkipInviteEmail   bool           `json:"skipInviteEmail"`
	RoleIDs           []string       `json:"roleIds"`
	EmailMetadata     map[string]any `json:"emailMetadata"`
	CompanyName       string         `json:"companyName"`
	RecaptchaToken    string         `json:"recaptchaToken"`
	InvitationToken   string         `json:"invitationToken"`
	PhoneNumber       string         `json:"phoneNumber"`
}

// signUpResponse is the sign-up answer. AuthResponse is set when the user
// was logged in at once (ShouldActivate false).
type signUpResponse struct {
	ShouldActivate bool            `json:"shouldActivate"`
	UserID         string          `json:"userId"`
	TenantID       string          `json:"tenantId"`
	AuthResponse   *login.Response `json:"authResponse,omitempty"`
}

var providers = []string{"local", "saml", "google", "github", "facebook", "microsoft", "scim2", "slack", "apple"}

// signUp creates an account (tenant) named companyName with a new user, by email.
func (h *Handler) signUp(w http.ResponseWriter, r *http.Request) error {
	return h.signUpUser(w, r, false)
}

// signUpUsername is signUp for a user identified by a username; the email is optional.
func (h *Handler) signUpUsername(w http.ResponseWriter, r *http.Request) error {
	return h.signUpUser(w, r, true)
}

// signUpUser creates the tenant and its first user, with the default roles;
// with an invitationToken, the user joins the invitation link's account
// instead (see invite_links.go).
// The user must activate (shouldActivate true, activation email sent) unless
// the environment lets unverified users log in and a password was given;
// then the user is logged in at once and authResponse carries the login
// response (and the refresh cookie is set). A user signing up by username
// without an email has nothing to verify: a password is required and the
// user is logged in at once.
//
// An email that already belongs to a user does not make the sign-up fail:
// see signUpExisting.
func (h *Handler) signUpUser(w http.ResponseWriter, r *http.Request, byUsername bool) error {
	var req signUpRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	resp, res, err := h.register(r, &req, byUsername)
	if err != nil {
		return err
	}
	if res != nil {
		if err := h.setRefreshCookie(w, r, res); err != nil {
			return err
		}
	}
	return api.Created(w, resp)
}

// register is the sign-up routes' work once the body is read: it is also how
// the hosted login page signs users up (SignUp). It returns the answer and,
// when the user was logged in at once, the login result whose refresh
// cookie the caller sets.
func (h *Handler) register(r *http.Request, req *signUpRequest, byUsername bool) (signUpResponse, *login.Result, error) {
	var none signUpResponse
	ctx := r.Context()
	core, err := h.Settings.Core(ctx)
	if err != nil {
		return none, nil, err
	}
	var link *store.InviteLink // joining an account through its invitation link (see invite_links.go)
	if req.InvitationToken != "" {
		if link, err = h.inviteLink(ctx, req.InvitationToken); err != nil {
			return none, nil, err
		}
	}
	if !core.AllowSignups && link == nil {
		return none, nil, iam.Forbidden("Sign-up is disabled")
	}
	if err := req.validate(byUsername); err != nil {
		return none, nil, err
	}
	if err := h.Captcha.Verify(ctx, req.RecaptchaToken, req.Email, api.ClientIP(ctx)); err != nil {
		return none, nil, err
	}
	hash := ""
	if req.Password != "" {
		// A new account has no policy of its own yet: the environment's applies.
		if err := h.checkNewPassword(ctx, "password", nil, "", req.Password); err != nil {
			return none, nil, err
		}
		hash = h.Hasher.Hash(req.Password)
	}
	noEmail := req.Email == ""
	shouldActivate := !noEmail && (!core.AllowNotVerifiedUsersLogin || req.Password == "")

	now := h.Now()
	tenantID, userID := uuid.NewString(), uuid.NewString()
	if link != nil {
		tenantID = link.TenantID
	}
	metadata := req.Metadata
	if metadata == "" {
		metadata = "{}"
	}
	t := &iam.Tenant{ID: tenantID, TenantID: tenantID, Name: req.CompanyName, Metadata: "{}",
		CreatorName: req.Name, CreatorEmail: req.Email, CreatedAt: now, UpdatedAt: now}
	u := &iam.User{ID: userID, Email: req.Email, Username: req.Username, Name: req.Name, PhoneNumber: req.PhoneNumber,
		ProfilePictureURL: req.ProfilePictureURL, PasswordHash: hash, Verified: noEmail, Metadata: metadata,
		Provider: req.Provider, ActiveTenantID: tenantID, CreatedAt: now, UpdatedAt: now}

	var existingID string
	err = h.DB.InTx(ctx, func(tx *store.Tx) error {
		if !noEmail {
			id, err := tx.FindEmailOwner(ctx, req.Email)
			if err == nil {
				existingID = id
				return errEmailTaken
			}
			if !errors.Is(err, iam.ErrNotFound) {
				return err
			}
		}
		var roleIDs []string
		var err error
		if link == nil {
			if err := tx.CreateTenant(ctx, t); err != nil {
				return err
			}
			roleIDs, err = tx.DefaultRoleIDs(ctx, tenantID)
		} else {
			roleIDs, err = linkRoles(ctx, tx, link)
		}
		if err != nil {
			return err
		}
		if err := tx.CreateUser(ctx, store.NewUser{User: u, TenantID: tenantID, RoleIDs: roleIDs}); err != nil {
			return err
		}
		if link != nil {
			if err := h.tellLinkOwner(ctx, tx, u, link); err != nil {
				return err
			}
		}
		if noEmail {
			return nil
		}
		_, err = h.Notifier.Activation(ctx, tx, u, tenantID, true)
		return err
	})
	switch {
	case errors.Is(err, errEmailTaken):
		resp, err := h.signUpExisting(ctx, existingID)
		return resp, nil, err
	case errors.Is(err, iam.ErrConflict):
		// The email check above ran in this transaction, so on SQLite (one
		// writer) the conflict is the username. On PostgreSQL a concurrent
		// sign-up may have taken the email since: answer as for a taken email.
		if !noEmail {
			if other, ferr := h.DB.FindUserByEmail(ctx, req.Email); ferr == nil {
				resp, err := h.signUpExisting(ctx, other.ID)
				return resp, nil, err
			}
		}
		return none, nil, iam.Conflict("username is already taken")
	case err != nil:
		return none, nil, err
	}

	resp := signUpResponse{ShouldActivate: shouldActivate, UserID: userID, TenantID: tenantID}
	if shouldActivate {
		return resp, nil, nil
	}
	res, err := h.Login.Complete(ctx, &login.Attempt{
		User: u, Methods: []string{"pwd"}, TenantID: tenantID, IP: api.ClientIP(ctx), UserAgent: r.UserAgent(),
	})
	if err != nil {
		return none, nil, err
	}
	resp.AuthResponse = res.Response
	return resp, res, nil
}

// errEmailTaken rolls back a sign-up whose email already has an account.
var errEmailTaken = errors.New("email taken")

// signUpExisting answers a sign-up whose email already belongs to a user.
//
// Saying so would let anyone test which addresses have accounts, so the
// answer is the one a new sign-up that must activate gets — shouldActivate
// true, with made-up user and tenant ids — and nothing is created. The owner
// of the address is told by email instead: a fresh activation link when the
// account was never activated, otherwise a password-reset link, which lets
// them back in if they forgot they had an account and is harmless if someone
// else typed their address.
//
// One case still differs: when the environment logs unverified users in at
// sign-up, a new sign-up with a password answers with tokens, which a taken
// address cannot get.
func (h *Handler) signUpExisting(ctx context.Context, userID string) (signUpResponse, error) {
	u, err := h.DB.FindUser(ctx, userID)
	if err != nil {
		return signUpResponse{}, err
	}
	err = h.DB.InTx(ctx, func(tx *store.Tx) error {
		if !u.Verified {
			_, err := h.Notifier.Activation(ctx, tx, u, u.ActiveTenantID, true)
			return err
		}
		_, err := h.Notifier.PasswordReset(ctx, tx, u, true)
		return err
	})
	if err != nil {
		return signUpResponse{}, err
	}
	return signUpResponse{ShouldActivate: true, UserID: uuid.NewString(), TenantID: uuid.NewString()}, nil
}

// validate checks and normalizes a sign-up, returning a 400 naming the first bad field.
func (req *signUpRequest) validate(byUsername bool) error {
	req.Email = strings.TrimSpace(req.Email)
	req.Username = strings.TrimSpace(req.Username)
	req.CompanyName = strings.TrimSpace(req.CompanyName)
	req.Name = strings.TrimSpace(req.Name)
	if req.Provider == "" {
		req.Provider = "local"
	}
	switch {
	case byUsername && req.Username == "":
		return iam.Invalid("username is required")
	case !byUsername && req.Email == "":
		return iam.Invalid("email is required")
	case req.Email != "" && !validEmail(req.Email):
		return iam.Invalid("email must be an email")
	case req.Username != "" && (utf8.RuneCountInString(req.Username) > 255 || strings.ContainsFunc(req.Username, isSpaceOrControl)):
		return iam.Invalid("username must be at most 255 characters, without spaces")
	case req.CompanyName == "" && req.InvitationToken == "":
		return iam.Invalid("companyName is required")
	case utf8.RuneCountInString(req.CompanyName) > 255:
		return iam.Invalid("companyName must be at most 255 characters")
	case utf8.RuneCountInString(req.Name) > 255:
		return iam.Invalid("name must be at most 255 characters")
	case len(req.ProfilePictureURL) > 4095:
		return iam.Invalid("profilePictureUrl must be at most 4095 characters")
	case !slices.Contains(providers, req.Provider):
		return iam.Invalid("provider must be one of %s", strings.Join(providers, ", "))
	case req.Metadata != "" && !isJSONObject(req.Metadata):
		return iam.Invalid("metadata must be a JSON object in a string")
	case req.Email == "" && req.Password == "":
		return iam.Invalid("password is required when no email is given")
	}
	// roleIds is ignored: an anonymous caller does not choose its roles; the
	// new user gets the environment's default roles.
	return nil
}

// validEmail reports whether s is a bare email address (no display name).
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == "" && len(s) <= 320
}

func isJSONObject(s string) bool {
	var v map[string]any
	return json.Unmarshal([]byte(s), &v) == nil && v != nil
}

func isSpaceOrControl(r rune) bool { return r <= ' ' || r == 0x7f }
