package migration

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// SourceLogin is the lazy migration of user pools: the login route asks it
// about an identifier Hatch does not know (or a user a source brought without
// a password yet). It asks the configured sources in index order; the first
// that accepts the password makes or completes the user in Hatch — with the
// password hashed by Hatch (argon2id) when the source is migrated — so the
// next login is answered by Hatch alone.
type SourceLogin struct {
	DB       *store.DB
	Migrator *Migrator
	Sealer   *secure.Sealer
	Hasher   *secure.Hasher
	HTTP     *http.Client
	Log      *slog.Logger
	Now      func() time.Time
}

// profile is what a source tells of a user whose password it accepted.
type profile struct {
	Email, Name, Picture, Phone, ExternalID, TenantID string
	Verified                                          bool
	Metadata                                          string         // JSON object text, when the source has one
	Claims                                            map[string]any // for the dynamic tenant resolver
}

// errRejected is a source's "wrong credentials"; any other error means the
// source could not be asked and is logged.
var errRejected = errors.New("credentials rejected")

// Authenticate returns the Hatch user for identifier when a source accepts
// password, and (nil, nil) when none does. Errors are reserved for Hatch's own
// failures (the database); a source that fails is logged and skipped.
func (l *SourceLogin) Authenticate(ctx context.Context, identifier, password string) (*iam.User, error) {
	var existing *iam.User
	sources, err := l.DB.FindUserSources(ctx)
	if err != nil || len(sources) == 0 {
		return nil, err
	}
	if u, err := l.findUser(ctx, identifier); err == nil {
		if u.PasswordHash != "" {
			return nil, nil // Hatch answers for it alone
		}
		origin, err := l.DB.FindOrigin(ctx, u.ID)
		if isNotFound(err) || (err == nil && origin.SourceID == "") {
			return nil, nil // not a user of a source
		} else if err != nil {
			return nil, err
		}
		existing = u
		sources = slices.DeleteFunc(sources, func(s *store.UserSource) bool { return s.ID != origin.SourceID })
	} else if !isNotFound(err) {
		return nil, err
	}
	for _, s := range sources {
		cfg, secrets, err := l.open(s)
		if err != nil {
			return nil, err
		}
		p, err := l.ask(ctx, s, cfg, secrets, identifier, password)
		if errors.Is(err, errRejected) {
			continue
		}
		if err != nil {
			l.Log.WarnContext(ctx, "user source could not be asked", "source", s.ID, "type", s.Type, "err", err)
			continue
		}
		if p.Email == "" && strings.Contains(identifier, "@") {
			p.Email = identifier
		}
		u, err := l.adopt(ctx, s, cfg, p, existing, password)
		if err != nil || u != nil {
			return u, err
		}
	}
	return nil, nil
}

func (l *SourceLogin) findUser(ctx context.Context, identifier string) (*iam.User, error) {
	if strings.Contains(identifier, "@") {
		return l.DB.FindUserByEmail(ctx, identifier)
	}
	return l.DB.FindUserByUsername(ctx, identifier)
}

func (l *SourceLogin) open(s *store.UserSource) (*sourceConfig, *sourceSecrets, error) {
	var cfg sourceConfig
	if err := json.Unmarshal([]byte(s.Config), &cfg); err != nil {
		return nil, nil, fmt.Errorf("user source %s: %w", s.ID, err)
	}
	secrets, err := openSourceSecrets(l.Sealer.Open, s)
	if err != nil {
		return nil, nil, fmt.Errorf("user source %s secrets: %w", s.ID, err)
	}
	return &cfg, secrets, nil
}

// ask checks the credentials with one source.
func (l *SourceLogin) ask(ctx context.Context, s *store.UserSource, cfg *sourceConfig, sec *sourceSecrets, identifier, password string) (*profile, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	switch s.Type {
	case SourceAuth0:
		c := &auth0Client{http: l.HTTP, base: auth0Base(cfg.Domain), clientID: cfg.ClientID, secret: sec.Secret}
		return c.passwordLogin(ctx, identifier, password)
	case SourceCognito:
		return cognitoLogin(ctx, l.HTTP, cfg, sec, identifier, password)
	case SourceFirebase:
		return firebaseLogin(ctx, l.HTTP, cfg, sec, identifier, password)
	case SourceCustomCode:
		return httpSourceLogin(ctx, l.HTTP, cfg, sec, identifier, password)
	case SourceFederation:
		return federationLogin(ctx, l.HTTP, cfg, sec, identifier, password, l.Now())
	}
	return nil, fmt.Errorf("unknown source type %q", s.Type)
}

