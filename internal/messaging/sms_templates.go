package messaging

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/notify"
	"github.com/hatchid/hatch/internal/store"
)

// SMS templates are {type, body, senderName, active}, one per SMS type Hatch
// sends (notify.SMSKinds), each with a built-in default. The body uses the
// email templates' {{variable}} placeholders: code, name, expiresInMinutes.

// smsTemplateJSON is an SMS template; isDefault is true when no override is stored.
type smsTemplateJSON struct {
	Type       notify.SMSKind `json:"type"`
	Body       string         `json:"body"`
	SenderName string         `json:"senderName"`
	Active     bool           `json:"active"`
	IsDefault  bool           `json:"isDefault"`
	CreatedAt  *time.Time     `json:"createdAt,omitempty"`
	UpdatedAt  *time.Time     `json:"updatedAt,omitempty"`
}

func toSMSTemplateJSON(kind notify.SMSKind, o *store.SMSTemplate) smsTemplateJSON {
	t := notify.OverrideSMS(kind, o)
	out := smsTemplateJSON{Type: kind, Body: t.Body, SenderName: t.SenderName, Active: t.Active, IsDefault: t.Default}
	if o != nil {
		out.CreatedAt, out.UpdatedAt = &o.CreatedAt, &o.UpdatedAt
	}
	return out
}

// smsKindOf reads the path's SMS type, with a 400 for an unknown one.
func smsKindOf(r *http.Request) (notify.SMSKind, error) {
	if k, ok := notify.ParseSMSKind(r.PathValue("type")); ok {
		return k, nil
	}
	names := make([]string, 0, len(notify.SMSKinds()))
	for _, k := range notify.SMSKinds() {
		names = append(names, string(k))
	}
	return "", iam.Invalid("type must be one of %s", strings.Join(names, ", "))
}

// listSMSTemplates answers every SMS type's template as it is sent.
func (h *Handler) listSMSTemplates(w http.ResponseWriter, r *http.Request) error {
	overrides, err := h.DB.FindSMSTemplates(r.Context())
	if err != nil {
		return err
	}
	byType := map[string]*store.SMSTemplate{}
	for _, o := range overrides {
		byType[o.Type] = o
	}
	out := []smsTemplateJSON{}
	for _, k := range notify.SMSKinds() {
		out = append(out, toSMSTemplateJSON(k, byType[string(k)]))
	}
	return api.OK(w, out)
}

// listDefaultSMSTemplates answers every SMS type's built-in template.
func (h *Handler) listDefaultSMSTemplates(w http.ResponseWriter, r *http.Request) error {
	out := []smsTemplateJSON{}
	for _, k := range notify.SMSKinds() {
		out = append(out, toSMSTemplateJSON(k, nil))
	}
	return api.OK(w, out)
}

func (h *Handler) getSMSTemplate(w http.ResponseWriter, r *http.Request) error {
	k, err := smsKindOf(r)
	if err != nil {
		return err
	}
	o, err := h.DB.FindSMSTemplate(r.Context(), string(k))
	if err != nil && !errors.Is(err, iam.ErrNotFound) {
		return err
	}
	return api.OK(w, toSMSTemplateJSON(k, o))
}

func (h *Handler) getDefaultSMSTemplate(w http.ResponseWriter, r *http.Request) error {
	k, err := smsKindOf(r)
	if err != nil {
		return err
	}
	return api.OK(w, toSMSTemplateJSON(k, nil))
}

// putSMSTemplate creates (201) or changes (200) the override of a type.
// Absent fields keep the override's value; a new override needs a body.
func (h *Handler) putSMSTemplate(w http.ResponseWriter, r *http.Request) error {
	k, err := smsKindOf(r)
	if err != nil {
		return err
	}
	var req struct {
		Body       *string `json:"body"`
		SenderName *string `json:"senderName"`
		Active     *bool   `json:"active"`
	}
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	now := h.Now()
	o, err := h.DB.FindSMSTemplate(ctx, string(k))
	created := errors.Is(err, iam.ErrNotFound)
	switch {
	case created:
		o = &store.SMSTemplate{Type: string(k), Active: true, CreatedAt: now}
	case err != nil:
		return err
	}
	if req.Body != nil {
		o.Body = strings.TrimSpace(*req.Body)
	}
	if req.SenderName != nil {
		o.SenderName = strings.TrimSpace(*req.SenderName)
	}
	if req.Active != nil {
		o.Active = *req.Active
	}
	switch {
	case o.Body == "":
		return iam.Invalid("body is required")
	case len([]rune(o.Body)) > 1600:
		return iam.Invalid("body must be at most 1600 characters")
	}
	if err := checkSenderName("senderName", o.SenderName); err != nil {
		return err
	}
	o.UpdatedAt = now
	if err := h.DB.SaveSMSTemplate(ctx, o); err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return api.JSON(w, status, toSMSTemplateJSON(k, o))
}

// deleteSMSTemplate removes a type's override, bringing its default back.
func (h *Handler) deleteSMSTemplate(w http.ResponseWriter, r *http.Request) error {
	k, err := smsKindOf(r)
	if err != nil {
		return err
	}
	err = h.DB.DeleteSMSTemplate(r.Context(), string(k))
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("SMS template not found")
	}
	if err != nil {
		return err
	}
	return api.NoContent(w)
}
