package notify

import "slices"

// Kind is an email template type, named as Frontegg names them.
type Kind string

// Every email type of Frontegg's template API (the enum of
// mail/v1/configs/templates), each with a built-in default (see defaults.go).
const (
	ResetPassword            Kind = "ResetPassword"
	ActivateUser             Kind = "ActivateUser"
	InviteToTenant           Kind = "InviteToTenant"
	PwnedPassword            Kind = "PwnedPassword"
	MagicLink                Kind = "MagicLink"
	OTC                      Kind = "OTC"
	ConnectNewDevice         Kind = "ConnectNewDevice"
	UserUsedInvitation       Kind = "UserUsedInvitation"
	ResetPhoneNumber         Kind = "ResetPhoneNumber"
	BulkInvitesToTenant      Kind = "BulkInvitesToTenant"
	MFAEnroll                Kind = "MFAEnroll"
	MFAUnenroll              Kind = "MFAUnenroll"
	NewMFAMethod             Kind = "NewMFAMethod"
	MFARecoveryCode          Kind = "MFARecoveryCode"
	RemoveMFAMethod          Kind = "RemoveMFAMethod"
	EmailVerification        Kind = "EmailVerification"
	BruteForceProtection     Kind = "BruteForceProtection"
	SuspiciousIP             Kind = "SuspiciousIP"
	MFAOTC                   Kind = "MFAOTC"
	ImpossibleTravel         Kind = "ImpossibleTravel"
	BotDetection             Kind = "BotDetection"
	SmsAuthenticationEnabled Kind = "SmsAuthenticationEnabled"
	UnlockUser               Kind = "UnlockUser"
	UnlockUserSuccess        Kind = "UnlockUserSuccess"
	ActivateUserWithCode     Kind = "ActivateUserWithCode"
	InviteToTenantWithCode   Kind = "InviteToTenantWithCode"
	// VerifyNewEmail carries the code that proves a user owns an address added to its account.
	VerifyNewEmail      Kind = "VerifyNewEmail"
	EmailAddressChanged Kind = "EmailAddressChanged"
	ApprovalFlowApprove Kind = "ApprovalFlowApprove"
)

// Kinds returns every email type, in the order of Frontegg's enum.
func Kinds() []Kind { return kindsOf(defaultEmails, func(d defaultEmail) Kind { return d.kind }) }

// ParseKind returns the email type named s, and whether there is one.
func ParseKind(s string) (Kind, bool) { return parseKind(Kinds(), s) }

// kindsOf lists the kinds of a table of defaults.
func kindsOf[D any, K ~string](defaults []D, kind func(D) K) []K {
	out := make([]K, len(defaults))
	for i, d := range defaults {
		out[i] = kind(d)
	}
	return out
}

// parseKind returns the kind among kinds named s, and whether there is one.
func parseKind[K ~string](kinds []K, s string) (K, bool) {
	i := slices.Index(kinds, K(s))
	if i < 0 {
		return "", false
	}
	return kinds[i], true
}

// SMSKind is an SMS template type. Frontegg's API leaves SMS types open;
// these are the messages Hatch sends.
type SMSKind string

const (
	// VerifyPhoneNumber carries the code that proves a user owns a number.
	VerifyPhoneNumber SMSKind = "VerifyPhoneNumber"
	// RemovePhoneNumber carries the code that confirms removing a number.
	RemovePhoneNumber SMSKind = "RemovePhoneNumber"
	// SMSOTC carries a one-time code to sign in with (passwordless SMS).
	SMSOTC SMSKind = "OTC"
	// SMSMFAOTC carries a second-factor code.
	SMSMFAOTC SMSKind = "MFAOTC"
	// SMSResetPassword carries a code to reset a password by SMS.
	SMSResetPassword SMSKind = "ResetPassword"
)

// SMSKinds returns every SMS type.
func SMSKinds() []SMSKind { return kindsOf(defaultSMS, func(d defaultText) SMSKind { return d.kind }) }

// ParseSMSKind returns the SMS type named s, and whether there is one.
func ParseSMSKind(s string) (SMSKind, bool) { return parseKind(SMSKinds(), s) }
