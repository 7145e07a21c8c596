package users_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/mail/mailtest"
)

const (
	usersV2    = "/identity/resources/users/v2"
	bulkInvite = "/identity/resources/users/bulk/v1/invite"
	bulkStatus = "/identity/resources/users/bulk/v1/status/"
)

var acceptLink = regexp.MustCompile(`https?://\S+/account/invitation/accept\?\S+`)

// invitation returns the userId and token of the invitation link in m.
func invitation(t *testing.T, m *mailtest.Message) (userID, token string) {
	t.Helper()
	raw := acceptLink.FindString(m.Text)
	u, err := url.Parse(raw)
	if raw == "" || err != nil {
		t.Fatalf("no invitation link in %q", m.Text)
	}
	return u.Query().Get("userId"), u.Query().Get("token")
}

func TestInviteUser(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tn := e.SeedTenant(t, "Acme")
		// Only the test's role is a default: the seeded Admin and Read Only step aside.
		e.exec(t, `UPDATE roles SET is_default = FALSE, first_user_role = FALSE`)
		def := e.seedRole(t, "", "member", true, "app.read")
		editor := e.seedRole(t, tn.TenantID, "editor", false, "app.write")
		admin, adminUser := e.admin(t, tn.TenantID, "boss@example.com")

		// A new person: created, pending, and emailed an invitation to the account.
		var got user
		admin.Do(t, "POST", usersV2, map[string]any{"email": "new@example.com", "name": "New <b>Person</b>", "roleIds": []string{editor}}).
			Want(t, 201).JSON(t, &got)
		if got.Email != "new@example.com" || got.Verified || got.ActivatedForTenant || len(got.Roles) != 1 || got.Roles[0].ID != editor {
			t.Fatalf("invited user %+v", got)
		}
		m := e.Mail.WaitFor(t, "new@example.com", 5*time.Second)
		if m.Subject != "You are invited to join Acme" || !strings.Contains(m.Text, adminUser.Name+" invited you to join Acme") ||
			!strings.Contains(m.HTML, "New &lt;b&gt;Person&lt;/b&gt;") {
			t.Fatalf("invitation %q:\n%s", m.Subject, m.HTML)
		}
		if id, token := invitation(t, m); id != got.ID || token == "" {
			t.Fatalf("link for %s, token %q", id, token)
		}

		// Inviting the same person again resends, with a new link.
		e.asTenant(t, tn.TenantID).Do(t, "POST", usersV2, map[string]any{"email": "new@example.com", "provider": "local"}).Want(t, 201)
		e.Mail.WaitFor(t, "new@example.com", 5*time.Second)

		// A user of another account joins this one, pending, with the default roles; its profile stays.
		other := e.SeedTenant(t, "Other")
		old := e.SeedUser(t, other.TenantID, "old@example.com", "pw-pw-pw-pw")
		admin.Do(t, "POST", usersV2, map[string]any{"email": "old@example.com", "name": "Renamed"}).Want(t, 201).JSON(t, &got)
		if got.ID != old.ID || got.Name != old.Name || got.ActivatedForTenant || len(got.Roles) != 1 || got.Roles[0].ID != def {
			t.Fatalf("existing user invited: %+v", got)
		}
		e.Mail.WaitFor(t, "old@example.com", 5*time.Second)

		// skipInviteEmail: an active member at once, no email.
		admin.Do(t, "POST", usersV2, map[string]any{"email": "quiet@example.com", "skipInviteEmail": true}).Want(t, 201).JSON(t, &got)
		if !got.ActivatedForTenant || !got.Verified {
			t.Fatalf("skipInviteEmail: %+v", got)
		}
		// An active member cannot be invited again.
		admin.Do(t, "POST", usersV2, map[string]any{"email": "quiet@example.com"}).WantError(t, 409, "already a member")
		if n := len(e.Mail.MessagesTo("quiet@example.com")); n != 0 {
			t.Fatalf("%d emails to quiet@example.com", n)
		}

		for _, c := range []struct {
			body   map[string]any
			status int
			msg    string
		}{
			{map[string]any{}, 400, "email is required"},
			{map[string]any{"email": "x"}, 400, "email must be an email"},
			{map[string]any{"email": "r@example.com", "roleIds": []string{"nope"}}, 404, "Role not found"},
		} {
			admin.Do(t, "POST", usersV2, c.body).WantError(t, c.status, c.msg)
		}
		e.Vendor(t).Do(t, "POST", usersV2, map[string]any{"email": "r@example.com"}).WantError(t, 400, "frontegg-tenant-id header is required")
		reader, _ := e.Login(t, "old@example.com", "pw-pw-pw-pw")
		reader.Do(t, "POST", usersV2, map[string]any{"email": "r@example.com"}).Want(t, 403)
	})
}

