package login

import (
	"net/http"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/secure"
)

// Response is the login response of Frontegg's authentication routes. With
// MFARequired true the token fields are empty and the MFA fields are set.
type Response struct {
	AccessToken        string      `json:"accessToken,omitempty"`
	RefreshToken       string      `json:"refreshToken,omitempty"`
	ExpiresIn          int         `json:"expiresIn,omitempty"`
	Expires            string      `json:"expires,omitempty"`
	MFARequired        bool        `json:"mfaRequired"`
	MFAToken           string      `json:"mfaToken,omitempty"`
	MFAEnrolled        *bool       `json:"mfaEnrolled,omitempty"`
	MFADevices         *MFADevices `json:"mfaDevices,omitempty"`
	MFAStrategies      []string    `json:"mfaStrategies,omitempty"`
	QRCode             string      `json:"qrCode,omitempty"`
	RecoveryCode       string      `json:"recoveryCode,omitempty"`
	UserID             string      `json:"userId,omitempty"`
	UserEmail          string      `json:"userEmail,omitempty"`
	EmailVerified      *bool       `json:"emailVerified,omitempty"`
	IsBreachedPassword bool        `json:"isBreachedPassword,omitempty"`
	PasswordExpiresIn  *int        `json:"passwordExpiresIn,omitempty"`
	NotificationPeriod *int        `json:"notificationPeriod,omitempty"`
	ResetPasswordToken string      `json:"resetPasswordToken,omitempty"`
	TokenType          string      `json:"tokenType,omitempty"`
}

// MFADevices lists a user's second factors in the MFA branch of the response.
type MFADevices struct {
	WebAuthn       []WebAuthnDevice `json:"webauthn"`
	Phones         []PhoneDevice    `json:"phones"`
	Authenticators []IDOnly         `json:"authenticators"`
	Emails         []EmailDevice    `json:"emails"`
}

type WebAuthnDevice struct {
	ID         string `json:"id"`
	DeviceType string `json:"deviceType"`
	Name       string `json:"name"`
}

type PhoneDevice struct {
	ID          string `json:"id"`
	PhoneNumber string `json:"phoneNumber"`
}

type IDOnly struct {
	ID string `json:"id"`
}

type EmailDevice struct {
	Email string `json:"email"`
}

// Result is a finished (or challenged) login: the response to send and,
// when a session was opened, its refresh token for the cookie.
type Result struct {
	Response       *Response
	RefreshToken   string
	RefreshExpires time.Time
	SessionID      string
	User           *iam.User
	TenantID       string
}

// CookieName returns the refresh cookie's name for a client ID: fe_refresh_
// followed by the ID without dashes, as Frontegg's SDKs expect.
func CookieName(clientID string) string {
	return "fe_refresh_" + strings.ReplaceAll(clientID, "-", "")
}

// Cookies writes and reads the refresh cookie.
type Cookies struct {
	ClientID string
	Secure   bool // the public URL is https
}

// Set writes the refresh token cookie; sameSite is the core setting (STRICT, LAX, NONE).
func (c *Cookies) Set(w http.ResponseWriter, refresh string, expires time.Time, sameSite string) {
	http.SetCookie(w, c.cookie(CookieName(c.ClientID), refresh, expires, sameSite))
}

// cookie returns an HttpOnly cookie for the whole site with the core sameSite setting.
func (c *Cookies) cookie(name, value string, expires time.Time, sameSite string) *http.Cookie {
	ck := &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		Expires:  expires,
		HttpOnly: true,
		Secure:   c.Secure,
	}
	switch sameSite {
	case "STRICT":
		ck.SameSite = http.SameSiteStrictMode
	case "LAX":
		ck.SameSite = http.SameSiteLaxMode
	default:
		// Browsers drop SameSite=None cookies that are not Secure; on plain
		// http (local development) Lax is the setting that still works.
		ck.SameSite = http.SameSiteLaxMode
		if c.Secure {
			ck.SameSite = http.SameSiteNoneMode
		}
	}
	return ck
}

// DeviceCookieName returns the name of the remember-this-device cookie: it
// lets a browser that passed MFA skip it for the time the MFA policy allows.
func DeviceCookieName(clientID string) string {
	return "fe_device_" + strings.ReplaceAll(clientID, "-", "")
}

// SetDevice writes the remember-this-device cookie, like the refresh cookie
// HttpOnly and with the core sameSite setting.
func (c *Cookies) SetDevice(w http.ResponseWriter, device string, expires time.Time, sameSite string) {
	http.SetCookie(w, c.cookie(DeviceCookieName(c.ClientID), device, expires, sameSite))
}

// SetNamed writes another cookie of the login flows (such as the one binding
// a passwordless code to the browser that asked for it), HttpOnly and with
// the core sameSite setting like the refresh cookie.
func (c *Cookies) SetNamed(w http.ResponseWriter, name, value string, expires time.Time, sameSite string) {
	http.SetCookie(w, c.cookie(name, value, expires, sameSite))
}

// ReadDevice returns the remember-this-device token the browser sent, or "".
func (c *Cookies) ReadDevice(r *http.Request) string {
	ck, err := r.Cookie(DeviceCookieName(c.ClientID))
	if err != nil {
		return ""
	}
	return ck.Value
}

// Clear removes the refresh cookie.
func (c *Cookies) Clear(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: CookieName(c.ClientID), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: c.Secure})
}

// Read returns the refresh token from the cookie. Cookie names are compared
// without dashes, as the Next.js SDK does.
func (c *Cookies) Read(r *http.Request) string {
	want := CookieName(c.ClientID)
	for _, ck := range r.Cookies() {
		if strings.ReplaceAll(ck.Name, "-", "") == want {
			return ck.Value
		}
	}
	return ""
}

func hashOf(refresh string) string { return secure.HashToken(refresh) }
