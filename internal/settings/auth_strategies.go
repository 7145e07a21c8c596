package settings

import (
	"net/http"

	"github.com/hatchid/hatch/internal/api"
)

type mainStrategy struct {
	Strategy string `json:"strategy"`
}

type secondaryStrategy struct {
	Strategy string `json:"strategy"`
	IsActive bool   `json:"isActive"`
}

type authStrategies struct {
	MainAuthStrategies      []mainStrategy      `json:"mainAuthStrategies"`
	SecondaryAuthStrategies []secondaryStrategy `json:"secondaryAuthStrategies"`
}

// usernameStrategies maps each username strategy (a secondary strategy in the
// login box's terms) to the main strategy that does the same second step.
var usernameStrategies = map[string]string{
	"UsernameAndPassword":  "EmailAndPassword",
	"UsernameAndMagicLink": "MagicLink",
	"UsernameAndCode":      "Code",
	"UsernameAndSms":       "SmsCode",
}

// getAuthStrategies answers the login methods the login box offers, derived
// from the core authStrategy: it is the main strategy, except that a username
// strategy is an active secondary strategy beside its email counterpart.
func (h *Handler) getAuthStrategies(w http.ResponseWriter, r *http.Request) error {
	c, err := h.Settings.Core(r.Context())
	if err != nil {
		return err
	}
	out := authStrategies{MainAuthStrategies: []mainStrategy{{Strategy: c.AuthStrategy}}, SecondaryAuthStrategies: []secondaryStrategy{}}
	if main, ok := usernameStrategies[c.AuthStrategy]; ok {
		out.MainAuthStrategies[0].Strategy = main
		out.SecondaryAuthStrategies = append(out.SecondaryAuthStrategies, secondaryStrategy{Strategy: c.AuthStrategy, IsActive: true})
	}
	return api.OK(w, out)
}
