package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

// Single sign-on storage: an account's SAML and OIDC configurations with
// their claimed email domains, default roles and group mappings; the logins
// sent to an IdP and not yet back; and the SAML assertions already used.

// SSOConfiguration is one account's connection to an identity provider.
type SSOConfiguration struct {
	ID                   string
	TenantID             string
	Type                 string // saml or oidc
	Enabled              bool
	SSOEndpoint          string // SAML: the IdP's SSO URL; OIDC: the issuer
	IdPEntityID          string
	PublicCertificate    string // the IdP's signing certificates, PEM
	SignRequest          bool
	MetadataURL          string
	IdPMetadata          string // XML
	OIDCClientID         string
	OIDCSecret           string // sealed
	ConfigMetadata       string // JSON object
	OverrideActiveTenant bool
	CreatedAt            time.Time
	UpdatedAt            time.Time

	Domains []*SSODomain // filled by the Find methods
	RoleIDs []string     // default roles, filled by the Find methods
	Groups  []*SSOGroup  // filled by the Find methods
}

// SSODomain is an email domain a configuration claims.
type SSODomain struct {
	ID              string
	ConfigurationID string
	Domain          string // lower case
	Validated       bool
	TXTRecord       string // the value to publish in a DNS TXT record of Domain
	CreatedAt       time.Time
}

