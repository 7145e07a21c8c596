package users

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// Users lists: _limit defaults to 50 and may not pass 200; _offset is a page
// index, not a row count (identity-api.md §6).
const (
	defaultUsersLimit = 50
	maxUsersLimit     = 200
)

var userSortFields = []string{"createdAt", "name", "email", "id", "verified", "isLocked", "provider", "tenantId"}

// listTenant returns the tenant a list is confined to. The vendor may name one
// with frontegg-tenant-id or _tenantId, or none; anyone else lists the
// token's tenant and may not ask for another.
func listTenant(r *http.Request) (string, error) {
	p := api.PrincipalFrom(r.Context())
	asked := r.URL.Query().Get("_tenantId")
	if p.IsVendor() {
		if p.TenantID != "" {
			return p.TenantID, nil
		}
		return asked, nil
	}
	if asked != "" && asked != p.TenantID {
		return "", iam.Forbidden("Insufficient permissions")
	}
	return p.TenantID, nil
}

// pageOf reads the paging of a users-style list, whose _offset counts pages.
func pageOf(r *http.Request, sortFields []string) (store.Page, string, error) {
	pg, err := api.ParsePaging(r, defaultUsersLimit)
	if err != nil {
		return store.Page{}, "", err
	}
	if pg.Limit == 0 {
		pg.Limit = defaultUsersLimit
	}
	if pg.Limit > maxUsersLimit {
		return store.Page{}, "", iam.Invalid("_limit must not be greater than %d", maxUsersLimit)
	}
	if pg.SortBy != "" && !slices.Contains(sortFields, pg.SortBy) {
		return store.Page{}, "", iam.Invalid("_sortBy must be one of %s", strings.Join(sortFields, ", "))
	}
	return store.Page{Limit: pg.Limit, Offset: pg.Offset * pg.Limit, SortBy: pg.SortBy, Desc: pg.Desc}, pg.Filter, nil
}

// userQuery reads the filters users/v3 shares with the other users lists.
func userQuery(r *http.Request) (store.UserQuery, error) {
	page, filter, err := pageOf(r, userSortFields)
	if err != nil {
		return store.UserQuery{}, err
	}
	tenantID, err := listTenant(r)
	if err != nil {
		return store.UserQuery{}, err
	}
	q := r.URL.Query()
	uq := store.UserQuery{
		TenantID: tenantID, Email: q.Get("_email"), IDs: splitList(q["ids"]), ExternalIDs: splitList(q["_externalIds"]),
		NamePrefix: q.Get("_namePrefix"), IdentifierType: q.Get("_identifierType"), Identifier: q.Get("_identifier"),
		IncludeInvisible: api.PrincipalFrom(r.Context()).IsVendor(), Page: page,
	}
	if filter != "" {
		uq.Contains = []string{filter}
	}
	switch {
	case (uq.Identifier == "") != (uq.IdentifierType == ""):
		return uq, iam.Invalid("_identifier and _identifierType must be given together")
	case uq.IdentifierType != "" && !slices.Contains([]string{"email", "phoneNumber", "username"}, uq.IdentifierType):
		return uq, iam.Invalid("_identifierType must be one of email, phoneNumber, username")
	}
	if v := q.Get("_includeSubTenants"); v != "" {
		if _, err := strconv.ParseBool(v); err != nil {
			return uq, iam.Invalid("_includeSubTenants must be a boolean")
		}
	}
	return uq, nil
}

// listUsers answers a page of users (GET users/v3).
func (h *Handler) listUsers(w http.ResponseWriter, r *http.Request) error {
	q, err := userQuery(r)
	if err != nil {
		return err
	}
	return h.writeUserPage(w, r, q)
}

// searchUsers is listUsers with phrase search: every _phraseSearchContains
// term, none of _phraseSearchExcludes and one of _phraseSearchOptional must
// appear in the name, email or username. Matching is by case-insensitive
// substring, also when _phraseSearchApproximate asks for fuzzy matching.
func (h *Handler) searchUsers(w http.ResponseWriter, r *http.Request) error {
	q, err := userQuery(r)
	if err != nil {
		return err
	}
	v := r.URL.Query()
	q.Contains = append(q.Contains, splitList(v["_phraseSearchContains"])...)
	q.Excludes = splitList(v["_phraseSearchExcludes"])
	q.Optional = splitList(v["_phraseSearchOptional"])
	if s := v.Get("_phraseSearchApproximate"); s != "" {
		if _, err := strconv.ParseBool(s); err != nil {
			return iam.Invalid("_phraseSearchApproximate must be a boolean")
		}
	}
	return h.writeUserPage(w, r, q)
}

func (h *Handler) writeUserPage(w http.ResponseWriter, r *http.Request, q store.UserQuery) error {
	users, total, err := h.DB.ListUsers(r.Context(), q)
	if err != nil {
		return err
	}
	items, err := h.usersJSON(r.Context(), users, q.TenantID)
	if err != nil {
		return err
	}
	return api.OK(w, api.NewList(items, total, q.Limit))
}