type bulkStatusJSON struct {
	ID             string `json:"id"`
	TenantID       string `json:"tenantId"`
	Status         string `json:"status"`
	TotalUsers     int    `json:"totalUsers"`
	ProcessedUsers int    `json:"processedUsers"`
	FailedUsers    int    `json:"failedUsers"`
	Users          []struct {
		Index  int    `json:"index"`
		Email  string `json:"email"`
		Status string `json:"status"`
		UserID string `json:"userId"`
		Error  string `json:"error"`
	} `json:"users"`
}

func TestBulkInvite(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tn := e.SeedTenant(t, "Acme")
		member := e.SeedUser(t, tn.TenantID, "member@example.com", "pw-pw-pw-pw")
		v := e.asTenant(t, tn.TenantID)
		var task struct {
			TaskID string `json:"taskId"`
		}
		v.Do(t, "POST", bulkInvite, map[string]any{"users": []any{
			map[string]any{"email": "one@example.com", "name": "One"},
			map[string]any{"email": "not an email"},
			map[string]any{"email": "member@example.com"},
			map[string]any{"email": "two@example.com", "password": "pw-pw-pw-pw", "skipInviteEmail": true},
			"not an object",
		}}).Want(t, 202).JSON(t, &task)
		if task.TaskID == "" {
			t.Fatal("no task id")
		}

		var st bulkStatusJSON
		deadline := time.Now().Add(10 * time.Second)
		for {
			v.Do(t, "GET", bulkStatus+task.TaskID, nil).Want(t, 200).JSON(t, &st)
			if st.Status == "Completed" || st.Status == "CompletedWithErrors" || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if st.Status != "CompletedWithErrors" || st.TotalUsers != 5 || st.ProcessedUsers != 5 || st.FailedUsers != 3 || st.TenantID != tn.TenantID {
			t.Fatalf("status %+v", st)
		}
		want := []struct{ status, errorPart string }{
			{"Success", ""}, {"Failed", "email must be an email"}, {"Failed", "already a member"}, {"Success", ""}, {"Failed", "must be an object"},
		}
		for i, w := range want {
			got := st.Users[i]
			if got.Index != i || got.Status != w.status || !strings.Contains(got.Error, w.errorPart) || (w.status == "Success") != (got.UserID != "") {
				t.Errorf("user %d: %+v, want %+v", i, got, w)
			}
		}
		if st.Users[2].UserID != "" || st.Users[0].Email != "one@example.com" {
			t.Errorf("users %+v (member %s)", st.Users, member.ID)
		}
		m := e.Mail.WaitFor(t, "one@example.com", 5*time.Second)
		if id, _ := invitation(t, m); id != st.Users[0].UserID || m.Subject != "You are invited to join Acme" {
			t.Fatalf("bulk invitation %q for %s", m.Subject, id)
		}
		e.Login(t, "two@example.com", "pw-pw-pw-pw")

		v.Do(t, "GET", bulkStatus+"nope", nil).WantError(t, 404, "Bulk invitation not found")
		for _, body := range []any{map[string]any{}, map[string]any{"users": []any{}}, map[string]any{"users": "x"}} {
			v.Do(t, "POST", bulkInvite, body).Want(t, 400)
		}
		e.asTenant(t, "no-such-tenant").Do(t, "POST", bulkInvite, map[string]any{"users": []any{map[string]any{"email": "a@example.com"}}}).
			WantError(t, 404, "Tenant not found")
		admin, _ := e.admin(t, tn.TenantID, "boss@example.com")
		admin.Do(t, "POST", bulkInvite, map[string]any{"users": []any{map[string]any{"email": "a@example.com"}}}).Want(t, 403)
	})
}
