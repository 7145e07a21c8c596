package messaging_test

import (
	"strings"
	"testing"

	"github.com/hatchid/hatch/internal/apitest"
)

func TestSMSConfiguration(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		v.Do(t, "GET", smsConfigPath, nil).WantError(t, 404, "SMS configuration not found")
		good := map[string]string{"provider": "twilio", "accountId": s.SMS.AccountSID, "token": s.SMS.AuthToken, "senderName": "+15005550006"}
		with := func(k, val string) map[string]string {
			out := map[string]string{}
			for key, v := range good {
				out[key] = v
			}
			out[k] = val
			return out
		}
		for _, tc := range []struct {
			body map[string]string
			want string
		}{
			{with("token", "wrong"), "The SMS provider did not accept accountId and token"},
			{with("accountId", ""), "accountId is required"},
			{with("token", ""), "token is required"},
			{with("provider", "nexmo"), "provider must be twilio"},
			{with("senderName", "+0123"), "senderName must be a phone number in E.164 form"},
			{with("senderName", "Much too long a name"), "senderName must be a phone number in E.164 form"},
			{with("senderName", ""), "senderName is required without a serviceId"},
			{with("channel", "whatsapp"), "channel must be sms"},
		} {
			v.Do(t, "POST", smsConfigPath, tc.body).WantError(t, 400, tc.want)
		}
		v.Do(t, "GET", smsConfigPath, nil).Want(t, 404)

		created := v.Do(t, "POST", smsConfigPath, good).Want(t, 201)
		got := v.Do(t, "GET", smsConfigPath, nil).Want(t, 200)
		for _, body := range []string{string(created.Body), string(got.Body)} {
			if strings.Contains(body, s.SMS.AuthToken) || strings.Contains(body, `"token"`) {
				t.Fatalf("the token shows: %s", body)
			}
		}
		if m := got.Map(t); m["accountId"] != s.SMS.AccountSID || m["senderName"] != "+15005550006" || m["provider"] != "twilio" || m["channel"] != "sms" {
			t.Fatalf("configuration %v", m)
		}
		// Without a token, the stored one of the same account is kept (and checked).
		v.Do(t, "POST", smsConfigPath, map[string]string{"accountId": s.SMS.AccountSID, "senderName": "Acme"}).Want(t, 200)
		if m := v.Do(t, "GET", smsConfigPath, nil).Want(t, 200).Map(t); m["senderName"] != "Acme" {
			t.Fatalf("after update %v", m)
		}
		v.Do(t, "DELETE", smsConfigPath, nil).Want(t, 200)
		v.Do(t, "GET", smsConfigPath, nil).Want(t, 404)
		s.Anon().Do(t, "GET", smsConfigPath, nil).Want(t, 401)
	})
}

type smsTemplateJSON struct {
	Type       string `json:"type"`
	Body       string `json:"body"`
	SenderName string `json:"senderName"`
	Active     bool   `json:"active"`
	IsDefault  bool   `json:"isDefault"`
}

func TestSMSTemplates(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		v := s.Vendor(t)
		var all, defaults []smsTemplateJSON
		v.Do(t, "GET", smsTemplatesPath, nil).Want(t, 200).JSON(t, &all)
		v.Do(t, "GET", smsTemplatesPath+"/default/all", nil).Want(t, 200).JSON(t, &defaults)
		if len(all) != 5 || len(defaults) != 5 {
			t.Fatalf("%d templates, %d defaults", len(all), len(defaults))
		}
		for _, tpl := range all {
			if !tpl.IsDefault || !tpl.Active || !strings.Contains(tpl.Body, "{{code}}") {
				t.Errorf("%+v", tpl)
			}
		}
		path := smsTemplatesPath + "/VerifyPhoneNumber"
		var tpl smsTemplateJSON
		v.Do(t, "POST", path, map[string]any{"body": "Acme code: {{code}}", "senderName": "Acme"}).Want(t, 201).JSON(t, &tpl)
		if tpl.Body != "Acme code: {{code}}" || tpl.SenderName != "Acme" || tpl.IsDefault || !tpl.Active {
			t.Fatalf("override %+v", tpl)
		}
		v.Do(t, "POST", path, map[string]any{"active": false}).Want(t, 200).JSON(t, &tpl)
		if tpl.Active || tpl.Body != "Acme code: {{code}}" {
			t.Fatalf("after update %+v", tpl)
		}
		v.Do(t, "GET", path, nil).Want(t, 200).JSON(t, &tpl)
		if tpl.Active || tpl.IsDefault {
			t.Fatalf("get %+v", tpl)
		}
		v.Do(t, "GET", path+"/default", nil).Want(t, 200).JSON(t, &tpl)
		if !tpl.IsDefault || tpl.Body == "Acme code: {{code}}" {
			t.Fatalf("default %+v", tpl)
		}
		v.Do(t, "DELETE", path, nil).Want(t, 200)
		v.Do(t, "DELETE", path, nil).WantError(t, 404, "SMS template not found")
		v.Do(t, "GET", path, nil).Want(t, 200).JSON(t, &tpl)
		if !tpl.IsDefault {
			t.Fatalf("after delete %+v", tpl)
		}

		v.Do(t, "GET", smsTemplatesPath+"/Bogus", nil).WantError(t, 400, "type must be one of VerifyPhoneNumber")
		v.Do(t, "POST", smsTemplatesPath+"/Bogus", map[string]any{"body": "x"}).WantError(t, 400, "type must be one of")
		v.Do(t, "POST", smsTemplatesPath+"/OTC", map[string]any{}).WantError(t, 400, "body is required")
		v.Do(t, "POST", smsTemplatesPath+"/OTC", map[string]any{"body": strings.Repeat("x", 1601)}).WantError(t, 400, "body must be at most 1600")
		v.Do(t, "POST", smsTemplatesPath+"/OTC", map[string]any{"body": "{{code}}", "senderName": "+12"}).WantError(t, 400, "senderName must be")
		s.Anon().Do(t, "GET", smsTemplatesPath, nil).Want(t, 401)
	})
}
