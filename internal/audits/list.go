package audits

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/audit"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// auditJSON is an entry as Frontegg's clients read it (AuditRowData), with
// the actor, outcome and user agent besides.
type auditJSON struct {
	ID        string          `json:"_id"`
	VendorID  string          `json:"vendorId"`
	TenantID  string          `json:"tenantId"`
	User      string          `json:"user"` // the email, or the user id when there is none
	UserID    string          `json:"userId"`
	Email     string          `json:"email"`
	Action    string          `json:"action"`
	Resource  string          `json:"resource"`
	Severity  string          `json:"severity"`
	Outcome   string          `json:"outcome"`
	IP        string          `json:"ip"`
	UserAgent string          `json:"userAgent"`
	ActorID   string          `json:"actorId"`
	ActorType string          `json:"actorType"`
	ActorMail string          `json:"actorMail"`
	JSON      json.RawMessage `json:"json"`
	Time      string          `json:"time"`
	CreatedAt string          `json:"createdAt"`
	UpdatedAt string          `json:"updatedAt"`
}

func (h *Handler) toJSON(e *store.AuditEvent) auditJSON {
	user := e.Email
	if user == "" {
		user = e.UserID
	}
	at := e.CreatedAt.UTC().Format(time.RFC3339Nano)
	return auditJSON{ID: e.ID, VendorID: h.VendorID, TenantID: e.TenantID, User: user, UserID: e.UserID, Email: e.Email,
		Action: e.Action, Resource: e.Resource, Severity: e.Severity, Outcome: e.Outcome, IP: e.IP, UserAgent: e.UserAgent,
		ActorID: e.ActorID, ActorType: e.ActorType, ActorMail: e.ActorEmail, JSON: json.RawMessage(e.Data),
		Time: at, CreatedAt: at, UpdatedAt: at}
}

type listResponse struct {
	Data  []auditJSON `json:"data"`
	Total int         `json:"total"`
}

// list answers one page of the entries the query selects, newest first
// unless sorted otherwise.
func (h *Handler) list(w http.ResponseWriter, r *http.Request) error {
	f, err := h.filter(r, 20, 200)
	if err != nil {
		return err
	}
	events, total, err := h.DB.FindAuditEvents(r.Context(), f)
	if err != nil {
		return err
	}
	out := listResponse{Data: make([]auditJSON, len(events)), Total: total}
	for i, e := range events {
		out.Data[i] = h.toJSON(e)
	}
	return api.OK(w, out)
}

// filter reads a list query into a store filter, confined to what the caller
// may see: its active account, or for the vendor the account it names or
// every entry. count (or limit) is at most maxCount, defCount when absent.
//
// The query takes offset, count, sortBy, sortDirection (asc|desc, default
// desc), filter (free text), created_from and created_to (RFC 3339), and the
// field filters users (or userId), email, action, resource, severity, ip and
// outcome; list filters take repeated or comma-separated values.
func (h *Handler) filter(r *http.Request, defCount, maxCount int) (store.AuditFilter, error) {
	q := r.URL.Query()
	var f store.AuditFilter
	p := api.PrincipalFrom(r.Context())
	switch {
	case !p.IsVendor():
		f.TenantIDs = []string{p.TenantID}
	case p.TenantID != "":
		f.TenantIDs = []string{p.TenantID}
	case q.Get("tenantId") != "":
		f.TenantIDs = []string{q.Get("tenantId")}
	default:
		f.TenantIDs = values(q, "tenant_ids")
	}
	var err error
	if f.Page.Offset, err = intParam(q, "offset", 0, 0, 1<<31-1); err != nil {
		return f, err
	}
	countName := "count"
	if q.Get("count") == "" && q.Get("limit") != "" {
		countName = "limit"
	}
	if f.Page.Limit, err = intParam(q, countName, defCount, 1, maxCount); err != nil {
		return f, err
	}
	f.Page.SortBy = q.Get("sortBy")
	switch strings.ToLower(q.Get("sortDirection")) {
	case "", "desc":
		f.Page.Desc = true
	case "asc":
	default:
		return f, iam.Invalid("sortDirection must be one of asc, desc")
	}
	for name, dst := range map[string]*time.Time{"created_from": &f.From, "created_to": &f.To} {
		if s := q.Get(name); s != "" {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return f, iam.Invalid("%s must be a date-time (RFC 3339)", name)
			}
			*dst = t
		}
	}
	f.Text = q.Get("filter")
	f.UserIDs = append(values(q, "users"), values(q, "userId")...)
	f.Emails = values(q, "email")
	f.Actions = values(q, "action")
	f.Resources = values(q, "resource")
	f.Severity = values(q, "severity")
	f.IP = q.Get("ip")
	f.Outcome = q.Get("outcome")
	return f, nil
}

// values returns the values of a list parameter, given repeated (name=a&name=b,
// or name[]=a as axios sends arrays) or comma-separated.
func values(q url.Values, name string) []string {
	var out []string
	for _, raw := range append(q[name], q[name+"[]"]...) {
		for _, v := range strings.Split(raw, ",") {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

// intParam reads an integer parameter in [lo, hi], def when absent.
func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	s := q.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, iam.Invalid("%s must be an integer between %d and %d", name, lo, hi)
	}
	return n, nil
}

type statsResponse struct {
	TotalToday     int `json:"totalToday"`
	SevereThisWeek int `json:"severeThisWeek"`
}

// stats answers how many entries the caller's account has had since midnight
// UTC, and how many of severity High or Critical in the last seven days.
func (h *Handler) stats(w http.ResponseWriter, r *http.Request) error {
	f, err := h.filter(r, 20, 200)
	if err != nil {
		return err
	}
	ctx := r.Context()
	now := h.Now().UTC()
	today := store.AuditFilter{TenantIDs: f.TenantIDs, From: now.Truncate(24 * time.Hour)}
	severe := store.AuditFilter{TenantIDs: f.TenantIDs, From: now.Add(-7 * 24 * time.Hour), Severity: []string{audit.High, audit.Critical}}
	var out statsResponse
	if out.TotalToday, err = h.DB.CountAuditEvents(ctx, today); err != nil {
		return err
	}
	if out.SevereThisWeek, err = h.DB.CountAuditEvents(ctx, severe); err != nil {
		return err
	}
	return api.OK(w, out)
}
