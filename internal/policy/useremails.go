package policy

import (
	"context"
	"errors"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// UserEmailsName is the settings document of the user emails policy.
const UserEmailsName = "user-emails-policy"

// UserEmails is the environment's user emails policy: whether users may
// change their own email address.
type UserEmails struct {
	AllowEmailChange bool `json:"allowEmailChange"`
}

// FindUserEmails returns the user emails policy; email changes are allowed
// until the vendor says otherwise.
func FindUserEmails(ctx context.Context, db *store.DB) (UserEmails, error) {
	p := UserEmails{AllowEmailChange: true}
	if err := db.FindSetting(ctx, "", UserEmailsName, &p); err != nil && !errors.Is(err, iam.ErrNotFound) {
		return p, err
	}
	return p, nil
}
