package restrictions

import "github.com/hatchid/hatch/internal/api"

// Routes registers the package's routes. Every route acts on the caller's
// active account; the vendor names it with frontegg-tenant-id.
func (h *Handler) Routes(r *api.Router) {
	readIP := api.SelfService.Can("fe.secure.read.ipRestrictions")
	writeIP := api.SelfService.Can("fe.secure.write.ipRestrictions")
	r.Handle("GET /identity/resources/configurations/v1/restrictions/ip/config", readIP, h.getIPConfig)
	r.Handle("POST /identity/resources/configurations/v1/restrictions/ip/config", writeIP, h.saveIPConfig)
	r.Handle("GET /identity/resources/configurations/v1/restrictions/ip", readIP, h.listIPs)
	r.Handle("POST /identity/resources/configurations/v1/restrictions/ip", writeIP, h.addIP)
	r.Handle("POST /identity/resources/configurations/v1/restrictions/ip/bulk", writeIP, h.addIPs)
	r.Handle("DELETE /identity/resources/configurations/v1/restrictions/ip/{id}", api.SelfService.Can("fe.secure.delete.ipRestrictions"), h.deleteIP)
	r.Handle("POST /identity/resources/configurations/v1/restrictions/ip/verify", readIP, h.verifyIP)
	r.Handle("POST /identity/resources/configurations/v1/restrictions/ip/verify/allow", readIP, h.verifyIPInAllowList)

	readDomains := api.SelfService.Can("fe.secure.read.emailDomainRestrictions")
	writeDomains := api.SelfService.Can("fe.secure.write.emailDomainRestrictions")
	r.Handle("GET /identity/resources/configurations/restrictions/v1/email-domain", readDomains, h.listDomains)
	r.Handle("POST /identity/resources/configurations/restrictions/v1/email-domain", writeDomains, h.addDomain)
	r.Handle("DELETE /identity/resources/configurations/restrictions/v1/email-domain/{id}", api.SelfService.Can("fe.secure.delete.emailDomainRestrictions"), h.deleteDomain)
	r.Handle("POST /identity/resources/configurations/restrictions/v1/email-domain/replace-bulk", writeDomains, h.replaceDomains)
	r.Handle("GET /identity/resources/configurations/restrictions/v1/email-domain/config", readDomains, h.getDomainConfig)
	r.Handle("POST /identity/resources/configurations/restrictions/v1/email-domain/config", writeDomains, h.saveDomainConfig)
}