// adopt makes the user a source vouched for, or completes the one it brought
// before: the password (argon2id) when the source is migrated, the profile
// when it syncs on login. It returns nil when the profile cannot make a user
// (no email, no account), which the login answers like a wrong password.
func (l *SourceLogin) adopt(ctx context.Context, s *store.UserSource, cfg *sourceConfig, p *profile, existing *iam.User, password string) (*iam.User, error) {
	now := l.Now()
	hash := ""
	if cfg.IsMigrated {
		hash = l.Hasher.Hash(password)
	}
	if existing != nil {
		if hash != "" {
			if _, err := l.DB.SetPasswordIfEmpty(ctx, existing.ID, hash, now); err != nil {
				return nil, err
			}
		}
		if cfg.SyncOnLogin {
			syncProfile(existing, p, now)
			if err := l.DB.UpdateUser(ctx, existing); err != nil {
				return nil, err
			}
		}
		return l.DB.FindUser(ctx, existing.ID)
	}
	if !validEmail(p.Email) {
		l.Log.WarnContext(ctx, "user source answered no usable email", "source", s.ID)
		return nil, nil
	}
	tenantID, newTenant := l.resolveTenant(cfg, p)
	if tenantID == "" {
		l.Log.WarnContext(ctx, "user source answered no account for the user", "source", s.ID, "resolver", cfg.TenantConfig.TenantResolverType)
		return nil, nil
	}
	metadata := p.Metadata
	if metadata == "" || !jsonObject(metadata) {
		metadata = "{}"
	}
	u := &iam.User{ID: uuid.NewString(), Email: p.Email, Name: p.Name, ProfilePictureURL: p.Picture, PhoneNumber: p.Phone,
		PasswordHash: hash, Verified: p.Verified, Metadata: metadata, Provider: "local", ExternalID: p.ExternalID,
		ActiveTenantID: tenantID, CreatedAt: now, UpdatedAt: now}
	if hash != "" {
		u.PasswordChangedAt = &now
	}
	out := make([]outcome, 1)
	err := l.DB.InTx(ctx, func(tx *store.Tx) error {
		if newTenant {
			t := &iam.Tenant{ID: tenantID, TenantID: tenantID, Name: p.Email, Metadata: "{}", CreatedAt: now, UpdatedAt: now}
			if err := tx.CreateTenant(ctx, t); err != nil {
				return err
			}
		}
		c := &checked{user: u, tenantID: tenantID, origin: store.MigratedUser{}}
		return l.Migrator.insertChecked(ctx, tx, "", s.ID, []*checked{c}, out)
	})
	if err != nil {
		return nil, err
	}
	if out[0].err != nil {
		l.Log.WarnContext(ctx, "user from source not created", "source", s.ID, "reason", out[0].err.msg)
		return nil, nil
	}
	return u, nil
}

func syncProfile(u *iam.User, p *profile, now time.Time) {
	if p.Name != "" {
		u.Name = p.Name
	}
	if p.Picture != "" {
		u.ProfilePictureURL = p.Picture
	}
	if validPhone(p.Phone) {
		u.PhoneNumber = p.Phone
	}
	u.Verified = u.Verified || p.Verified
	u.UpdatedAt = now
}

// resolveTenant returns the account a new user of the source joins, and
// whether it must be made.
func (l *SourceLogin) resolveTenant(cfg *sourceConfig, p *profile) (string, bool) {
	switch cfg.TenantConfig.TenantResolverType {
	case TenantStatic:
		return cfg.TenantConfig.TenantID, false
	case TenantDynamic:
		return claimString(p.Claims, cfg.TenantConfig.TenantIDFieldName), false
	case TenantFromSource:
		return p.TenantID, false
	case TenantNew:
		return uuid.NewString(), true
	}
	return "", false
}

// claimString finds name at the top of claims, or in their app_metadata,
// user_metadata or metadata objects (where Auth0 and Frontegg keep custom fields).
func claimString(claims map[string]any, name string) string {
	if v := stringField(claims, name); v != "" {
		return v
	}
	for _, nested := range []string{"app_metadata", "user_metadata", "metadata"} {
		switch m := claims[nested].(type) {
		case map[string]any:
			if v := stringField(m, name); v != "" {
				return v
			}
		case string: // Frontegg tokens carry metadata as JSON text
			var obj map[string]any
			if json.Unmarshal([]byte(m), &obj) == nil {
				if v := stringField(obj, name); v != "" {
					return v
				}
			}
		}
	}
	return ""
}

// rejectedOn turns a remote answer of one of statuses into errRejected.
func rejectedOn(err error, statuses ...int) error {
	var se *statusError
	if errors.As(err, &se) {
		for _, s := range statuses {
			if se.Status == s {
				return fmt.Errorf("%w: %v", errRejected, err)
			}
		}
	}
	return err
}
