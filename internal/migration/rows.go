package migration

import (
	"bytes"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// userRow is one user of a migration: Frontegg's migration DTO (v1), with the
// v2 bulk route's emails list. The rows of `hatch import` have the same shape.
type userRow struct {
	TenantID                  string     `json:"tenantId"`
	Name                      string     `json:"name"`
	ProfilePictureURL         string     `json:"profilePictureUrl"`
	PasswordHash              string     `json:"passwordHash"`
	PasswordHashType          string     `json:"passwordHashType"`
	PasswordHashConfig        jsonText   `json:"passwordHashConfig"`
	AuthenticatorAppMfaSecret string     `json:"authenticatorAppMfaSecret"`
	PhoneNumber               string     `json:"phoneNumber"`
	PhoneNumberType           string     `json:"phoneNumberType"`
	Provider                  string     `json:"provider"`
	Metadata                  jsonText   `json:"metadata"`
	RoleIDs                   []string   `json:"roleIds"`
	VendorMetadata            jsonText   `json:"vendorMetadata"`
	ExternalID                string     `json:"externalId"`
	Username                  string     `json:"username"`
	Email                     string     `json:"email"`
	VerifyUser                *bool      `json:"verifyUser"`
	Verified                  *bool      `json:"verified"` // what Frontegg's docs and scripts also send
	Emails                    []rowEmail `json:"emails"`   // v2 bulk
}

type rowEmail struct {
	Email    string `json:"email"`
	Primary  bool   `json:"primary"`
	Verified bool   `json:"verified"`
}

// jsonText is a field the DTO declares as a stringified JSON object; the JSON
// object itself is accepted too.
type jsonText string

func (j *jsonText) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*j = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*j = jsonText(s)
	case len(b) > 0 && b[0] == '{':
		*j = jsonText(b)
	default:
		return &json.UnmarshalTypeError{Value: "value", Type: reflect.TypeFor[string]()}
	}
	return nil
}

// Enumerations of the DTO.
var (
	providers        = []string{"local", "saml", "google", "github", "facebook", "microsoft", "scim2", "slack", "apple"}
	phoneNumberTypes = []string{"auth", "mfa"}
)

// rowError is why a row was not migrated; kind picks the status of the
// single-user route (400, 404 or 409).
type rowError struct {
	kind iam.Kind
	msg  string
}

func (e *rowError) Error() string { return e.msg }

func invalid(format string, args ...any) *rowError {
	return &rowError{kind: iam.KindInvalid, msg: fmt.Sprintf(format, args...)}
}

// decodeRow reads one staged row. A row that does not decode is a failure of
// that row only; the row is still returned when it is a JSON object whose
// fields decoded only in part (so that its email can be reported).
func decodeRow(payload string) (*userRow, *rowError) {
	var r userRow
	if err := json.Unmarshal([]byte(payload), &r); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return &r, invalid("%s has the wrong type", te.Field)
		}
		return nil, invalid("row is not a JSON object")
	}
	return &r, nil
}

// checked is a row that passed the checks needing no database.
type checked struct {
	user     *iam.User
	tenantID string
	roleIDs  []string
	origin   store.MigratedUser
}

