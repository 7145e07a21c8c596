package notify

import (
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	vars := map[string]string{"name": `Ada <script>alert("x")</script> & co`, "code": "123456", "empty": ""}
	for _, tc := range []struct{ tpl, html, text string }{
		{"Hello {{name}}", `Hello Ada &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co`, `Hello Ada <script>alert("x")</script> & co`},
		{"{{{name}}}", `Ada &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co`, `Ada <script>alert("x")</script> & co`},
		{"Code: {{ code }}.", "Code: 123456.", "Code: 123456."},
		{"[{{unknown}}]", "[]", "[]"},
		{"{{#if code}}has {{code}}{{else}}none{{/if}}", "has 123456", "has 123456"},
		{"{{#if empty}}has{{else}}none{{/if}}!", "none!", "none!"},
		{"{{#if code}}a{{#if empty}}b{{else}}c{{/if}}d{{/if}}", "acd", "acd"},
		{"{{#each items}}x{{/each}} {{not a var}} {{", "{{#each items}}x{{/each}} {{not a var}} {{", "{{#each items}}x{{/each}} {{not a var}} {{"},
		{"{{#if code}}unterminated {{code}}", "unterminated 123456", "unterminated 123456"},
	} {
		if got := renderHTML(tc.tpl, vars); got != tc.html {
			t.Errorf("renderHTML(%q) = %q, want %q", tc.tpl, got, tc.html)
		}
		if got := renderText(tc.tpl, vars); got != tc.text {
			t.Errorf("renderText(%q) = %q, want %q", tc.tpl, got, tc.text)
		}
	}
}

func TestRenderLineCannotBreakHeaders(t *testing.T) {
	got := renderLine("Hi {{name}}\r\nBcc: x", map[string]string{"name": "Ada\r\nBcc: evil@example.com"})
	if strings.ContainsAny(got, "\r\n") || got != "Hi Ada Bcc: evil@example.com Bcc: x" {
		t.Fatalf("renderLine = %q", got)
	}
}

func TestTextOf(t *testing.T) {
	html := `<html><head><style>p{color:red}</style></head><body><p>Hello Ada &amp; co,</p>` +
		`<p><a href="https://app.test/reset?userId=u&amp;token=t">Reset your password</a></p>` +
		`<p>Or paste <a href="https://app.test/x">https://app.test/x</a></p><br>Bye</body></html>`
	want := "Hello Ada & co,\nReset your password: https://app.test/reset?userId=u&token=t\n\nOr paste\nhttps://app.test/x\n\nBye\n"
	if got := textOf(html); got != want {
		t.Fatalf("textOf:\n%q\nwant\n%q", got, want)
	}
}

func TestEveryKindHasADefault(t *testing.T) {
	enum := []string{"ResetPassword", "ActivateUser", "InviteToTenant", "PwnedPassword", "MagicLink", "OTC", "ConnectNewDevice",
		"UserUsedInvitation", "ResetPhoneNumber", "BulkInvitesToTenant", "MFAEnroll", "MFAUnenroll", "NewMFAMethod",
		"MFARecoveryCode", "RemoveMFAMethod", "EmailVerification", "BruteForceProtection", "SuspiciousIP", "MFAOTC",
		"ImpossibleTravel", "BotDetection", "SmsAuthenticationEnabled", "UnlockUser", "UnlockUserSuccess",
		"ActivateUserWithCode", "InviteToTenantWithCode", "VerifyNewEmail", "EmailAddressChanged", "ApprovalFlowApprove"}
	if got := len(Kinds()); got != len(enum) {
		t.Fatalf("%d kinds, want %d", got, len(enum))
	}
	for _, name := range enum {
		k, ok := ParseKind(name)
		if !ok {
			t.Fatalf("no kind %s", name)
		}
		d, _ := DefaultEmailTemplate(k, "https://app.test")
		if d.Subject == "" || !strings.Contains(d.HTML, "</html>") || !d.Active {
			t.Errorf("%s: default %+v", name, d)
		}
		if strings.Contains(d.HTML, "{{redirectURL}}") != (d.RedirectURL != "") {
			t.Errorf("%s: link in body %v but redirect URL %q", name, strings.Contains(d.HTML, "{{redirectURL}}"), d.RedirectURL)
		}
	}
	if _, ok := ParseKind("Bogus"); ok {
		t.Fatal("ParseKind accepted Bogus")
	}
}

func TestLinkTo(t *testing.T) {
	got := linkTo("https://app.test/accept?lang=fr", "u1", "t/k+n")
	if got != "https://app.test/accept?lang=fr&token=t%2Fk%2Bn&userId=u1" {
		t.Fatalf("linkTo = %q", got)
	}
}
