package sms_test

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/sms"
	"github.com/hatchid/hatch/internal/sms/smstest"
)

func TestValidNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"+14155550100", true}, {"+442071838750", true}, {"+972501234567", true}, {"+1234567", true},
		{"14155550100", false}, {"+04155550100", false}, {"+1 415 555 0100", false}, {"+1415555010012345", false},
		{"+12345", false}, {"", false}, {"+1415555010a", false},
	} {
		if got := sms.ValidNumber(tc.in); got != tc.want {
			t.Errorf("ValidNumber(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func newSender(srv *smstest.Server) *sms.Sender {
	return &sms.Sender{BaseURL: srv.URL, AccountSID: srv.AccountSID, AuthToken: srv.AuthToken, From: "+15005550006"}
}

func TestSendDelivers(t *testing.T) {
	srv := smstest.Start(t, "AC123", "secret-token")
	sid, err := newSender(srv).Send(context.Background(), "+14155550100", "Your code is 123456")
	if err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(t, "+14155550100", time.Second)
	if got.SID != sid || got.Body != "Your code is 123456" || got.From != "+15005550006" || got.AccountSID != "AC123" {
		t.Fatalf("got %+v, sid %s", got, sid)
	}
}

func TestSendWithMessagingService(t *testing.T) {
	srv := smstest.Start(t, "AC123", "secret-token")
	s := newSender(srv)
	s.MessagingServiceSID = "MG42"
	if _, err := s.Send(context.Background(), "+14155550100", "hi"); err != nil {
		t.Fatal(err)
	}
	if got := srv.WaitFor(t, "+14155550100", time.Second); got.MessagingServiceSID != "MG42" || got.From != "" {
		t.Fatalf("got %+v", got)
	}
}

func TestSendErrors(t *testing.T) {
	ctx := context.Background()
	srv := smstest.Start(t, "AC123", "secret-token")

	wrongToken := newSender(srv)
	wrongToken.AuthToken = "nope"
	_, err := wrongToken.Send(ctx, "+14155550100", "hi")
	if !sms.IsPermanent(err) || sms.NotSent(err) {
		t.Errorf("wrong token: %v, want a rejection", err)
	}

	if _, err := newSender(srv).Send(ctx, "0415", "hi"); !sms.IsPermanent(err) {
		t.Errorf("bad number: %v, want a rejection", err)
	}

	srv.FailNext(1, http.StatusTooManyRequests)
	if _, err := newSender(srv).Send(ctx, "+14155550100", "hi"); !sms.NotSent(err) {
		t.Errorf("429: %v, want not sent", err)
	}

	srv.FailNext(1, http.StatusInternalServerError)
	_, err = newSender(srv).Send(ctx, "+14155550100", "hi")
	if err == nil || sms.NotSent(err) || sms.IsPermanent(err) {
		t.Errorf("500: %v, want an unknown outcome", err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	down := newSender(srv)
	down.BaseURL = closed
	if _, err := down.Send(ctx, "+14155550100", "hi"); !sms.NotSent(err) {
		t.Errorf("connection refused: %v, want not sent", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server took %d messages, want none", n)
	}
}

func TestVerify(t *testing.T) {
	srv := smstest.Start(t, "AC123", "secret-token")
	if err := newSender(srv).Verify(context.Background()); err != nil {
		t.Fatalf("right credentials: %v", err)
	}
	bad := newSender(srv)
	bad.AuthToken = "nope"
	if err := bad.Verify(context.Background()); !sms.IsPermanent(err) {
		t.Fatalf("wrong token: %v, want a rejection", err)
	}
	if srv.Requests() != 0 {
		t.Fatalf("Verify sent a message")
	}
}
