package oauth

import (
	"context"

	"github.com/hatchid/hatch/internal/iam"
)

// oneApp is a single registered application, public and open to every user,
// for tests that drive the handler without the applications package.
type oneApp struct{ id, redirect string }

func (a oneApp) FindOAuthClient(_ context.Context, id string) (*iam.OAuthClient, error) {
	if id != a.id {
		return nil, iam.ErrNotFound
	}
	return &iam.OAuthClient{ID: a.id, AppID: a.id, Active: true, RedirectURIs: []string{a.redirect}}, nil
}

func (oneApp) CheckAccess(context.Context, string, string, string) error { return nil }
