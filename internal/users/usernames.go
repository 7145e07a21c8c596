package users

import (
	"errors"
	"net/http"
	"strings"
	"unicode"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// maxUsernameLength bounds a username.
const maxUsernameLength = 128

// checkUsername accepts any printable name without spaces.
func checkUsername(s string) error {
	if s == "" {
		return iam.Invalid("username is required")
	}
	if err := checkLength("username", s, maxUsernameLength); err != nil {
		return err
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) >= 0 {
		return iam.Invalid("username must not contain spaces or control characters")
	}
	return nil
}

// usernameJSON is a user's username; vendorId is read by @frontegg/rest-api's
// getUsersUsernames (GetUserUsernamesResponse).
type usernameJSON struct {
	VendorID string `json:"vendorId"`
	Username string `json:"username"`
	UserID   string `json:"userId"`
}

// listUsernames answers a page of usernames, of the token's tenant's users
// for anyone but the vendor.
func (h *Handler) listUsernames(w http.ResponseWriter, r *http.Request) error {
	page, _, err := pageOf(r, []string{"userId", "username"})
	if err != nil {
		return err
	}
	q := r.URL.Query()
	found, total, err := h.DB.FindUsernames(r.Context(), store.UsernameFilter{
		Prefix: q.Get("_usernamePrefix"), UserIDs: splitList(q["userIds"]), Usernames: splitList(q["usernames"]),
		TenantID: scopeTenant(r), Page: page,
	})
	if err != nil {
		return err
	}
	items := make([]usernameJSON, len(found))
	for i, u := range found {
		items[i] = usernameJSON{VendorID: h.ClientID, Username: u.Username, UserID: u.UserID}
	}
	return api.OK(w, api.NewList(items, total, page.Limit))
}

// createUsername gives the caller a username, replacing the one it had.
func (h *Handler) createUsername(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Username string `json:"username"`
	}
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	req.Username = strings.TrimSpace(req.Username)
	if err := checkUsername(req.Username); err != nil {
		return err
	}
	u, err := h.self(r)
	if err != nil {
		return err
	}
	err = h.DB.SetUsername(r.Context(), u.ID, req.Username, h.Now())
	if errors.Is(err, iam.ErrConflict) {
		return iam.Conflict("Username is already taken")
	}
	if err != nil {
		return err
	}
	return api.Created(w, usernameJSON{VendorID: h.ClientID, Username: req.Username, UserID: u.ID})
}

// deleteUsername removes a username: the caller's own, or for the vendor
// without frontegg-user-id, any user's.
func (h *Handler) deleteUsername(w http.ResponseWriter, r *http.Request) error {
	ctx, name := r.Context(), r.PathValue("username")
	p := api.PrincipalFrom(ctx)
	userID := p.UserID
	if p.IsVendor() && userID == "" {
		u, err := h.DB.FindUserByUsername(ctx, name)
		if errors.Is(err, iam.ErrNotFound) {
			return iam.NotFound("Username not found")
		}
		if err != nil {
			return err
		}
		userID = u.ID
	} else if _, err := selfID(r); err != nil {
		return err
	}
	err := h.DB.ClearUsername(ctx, userID, name, h.Now())
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("Username not found")
	}
	if err != nil {
		return err
	}
	return api.NoContent(w)
}

// getMyUsername answers the caller's username.
func (h *Handler) getMyUsername(w http.ResponseWriter, r *http.Request) error {
	u, err := h.self(r)
	if err != nil {
		return err
	}
	if u.Username == "" {
		return iam.NotFound("Username not found")
	}
	return api.OK(w, usernameJSON{VendorID: h.ClientID, Username: u.Username, UserID: u.ID})
}