// SSOGroup maps an IdP group to roles.
type SSOGroup struct {
	ID              string
	ConfigurationID string
	Name            string
	RoleIDs         []string
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

const ssoColumns = `id, tenant_id, type, enabled, sso_endpoint, idp_entity_id, public_certificate, sign_request,
	metadata_url, idp_metadata, oidc_client_id, oidc_secret, config_metadata, override_active_tenant, created_at, updated_at`

func scanSSOConfiguration(row interface{ Scan(...any) error }) (*SSOConfiguration, error) {
	var c SSOConfiguration
	var created, updated int64
	err := row.Scan(&c.ID, &c.TenantID, &c.Type, &c.Enabled, &c.SSOEndpoint, &c.IdPEntityID, &c.PublicCertificate,
		&c.SignRequest, &c.MetadataURL, &c.IdPMetadata, &c.OIDCClientID, &c.OIDCSecret, &c.ConfigMetadata,
		&c.OverrideActiveTenant, &created, &updated)
	if err != nil {
		return nil, mapErr(err)
	}
	c.CreatedAt, c.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &c, nil
}

// CreateSSOConfiguration inserts c. It returns iam.ErrNotFound when the account does not exist.
func (db *DB) CreateSSOConfiguration(ctx context.Context, c *SSOConfiguration) error {
	if _, err := db.FindTenant(ctx, c.TenantID); err != nil {
		return err
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO sso_configurations (`+ssoColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		c.ID, c.TenantID, c.Type, c.Enabled, c.SSOEndpoint, c.IdPEntityID, c.PublicCertificate, c.SignRequest,
		c.MetadataURL, c.IdPMetadata, c.OIDCClientID, c.OIDCSecret, c.ConfigMetadata, c.OverrideActiveTenant,
		micros(c.CreatedAt), micros(c.UpdatedAt))
	return mapErr(err)
}

// UpdateSSOConfiguration saves every field of c but its id, account and
// creation time. It returns iam.ErrNotFound when c is not in its account.
func (db *DB) UpdateSSOConfiguration(ctx context.Context, c *SSOConfiguration) error {
	res, err := db.w.ExecContext(ctx, `UPDATE sso_configurations SET type = $3, enabled = $4, sso_endpoint = $5,
		idp_entity_id = $6, public_certificate = $7, sign_request = $8, metadata_url = $9, idp_metadata = $10,
		oidc_client_id = $11, oidc_secret = $12, config_metadata = $13, override_active_tenant = $14, updated_at = $15
		WHERE id = $1 AND tenant_id = $2`,
		c.ID, c.TenantID, c.Type, c.Enabled, c.SSOEndpoint, c.IdPEntityID, c.PublicCertificate, c.SignRequest,
		c.MetadataURL, c.IdPMetadata, c.OIDCClientID, c.OIDCSecret, c.ConfigMetadata, c.OverrideActiveTenant,
		micros(c.UpdatedAt))
	return affectedOne(res, err)
}

// DeleteSSOConfiguration removes the configuration of tenantID with its
// domains, roles and groups, or returns iam.ErrNotFound.
func (db *DB) DeleteSSOConfiguration(ctx context.Context, tenantID, id string) error {
	res, err := db.w.ExecContext(ctx, `DELETE FROM sso_configurations WHERE id = $1 AND tenant_id = $2`, id, tenantID)
	return affectedOne(res, err)
}

// FindSSOConfigurations returns the configurations of tenantID, oldest first,
// with their domains, default roles and groups.
func (db *DB) FindSSOConfigurations(ctx context.Context, tenantID string) ([]*SSOConfiguration, error) {
	return db.querySSOConfigurations(ctx, `SELECT `+ssoColumns+` FROM sso_configurations WHERE tenant_id = $1 ORDER BY created_at, id`, tenantID)
}

// FindSSOConfiguration returns configuration id, with its domains, default
// roles and groups, or iam.ErrNotFound. A tenantID of "" matches any account.
func (db *DB) FindSSOConfiguration(ctx context.Context, tenantID, id string) (*SSOConfiguration, error) {
	cs, err := db.querySSOConfigurations(ctx, `SELECT `+ssoColumns+` FROM sso_configurations
		WHERE id = $1 AND ($2 = '' OR tenant_id = $2)`, id, tenantID)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, iam.ErrNotFound
	}
	return cs[0], nil
}

// FindSSOConfigurationsByDomain returns the enabled configurations that
// claim domain validated, oldest first. With unvalidated true, and only while
// no configuration (enabled or not) holds domain validated, it returns the
// enabled configurations that claim it unvalidated instead: a domain someone
// proved is never spoken for by a claim nobody proved.
func (db *DB) FindSSOConfigurationsByDomain(ctx context.Context, domain string, unvalidated bool) ([]*SSOConfiguration, error) {
	return db.querySSOConfigurations(ctx, `SELECT `+prefixed("c.", ssoColumns)+` FROM sso_configurations c
		JOIN sso_domains d ON d.configuration_id = c.id
		WHERE d.domain = $1 AND c.enabled = TRUE AND (d.validated = TRUE OR ($2 = TRUE
			AND NOT EXISTS (SELECT 1 FROM sso_domains v WHERE v.domain = $1 AND v.validated = TRUE)))
		ORDER BY c.created_at, c.id`,
		strings.ToLower(domain), unvalidated)
}

// FindSSOConfigurationsByIssuer returns the enabled SAML configurations
// whose IdP entity id is issuer.
func (db *DB) FindSSOConfigurationsByIssuer(ctx context.Context, issuer string) ([]*SSOConfiguration, error) {
	return db.querySSOConfigurations(ctx, `SELECT `+ssoColumns+` FROM sso_configurations
		WHERE idp_entity_id = $1 AND type = 'saml' AND enabled = TRUE ORDER BY created_at, id`, issuer)
}

// prefixed qualifies each column of a column list with p.
func prefixed(p, columns string) string {
	parts := strings.Split(columns, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

func (db *DB) querySSOConfigurations(ctx context.Context, q string, args ...any) ([]*SSOConfiguration, error) {
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	var out []*SSOConfiguration
	for rows.Next() {
		c, err := scanSSOConfiguration(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, c := range out {
		if err := db.loadSSODetails(ctx, c); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// loadSSODetails fills the domains, default roles and groups of c.
func (db *DB) loadSSODetails(ctx context.Context, c *SSOConfiguration) error {
	c.Domains, c.RoleIDs, c.Groups = []*SSODomain{}, []string{}, []*SSOGroup{}
	rows, err := db.r.QueryContext(ctx, `SELECT id, configuration_id, domain, validated, txt_record, created_at
		FROM sso_domains WHERE configuration_id = $1 ORDER BY created_at, id`, c.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var d SSODomain
		var created int64
		if err := rows.Scan(&d.ID, &d.ConfigurationID, &d.Domain, &d.Validated, &d.TXTRecord, &created); err != nil {
			rows.Close()
			return err
		}
		d.CreatedAt = fromMicros(created)
		c.Domains = append(c.Domains, &d)
	}
	rows.Close()
	if c.RoleIDs, err = db.queryIDs(ctx, `SELECT role_id FROM sso_default_roles WHERE configuration_id = $1 ORDER BY role_id`, c.ID); err != nil {
		return err
	}
	rows, err = db.r.QueryContext(ctx, `SELECT id, configuration_id, name, created_at, updated_at
		FROM sso_groups WHERE configuration_id = $1 ORDER BY created_at, id`, c.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var g SSOGroup
		var created, updated int64
		if err := rows.Scan(&g.ID, &g.ConfigurationID, &g.Name, &created, &updated); err != nil {
			rows.Close()
			return err
		}
		g.CreatedAt, g.UpdatedAt = fromMicros(created), fromMicros(updated)
		c.Groups = append(c.Groups, &g)
	}
	rows.Close()
	for _, g := range c.Groups {
		if g.RoleIDs, err = db.queryIDs(ctx, `SELECT role_id FROM sso_group_roles WHERE group_id = $1 ORDER BY role_id`, g.ID); err != nil {
			return err
		}
	}
	return nil
}

// queryIDs returns the single text column of q's rows, never nil.
func (db *DB) queryIDs(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// ErrSSODomainHeld is returned when a claim cannot be validated because
// another configuration holds its domain validated: any other configuration,
// or, when the domain may be shared between accounts, another configuration
// of the same account (an account speaks for a domain through one IdP).
var ErrSSODomainHeld = fmt.Errorf("%w: the SSO domain is validated by another configuration", iam.ErrConflict)

// CreateSSODomain adds d to its configuration; a claim created validated
// (d.Validated) is checked as ValidateSSODomain checks one, with shared the
// same. It returns iam.ErrConflict when the configuration already claims the
// domain, and ErrSSODomainHeld when d is validated and the domain is held.
func (db *DB) CreateSSODomain(ctx context.Context, d *SSODomain, shared bool) error {
	d.Domain = strings.ToLower(d.Domain)
	return db.InTx(ctx, func(tx *Tx) error {
		if d.Validated {
			if err := tx.checkSSODomainFree(ctx, d.Domain, d.ConfigurationID, d.ID, shared); err != nil {
				return err
			}
		}
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO sso_domains (id, configuration_id, domain, validated, txt_record, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, d.ID, d.ConfigurationID, d.Domain, d.Validated, d.TXTRecord, micros(d.CreatedAt))
		return mapErr(err)
	})
}

// DeleteSSODomain removes a domain of configurationID, or returns iam.ErrNotFound.
func (db *DB) DeleteSSODomain(ctx context.Context, configurationID, id string) error {
	res, err := db.w.ExecContext(ctx, `DELETE FROM sso_domains WHERE id = $1 AND configuration_id = $2`, id, configurationID)
	return affectedOne(res, err)
}

// ValidateSSODomain marks a domain of configurationID validated. shared says
// whether several accounts may hold a domain validated (the environment's
// multiple-SSO-per-domain setting). It returns iam.ErrNotFound when there is
// no such domain and ErrSSODomainHeld when the domain is held (see
// ErrSSODomainHeld); a claim already validated stays validated.
func (db *DB) ValidateSSODomain(ctx context.Context, configurationID, id string, shared bool) error {
	return db.InTx(ctx, func(tx *Tx) error {
		var domain string
		var validated bool
		err := tx.tx.QueryRowContext(ctx, `SELECT domain, validated FROM sso_domains WHERE id = $1 AND configuration_id = $2`,
			id, configurationID).Scan(&domain, &validated)
		if err != nil || validated {
			return mapErr(err)
		}
		if err := tx.checkSSODomainFree(ctx, domain, configurationID, id, shared); err != nil {
			return err
		}
		_, err = tx.tx.ExecContext(ctx, `UPDATE sso_domains SET validated = TRUE WHERE id = $1`, id)
		return err
	})
}

// ForceValidateSSODomains marks the claims of domain validated that
// ValidateSSODomain would accept, oldest first: when the domain is not shared,
// the oldest claim unless a configuration already holds it validated (then
// nothing changes); when shared, the oldest claim of each account that holds
// it in none of its configurations. It returns iam.ErrNotFound when no
// configuration claims the domain.
func (db *DB) ForceValidateSSODomains(ctx context.Context, domain string, shared bool) error {
	domain = strings.ToLower(domain)
	return db.InTx(ctx, func(tx *Tx) error {
		if err := tx.lockSSODomain(ctx, domain); err != nil {
			return err
		}
		rows, err := tx.tx.QueryContext(ctx, `SELECT d.id, d.validated, c.tenant_id FROM sso_domains d
			JOIN sso_configurations c ON c.id = d.configuration_id
			WHERE d.domain = $1 ORDER BY d.validated DESC, d.created_at, d.id`, domain)
		if err != nil {
			return err
		}
		claims := 0
		held := map[string]bool{} // the accounts holding the domain; one key for all when not shared
		var ids []string
		for rows.Next() {
			var id, tenantID string
			var validated bool
			if err := rows.Scan(&id, &validated, &tenantID); err != nil {
				rows.Close()
				return err
			}
			claims++
			if !shared {
				tenantID = ""
			}
			if !validated && !held[tenantID] {
				ids = append(ids, id)
			}
			held[tenantID] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if claims == 0 {
			return iam.ErrNotFound
		}
		for _, id := range ids {
			if _, err := tx.tx.ExecContext(ctx, `UPDATE sso_domains SET validated = TRUE WHERE id = $1`, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// checkSSODomainFree returns ErrSSODomainHeld when a claim other than exceptID
// holds domain validated and conflicts with a claim of configurationID: any
// such claim, or with shared, one of the same account. It first takes the
// domain's lock, so that the check holds until the transaction ends.
func (tx *Tx) checkSSODomainFree(ctx context.Context, domain, configurationID, exceptID string, shared bool) error {
	if err := tx.lockSSODomain(ctx, domain); err != nil {
		return err
	}
	var n int
	err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sso_domains d JOIN sso_configurations c ON c.id = d.configuration_id
		WHERE d.domain = $1 AND d.validated = TRUE AND d.id <> $2
			AND ($3 = FALSE OR c.tenant_id = (SELECT tenant_id FROM sso_configurations WHERE id = $4))`,
		domain, exceptID, shared, configurationID).Scan(&n)
	if err != nil {
		return err
	}
	if n > 0 {
		return ErrSSODomainHeld
	}
	return nil
}

// lockSSODomain serializes, until the transaction ends, the transactions that
// validate claims of domain, so that two of them cannot both find it free. A
// row lock would not do: a claim being created has no row yet. SQLite
// transactions already exclude every other writer.
func (tx *Tx) lockSSODomain(ctx context.Context, domain string) error {
	if tx.Dialect != Postgres {
		return nil
	}
	_, err := tx.tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, "sso-domain/"+domain)
	return err
}

// SetSSODefaultRoles replaces the default roles of configurationID. It
// returns iam.ErrNotFound when a role is not usable in tenantID.
func (db *DB) SetSSODefaultRoles(ctx context.Context, tenantID, configurationID string, roleIDs []string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if err := tx.CheckRoles(ctx, tenantID, roleIDs); err != nil {
			return err
		}
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM sso_default_roles WHERE configuration_id = $1`, configurationID); err != nil {
			return err
		}
		for id := range uniq(roleIDs) {
			if _, err := tx.tx.ExecContext(ctx, `INSERT INTO sso_default_roles (configuration_id, role_id) VALUES ($1, $2)`, configurationID, id); err != nil {
				return mapErr(err)
			}
		}
		return nil
	})
}

// SaveSSOGroup creates or (when create is false) updates g with its roles.
// It returns iam.ErrNotFound when a role is not usable in tenantID or the
// group does not exist, and iam.ErrConflict when the configuration already
// maps a group of that name.
func (db *DB) SaveSSOGroup(ctx context.Context, tenantID string, g *SSOGroup, create bool) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if err := tx.CheckRoles(ctx, tenantID, g.RoleIDs); err != nil {
			return err
		}
		if create {
			_, err := tx.tx.ExecContext(ctx, `INSERT INTO sso_groups (id, configuration_id, name, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5)`, g.ID, g.ConfigurationID, g.Name, micros(g.CreatedAt), micros(g.UpdatedAt))
			if err != nil {
				return mapErr(err)
			}
		} else {
			res, err := tx.tx.ExecContext(ctx, `UPDATE sso_groups SET name = $3, updated_at = $4 WHERE id = $1 AND configuration_id = $2`,
				g.ID, g.ConfigurationID, g.Name, micros(g.UpdatedAt))
			if err := affectedOne(res, err); err != nil {
				return err
			}
			if _, err := tx.tx.ExecContext(ctx, `DELETE FROM sso_group_roles WHERE group_id = $1`, g.ID); err != nil {
				return err
			}
		}
		for id := range uniq(g.RoleIDs) {
			if _, err := tx.tx.ExecContext(ctx, `INSERT INTO sso_group_roles (group_id, role_id) VALUES ($1, $2)`, g.ID, id); err != nil {
				return mapErr(err)
			}
		}
		return nil
	})
}

// DeleteSSOGroup removes a group of configurationID, or returns iam.ErrNotFound.
func (db *DB) DeleteSSOGroup(ctx context.Context, configurationID, id string) error {
	res, err := db.w.ExecContext(ctx, `DELETE FROM sso_groups WHERE id = $1 AND configuration_id = $2`, id, configurationID)
	return affectedOne(res, err)
}

// SSOLoginState is a login sent to an IdP and not yet back.
type SSOLoginState struct {
	Hash            string // SHA-256 of the state value the IdP echoes
	ConfigurationID string
	RequestID       string
	Nonce           string
	CodeVerifier    string // sealed
	RedirectURI     string
	ReturnTo        string
	CreatedAt       time.Time
	ExpiresAt       time.Time
}

// CreateSSOLoginState stores s, first dropping states that expired before s
// was made.
func (db *DB) CreateSSOLoginState(ctx context.Context, s *SSOLoginState) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM sso_login_states WHERE expires_at < $1`, micros(s.CreatedAt)); err != nil {
			return err
		}
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO sso_login_states (hash, configuration_id, request_id, nonce, code_verifier,
			redirect_uri, return_to, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			s.Hash, s.ConfigurationID, s.RequestID, s.Nonce, s.CodeVerifier, s.RedirectURI, s.ReturnTo,
			micros(s.CreatedAt), micros(s.ExpiresAt))
		return mapErr(err)
	})
}

