package notify

// defaultEmail is the built-in template of one email type: its subject, its
// HTML body and the page, under the public base URL, its link points to
// ("" for emails without a link).
type defaultEmail struct {
	kind    Kind
	subject string
	html    string
	page    string
}

// Pages of the emailed links, under BaseURL, as Frontegg's hosted login names them.
const (
	ActivationPage    = "/account/activate"
	PasswordResetPage = "/account/reset-password"
	InvitationPage    = "/account/invitation/accept"
	loginPage         = "/account/login"
)

const (
	hello   = `<p>Hello{{#if name}} {{name}}{{/if}},</p>`
	expires = `{{#if expirationTime}}<p>It works once and expires on {{expirationTime}}.</p>{{/if}}`
	notYou  = `<p>If this was not you, change your password and contact your administrator.</p>`
	ignore  = `<p>If you did not ask for it, ignore this email.</p>`
)

func doc(body string) string {
	return `<!DOCTYPE html><html><body style="font-family: sans-serif; line-height: 1.5">` + body + `</body></html>`
}

// defaultEmails lists every email type with its default, in the order of
// Frontegg's enum. The bodies use the variables the Notifier fills in.
var defaultEmails = []defaultEmail{
	{ResetPassword, "Reset your password",
		doc(hello + `<p><a href="{{redirectURL}}">Reset your password</a></p>` + expires + ignore), PasswordResetPage},
	{ActivateUser, "Activate your account",
		doc(hello + `<p><a href="{{redirectURL}}">Activate your account</a></p>` +
			`{{#if code}}<p>If you are asked for a code, enter {{code}}.</p>{{/if}}` + expires), ActivationPage},
	{InviteToTenant, "You are invited to join {{#if tenantName}}{{tenantName}}{{else}}an account{{/if}}",
		doc(hello + `<p>{{#if issuerName}}{{issuerName}} invited you{{else}}You are invited{{/if}} to join {{#if tenantName}}{{tenantName}}{{else}}an account{{/if}}.</p>` +
			`<p><a href="{{redirectURL}}">Accept the invitation</a></p>` + expires), InvitationPage},
	{PwnedPassword, "Your password appeared in a data breach",
		doc(hello + `<p>The password of your account appeared in {{#if timesPwned}}{{timesPwned}} {{/if}}known data breaches. Please choose a new one.</p>` +
			`<p><a href="{{redirectURL}}">Change your password</a></p>`), PasswordResetPage},
	{MagicLink, "Your sign-in link",
		doc(hello + `<p><a href="{{redirectURL}}">Sign in</a></p>` + expires + ignore), "/account/login/magic-link"},
	{OTC, "Your sign-in code",
		doc(hello + `<p>Your sign-in code is <b>{{code}}</b>.</p>` + expires + ignore), ""},
	{ConnectNewDevice, "New sign-in to your account",
		doc(hello + `<p>Your account was just used to sign in from a new device.</p>` + notYou), ""},
	{UserUsedInvitation, "Someone joined {{#if tenantName}}{{tenantName}}{{else}}your account{{/if}} with your invitation link",
		doc(hello + `<p>{{#if issuerName}}{{issuerName}}{{else}}{{issuerEmail}}{{/if}} joined {{#if tenantName}}{{tenantName}}{{else}}your account{{/if}} with your invitation link.</p>`), ""},
	{ResetPhoneNumber, "Reset your phone number",
		doc(hello + `<p><a href="{{redirectURL}}">Reset the phone number of your account</a></p>` + expires + ignore), "/account/reset-phone-number"},
	{BulkInvitesToTenant, "You are invited to join {{#if tenantName}}{{tenantName}}{{else}}an account{{/if}}",
		doc(hello + `<p>You are invited to join {{#if tenantName}}{{tenantName}}{{else}}an account{{/if}}.</p>` +
			`<p><a href="{{redirectURL}}">Accept the invitation</a></p>` + expires), InvitationPage},
	{MFAEnroll, "Two-factor authentication is on",
		doc(hello + `<p>Two-factor authentication was turned on for your account.</p>` + notYou), ""},
	{MFAUnenroll, "Two-factor authentication is off",
		doc(hello + `<p>Two-factor authentication was turned off for your account.</p>` + notYou), ""},
	{NewMFAMethod, "A two-factor method was added",
		doc(hello + `<p>A new two-factor authentication method was added to your account.</p>` + notYou), ""},
	{MFARecoveryCode, "Your recovery code",
		doc(hello + `<p>Your two-factor recovery code is <b>{{code}}</b>. Keep it somewhere safe.</p>`), ""},
	{RemoveMFAMethod, "A two-factor method was removed",
		doc(hello + `<p>A two-factor authentication method was removed from your account.</p>` + notYou), ""},
	{EmailVerification, "Verify your email address",
		doc(hello + `<p><a href="{{redirectURL}}">Verify your email address</a></p>` +
			`{{#if code}}<p>If you are asked for a code, enter {{code}}.</p>{{/if}}` + expires), ActivationPage},
	{BruteForceProtection, "Repeated failed sign-ins to your account",
		doc(hello + `<p>There were repeated failed attempts to sign in to your account.</p>` + notYou), ""},
	{SuspiciousIP, "Sign-in from an unusual address",
		doc(hello + `<p>Your account was used to sign in from an address known for suspicious activity.</p>` + notYou), ""},
	{MFAOTC, "Your verification code",
		doc(hello + `<p>Your verification code is <b>{{code}}</b>.</p>` + expires + ignore), ""},
	{ImpossibleTravel, "Sign-in from an unexpected place",
		doc(hello + `<p>Your account was used to sign in from a place too far from your last sign-in to travel in between.</p>` + notYou), ""},
	{BotDetection, "Automated activity on your account",
		doc(hello + `<p>Activity that looks automated was seen on your account.</p>` + notYou), ""},
	{SmsAuthenticationEnabled, "Sign-in by SMS is on",
		doc(hello + `<p>Signing in with a code sent by SMS was turned on for your account.</p>` + notYou), ""},
	{UnlockUser, "Unlock your account",
		doc(hello + `<p>Your account was locked after too many failed sign-ins.</p><p><a href="{{redirectURL}}">Unlock your account</a></p>` + expires), "/account/unlock"},
	{UnlockUserSuccess, "Your account is unlocked",
		doc(hello + `<p>Your account is unlocked; you can sign in again.</p><p><a href="{{redirectURL}}">Sign in</a></p>`), loginPage},
	{ActivateUserWithCode, "Your activation code",
		doc(hello + `<p>Your activation code is <b>{{code}}</b>: enter {{code}} on the page this link opens.</p>` +
			`<p><a href="{{redirectURL}}">Activate your account</a></p>` + expires), ActivationPage},
	{InviteToTenantWithCode, "Your invitation code for {{#if tenantName}}{{tenantName}}{{else}}an account{{/if}}",
		doc(hello + `<p>{{#if issuerName}}{{issuerName}} invited you{{else}}You are invited{{/if}} to join {{#if tenantName}}{{tenantName}}{{else}}an account{{/if}}. Your invitation code is <b>{{code}}</b>: enter {{code}} on the page this link opens.</p>` +
			`<p><a href="{{redirectURL}}">Accept the invitation</a></p>` + expires), InvitationPage},
	{VerifyNewEmail, "Verify your email address",
		doc(hello + `<p>To add {{email}} to your account, enter this code: {{code}}</p>` + expires + ignore), ""},
	{EmailAddressChanged, "Your email address was changed",
		doc(hello + `<p>The email address of your account was changed{{#if email}} to {{email}}{{/if}}.</p>` + notYou), ""},
	{ApprovalFlowApprove, "An action needs your approval",
		doc(hello + `<p>{{#if issuerName}}{{issuerName}} asked{{else}}Someone asked{{/if}} for an action that needs your approval.</p>` +
			`<p><a href="{{redirectURL}}">Review the request</a></p>` + expires), "/account/approval"},
}

// defaultText is the built-in template of one SMS type.
type defaultText struct {
	kind SMSKind
	body string
}

var defaultSMS = []defaultText{
	{VerifyPhoneNumber, "{{code}} is your code to verify this phone number. It expires in {{expiresInMinutes}} minutes."},
	{RemovePhoneNumber, "{{code}} is your code to remove this phone number from your account. It expires in {{expiresInMinutes}} minutes."},
	{SMSOTC, "{{code}} is your sign-in code. It expires in {{expiresInMinutes}} minutes."},
	{SMSMFAOTC, "{{code}} is your verification code. It expires in {{expiresInMinutes}} minutes."},
	{SMSResetPassword, "{{code}} is your code to reset your password. It expires in {{expiresInMinutes}} minutes."},
}
