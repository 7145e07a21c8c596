package mail

import (
	"net/smtp"
	"testing"
)

func TestLoginAuthRefusesCleartextToRemoteHosts(t *testing.T) {
	a := &loginAuth{username: "u", password: "p", host: "mail.example.com"}
	if _, _, err := a.Start(&smtp.ServerInfo{Name: "mail.example.com", TLS: false}); err == nil {
		t.Fatal("LOGIN credentials would travel in the clear")
	}
	if _, _, err := a.Start(&smtp.ServerInfo{Name: "mail.example.com", TLS: true}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.Start(&smtp.ServerInfo{Name: "other.example.com", TLS: true}); err == nil {
		t.Fatal("LOGIN accepted a server of another name")
	}
}
