package messaging

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/notify"
	"github.com/hatchid/hatch/internal/store"
)

// Every Frontegg email type has a built-in default. An override (POST
// mail/v1/configs/templates) replaces any of its fields; the fields it leaves
// empty keep the default's. The override has an id, shown by POST and the
// GET list, with which DELETE removes it and brings the default back. An
// inactive template's email is not sent at all.

// templateJSON is Frontegg's GetTemplateResponseDto, with the override's id
// when there is one.
type templateJSON struct {
	ID                        string      `json:"id,omitempty"`
	Type                      notify.Kind `json:"type"`
	HTMLTemplate              string      `json:"htmlTemplate"`
	SenderEmail               string      `json:"senderEmail"`
	FromName                  string      `json:"fromName"`
	Subject                   string      `json:"subject"`
	RedirectURL               string      `json:"redirectURL"`
	SuccessRedirectURL        string      `json:"successRedirectUrl"`
	Active                    bool        `json:"active"`
	RedirectURLPattern        string      `json:"redirectURLPattern"`
	SuccessRedirectURLPattern string      `json:"successRedirectUrlPattern"`
	CreatedAt                 *time.Time  `json:"createdAt,omitempty"`
	UpdatedAt                 *time.Time  `json:"updatedAt,omitempty"`
}

// sender is who a template's email comes from when the template names no one:
// the mail configuration's sender, else HATCH_MAIL_FROM.
type sender struct{ email, name string }

func (h *Handler) defaultSender(ctx context.Context) (sender, error) {
	c, err := notify.LoadMailConfig(ctx, h.DB)
	switch {
	case errors.Is(err, iam.ErrNotFound):
	case err != nil:
		return sender{}, err
	case c.SenderEmail != "":
		return sender{email: c.SenderEmail, name: c.FromName}, nil
	}
	return sender{email: h.MailFrom}, nil
}

func toTemplateJSON(t *notify.EmailTemplate, o *store.EmailTemplate, def sender) templateJSON {
	out := templateJSON{ID: t.ID, Type: t.Kind, HTMLTemplate: t.HTML, SenderEmail: t.SenderEmail, FromName: t.FromName,
		Subject: t.Subject, RedirectURL: t.RedirectURL, SuccessRedirectURL: t.SuccessRedirectURL, Active: t.Active}
	if out.SenderEmail == "" {
		out.SenderEmail = def.email
		if out.FromName == "" {
			out.FromName = def.name
		}
	}
	if o != nil {
		out.CreatedAt, out.UpdatedAt = &o.CreatedAt, &o.UpdatedAt
	}
	return out
}

// kindOf reads an email type, with a 400 naming field for an unknown one.
func kindOf(field, s string) (notify.Kind, error) {
	if k, ok := notify.ParseKind(s); ok {
		return k, nil
	}
	names := make([]string, 0, len(notify.Kinds()))
	for _, k := range notify.Kinds() {
		names = append(names, string(k))
	}
	return "", iam.Invalid("%s must be one of %s", field, strings.Join(names, ", "))
}

// listEmailTemplates answers the template of every type, or of ?type= only,
// as it is sent: the override where there is one, else the default.
func (h *Handler) listEmailTemplates(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	kinds := notify.Kinds()
	if t := r.URL.Query().Get("type"); t != "" {
		k, err := kindOf("type", t)
		if err != nil {
			return err
		}
		kinds = []notify.Kind{k}
	}
	overrides, err := h.DB.FindEmailTemplates(ctx)
	if err != nil {
		return err
	}
	byType := map[string]*store.EmailTemplate{}
	for _, o := range overrides {
		byType[o.Type] = o
	}
	def, err := h.defaultSender(ctx)
	if err != nil {
		return err
	}
	out := make([]templateJSON, 0, len(kinds))
	for _, k := range kinds {
		o := byType[string(k)]
		out = append(out, toTemplateJSON(notify.Override(k, h.BaseURL, o), o, def))
	}
	return api.OK(w, out)
}