// check validates a row and builds the user it describes, with its imported
// password hash and its TOTP seed sealed (in clear or sealed at staging).
func (m *Migrator) check(r *userRow, now time.Time) (*checked, *rowError) {
	email, verified := strings.TrimSpace(r.Email), r.VerifyUser
	if verified == nil {
		verified = r.Verified
	}
	if len(r.Emails) > 0 {
		primary := r.Emails[0]
		for _, e := range r.Emails {
			if e.Primary {
				primary = e
				break
			}
		}
		email = strings.TrimSpace(primary.Email)
		if verified == nil {
			verified = &primary.Verified
		}
	}
	switch {
	case email == "":
		return nil, invalid("email is required")
	case !validEmail(email):
		return nil, invalid("email must be an email")
	case strings.TrimSpace(r.TenantID) == "":
		return nil, invalid("tenantId is required")
	case len(r.Username) > 128:
		return nil, invalid("username must be at most 128 characters")
	case len(r.ProfilePictureURL) > 4095:
		return nil, invalid("profilePictureUrl must be at most 4095 characters")
	case r.Provider != "" && !slices.Contains(providers, r.Provider):
		return nil, invalid("provider must be one of %s", strings.Join(providers, ", "))
	case r.PhoneNumberType != "" && !slices.Contains(phoneNumberTypes, r.PhoneNumberType):
		return nil, invalid("phoneNumberType must be one of auth, mfa")
	case r.PhoneNumber != "" && !validPhone(r.PhoneNumber):
		return nil, invalid("phoneNumber must be in E.164 format, e.g. +16037184056")
	case r.Metadata != "" && !jsonObject(string(r.Metadata)):
		return nil, invalid("metadata must be a JSON object string")
	case r.VendorMetadata != "" && !jsonObject(string(r.VendorMetadata)):
		return nil, invalid("vendorMetadata must be a JSON object string")
	}
	hash := ""
	if r.PasswordHash != "" || r.PasswordHashType != "" {
		if r.PasswordHash == "" {
			return nil, invalid("passwordHash is required with passwordHashType")
		}
		typ := r.PasswordHashType
		if typ == "" {
			return nil, invalid("passwordHashType is required with passwordHash")
		}
		var err error
		if hash, err = secure.ImportHash(typ, r.PasswordHash, string(r.PasswordHashConfig)); err != nil {
			return nil, invalid("%s", err.Error())
		}
	}
	secret := ""
	if r.AuthenticatorAppMfaSecret != "" {
		var err *rowError
		if secret, err = m.sealTOTP(r.AuthenticatorAppMfaSecret); err != nil {
			return nil, err
		}
	}
	metadata := string(r.Metadata)
	if metadata == "" {
		metadata = "{}"
	}
	provider := r.Provider
	if provider == "" {
		provider = "local"
	}
	tenantID := strings.TrimSpace(r.TenantID)
	u := &iam.User{
		ID:                uuid.NewString(),
		Email:             email,
		Username:          strings.TrimSpace(r.Username),
		Name:              r.Name,
		PhoneNumber:       r.PhoneNumber,
		ProfilePictureURL: r.ProfilePictureURL,
		PasswordHash:      hash,
		Verified:          verified != nil && *verified,
		Metadata:          metadata,
		Provider:          provider,
		ExternalID:        r.ExternalID,
		ActiveTenantID:    tenantID,
		CreatedAt:         now,
		UpdatedAt:         now,
	}
	if hash != "" {
		u.PasswordChangedAt = &now
	}
	return &checked{user: u, tenantID: tenantID, roleIDs: r.RoleIDs, origin: store.MigratedUser{
		VendorMetadata: string(r.VendorMetadata), PhoneNumberType: r.PhoneNumberType, AuthenticatorSecret: secret,
	}}, nil
}

// sealTOTP checks a base32 TOTP seed and returns it sealed. A seed that
// arrives sealed (rows staged by the bulk routes) is opened to be checked.
func (m *Migrator) sealTOTP(seed string) (string, *rowError) {
	if strings.HasPrefix(seed, sealedPrefix) {
		plain, err := m.Sealer.Open(strings.TrimPrefix(seed, sealedPrefix), store.MigratedTOTPAAD)
		if err != nil {
			return "", invalid("authenticatorAppMfaSecret cannot be read")
		}
		seed = string(plain)
	}
	norm := strings.ToUpper(strings.ReplaceAll(strings.TrimRight(seed, "="), " ", ""))
	if _, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(norm); err != nil || len(norm) < 16 {
		return "", invalid("authenticatorAppMfaSecret must be a base32 secret of at least 16 characters")
	}
	return m.Sealer.Seal([]byte(norm), store.MigratedTOTPAAD), nil
}

// sealedPrefix marks a TOTP seed sealed at staging time, so staged rows never
// hold one in clear.
const sealedPrefix = "sealed:"

// stageUser returns the staged form of a user row: the row as received, with
// its authenticatorAppMfaSecret sealed so that no staged row holds a seed in
// clear. A row that is not a JSON object is staged as is and fails when the
// job runs.
func (m *Migrator) stageUser(raw json.RawMessage) string {
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		return string(raw)
	}
	var seed string
	if json.Unmarshal(fields["authenticatorAppMfaSecret"], &seed) != nil || seed == "" {
		return string(raw)
	}
	fields["authenticatorAppMfaSecret"], _ = json.Marshal(sealedPrefix + m.Sealer.Seal([]byte(seed), store.MigratedTOTPAAD))
	out, _ := json.Marshal(fields)
	return string(out)
}

func validEmail(s string) bool {
	if len(s) > 320 || strings.ContainsAny(s, " <>\"") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndexByte(s, '@'):], ".")
}

func validPhone(s string) bool {
	if len(s) < 8 || len(s) > 16 || s[0] != '+' || s[1] == '0' {
		return false
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func jsonObject(s string) bool {
	var v map[string]any
	return json.Unmarshal([]byte(s), &v) == nil
}
