package social

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/mail"
	"slices"
	"strings"

	"github.com/google/uuid"
	"golang.org/x/oauth2"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/store"
)

type postLoginBody struct {
	Metadata        string `json:"metadata"` // stringified JSON object, for a user created here
	InvitationToken string `json:"invitationToken"`
}

// postLoginResponse is ILoginViaSocialLoginResponse: the login response
// (tokens, or the MFA fields) with who logged in.
type postLoginResponse struct {
	*login.Response
	Email     string `json:"email"`
	IsNewUser bool   `json:"isNewUser"`
	TenantID  string `json:"tenantId,omitempty"`
	Name      string `json:"name"`
}

// socialMethod is the amr value of social logins, as of SSO logins.
const socialMethod = "sso"

// errSocialLogin answers every social login that cannot finish; the cause is logged.
func errSocialLogin(cause error) error {
	return &iam.Error{Kind: iam.KindUnauthorized, Message: "Social login failed", Err: cause}
}

// resolved is a provider ready for a code exchange.
type resolved struct {
	typ     string
	oauth   oauth2.Config
	profile func(ctx context.Context, tok *oauth2.Token) (*profile, error)
}

// resolve finds the active provider named by the path: a built-in type or a
// custom provider's id.
func (h *Handler) resolve(ctx context.Context, name string) (*resolved, error) {
	if p, ok := h.builtin(name); ok {
		sp, err := h.DB.FindSocialProvider(ctx, name)
		if errors.Is(err, iam.ErrNotFound) || (err == nil && !sp.Active) {
			return nil, errProviderNotFound
		}
		if err != nil {
			return nil, err
		}
		secret, err := h.Sealer.Open(sp.Secret, secretAAD(name))
		if err != nil {
			return nil, err
		}
		return &resolved{typ: name,
			oauth: oauth2.Config{ClientID: sp.ClientID, ClientSecret: string(secret), RedirectURL: sp.RedirectURL,
				Endpoint: oauth2.Endpoint{AuthURL: p.AuthURL, TokenURL: p.TokenURL}, Scopes: append(slices.Clone(p.Scopes), sp.AdditionalScopes...)},
			profile: func(ctx context.Context, tok *oauth2.Token) (*profile, error) {
				return p.read(ctx, h, p, sp.ClientID, tok)
			},
		}, nil
	}
	cp, err := h.DB.FindCustomProvider(ctx, name)
	if errors.Is(err, iam.ErrNotFound) || (err == nil && !cp.Active) {
		return nil, errProviderNotFound
	}
	if err != nil {
		return nil, err
	}
	secret, err := h.Sealer.Open(cp.Secret, customSecretAAD(cp.ID))
	if err != nil {
		return nil, err
	}
	return &resolved{typ: cp.Type,
		oauth: oauth2.Config{ClientID: cp.ClientID, ClientSecret: string(secret), RedirectURL: cp.RedirectURL,
			Endpoint: oauth2.Endpoint{AuthURL: cp.AuthorizationURL, TokenURL: cp.TokenURL}, Scopes: scopesOf(cp.Scopes)},
		profile: func(ctx context.Context, tok *oauth2.Token) (*profile, error) {
			return readCustom(ctx, h, cp.UserInfoURL, tok)
		},
	}, nil
}

var errProviderNotFound = iam.NotFound("Social login provider not found")

// postLogin finishes a social login: it exchanges the code (with the PKCE
// verifier the browser kept, when it sent one) at the provider, reads the
// profile and logs the user in.
//
// A user whose email the provider verified is logged in as the user that
// already has that address (a user not verified yet becomes verified and
// loses the password and sessions it had: store.VerifyByIdentityProvider). A new address becomes a new user with a new
// account, as sign-up makes, when the environment allows sign-ups; it is
// verified when the provider vouches for it. An address the provider did
// not verify never logs in as an existing user.
func (h *Handler) postLogin(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	var body postLoginBody
	if err := api.Decode(r, &body); err != nil {
		return err
	}
	code := q.Get("code")
	if code == "" {
		return iam.Invalid("code is required")
	}
	p, err := h.resolve(ctx, r.PathValue("provider"))
	if err != nil {
		return err
	}
	if redirect := q.Get("redirectUri"); redirect != "" {
		p.oauth.RedirectURL = redirect // the provider checks it is the authorization request's
	}
	var opts []oauth2.AuthCodeOption
	verifier := q.Get("code_verifier")
	if verifier == "" {
		verifier = q.Get("code_verifier_pkce")
	}
	if verifier != "" {
		opts = append(opts, oauth2.VerifierOption(verifier))
	}
	res, u, isNew, err := h.signIn(r, p, code, body.Metadata, opts...)
	if err != nil {
		return err
	}
	if res.RefreshToken != "" {
		core, err := h.Settings.Core(ctx)
		if err != nil {
			return err
		}
		h.Cookies.Set(w, res.RefreshToken, res.RefreshExpires, core.CookieSameSite)
	}
	return api.OK(w, postLoginResponse{Response: res.Response, Email: u.Email, IsNewUser: isNew, TenantID: res.TenantID, Name: u.Name})
}