// UseSSOLoginState deletes and returns the state with hash, or returns
// iam.ErrNotFound when there is none or it expired: each state is used once,
// whichever node gets it.
func (db *DB) UseSSOLoginState(ctx context.Context, hash string, now time.Time) (*SSOLoginState, error) {
	var s SSOLoginState
	var created, expires int64
	err := db.w.QueryRowContext(ctx, `DELETE FROM sso_login_states WHERE hash = $1 RETURNING hash, configuration_id,
		request_id, nonce, code_verifier, redirect_uri, return_to, created_at, expires_at`, hash).
		Scan(&s.Hash, &s.ConfigurationID, &s.RequestID, &s.Nonce, &s.CodeVerifier, &s.RedirectURI, &s.ReturnTo, &created, &expires)
	if err != nil {
		return nil, mapErr(err)
	}
	s.CreatedAt, s.ExpiresAt = fromMicros(created), fromMicros(expires)
	if !s.ExpiresAt.After(now) {
		return nil, iam.ErrNotFound
	}
	return &s, nil
}

// UseSAMLAssertion records the assertion id as used until expires. It
// returns iam.ErrConflict when the id is already recorded, so that an
// assertion is accepted once across every node. Records that expired before
// now are dropped first.
func (db *DB) UseSAMLAssertion(ctx context.Context, id string, expires, now time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM saml_assertions WHERE expires_at < $1`, micros(now)); err != nil {
			return err
		}
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO saml_assertions (id, expires_at) VALUES ($1, $2)`, id, micros(expires))
		if err != nil {
			return fmt.Errorf("assertion %s: %w", id, mapErr(err))
		}
		return nil
	})
}

// VerifyByIdentityProvider marks a user verified because an identity
// provider vouched for its address. A user that was not verified yet loses
// its password and its sessions: whoever registered the address before its
// owner arrived through the IdP (pre-account hijacking) keeps no way in. The
// owner can set a password through a reset. It returns whether u changed.
func (tx *Tx) VerifyByIdentityProvider(ctx context.Context, u *iam.User, now time.Time) (bool, error) {
	if u.Verified {
		return false, nil
	}
	if u.PasswordHash != "" {
		if err := tx.SetPassword(ctx, u.ID, "", now); err != nil {
			return false, err
		}
		u.PasswordHash = ""
	}
	if err := tx.RevokeUserSessions(ctx, u.ID, "", now); err != nil {
		return false, err
	}
	u.Verified, u.UpdatedAt = true, now
	return true, nil
}
