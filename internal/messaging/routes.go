package messaging

import "github.com/hatchid/hatch/internal/api"

// Routes registers the package's routes; every one is the vendor's.
func (h *Handler) Routes(r *api.Router) {
	// Email configuration (mail_config.go).
	r.Handle("GET /identity/resources/mail/v1/configurations", api.Vendor, h.getMailConfig)
	r.Handle("POST /identity/resources/mail/v1/configurations", api.Vendor, h.putMailConfigV1)
	r.Handle("DELETE /identity/resources/mail/v1/configurations", api.Vendor, h.deleteMailConfig)
	r.Handle("POST /identity/resources/mail/v2/configurations", api.Vendor, h.putMailConfigV2)
	// Email templates (email_templates.go).
	r.Handle("GET /identity/resources/mail/v1/configs/templates", api.Vendor, h.listEmailTemplates)
	r.Handle("POST /identity/resources/mail/v1/configs/templates", api.Vendor, h.putEmailTemplate)
	r.Handle("DELETE /identity/resources/mail/v1/configs/templates/{templateId}", api.Vendor, h.deleteEmailTemplate)
	r.Handle("GET /identity/resources/mail/v1/configs/{type}/default", api.Vendor, h.getDefaultEmailTemplate)
	// SMS configuration (sms_config.go).
	r.Handle("GET /identity/resources/configurations/v1/sms", api.Vendor, h.getSMSConfig)
	r.Handle("POST /identity/resources/configurations/v1/sms", api.Vendor, h.putSMSConfig)
	r.Handle("DELETE /identity/resources/configurations/v1/sms", api.Vendor, h.deleteSMSConfig)
	// SMS templates (sms_templates.go).
	r.Handle("GET /identity/resources/configurations/v1/sms/templates", api.Vendor, h.listSMSTemplates)
	r.Handle("GET /identity/resources/configurations/v1/sms/templates/default/all", api.Vendor, h.listDefaultSMSTemplates)
	r.Handle("GET /identity/resources/configurations/v1/sms/templates/{type}", api.Vendor, h.getSMSTemplate)
	r.Handle("POST /identity/resources/configurations/v1/sms/templates/{type}", api.Vendor, h.putSMSTemplate)
	r.Handle("DELETE /identity/resources/configurations/v1/sms/templates/{type}", api.Vendor, h.deleteSMSTemplate)
	r.Handle("GET /identity/resources/configurations/v1/sms/templates/{type}/default", api.Vendor, h.getDefaultSMSTemplate)
}