// signIn exchanges code at provider p, reads the profile and logs its user
// in (account). metadata is that of a user created here.
func (h *Handler) signIn(r *http.Request, p *resolved, code, metadata string, opts ...oauth2.AuthCodeOption) (*login.Result, *iam.User, bool, error) {
	ctx := r.Context()
	exchangeCtx := context.WithValue(ctx, oauth2.HTTPClient, h.Client)
	tok, err := p.oauth.Exchange(exchangeCtx, code, opts...)
	if err != nil {
		return nil, nil, false, errSocialLogin(err)
	}
	pr, err := p.profile(exchangeCtx, tok)
	if err != nil {
		return nil, nil, false, errSocialLogin(err)
	}
	if a, err := mail.ParseAddress(pr.Email); err != nil || a.Address != pr.Email {
		return nil, nil, false, iam.Unauthorized("The provider did not share a valid email address")
	}
	u, isNew, err := h.account(ctx, p.typ, pr, metadata)
	if err != nil {
		return nil, nil, false, err
	}
	// The one place the account's email-domain restrictions apply to social logins.
	if h.Domains != nil {
		if err := h.Domains.Allowed(ctx, u.ActiveTenantID, u.Email); err != nil {
			return nil, nil, false, err
		}
	}
	res, err := h.Login.Complete(ctx, &login.Attempt{User: u, Methods: []string{socialMethod}, IP: api.ClientIP(ctx), UserAgent: r.UserAgent()})
	return res, u, isNew, err
}

// account returns the user the profile logs in as, creating it (with a new
// account) when sign-ups are allowed and no user has the address.
func (h *Handler) account(ctx context.Context, typ string, pr *profile, metadata string) (*iam.User, bool, error) {
	var u *iam.User
	isNew := false
	var errUnverified = errors.New("unverified email for an existing user")
	err := h.DB.InTx(ctx, func(tx *store.Tx) error {
		now := h.Now()
		ownerID, err := tx.FindEmailOwner(ctx, pr.Email)
		if err == nil {
			if !pr.EmailVerified {
				return errUnverified
			}
			if u, err = tx.FindUser(ctx, ownerID); err != nil {
				return err
			}
			changed, err := tx.VerifyByIdentityProvider(ctx, u, now)
			if err != nil || !changed {
				return err
			}
			return tx.UpdateUser(ctx, u)
		}
		if !errors.Is(err, iam.ErrNotFound) {
			return err
		}
		core, err := h.Settings.Core(ctx)
		if err != nil {
			return err
		}
		if !core.AllowSignups {
			return iam.Forbidden("Sign-up is disabled")
		}
		if metadata == "" {
			metadata = "{}"
		} else if !json.Valid([]byte(metadata)) || !strings.HasPrefix(strings.TrimSpace(metadata), "{") {
			return iam.Invalid("metadata must be a JSON object")
		}
		name := pr.Name
		if name == "" {
			name, _, _ = strings.Cut(pr.Email, "@")
		}
		tenantID := uuid.NewString()
		t := &iam.Tenant{ID: tenantID, TenantID: tenantID, Name: name, Metadata: "{}", CreatorName: name, CreatorEmail: pr.Email,
			CreatedAt: now, UpdatedAt: now}
		if err := tx.CreateTenant(ctx, t); err != nil {
			return err
		}
		roles, err := tx.DefaultRoleIDs(ctx, tenantID)
		if err != nil {
			return err
		}
		u = &iam.User{ID: uuid.NewString(), Email: pr.Email, Name: name, ProfilePictureURL: pr.Picture, Verified: pr.EmailVerified,
			Metadata: metadata, Provider: typ, ExternalID: pr.Subject, ActiveTenantID: tenantID, CreatedAt: now, UpdatedAt: now}
		isNew = true
		return tx.CreateUser(ctx, store.NewUser{User: u, TenantID: tenantID, RoleIDs: roles})
	})
	if errors.Is(err, errUnverified) {
		return nil, false, errSocialLogin(err)
	}
	return u, isNew, err
}
