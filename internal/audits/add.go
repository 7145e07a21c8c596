package audits

import (
	"net/http"
	"slices"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/audit"
	"github.com/hatchid/hatch/internal/iam"
)

// add records a custom entry of the vendor's in the frontegg-tenant-id
// account's log: severity (Info, Medium, High, Critical or Error) is
// required; user, email, action, resource, ip and userAgent become the
// entry's fields and anything else its json.
func (h *Handler) add(w http.ResponseWriter, r *http.Request) error {
	var body map[string]any
	if err := api.Decode(r, &body); err != nil {
		return err
	}
	tenantID, err := api.Account(r.Context())
	if err != nil {
		return err
	}
	e, err := customEvent(tenantID, body)
	if err != nil {
		return err
	}
	if err := h.Audit.Record(r.Context(), e); err != nil {
		return err
	}
	return api.JSON(w, http.StatusAccepted, nil)
}

// customEvent turns the body of a custom entry into an event of tenantID.
func customEvent(tenantID string, body map[string]any) (audit.Event, error) {
	e := audit.Event{TenantID: tenantID, Data: map[string]any{}}
	severity, _ := body["severity"].(string)
	if !slices.Contains([]string{audit.Info, audit.Medium, audit.High, audit.Critical, audit.Error}, severity) {
		return e, iam.Invalid("severity must be one of Info, Medium, High, Critical, Error")
	}
	e.Severity = severity
	fields := map[string]*string{"user": &e.UserID, "email": &e.Email, "action": &e.Action, "resource": &e.Resource,
		"ip": &e.IP, "userAgent": &e.UserAgent}
	for k, v := range body {
		dst, known := fields[k]
		switch {
		case k == "severity" || k == "tenantId":
		case known:
			s, ok := v.(string)
			if !ok {
				return e, iam.Invalid("%s must be of type string", k)
			}
			*dst = s
		default:
			e.Data[k] = v
		}
	}
	if e.Action == "" {
		e.Action = audit.ActionCustom
	}
	return e, nil
}