// getDefaultEmailTemplate answers the built-in template of a type.
func (h *Handler) getDefaultEmailTemplate(w http.ResponseWriter, r *http.Request) error {
	k, err := kindOf("type", r.PathValue("type"))
	if err != nil {
		return err
	}
	def, err := h.defaultSender(r.Context())
	if err != nil {
		return err
	}
	t, _ := notify.DefaultEmailTemplate(k, h.BaseURL)
	return api.OK(w, toTemplateJSON(t, nil, def))
}

// templateRequest is Frontegg's CreateTemplateDto; absent fields keep the
// current override's value (or the default's, for a new override).
type templateRequest struct {
	Type               string  `json:"type"`
	SenderEmail        *string `json:"senderEmail"`
	Subject            *string `json:"subject"`
	FromName           *string `json:"fromName"`
	RedirectURL        *string `json:"redirectURL"`
	HTMLTemplate       *string `json:"htmlTemplate"`
	SuccessRedirectURL *string `json:"successRedirectUrl"`
	Active             *bool   `json:"active"`
}

// check validates the fields req sets, with 400s naming them.
func (req *templateRequest) check() error {
	for _, f := range []struct {
		name  string
		value *string
		max   int
	}{{"senderEmail", req.SenderEmail, 512}, {"subject", req.Subject, 512}, {"fromName", req.FromName, 512},
		{"redirectURL", req.RedirectURL, 2048}, {"successRedirectUrl", req.SuccessRedirectURL, 2048},
		{"htmlTemplate", req.HTMLTemplate, 1000000}} {
		if f.value == nil {
			continue
		}
		*f.value = strings.TrimSpace(*f.value)
		if len(*f.value) > f.max {
			return iam.Invalid("%s must be at most %d characters", f.name, f.max)
		}
	}
	switch {
	case req.SenderEmail != nil && *req.SenderEmail != "" && !isEmail(*req.SenderEmail):
		return iam.Invalid("senderEmail must be an email")
	case req.FromName != nil && strings.ContainsAny(*req.FromName, "\r\n"):
		return iam.Invalid("fromName must be one line")
	case req.RedirectURL != nil && *req.RedirectURL != "" && !isWebURL(*req.RedirectURL):
		return iam.Invalid("redirectURL must be an http(s) URL")
	case req.SuccessRedirectURL != nil && *req.SuccessRedirectURL != "" && !isWebURL(*req.SuccessRedirectURL):
		return iam.Invalid("successRedirectUrl must be an http(s) URL")
	}
	return nil
}

func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// putEmailTemplate creates or changes the override of a type and answers it.
func (h *Handler) putEmailTemplate(w http.ResponseWriter, r *http.Request) error {
	var req templateRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if req.Type == "" {
		return iam.Invalid("type is required")
	}
	k, err := kindOf("type", req.Type)
	if err != nil {
		return err
	}
	if err := req.check(); err != nil {
		return err
	}
	ctx := r.Context()
	now := h.Now()
	o, err := h.DB.FindEmailTemplate(ctx, string(k))
	if errors.Is(err, iam.ErrNotFound) {
		o = &store.EmailTemplate{ID: uuid.NewString(), Type: string(k), Active: true, CreatedAt: now}
	} else if err != nil {
		return err
	}
	for dst, src := range map[*string]*string{&o.SenderEmail: req.SenderEmail, &o.Subject: req.Subject, &o.FromName: req.FromName,
		&o.RedirectURL: req.RedirectURL, &o.HTML: req.HTMLTemplate, &o.SuccessRedirectURL: req.SuccessRedirectURL} {
		if src != nil {
			*dst = *src
		}
	}
	if req.Active != nil {
		o.Active = *req.Active
	}
	o.UpdatedAt = now
	if err := h.DB.SaveEmailTemplate(ctx, o); err != nil {
		return err
	}
	def, err := h.defaultSender(ctx)
	if err != nil {
		return err
	}
	return api.Created(w, toTemplateJSON(notify.Override(k, h.BaseURL, o), o, def))
}

// deleteEmailTemplate removes an override by id, bringing its type's default back.
func (h *Handler) deleteEmailTemplate(w http.ResponseWriter, r *http.Request) error {
	err := h.DB.DeleteEmailTemplate(r.Context(), r.PathValue("templateId"))
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("Template not found")
	}
	if err != nil {
		return err
	}
	return api.NoContent(w)
}
